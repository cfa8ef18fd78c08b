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

func TestStore(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := pgtest.NewPool(t)
	require.NoError(t, schema.Migrate(ctx, pool))
	s := submissions.New(pool)
	req := submissions.Request{Username: "alice", Key: "k1", Method: "POST", Path: "/api/v1/prefiling-drafts", Body: []byte(`{"data":{}}`)}

	out, rec, err := s.Claim(ctx, req, time.Minute, nil)
	require.NoError(t, err)
	require.Equal(t, submissions.Claimed, out)
	require.Equal(t, submissions.StatusPending, rec.Status)
	require.Equal(t, req.Body, rec.Body, "the request is persisted before the work starts")
	require.True(t, rec.Replayable)

	t.Run("a secret body is not kept, only its hash", func(t *testing.T) {
		secret := submissions.Request{Username: "alice", Key: "k2", Method: "POST", Path: "/api/v1/users", Body: []byte(`{"password":"hunter2hunter2"}`), Secret: true}
		_, rec, err := s.Claim(ctx, secret, time.Minute, nil)
		require.NoError(t, err)
		require.Empty(t, rec.Body)
		require.False(t, rec.Replayable)
		require.NoError(t, s.Complete(ctx, "alice", "k2", submissions.Response{Status: 201}))
		out, _, err := s.Claim(ctx, secret, time.Minute, nil)
		require.NoError(t, err)
		require.Equal(t, submissions.Replay, out, "a repeat is still recognised by the hash")
	})
	t.Run("a repeat during the work is in progress", func(t *testing.T) {
		out, _, err := s.Claim(ctx, req, time.Minute, nil)
		require.NoError(t, err)
		require.Equal(t, submissions.InProgress, out)
	})
	t.Run("the same key for another user is a separate submission", func(t *testing.T) {
		other := req
		other.Username = "bob"
		out, _, err := s.Claim(ctx, other, time.Minute, nil)
		require.NoError(t, err)
		require.Equal(t, submissions.Claimed, out)
	})
	t.Run("a released submission is pending and claimable again", func(t *testing.T) {
		status, err := s.Release(ctx, "alice", "k1", submissions.Response{Status: 503}, "LEDGER_UNAVAILABLE: down")
		require.NoError(t, err)
		require.Equal(t, submissions.StatusPending, status)
		sum, err := s.Summarize(ctx)
		require.NoError(t, err)
		require.Equal(t, 2, sum.Pending)
		require.Equal(t, 1, sum.Failing)
		require.Equal(t, "LEDGER_UNAVAILABLE: down", sum.LastError)
		out, rec, err := s.Claim(ctx, req, time.Minute, nil)
		require.NoError(t, err)
		require.Equal(t, submissions.Claimed, out)
		require.Equal(t, 2, rec.Attempts)
	})
	t.Run("a completed submission replays its response", func(t *testing.T) {
		block := uint64(7)
		require.NoError(t, s.Complete(ctx, "alice", "k1", submissions.Response{Status: 201, Body: []byte(`{"id":"x"}`), TxID: "tx1", Block: &block}))
		out, rec, err := s.Claim(ctx, req, time.Minute, nil)
		require.NoError(t, err)
		require.Equal(t, submissions.Replay, out)
		require.Equal(t, 201, rec.ResponseStatus)
		require.JSONEq(t, `{"id":"x"}`, string(rec.ResponseBody))
		require.Equal(t, uint64(7), *rec.Block)
		require.Equal(t, "tx1", rec.TxID)
	})
	t.Run("another body under the same key is refused", func(t *testing.T) {
		other := req
		other.Body = []byte(`{"data":{"x":1}}`)
		out, _, err := s.Claim(ctx, other, time.Minute, nil)
		require.NoError(t, err)
		require.Equal(t, submissions.Reused, out)
	})
}
