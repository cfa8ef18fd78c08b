package query

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// recheckInterval bounds how long a waiter trusts notifications alone: a
// missed notification (dropped connection, indexer restarted elsewhere) costs
// at most this delay, never a hang.
const recheckInterval = time.Second

// notifyChannel is indexer.NotifyChannel, repeated so that the read model does
// not import the projector.
const notifyChannel = "zt_indexed"

// heightWatch shares one LISTEN connection among every WaitForBlock in
// flight. A connection per waiter would let a burst of read-your-writes
// requests take the whole pool and starve the indexer they are waiting for.
type heightWatch struct {
	mu      sync.Mutex
	waiters int
	height  uint64
	changed chan struct{} // closed and replaced whenever height advances
	stop    context.CancelFunc
	done    chan struct{}
}

// replicaPoll is how often a wait rereads a replica's height once the
// primary has the block: replay usually follows within milliseconds.
const replicaPoll = 10 * time.Millisecond

// WaitForBlock returns once block is indexed (IndexedHeight > block) where
// the Reader's queries go, or ctx.Err() when ctx ends first.
func (r *Reader) WaitForBlock(ctx context.Context, block uint64) error {
	w := &r.watch
	w.join(r.primary)
	defer w.leave()
	for {
		w.mu.Lock()
		height, changed := w.height, w.changed
		w.mu.Unlock()
		if height > block {
			return r.waitReplayed(ctx, block)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("wait for block %d: %w", block, ctx.Err())
		case <-changed:
		case <-time.After(recheckInterval):
			h, err := r.IndexedHeight(ctx)
			if err != nil {
				return fmt.Errorf("wait for block %d: %w", block, err)
			}
			w.publish(h)
		}
	}
}

// waitReplayed waits until the replica, if any, has replayed block.
func (r *Reader) waitReplayed(ctx context.Context, block uint64) error {
	if r.pool == r.primary {
		return nil
	}
	for {
		h, err := r.IndexedHeight(ctx)
		if err != nil {
			return fmt.Errorf("wait for block %d on the read replica: %w", block, err)
		}
		if h > block {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("wait for block %d on the read replica: %w", block, ctx.Err())
		case <-time.After(replicaPoll):
		}
	}
}

// join registers a waiter, starting the listener for the first one.
func (w *heightWatch) join(pool *pgxpool.Pool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.changed == nil {
		w.changed = make(chan struct{})
	}
	w.waiters++
	if w.waiters > 1 {
		return
	}
	if w.done != nil {
		// A listener told to stop may still be running; let it finish so
		// two never share the watch.
		done := w.done
		w.mu.Unlock()
		<-done
		w.mu.Lock()
	}
	ctx, cancel := context.WithCancel(context.Background())
	w.stop, w.done = cancel, make(chan struct{})
	go w.listen(ctx, pool, w.done)
}

// leave unregisters a waiter, stopping the listener after the last one.
func (w *heightWatch) leave() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.waiters--
	if w.waiters == 0 {
		w.stop()
	}
}

// publish records a height and wakes the waiters if it advanced.
func (w *heightWatch) publish(height uint64) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if height > w.height {
		w.height = height
		close(w.changed)
		w.changed = make(chan struct{})
	}
}

// listen follows the indexer's notifications until ctx ends, reconnecting
// after connection failures.
func (w *heightWatch) listen(ctx context.Context, pool *pgxpool.Pool, done chan struct{}) {
	defer close(done)
	for ctx.Err() == nil {
		if err := w.listenOnce(ctx, pool); err != nil && ctx.Err() == nil {
			select {
			case <-ctx.Done():
			case <-time.After(200 * time.Millisecond):
			}
		}
	}
}

func (w *heightWatch) listenOnce(ctx context.Context, pool *pgxpool.Pool) error {
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("acquire connection: %w", err)
	}
	defer func() {
		// A connection still listening must not go back to the pool; if
		// UNLISTEN fails the connection is broken and is closed instead.
		cleanup, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if _, err := conn.Exec(cleanup, "UNLISTEN "+notifyChannel); err != nil {
			_ = conn.Hijack().Close(cleanup)
			return
		}
		conn.Release()
	}()
	if _, err := conn.Exec(ctx, "LISTEN "+notifyChannel); err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	for {
		// Read the height after LISTEN so no commit slips between the two.
		var next int64
		if err := conn.QueryRow(ctx, `SELECT next_block FROM indexer_checkpoint`).Scan(&next); err != nil {
			return fmt.Errorf("read indexed height: %w", err)
		}
		w.publish(uint64(next))
		if err := w.notifications(ctx, conn); err != nil {
			return err
		}
	}
}

// notifications publishes announced heights for up to recheckInterval.
func (w *heightWatch) notifications(ctx context.Context, conn *pgxpool.Conn) error {
	tick, cancel := context.WithTimeout(ctx, recheckInterval)
	defer cancel()
	for {
		n, err := conn.Conn().WaitForNotification(tick)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if errors.Is(err, context.DeadlineExceeded) || tick.Err() != nil {
				return nil
			}
			return fmt.Errorf("wait for notification: %w", err)
		}
		if height, perr := strconv.ParseUint(n.Payload, 10, 64); perr == nil {
			w.publish(height)
		}
	}
}
