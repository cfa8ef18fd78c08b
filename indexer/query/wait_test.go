package query_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"zonetrace/indexer"
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
