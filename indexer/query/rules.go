package query

import (
	"context"
	"encoding/json"
	"errors"
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

// CurrentTags is the tag catalogue of the newest configuration version the
// mirror holds, with that version; before customs wrote one, the built-in
// defaults' (version 0). Versions only grow, so the newest row is the one in
// force once the indexer has caught up.
func (r *Reader) CurrentTags(ctx context.Context) (int, []model.TagDef, error) {
	var raw []byte
	err := r.pool.QueryRow(ctx, `SELECT doc FROM rule_configs ORDER BY version DESC LIMIT 1`).Scan(&raw)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, model.DefaultRuleConfig().Tags, nil
	}
	if err != nil {
		return 0, nil, fmt.Errorf("read the current tag catalogue: %w", err)
	}
	var cfg model.RuleConfig
	if err := json.Unmarshal(raw, &cfg); err != nil {
		return 0, nil, fmt.Errorf("decode rule configuration: %w", err)
	}
	if cfg.Tags == nil {
		cfg.Tags = []model.TagDef{}
	}
	return cfg.Version, cfg.Tags, nil
}
