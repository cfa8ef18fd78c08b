package alerts_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"zonetrace/gateway/alerts"
	"zonetrace/gateway/retention"
	"zonetrace/internal/jobs"
)

type idleOutbox struct{}

func (idleOutbox) RedriveDue(context.Context) (int, error) { return 0, nil }

type idlePurger struct{}

func (idlePurger) Purge(context.Context) (retention.Report, error) { return retention.Report{}, nil }

// TestTwoGatewayQueues: two gateway processes' job queues on one database
// run the engine's periodic jobs; every alert is raised once, and the
// storage check too.
func TestTwoGatewayQueues(t *testing.T) {
	ctx := context.Background()
	pool := alerts.NewTestPool(t)
	require.NoError(t, jobs.Migrate(ctx, pool))
	src, sink, blocks, want := alerts.NewScenario()
	now := time.Now()
	src.AddHolding(alerts.Holding{TraceCode: "ls-over", EnterpriseID: "E1", Commodity: "冻品", Since: now.AddDate(0, 0, -91)})
	want = append([]string{"long_storage ls-over"}, want...)
	var queues []*jobs.Queue
	for range 2 {
		q, err := jobs.Start(ctx, jobs.Config{Pool: pool, Outbox: idleOutbox{}, Purger: idlePurger{},
			Alerts: alerts.New(pool, src, alerts.WithSink(sink)), AlertsEvery: 100 * time.Millisecond, StorageCheckEvery: 200 * time.Millisecond})
		require.NoError(t, err)
		queues = append(queues, q)
	}
	for _, b := range blocks {
		src.AddBlock(b)
		time.Sleep(20 * time.Millisecond)
	}
	require.Eventually(t, func() bool { return len(alerts.Stored(t, pool)) == len(want) }, 30*time.Second, 50*time.Millisecond)
	time.Sleep(500 * time.Millisecond) // more rounds of both queues, which must raise nothing
	for _, q := range queues {
		stop, cancel := context.WithTimeout(ctx, 10*time.Second)
		require.NoError(t, q.Stop(stop))
		cancel()
	}
	require.ElementsMatch(t, want, alerts.Stored(t, pool))
	require.ElementsMatch(t, want, alerts.SinkKeys(sink), "each alert told once")
}
