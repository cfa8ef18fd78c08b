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
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"

	"zonetrace/internal/sealing"
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
	parkRetry    time.Duration
	registerer   prometheus.Registerer
	metrics      *metrics
	sealer       *sealing.Sealer

	mu     sync.Mutex
	status Status
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
		parkRetry:    time.Minute,
		metrics:      newMetrics(),
		status:       Status{State: StateStarting},
	}
	for _, opt := range opts {
		opt(ix)
	}
	if ix.registerer != nil {
		if err := ix.metrics.register(ix.registerer); err != nil {
			ix.log.Warn("indexer: metrics not registered", "err", err)
		}
	}
	return ix
}

// Run follows the ledger from the checkpoint until ctx ends, and then returns
// ctx.Err(). A broken stream or a transient failure is logged and retried
// from the checkpoint with capped exponential backoff. A block that cannot be
// projected parks the indexer on it with an alarm (see park); it is retried
// every park interval and never skipped.
func (ix *Indexer) Run(ctx context.Context) error {
	return ix.follow(ctx, nil)
}

// CatchUp follows the ledger until the indexed height (the checkpoint's next
// block) is at least target, retrying transient failures like Run. It
// returns nil once reached, ctx.Err() if ctx ends first, and the *BlockError
// of a block that cannot be projected (after raising its alarm): rebuild and
// the auditor report it rather than wait for an upgrade.
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
		var wait time.Duration
		var blockErr *BlockError
		if errors.As(err, &blockErr) && blockErr.Poison {
			ix.park(ctx, blockErr)
			if reached != nil {
				return err
			}
			wait = ix.parkRetry
		} else {
			ix.retrying(err)
			ix.log.ErrorContext(ctx, "indexer: stream interrupted or database unreachable (transient); reconnecting from checkpoint",
				"err", err, "retry_in", backoff)
			wait = backoff
			backoff = min(2*backoff, ix.maxBackoff)
		}
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			return ctx.Err()
		case <-timer.C:
		}
	}
}

// park raises the alarm for a block that cannot be projected: an ERROR log,
// the parked metrics, the in-memory Status and a row in indexer_alarms that
// the gateway's /readyz and the auditor read.
//
// Why park rather than skip or retry fast: every block is applied exactly
// once and in order, so skipping one would leave the read model silently
// different from the chain for good (and a later block could depend on it).
// Retrying fast is pointless, since the same statements meet the same
// refusal. The way forward is a fix (a new indexer version, a database
// repair), after which the next retry, every park interval or at restart,
// applies the block and resolves the alarm in the same transaction.
func (ix *Indexer) park(ctx context.Context, e *BlockError) {
	reason := StoreText(e.Err.Error())
	ix.log.ErrorContext(ctx, "indexer: block cannot be projected; parked on it (nothing after it is applied)",
		"block", e.Block, "reason", reason, "retry_in", ix.parkRetry)
	_, err := ix.pool.Exec(ctx, `INSERT INTO indexer_alarms (block_number, reason) VALUES ($1, $2)
		ON CONFLICT (block_number) DO UPDATE SET reason = EXCLUDED.reason,
			attempts = indexer_alarms.attempts + 1, last_at = now(), resolved_at = NULL`,
		int64(e.Block), reason)
	if err != nil {
		ix.log.ErrorContext(ctx, "indexer: could not store the alarm of a parked block", "block", e.Block, "err", err)
	}
	ix.metrics.parked(e.Block)
	// The status goes last: whoever sees the indexer parked (/readyz, the
	// auditor) finds its alarm, metric and log already there.
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if ix.status.State != StateParked || ix.status.Block != e.Block {
		ix.status = Status{State: StateParked, NextBlock: e.Block, Block: e.Block, Since: time.Now()}
	}
	ix.status.Reason = reason
}

// retrying records a transient failure; a parked indexer stays parked until
// its block applies.
func (ix *Indexer) retrying(err error) {
	ix.metrics.failures.WithLabelValues("transient").Inc()
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if ix.status.State == StateParked {
		return
	}
	if ix.status.State != StateRetrying {
		ix.status.Since = time.Now()
	}
	ix.status.State = StateRetrying
	ix.status.Reason = StoreText(err.Error())
}

// applied records that the checkpoint reached next.
func (ix *Indexer) applied(next uint64) {
	ix.metrics.following(next)
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if ix.status.State != StateFollowing {
		ix.status = Status{State: StateFollowing, Since: time.Now()}
	}
	ix.status.NextBlock = next
}

// maxBlocksPerTransaction bounds how many waiting blocks one PostgreSQL
// transaction applies.
const maxBlocksPerTransaction = 32

// listenOnce reads the checkpoint and listens from it until the stream ends.
// done reports that reached became true; progressed that a block was applied.
// The ledger's stream runs ahead of the writer by up to
// maxBlocksPerTransaction blocks; whatever has arrived when the writer is
// free is applied in one transaction (applyBlocks), so a writer that fell
// behind pays one commit for many blocks.
func (ix *Indexer) listenOnce(ctx context.Context, reached func(uint64) bool) (done, progressed bool, err error) {
	next, err := ix.checkpoint(ctx)
	if err != nil {
		return false, false, err
	}
	ix.metrics.nextBlock.Set(float64(next))
	if reached != nil && reached(next) {
		return true, false, nil
	}
	streamCtx, stop := context.WithCancel(ctx)
	blocks := make(chan ledger.Block, maxBlocksPerTransaction)
	streamErr := make(chan error, 1)
	go func() {
		defer close(blocks)
		streamErr <- ix.ledger.Listen(streamCtx, next, func(b ledger.Block) error {
			select {
			case blocks <- b:
				return nil
			case <-streamCtx.Done():
				return streamCtx.Err()
			}
		})
	}()
	// stopStream ends the stream and waits for it, discarding what it still
	// delivers, so that no goroutine outlives this call.
	stopStream := func() {
		stop()
		for range blocks {
			continue
		}
	}
	for {
		b, ok := <-blocks
		if !ok {
			stop()
			err = <-streamErr
			if err == nil {
				err = errors.New("listen returned without an error")
			}
			return false, progressed, fmt.Errorf("listen from block %d: %w", next, err)
		}
		group := []ledger.Block{b}
		for len(group) < maxBlocksPerTransaction && (reached == nil || !reached(group[len(group)-1].Number+1)) {
			waiting, more := ledger.Block{}, false
			select {
			case waiting, more = <-blocks:
			default:
			}
			if !more {
				break
			}
			group = append(group, waiting)
		}
		n, err := ix.applyBlocks(ctx, group)
		if err != nil {
			stopStream()
			return false, progressed, fmt.Errorf("listen from block %d: apply blocks %d to %d: %w",
				next, group[0].Number, group[len(group)-1].Number, err)
		}
		ix.applied(n)
		progressed = true
		if reached != nil && reached(n) {
			stopStream()
			return true, progressed, nil
		}
	}
}

func (ix *Indexer) checkpoint(ctx context.Context) (uint64, error) {
	var next int64
	if err := ix.pool.QueryRow(ctx, `SELECT next_block FROM indexer_checkpoint`).Scan(&next); err != nil {
		return 0, fmt.Errorf("read indexer checkpoint: %w", err)
	}
	return uint64(next), nil
}
