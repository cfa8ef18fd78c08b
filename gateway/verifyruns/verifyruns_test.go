package verifyruns_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"zonetrace/gateway"
	"zonetrace/gateway/verifyruns"
	"zonetrace/internal/jobs"
	"zonetrace/internal/pgtest"
)

// clock is a settable time source.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func setup(t *testing.T) (*verifyruns.Store, *clock) {
	t.Helper()
	ctx := context.Background()
	pool := pgtest.NewPool(t)
	require.NoError(t, gateway.Migrate(ctx, pool))
	require.NoError(t, jobs.Migrate(ctx, pool))
	c := &clock{now: time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)}
	s, err := verifyruns.New(pool, c.Now)
	require.NoError(t, err)
	return s, c
}

func TestRunLifecycle(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, c := setup(t)

	run, started, err := s.Start(ctx, "auditor")
	require.NoError(t, err)
	require.True(t, started)
	require.Equal(t, verifyruns.StatusRunning, run.Status)
	require.Equal(t, c.Now(), run.StartedAt)

	c.advance(time.Second)
	again, started, err := s.Start(ctx, "customs")
	require.NoError(t, err)
	require.False(t, started, "a second start while one runs returns that run")
	require.Equal(t, run.ID, again.ID)
	require.Equal(t, "auditor", again.StartedBy)

	require.NoError(t, s.Progress(ctx, run.ID, 40, 120))
	got, err := s.Get(ctx, run.ID)
	require.NoError(t, err)
	require.Equal(t, int64(40), got.BlocksChecked)
	require.Equal(t, int64(120), got.Height)

	c.advance(time.Minute)
	require.NoError(t, s.Finish(ctx, run.ID, verifyruns.Outcome{Status: verifyruns.StatusPassed, Blocks: 121, Tables: 16, Lag: 1}))
	got, err = s.Get(ctx, run.ID)
	require.NoError(t, err)
	require.Equal(t, verifyruns.StatusPassed, got.Status)
	require.Equal(t, int64(121), got.BlocksChecked, "a passed run checked every block")
	require.Equal(t, 16, got.Tables)
	require.Equal(t, int64(1), got.Lag)
	require.Equal(t, run.StartedAt.Add(time.Minute+time.Second), *got.FinishedAt)

	require.NoError(t, s.Progress(ctx, run.ID, 1, 1), "progress of a finished run changes nothing")
	got, err = s.Get(ctx, run.ID)
	require.NoError(t, err)
	require.Equal(t, int64(121), got.BlocksChecked)

	second, started, err := s.Start(ctx, "customs")
	require.NoError(t, err)
	require.True(t, started, "a finished run does not block the next")
	require.NoError(t, s.Finish(ctx, second.ID, verifyruns.Outcome{Status: verifyruns.StatusFailed, Message: "table prefilings differs"}))
	got, err = s.Get(ctx, second.ID)
	require.NoError(t, err)
	require.Equal(t, "table prefilings differs", got.Message)
	require.Equal(t, int64(0), got.BlocksChecked, "a failed run keeps the progress it made")

	history, err := s.List(ctx, 10)
	require.NoError(t, err)
	require.Equal(t, []int64{second.ID, run.ID}, []int64{history[0].ID, history[1].ID})

	_, err = s.Get(ctx, 999)
	require.ErrorIs(t, err, verifyruns.ErrNotFound)
}

func TestConcurrentStartsMakeOneRun(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := setup(t)
	ids := make(chan int64, 8)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			run, _, err := s.Start(ctx, "auditor")
			require.NoError(t, err)
			ids <- run.ID
		})
	}
	wg.Wait()
	close(ids)
	first := <-ids
	for id := range ids {
		require.Equal(t, first, id)
	}
}

func TestAbandonRunning(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := setup(t)
	run, _, err := s.Start(ctx, "auditor")
	require.NoError(t, err)
	require.NoError(t, s.AbandonRunning(ctx))
	got, err := s.Get(ctx, run.ID)
	require.NoError(t, err)
	require.Equal(t, verifyruns.StatusError, got.Status)
	require.Contains(t, got.Message, "interrupted")
	_, started, err := s.Start(ctx, "auditor")
	require.NoError(t, err)
	require.True(t, started)
}
