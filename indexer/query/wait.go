package query

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// recheckInterval bounds how long WaitForBlock trusts LISTEN alone: a missed
// notification (dropped connection, indexer restarted elsewhere) costs at most
// this delay, never a hang.
const recheckInterval = time.Second

// notifyChannel is indexer.NotifyChannel, repeated so that the read model does
// not import the projector.
const notifyChannel = "zt_indexed"

// WaitForBlock returns once block is indexed (IndexedHeight > block), or
// ctx.Err() when ctx ends first. It listens for the indexer's notifications on
// a dedicated pooled connection and re-reads the height periodically.
func (r *Reader) WaitForBlock(ctx context.Context, block uint64) error {
	conn, err := r.pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("wait for block %d: acquire connection: %w", block, err)
	}
	defer func() {
		// A connection still listening must not go back to the pool; if
		// UNLISTEN fails the connection is broken and the pool discards it.
		cleanup, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if _, uerr := conn.Exec(cleanup, "UNLISTEN "+notifyChannel); uerr != nil {
			// The connection is unusable either way; whether closing it
			// fails too changes nothing for the caller's wait.
			_ = conn.Hijack().Close(cleanup)
			return
		}
		conn.Release()
	}()
	if _, err := conn.Exec(ctx, "LISTEN "+notifyChannel); err != nil {
		return fmt.Errorf("wait for block %d: listen: %w", block, err)
	}
	for {
		// Read the height after LISTEN so no commit can slip between the two.
		height, err := r.heightOn(ctx, conn)
		if err != nil {
			return fmt.Errorf("wait for block %d: %w", block, err)
		}
		if height > block {
			return nil
		}
		if err := waitNotification(ctx, conn, block); err != nil {
			return fmt.Errorf("wait for block %d: %w", block, err)
		}
	}
}

func (r *Reader) heightOn(ctx context.Context, conn *pgxpool.Conn) (uint64, error) {
	var next int64
	if err := conn.QueryRow(ctx, `SELECT next_block FROM indexer_checkpoint`).Scan(&next); err != nil {
		return 0, fmt.Errorf("read indexed height: %w", err)
	}
	return uint64(next), nil
}

// waitNotification waits up to recheckInterval for notifications, returning
// early once one announces a height beyond block. It returns an error only
// when ctx ends or the connection fails.
func waitNotification(ctx context.Context, conn *pgxpool.Conn, block uint64) error {
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
		if height, perr := strconv.ParseUint(n.Payload, 10, 64); perr == nil && height > block {
			return nil
		}
	}
}
