package jobs_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"zonetrace/internal/jobs"
	"zonetrace/internal/pgtest"
)

// TestSeveralGatewaysRunEachJobOnce: two gateways start a queue each on one
// database. River's elected leader alone schedules the periodic jobs, so
// there are not twice as many, and each job is worked by one of the two
// gateways once: the runs the gateways saw add up to River's attempts.
func TestSeveralGatewaysRunEachJobOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := pgtest.NewPool(t)
	require.NoError(t, jobs.Migrate(ctx, pool))
	const every = 200 * time.Millisecond
	anchorers := []*countingAnchorer{{}, {}}
	began := time.Now()
	var queues []*jobs.Queue
	for _, a := range anchorers {
		q, err := jobs.Start(ctx, jobs.Config{Pool: pool, Outbox: &countingOutbox{}, Purger: &countingPurger{}, Anchorer: a, AnchorEvery: every})
		require.NoError(t, err)
		queues = append(queues, q)
	}
	runs := func() int64 { return anchorers[0].runs.Load() + anchorers[1].runs.Load() }
	require.Eventually(t, func() bool { return runs() >= 8 }, 30*time.Second, 20*time.Millisecond)
	for _, q := range queues {
		require.NoError(t, q.Stop(ctx))
	}
	elapsed := time.Since(began)

	var attempts, scheduled int64
	require.NoError(t, pool.QueryRow(ctx, `SELECT coalesce(sum(attempt), 0), count(*) FROM river_job WHERE kind = 'oplog_anchor'`).
		Scan(&attempts, &scheduled))
	require.Equal(t, attempts, runs(), "every run is one attempt of one job: none was worked by both gateways")
	require.LessOrEqual(t, scheduled, int64(elapsed/every)+2, "one schedule, not one per gateway")
}
