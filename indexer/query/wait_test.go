package query_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"zonetrace/indexer"
	"zonetrace/indexer/query"
)

func TestWaitForBlock(t *testing.T) {
	t.Parallel()

	t.Run("a block already indexed returns at once", func(t *testing.T) {
		t.Parallel()
		w := newWorld(t)
		require.NoError(t, w.reader.WaitForBlock(t.Context(), 0))
	})

	t.Run("it returns once the indexer commits the block", func(t *testing.T) {
		t.Parallel()
		w := newWorld(t)
		height, err := w.feed.Height(t.Context())
		require.NoError(t, err)
		ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
		defer cancel()
		done := make(chan error, 1)
		go func() { done <- w.reader.WaitForBlock(ctx, height) }()

		w.chain.RegisterEnterprise("91320583MA1GAMMA03", "Gamma")
		runCtx, stop := context.WithCancel(t.Context())
		ran := make(chan error, 1)
		go func() { ran <- indexer.New(w.pool, w.feed).Run(runCtx) }()
		require.NoError(t, <-done)
		stop()
		require.ErrorIs(t, <-ran, context.Canceled)

		got, err := w.reader.Enterprise(t.Context(), "91320583MA1GAMMA03")
		require.NoError(t, err, "read-your-writes: the block's rows are visible once the wait returns")
		require.Equal(t, "Gamma", got.Name)
	})

	t.Run("many waiters share one connection and never starve the indexer", func(t *testing.T) {
		t.Parallel()
		w := newWorld(t)
		cfg := w.pool.Config().Copy()
		cfg.MaxConns = 4
		small, err := pgxpool.NewWithConfig(t.Context(), cfg)
		require.NoError(t, err)
		defer small.Close()
		reader := query.New(small)
		height, err := w.feed.Height(t.Context())
		require.NoError(t, err)

		ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
		defer cancel()
		const waiters = 32
		done := make(chan error, waiters)
		for range waiters {
			go func() { done <- reader.WaitForBlock(ctx, height) }()
		}
		w.chain.RegisterEnterprise("91320583MA1DELTA04", "Delta")
		runCtx, stop := context.WithCancel(t.Context())
		ran := make(chan error, 1)
		go func() { ran <- indexer.New(small, w.feed).Run(runCtx) }()
		for range waiters {
			require.NoError(t, <-done)
		}
		stop()
		require.ErrorIs(t, <-ran, context.Canceled)
	})

	t.Run("it gives up when ctx ends and leaves the pool usable", func(t *testing.T) {
		t.Parallel()
		w := newWorld(t)
		ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
		defer cancel()
		require.ErrorIs(t, w.reader.WaitForBlock(ctx, 1000), context.DeadlineExceeded)
		for range 3 {
			_, err := w.reader.IndexedHeight(t.Context())
			require.NoError(t, err)
		}
		var listening int
		require.NoError(t, w.pool.QueryRow(t.Context(), `SELECT count(*) FROM pg_listening_channels()`).Scan(&listening))
		require.Zero(t, listening)
	})
}
