package basicdata_test

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/basicdata"
	"zonetrace/gateway/basicdata/connector"
)

// recorder is a connector that delivers one HS code and remembers the
// since it was asked with, per data set.
type recorder struct {
	mu    sync.Mutex
	since map[string][]time.Time
	fail  string
}

func (r *recorder) Name() string { return "recorder" }

func (r *recorder) Fetch(_ context.Context, dataset string, since time.Time) ([]connector.Delivery, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.since == nil {
		r.since = map[string][]time.Time{}
	}
	r.since[dataset] = append(r.since[dataset], since)
	if dataset == r.fail {
		return nil, errors.New("platform unreachable")
	}
	if dataset != basicdata.HSCodes {
		return nil, nil
	}
	return []connector.Delivery{{Dataset: dataset, Full: since.IsZero(), Source: "recorder",
		Records: []json.RawMessage{json.RawMessage(`{"code":"0901110000","name":"生咖啡","unit":"千克","validFrom":"2017-01-01"}`)}}}, nil
}

func (r *recorder) sinces(dataset string) []time.Time {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]time.Time(nil), r.since[dataset]...)
}

// "Sync now" queues a River job; the node's queue works it with the
// service's clock, and the next pull asks for what changed since the last.
func TestSyncNowJob(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := newPool(t)
	clk := &clock{t: day1}
	conn := &recorder{fail: basicdata.Declarations}
	svc, err := basicdata.New(pool, conn, basicdata.WithClock(clk.now))
	require.NoError(t, err)

	workers := river.NewWorkers()
	svc.AddWorkers(workers)
	client, err := river.NewClient(riverpgxv5.New(pool), &river.Config{Workers: workers,
		Queues: map[string]river.QueueConfig{basicdata.Queue: {MaxWorkers: 1}}, FetchPollInterval: 200 * time.Millisecond})
	require.NoError(t, err)

	queued, created, err := svc.SyncNow(ctx, "zadmin")
	require.NoError(t, err)
	require.True(t, created)
	require.Equal(t, basicdata.StateQueued, queued.State)
	again, created, err := svc.SyncNow(ctx, "zadmin")
	require.NoError(t, err)
	require.False(t, created, "a queued sync absorbs another sync now")
	require.Equal(t, queued.ID, again.ID)

	require.NoError(t, client.Start(ctx))
	t.Cleanup(func() { _ = client.Stop(context.Background()) })
	var done basicdata.Sync
	require.Eventually(t, func() bool {
		done, err = svc.Sync(ctx, queued.ID)
		require.NoError(t, err)
		return done.FinishedAt != nil
	}, 20*time.Second, 50*time.Millisecond)
	require.Equal(t, basicdata.StateFailed, done.State, "one data set could not be pulled")
	require.Equal(t, []basicdata.PullFailure{{Dataset: basicdata.Declarations, Detail: "platform unreachable"}}, done.Failures)
	require.Equal(t, basicdata.SyncCounts{Added: 1, Deliveries: 1}, done.Counts[basicdata.HSCodes], "the others were synced")
	require.Equal(t, "zadmin", done.RequestedBy)
	require.Equal(t, day1, *done.StartedAt)
	require.Equal(t, day1, *done.FinishedAt)

	clk.set(day1.Add(time.Hour))
	y, err := svc.RunScheduled(ctx)
	require.NoError(t, err)
	require.Equal(t, basicdata.SyncCounts{Unchanged: 1, Deliveries: 1}, y.Counts[basicdata.HSCodes])
	require.Equal(t, []time.Time{{}, day1}, utc(conn.sinces(basicdata.HSCodes)), "the second pull asks since the first")
	require.Equal(t, []time.Time{{}, {}}, utc(conn.sinces(basicdata.Declarations)), "a failed pull is asked for whole again")

	log, err := svc.Syncs(ctx, 1, 10)
	require.NoError(t, err)
	require.Equal(t, 2, log.Total)
	require.Equal(t, y.ID, log.Items[0].ID)

	_, err = svc.Sync(ctx, 999)
	var refusal *model.Error
	require.ErrorAs(t, err, &refusal)
	require.Equal(t, model.ReasonBasicDataSyncNotFound, refusal.Reason)

	t.Run("a sync cut off by a stop is failed at the next start", func(t *testing.T) {
		// Inserted as the job would leave it: no job of the running queue
		// may pick it up meanwhile.
		var id int64
		require.NoError(t, pool.QueryRow(ctx, `INSERT INTO basic_data_syncs (trigger, state, created_at, started_at)
			VALUES ('schedule', 'running', now(), now()) RETURNING id`).Scan(&id))
		require.NoError(t, svc.AbandonRunning(ctx))
		cut, err := svc.Sync(ctx, id)
		require.NoError(t, err)
		require.Equal(t, basicdata.StateFailed, cut.State)
		require.Len(t, cut.Failures, 1)
		require.Empty(t, cut.Failures[0].Dataset)
	})
	t.Run("without a connector nothing is synced", func(t *testing.T) {
		off, err := basicdata.New(pool, nil)
		require.NoError(t, err)
		_, _, err = off.SyncNow(ctx, "zadmin")
		require.ErrorAs(t, err, &refusal)
		require.Equal(t, model.ReasonBasicDataNotConfigured, refusal.Reason)
		require.Empty(t, off.PeriodicJobs())
		require.Len(t, svc.PeriodicJobs(), 1)
	})
}

func utc(ts []time.Time) []time.Time {
	out := make([]time.Time, len(ts))
	for i, t := range ts {
		if !t.IsZero() {
			out[i] = t.UTC()
		}
	}
	return out
}
