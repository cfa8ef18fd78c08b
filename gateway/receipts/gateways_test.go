package receipts

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestSeveralGatewaysDeliverEachReceiptOnce: three gateways run a deliverer
// each over one database (their own stores, as separate processes would)
// while receipts keep coming; every receipt reaches the receiver once.
func TestSeveralGatewaysDeliverEachReceiptOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, pool := newStore(t)
	rcv := &receiver{secret: []byte("a-long-webhook-secret"), acked: map[string]int{}, tried: map[string]int{}}
	srv := httptest.NewServer(rcv)
	defer srv.Close()
	_, err := s.SetWebhook(ctx, entA, srv.URL+"/zonetrace", string(rcv.secret), "ent-a")
	require.NoError(t, err)

	src := &fakeSource{}
	var want []string
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan error, 3)
	for range 3 {
		gateway := NewStore(pool, s.sealer)
		go func() {
			done <- NewDeliverer(gateway, src, WithPollInterval(10*time.Millisecond),
				WithHTTPClient(&http.Client{Timeout: 5 * time.Second}), WithAddressPolicy(AddressPolicy{AllowLoopback: true}),
				WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil)))).Run(runCtx)
		}()
	}
	for range 60 {
		want = append(want, src.add(entA).ID)
		time.Sleep(5 * time.Millisecond)
	}
	require.Eventually(t, func() bool {
		var pending, total int
		require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FILTER (WHERE delivered_at IS NULL), count(*) FROM webhook_deliveries`).Scan(&pending, &total))
		return total == len(want) && pending == 0
	}, 30*time.Second, 20*time.Millisecond)
	// Let a second sender of one receipt show itself, then look.
	time.Sleep(500 * time.Millisecond)
	cancel()
	for range 3 {
		require.ErrorIs(t, <-done, context.Canceled)
	}

	rcv.mu.Lock()
	defer rcv.mu.Unlock()
	require.Len(t, rcv.acked, len(want))
	for _, id := range want {
		require.Equal(t, 1, rcv.tried[id], "receipt %s sent once by the three gateways", id)
	}
	require.Empty(t, rcv.late)
}
