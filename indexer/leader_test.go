package indexer_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"zonetrace/indexer"
	"zonetrace/indexer/query"
)

// TestLeaderElection: two nodes over one database, one writer at a time. The
// leader's lock connection is killed by the server (pg_terminate_backend),
// then the new leader stops; each time the other node takes over, and every
// block is in the mirror exactly once.
func TestLeaderElection(t *testing.T) {
	t.Parallel()
	f := setup(t)
	blocks := f.lifecycle()
	held, err := indexer.LockHeld(t.Context(), f.pool)
	require.NoError(t, err)
	require.False(t, held, "no node runs yet")
	newLeader := func() (*indexer.Leader, context.CancelFunc, chan error) {
		l := indexer.NewLeader(f.pool.Config().ConnConfig, f.indexer()).WithTimings(50*time.Millisecond, 50*time.Millisecond)
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan error, 1)
		go func() { done <- l.Run(ctx) }()
		return l, cancel, done
	}
	waitIndexed := func(n int) {
		t.Helper()
		ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
		defer cancel()
		require.NoError(t, query.New(f.pool).WaitForBlock(ctx, uint64(n-1)), "indexer log:\n%s", f.logs.String())
	}
	more := func(from, count int) int {
		for i := range count {
			f.chain.RegisterEnterprise(fmt.Sprintf("91320583MA1L%06d", from+i), fmt.Sprintf("L%d", from+i))
		}
		return count
	}

	a, stopA, doneA := newLeader()
	require.Eventually(t, a.Leading, 10*time.Second, 10*time.Millisecond)
	held, err = indexer.LockHeld(t.Context(), f.pool)
	require.NoError(t, err)
	require.True(t, held, "a node runs")
	b, stopB, doneB := newLeader()
	waitIndexed(blocks)
	listens := f.feed.Listens()
	time.Sleep(300 * time.Millisecond) // several of b's chances to misbehave
	require.False(t, b.Leading(), "b waits while a holds the lock")
	require.Equal(t, listens, f.feed.Listens(), "a follower does not read the ledger")

	// The server ends the leader's lock session (as when its host vanishes
	// and the keepalives give up).
	var killed int
	require.NoError(t, f.pool.QueryRow(t.Context(), `SELECT count(pg_terminate_backend(pid)) FROM pg_locks
		WHERE locktype = 'advisory' AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`).Scan(&killed))
	require.Equal(t, 1, killed, "exactly one session holds the writer lock")
	require.Eventually(t, func() bool { return b.Leading() && !a.Leading() }, 10*time.Second, 10*time.Millisecond,
		"b takes over; a notices its lost connection and waits")
	blocks += more(0, 5)
	waitIndexed(blocks)

	// The new leader stops (its node closes): a, competing again, takes over.
	stopB()
	require.ErrorIs(t, <-doneB, context.Canceled)
	require.False(t, b.Leading())
	require.Eventually(t, a.Leading, 10*time.Second, 10*time.Millisecond, "a takes over from a stopped leader")
	blocks += more(5, 5)
	waitIndexed(blocks)
	stopA()
	require.ErrorIs(t, <-doneA, context.Canceled)

	require.Equal(t, blocks, f.checkpoint(t))
	require.Equal(t, blocks, f.count(t, `SELECT count(*) FROM ledger_transactions`), "no block lost or applied twice")
	require.Equal(t, blocks, f.count(t, `SELECT count(DISTINCT block_number) FROM ledger_transactions`))
	require.Equal(t, 12, f.count(t, `SELECT count(*) FROM enterprises`))
	require.Eventually(t, func() bool {
		return f.count(t, `SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'
			AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`) == 0
	}, 10*time.Second, 10*time.Millisecond, "a stopped node leaves no lock behind")
}
