package receipts

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestShutdownIsBounded: a stop used to wait for every claimed delivery
// to a receiver that never answers (200 × the 10 s client timeout). Now it
// aborts the attempts in flight and hands the deliveries back, unattempted
// and due at once.
func TestShutdownIsBounded(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, pool := newStore(t)
	var requests atomic.Int64
	release := make(chan struct{})
	hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer hang.Close()
	defer close(release)
	_, err := s.SetWebhook(ctx, entA, hang.URL+"/zonetrace", "a-long-webhook-secret", "ent-a")
	require.NoError(t, err)
	src := &fakeSource{}
	for range 20 {
		src.add(entA)
	}

	// A client timeout far beyond any shutdown budget: only the stop can
	// end the attempts.
	d := NewDeliverer(s, src, WithPollInterval(50*time.Millisecond), WithHTTPClient(&http.Client{Timeout: time.Hour}),
		WithAddressPolicy(AddressPolicy{AllowLoopback: true}), // the receiver is on 127.0.0.1
		WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- d.Run(runCtx) }()
	require.Eventually(t, func() bool { return requests.Load() >= 4 }, 10*time.Second, 20*time.Millisecond, "attempts in flight")

	cancel()
	select {
	case err := <-done:
		require.ErrorIs(t, err, context.Canceled)
	case <-time.After(30 * time.Second):
		t.Fatal("the deliverer did not stop while a receiver hangs")
	}

	var owed, attempted, due int
	require.NoError(t, pool.QueryRow(ctx, `SELECT count(*), count(*) FILTER (WHERE attempts > 0), count(*) FILTER (WHERE next_attempt_at <= now())
		FROM webhook_deliveries WHERE delivered_at IS NULL`).Scan(&owed, &attempted, &due))
	require.Equal(t, 20, owed, "nothing was delivered")
	require.Zero(t, attempted, "an aborted attempt is not counted against the receiver")
	require.Equal(t, 20, due, "every delivery is due again at the next start")
}
