// Package indexer follows the ledger's committed blocks and mirrors them into
// PostgreSQL exactly once: every block is applied in one database transaction
// together with the checkpoint, so an indexer killed at any instant resumes
// from the checkpoint without loss or duplicate.
package indexer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"zonetrace/network/ledger"
)

// NotifyChannel is the PostgreSQL NOTIFY channel on which the indexer
// announces, at each commit, the next block number it will process.
const NotifyChannel = "zt_indexed"

// Indexer projects ledger blocks into the PostgreSQL read model.
type Indexer struct {
	pool         *pgxpool.Pool
	ledger       ledger.Ledger
	log          *slog.Logger
	firstBackoff time.Duration
	maxBackoff   time.Duration
}

// New returns an indexer writing to pool (migrated with Migrate) from l. The
// caller keeps ownership of pool and l.
func New(pool *pgxpool.Pool, l ledger.Ledger, opts ...Option) *Indexer {
	ix := &Indexer{
		pool:         pool,
		ledger:       l,
		log:          slog.Default(),
		firstBackoff: 200 * time.Millisecond,
		maxBackoff:   30 * time.Second,
	}
	for _, opt := range opts {
		opt(ix)
	}
	return ix
}

// Run follows the ledger from the checkpoint until ctx ends, and then returns
// ctx.Err(). A broken stream or a failed block is logged and retried from the
// checkpoint with capped exponential backoff; it is never taken as the end.
func (ix *Indexer) Run(ctx context.Context) error {
	return ix.follow(ctx, nil)
}

// CatchUp follows the ledger until the indexed height (the checkpoint's next
// block) is at least target, retrying like Run. It returns nil once reached,
// or ctx.Err() if ctx ends first.
func (ix *Indexer) CatchUp(ctx context.Context, target uint64) error {
	return ix.follow(ctx, func(next uint64) bool { return next >= target })
}

// follow is the reconnect loop shared by Run and CatchUp; reached, when not
// nil, says when to stop.
func (ix *Indexer) follow(ctx context.Context, reached func(next uint64) bool) error {
	backoff := ix.firstBackoff
	for {
		done, progressed, err := ix.listenOnce(ctx, reached)
		if done {
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if progressed {
			backoff = ix.firstBackoff
		}
		ix.log.ErrorContext(ctx, "indexer: stream interrupted, reconnecting from checkpoint",
			"err", err, "retry_in", backoff)
		timer := time.NewTimer(backoff)
		select {
		case <-ctx.Done():
			timer.Stop()
			return ctx.Err()
		case <-timer.C:
		}
		backoff = min(2*backoff, ix.maxBackoff)
	}
}

// listenOnce reads the checkpoint and listens from it until the stream ends.
// done reports that reached became true; progressed that a block was applied.
func (ix *Indexer) listenOnce(ctx context.Context, reached func(uint64) bool) (done, progressed bool, err error) {
	next, err := ix.checkpoint(ctx)
	if err != nil {
		return false, false, err
	}
	if reached != nil && reached(next) {
		return true, false, nil
	}
	err = ix.ledger.Listen(ctx, next, func(b ledger.Block) error {
		n, err := ix.applyBlock(ctx, b)
		if err != nil {
			return err
		}
		progressed = true
		if reached != nil && reached(n) {
			done = true
			return errReached
		}
		return nil
	})
	if done {
		return true, progressed, nil
	}
	if err == nil {
		err = errors.New("listen returned without an error")
	}
	return false, progressed, fmt.Errorf("listen from block %d: %w", next, err)
}

// errReached stops Listen once CatchUp's target is indexed.
var errReached = errors.New("indexer: target height reached")

func (ix *Indexer) checkpoint(ctx context.Context) (uint64, error) {
	var next int64
	if err := ix.pool.QueryRow(ctx, `SELECT next_block FROM indexer_checkpoint`).Scan(&next); err != nil {
		return 0, fmt.Errorf("read indexer checkpoint: %w", err)
	}
	return uint64(next), nil
}
