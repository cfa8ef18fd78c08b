package jobs_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"zonetrace/gateway/oplog"
	"zonetrace/gateway/retention"
	"zonetrace/internal/jobs"
	"zonetrace/internal/pgtest"
)

type countingOutbox struct {
	rounds atomic.Int64
	// block makes a round wait for its context, like a re-drive stuck on
	// an unresponsive ledger.
	block     bool
	cancelled atomic.Bool
}

func (o *countingOutbox) RedriveDue(ctx context.Context) (int, error) {
	o.rounds.Add(1)
	if o.block {
		<-ctx.Done()
		o.cancelled.Store(true)
		return 0, ctx.Err()
	}
	return 0, nil
}

type countingPurger struct{ runs atomic.Int64 }

func (p *countingPurger) Purge(context.Context) (retention.Report, error) {
	p.runs.Add(1)
	return retention.Report{}, nil
}

type countingAnchorer struct{ runs atomic.Int64 }

func (a *countingAnchorer) AnchorOperationLog(context.Context) (*oplog.Anchor, error) {
	n := a.runs.Add(1)
	return &oplog.Anchor{Seq: n, TxID: "tx"}, nil
}

func TestPeriodicJobsAreScheduledAndRun(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := pgtest.NewPool(t)
	require.NoError(t, jobs.Migrate(ctx, pool))
	require.NoError(t, jobs.Migrate(ctx, pool), "migrating twice is harmless")
	outbox, purger, anchorer := &countingOutbox{}, &countingPurger{}, &countingAnchorer{}
	q, err := jobs.Start(ctx, jobs.Config{Pool: pool, Outbox: outbox, Purger: purger, RedriveEvery: 200 * time.Millisecond,
		Anchorer: anchorer, AnchorEvery: 300 * time.Millisecond})
	require.NoError(t, err)
	defer func() { require.NoError(t, q.Stop(ctx)) }()

	require.Eventually(t, func() bool { return outbox.rounds.Load() >= 3 }, 20*time.Second, 50*time.Millisecond,
		"recovery runs at start and then every period")
	require.Eventually(t, func() bool { return purger.runs.Load() >= 1 }, 20*time.Second, 50*time.Millisecond,
		"retention runs at start")
	require.Eventually(t, func() bool { return anchorer.runs.Load() >= 2 }, 20*time.Second, 50*time.Millisecond,
		"the operation log is anchored every period")
	var kinds []string
	rows, err := pool.Query(ctx, `SELECT DISTINCT kind FROM river_job ORDER BY kind`)
	require.NoError(t, err)
	for rows.Next() {
		var k string
		require.NoError(t, rows.Scan(&k))
		kinds = append(kinds, k)
	}
	require.NoError(t, rows.Err())
	require.Equal(t, []string{"oplog_anchor", "outbox_redrive", "retention_purge"}, kinds, "the schedule lives in PostgreSQL")
}

// TestStopCancelsStuckJobs: a job stuck on an unresponsive dependency
// does not hold the node's shutdown beyond the caller's deadline.
func TestStopCancelsStuckJobs(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := pgtest.NewPool(t)
	require.NoError(t, jobs.Migrate(ctx, pool))
	outbox := &countingOutbox{block: true}
	q, err := jobs.Start(ctx, jobs.Config{Pool: pool, Outbox: outbox, Purger: &countingPurger{}})
	require.NoError(t, err)
	require.Eventually(t, func() bool { return outbox.rounds.Load() >= 1 }, 20*time.Second, 50*time.Millisecond)

	stopCtx, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancel()
	require.NoError(t, q.Stop(stopCtx))
	require.True(t, outbox.cancelled.Load(), "the stuck round was cancelled")
}
