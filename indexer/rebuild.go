package indexer

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"zonetrace/network/ledger"
)

// Rebuild empties every projection table and resets the checkpoint to block 0
// in one transaction, then replays the chain until the indexed height equals
// the ledger's height as read before the reset. The result must equal the
// tables built incrementally (compare with TableDigest).
func Rebuild(ctx context.Context, pool *pgxpool.Pool, l ledger.Ledger, opts ...Option) error {
	height, err := l.Height(ctx)
	if err != nil {
		return fmt.Errorf("rebuild: read ledger height: %w", err)
	}
	names := make([]string, len(projectionTables))
	for i, t := range projectionTables {
		names[i] = t.name
	}
	err = pgx.BeginTxFunc(ctx, pool, pgx.TxOptions{}, func(tx pgx.Tx) error {
		// Lock the checkpoint first, in the order applyBlock does, so a running
		// indexer waits for the reset instead of deadlocking with it.
		if _, err := tx.Exec(ctx, `SELECT next_block FROM indexer_checkpoint FOR UPDATE`); err != nil {
			return fmt.Errorf("lock checkpoint: %w", err)
		}
		if _, err := tx.Exec(ctx, `TRUNCATE `+strings.Join(names, ", ")); err != nil {
			return fmt.Errorf("truncate projections: %w", err)
		}
		if _, err := tx.Exec(ctx, `UPDATE indexer_checkpoint SET next_block = 0, updated_at = now()`); err != nil {
			return fmt.Errorf("reset checkpoint: %w", err)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("rebuild: %w", err)
	}
	if err := New(pool, l, opts...).CatchUp(ctx, height); err != nil {
		return fmt.Errorf("rebuild: replay to height %d: %w", height, err)
	}
	return nil
}
