package alerts

import (
	"context"
	"time"
)

// Heights tells when the indexer has applied a block (*query.Reader).
type Heights interface {
	// WaitForBlock returns once block is indexed, or ctx's error.
	WaitForBlock(ctx context.Context, block uint64) error
}

// followRetry is the pause after a failed step or wait before trying again.
const followRetry = time.Second

// Follow steps the engine as soon as the indexer applies a block, until ctx
// ends, so an alert follows its block in milliseconds rather than at the
// next round of the job queue. The periodic job stays the durable path: it
// covers whatever a follower misses (a process stopped mid-step, a lost
// notification), and the cursor lock makes a follower and the job — of
// this process or another — take turns, never evaluate a block twice.
func (e *Engine) Follow(ctx context.Context, h Heights) {
	for ctx.Err() == nil {
		// The height is read before stepping: a block indexed while the
		// step runs ends the wait at once.
		height, err := e.src.IndexedHeight(ctx)
		if err == nil {
			_, err = e.Step(ctx)
		}
		if err == nil {
			err = h.WaitForBlock(ctx, height+1)
		}
		if err != nil && ctx.Err() == nil {
			e.log.Warn("risk alerts: follow the indexer", "err", err)
			select {
			case <-ctx.Done():
			case <-time.After(followRetry):
			}
		}
	}
}
