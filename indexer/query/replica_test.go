package query_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"zonetrace/indexer"
	"zonetrace/indexer/query"
	"zonetrace/internal/pgtest"
)

// TestReadReplica: with a read replica the queries go to the replica, and a
// wait returns only once the replica has the block as well as the primary.
// The "replica" is a second database whose replay the test plays by hand.
func TestReadReplica(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	replica := pgtest.NewPool(t)
	require.NoError(t, indexer.Migrate(t.Context(), replica))
	reader := query.New(w.pool, query.WithReadReplica(replica))
	height, err := w.feed.Height(t.Context())
	require.NoError(t, err)

	list, err := reader.Enterprises(t.Context())
	require.NoError(t, err)
	require.Empty(t, list, "the queries go to the replica, which has replayed nothing yet")

	ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
	defer cancel()
	require.ErrorIs(t, reader.WaitForBlock(ctx, height-1), context.DeadlineExceeded,
		"the primary has the block, the replica not yet")

	done := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
		defer cancel()
		done <- reader.WaitForBlock(ctx, height-1)
	}()
	time.Sleep(50 * time.Millisecond)
	_, err = replica.Exec(t.Context(), `UPDATE indexer_checkpoint SET next_block = $1`, int64(height))
	require.NoError(t, err)
	require.NoError(t, <-done, "the replica replayed the block")
}
