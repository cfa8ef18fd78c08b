package query

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"zonetrace/chaincode/model"
)

// RecentDeclarations lists the ids of the newest declarations of a review
// rule's kind, newest first, at most n: the targets of a dry run. Prefilings
// by declaration time, supplements by their prefiling's last update,
// documents of the family by declaration time; ties by id, so the answer is
// stable for a given read model.
func (r *Reader) RecentDeclarations(ctx context.Context, kind model.DeclarationKind, n int) ([]string, error) {
	var rows pgx.Rows
	var err error
	switch kind {
	case model.KindPrefiling:
		rows, err = r.pool.Query(ctx, `SELECT id FROM prefilings ORDER BY declared_at DESC, id COLLATE "C" DESC LIMIT $1`, n)
	case model.KindSupplement:
		rows, err = r.pool.Query(ctx, `SELECT id FROM prefilings WHERE supplement_status <> ''
			ORDER BY updated_at DESC, id COLLATE "C" DESC LIMIT $1`, n)
	default:
		rows, err = r.pool.Query(ctx, `SELECT id FROM documents WHERE family = $1
			ORDER BY declared_at DESC, id COLLATE "C" DESC LIMIT $2`, string(kind), n)
	}
	if err != nil {
		return nil, fmt.Errorf("list recent %s: %w", kind, err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("list recent %s: %w", kind, err)
	}
	return ids, nil
}
