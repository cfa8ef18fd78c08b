package sealing

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// SealRows rewrites, in one transaction, the column each row of query
// (id, column) holds as seal makes it, with update ($1 id, $2 column).
func SealRows(ctx context.Context, pool *pgxpool.Pool, query, update string, seal func(id string, raw []byte) ([]byte, error)) (int, error) {
	n := 0
	err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, query)
		if err != nil {
			return err
		}
		type found struct {
			id  string
			raw []byte
		}
		list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (found, error) {
			var f found
			return f, r.Scan(&f.id, &f.raw)
		})
		if err != nil {
			return err
		}
		for _, f := range list {
			sealed, err := seal(f.id, f.raw)
			if err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, update, f.id, sealed); err != nil {
				return err
			}
		}
		n = len(list)
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("seal rows stored in clear: %w", err)
	}
	return n, nil
}
