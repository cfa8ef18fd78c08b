package submissions

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestDecide(t *testing.T) {
	t.Parallel()
	now := time.Date(2025, 1, 1, 12, 0, 0, 0, time.UTC)
	req := Request{Username: "u", Key: "k", Method: "POST", Path: "/api/v1/x", Body: []byte(`{"a":1}`)}
	base := Record{Method: "POST", Path: "/api/v1/x", BodySHA256: req.BodySHA256(), Status: StatusPending, LeaseUntil: now.Add(time.Minute)}
	cases := []struct {
		name   string
		change func(*Record, *Request)
		want   Outcome
	}{
		{"a repeat while the lease runs is in progress", func(*Record, *Request) {}, InProgress},
		{"a repeat after the lease expired is claimed", func(r *Record, _ *Request) { r.LeaseUntil = now }, Claimed},
		{"a repeat of a done submission is replayed", func(r *Record, _ *Request) { r.Status = StatusDone }, Replay},
		{"a repeat of a failed submission is replayed", func(r *Record, _ *Request) { r.Status = StatusFailed }, Replay},
		{"a different body reuses the key", func(_ *Record, q *Request) { q.Body = []byte(`{"a":2}`) }, Reused},
		{"a different path reuses the key", func(_ *Record, q *Request) { q.Path = "/api/v1/y" }, Reused},
		{"a different body of a done submission still reuses the key", func(r *Record, q *Request) { r.Status = StatusDone; q.Body = nil }, Reused},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r, q := base, req
			tc.change(&r, &q)
			require.Equal(t, tc.want, decide(r, q, now))
		})
	}
}
