package submissions_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"zonetrace/gateway/schema"
	"zonetrace/gateway/submissions"
	"zonetrace/internal/pgtest"
)

// clock is a settable time for the store.
type clock struct{ t time.Time }

func (c *clock) now() time.Time          { return c.t }
func (c *clock) advance(d time.Duration) { c.t = c.t.Add(d) }
func newClock() *clock                   { return &clock{t: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)} }
func keys(recs []submissions.Record) []string {
	out := make([]string, 0, len(recs))
	for _, r := range recs {
		out = append(out, r.Key)
	}
	return out
}

func TestRetryDelay(t *testing.T) {
	t.Parallel()
	require.Equal(t, 2*time.Second, submissions.RetryDelay(1))
	require.Equal(t, 4*time.Second, submissions.RetryDelay(2))
	require.Equal(t, 16*time.Second, submissions.RetryDelay(4))
	require.Equal(t, 5*time.Minute, submissions.RetryDelay(9))
	require.Equal(t, 5*time.Minute, submissions.RetryDelay(1000))
}

// TestFailedWriteDoesNotBlockStartup: a write that answered 500 used to
// stay pending for ever, and every start re-drove it and exited 1. Now it
// is retried on a durable schedule and, failing for a cause a retry cannot
// fix, ends failed with its answer and is never re-driven again.
func TestFailedWriteDoesNotBlockStartup(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := pgtest.NewPool(t)
	require.NoError(t, schema.Migrate(ctx, pool))
	clk := newClock()
	s := submissions.NewWithClock(pool, clk.now)
	internal := submissions.Response{Status: 500, Body: []byte(`{"error":{"code":"INTERNAL"}}`)}
	unavailable := submissions.Response{Status: 503, Body: []byte(`{"error":{"code":"LEDGER_UNAVAILABLE"}}`)}
	broken := submissions.Request{Username: "u", Key: "broken", Method: "POST", Path: "/api/v1/x", Body: []byte(`{}`)}
	outage := submissions.Request{Username: "u", Key: "outage", Method: "POST", Path: "/api/v1/y", Body: []byte(`{}`)}

	for _, req := range []submissions.Request{broken, outage} {
		out, _, err := s.Claim(ctx, req, time.Minute, nil)
		require.NoError(t, err)
		require.Equal(t, submissions.Claimed, out)
	}
	_, err := s.Release(ctx, "u", "broken", internal, "INTERNAL: x")
	require.NoError(t, err)
	_, err = s.Release(ctx, "u", "outage", unavailable, "LEDGER_UNAVAILABLE: down")
	require.NoError(t, err)

	due, err := s.Due(ctx, 10)
	require.NoError(t, err)
	require.Empty(t, due, "a failed attempt waits for its retry time")
	clk.advance(submissions.RetryDelay(1))
	due, err = s.Due(ctx, 10)
	require.NoError(t, err)
	require.ElementsMatch(t, []string{"broken", "outage"}, keys(due))

	// Each re-drive claims (one more attempt) and fails again.
	for attempt := 2; attempt <= submissions.MaxAttempts; attempt++ {
		for _, req := range []submissions.Request{broken, outage} {
			out, rec, err := s.Claim(ctx, req, time.Minute, nil)
			require.NoError(t, err)
			require.Equal(t, submissions.Claimed, out)
			require.Equal(t, attempt, rec.Attempts)
		}
		st, err := s.Release(ctx, "u", "broken", internal, "INTERNAL: x")
		require.NoError(t, err)
		if attempt < submissions.MaxAttempts {
			require.Equal(t, submissions.StatusPending, st)
		} else {
			require.Equal(t, submissions.StatusFailed, st, "given up after %d attempts", submissions.MaxAttempts)
		}
		st, err = s.Release(ctx, "u", "outage", unavailable, "LEDGER_UNAVAILABLE: down")
		require.NoError(t, err)
		require.Equal(t, submissions.StatusPending, st, "an unavailable ledger is retried for as long as it takes")
		clk.advance(submissions.RetryDelay(attempt))
	}

	due, err = s.Due(ctx, 10)
	require.NoError(t, err)
	require.Equal(t, []string{"outage"}, keys(due), "a failed submission is never re-driven")
	out, rec, err := s.Claim(ctx, broken, time.Minute, nil)
	require.NoError(t, err)
	require.Equal(t, submissions.Replay, out, "a client's retry gets the final answer")
	require.Equal(t, 500, rec.ResponseStatus)
	require.JSONEq(t, `{"error":{"code":"INTERNAL"}}`, string(rec.ResponseBody))

	sum, err := s.Summarize(ctx)
	require.NoError(t, err)
	require.Equal(t, submissions.Summary{Pending: 1, Failing: 1, Failed: 1, OldestPending: sum.OldestPending, LastError: "LEDGER_UNAVAILABLE: down"}, sum)
	require.NotNil(t, sum.OldestPending)
}

func TestReleaseLeasesAfterKill(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := pgtest.NewPool(t)
	require.NoError(t, schema.Migrate(ctx, pool))
	clk := newClock()
	s := submissions.NewWithClock(pool, clk.now)
	req := submissions.Request{Username: "u", Key: "inflight", Method: "POST", Path: "/api/v1/x", Body: []byte(`{}`)}
	_, _, err := s.Claim(ctx, req, 2*time.Minute, nil)
	require.NoError(t, err)
	due, err := s.Due(ctx, 10)
	require.NoError(t, err)
	require.Empty(t, due, "running under its lease")

	// The process holding the lease was killed; the next start releases it.
	n, err := s.ReleaseLeases(ctx)
	require.NoError(t, err)
	require.EqualValues(t, 1, n)
	due, err = s.Due(ctx, 10)
	require.NoError(t, err)
	require.Equal(t, []string{"inflight"}, keys(due))
}

func TestRetentionPurgesOutboxBodies(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := pgtest.NewPool(t)
	require.NoError(t, schema.Migrate(ctx, pool))
	clk := newClock()
	s := submissions.NewWithClock(pool, clk.now)
	old := submissions.Request{Username: "u", Key: "old", Method: "POST", Path: "/api/v1/x", Body: []byte(`{"big":"body"}`)}
	owed := submissions.Request{Username: "u", Key: "owed", Method: "POST", Path: "/api/v1/x", Body: []byte(`{"still":"owed"}`)}
	for _, req := range []submissions.Request{old, owed} {
		_, _, err := s.Claim(ctx, req, time.Minute, nil)
		require.NoError(t, err)
	}
	require.NoError(t, s.Complete(ctx, "u", "old", submissions.Response{Status: 201, Body: []byte(`{"id":"r1"}`)}))
	clk.advance(31 * 24 * time.Hour)
	recent := submissions.Request{Username: "u", Key: "recent", Method: "POST", Path: "/api/v1/x", Body: []byte(`{"new":1}`)}
	_, _, err := s.Claim(ctx, recent, time.Minute, nil)
	require.NoError(t, err)
	require.NoError(t, s.Complete(ctx, "u", "recent", submissions.Response{Status: 201, Body: []byte(`{"id":"r2"}`)}))

	n, err := s.PurgeBodies(ctx, clk.now().Add(-30*24*time.Hour))
	require.NoError(t, err)
	require.EqualValues(t, 1, n)

	rec, err := s.Get(ctx, "u", "old")
	require.NoError(t, err)
	require.Empty(t, rec.Body, "the body is gone")
	require.Equal(t, old.BodySHA256(), rec.BodySHA256, "its hash is kept")
	out, rec, err := s.Claim(ctx, old, time.Minute, nil)
	require.NoError(t, err)
	require.Equal(t, submissions.Replay, out, "a repeat is still recognised and answered")
	require.JSONEq(t, `{"id":"r1"}`, string(rec.ResponseBody))
	changed := old
	changed.Body = []byte(`{"big":"other"}`)
	out, _, err = s.Claim(ctx, changed, time.Minute, nil)
	require.NoError(t, err)
	require.Equal(t, submissions.Reused, out)

	for key, body := range map[string]string{"owed": `{"still":"owed"}`, "recent": `{"new":1}`} {
		rec, err := s.Get(ctx, "u", key)
		require.NoError(t, err)
		require.JSONEq(t, body, string(rec.Body), "%s keeps its body", key)
	}
}
