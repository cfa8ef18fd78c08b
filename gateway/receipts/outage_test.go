package receipts

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
)

// receiver is an enterprise's webhook endpoint that can be down.
type receiver struct {
	secret []byte
	mu     sync.Mutex
	down   bool
	acked  map[string]int // 2xx answers per receipt id
	late   []string       // requests for a receipt already acknowledged
	forged int            // requests with a bad signature
	tried  map[string]int // all requests per receipt id
}

func (r *receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, err := io.ReadAll(req.Body)
	if err != nil {
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	var rc model.Receipt
	if err := json.Unmarshal(body, &rc); err != nil {
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.tried[rc.ID]++
	if !Verify(r.secret, body, req.Header.Get(SignatureHeader)) {
		r.forged++
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	if r.down {
		w.WriteHeader(http.StatusServiceUnavailable)
		return
	}
	if r.acked[rc.ID] > 0 {
		r.late = append(r.late, rc.ID)
	}
	r.acked[rc.ID]++
	w.WriteHeader(http.StatusNoContent)
}

// TestReceiverDownForAMinuteGetsEveryReceiptOnce is the acceptance test of
// webhook delivery: the receiver refuses connections for 30 s, then answers
// 503 for 30 s; receipts keep coming and the deliverer crashes and restarts
// during the outage. Once the receiver is back, every receipt of the
// enterprise arrives and is acknowledged exactly once, nothing is sent for
// a receipt after its acknowledgement, and nothing of another enterprise.
func TestReceiverDownForAMinuteGetsEveryReceiptOnce(t *testing.T) {
	t.Parallel()
	const outage = 60 * time.Second
	ctx := context.Background()
	s, pool := newStore(t)
	rcv := &receiver{secret: []byte("a-long-webhook-secret"), down: true, acked: map[string]int{}, tried: map[string]int{}}

	// Reserve a port, then free it: connections are refused until the
	// server starts on it.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	_, err = s.SetWebhook(ctx, entA, "http://"+addr+"/zonetrace", string(rcv.secret), "ent-a")
	require.NoError(t, err)

	src := &fakeSource{}
	var want []string
	for range 5 {
		want = append(want, src.add(entA).ID)
		src.add(entB)
	}
	opts := []Option{
		WithPollInterval(100 * time.Millisecond),
		WithBackoff(Backoff{Base: 200 * time.Millisecond, Cap: 3 * time.Second}), // test-only cap
		WithHTTPClient(&http.Client{Timeout: 2 * time.Second}),
		WithAddressPolicy(AddressPolicy{AllowLoopback: true}), // the receiver is on 127.0.0.1
		WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))),
	}
	start := func() (stop func()) {
		runCtx, cancel := context.WithCancel(ctx)
		done := make(chan error, 1)
		go func() { done <- NewDeliverer(s, src, opts...).Run(runCtx) }()
		return func() {
			cancel()
			require.ErrorIs(t, <-done, context.Canceled)
		}
	}
	began := time.Now()
	stop := start()

	var srv *httptest.Server
	defer func() {
		if srv != nil {
			srv.Close()
		}
	}()
	for step := 1; time.Since(began) < outage; step++ {
		time.Sleep(5 * time.Second)
		want = append(want, src.add(entA).ID)
		src.add(entB)
		switch {
		case step == 4:
			// The deliverer crashes and comes back mid-outage.
			stop()
			stop = start()
		case step == 6 && srv == nil:
			// Half-way: the host is up again but the service answers 503.
			srv = httptest.NewUnstartedServer(rcv)
			require.NoError(t, srv.Listener.Close())
			srv.Listener, err = net.Listen("tcp", addr)
			require.NoError(t, err)
			srv.Start()
		}
	}
	require.NotNil(t, srv)
	rcv.mu.Lock()
	require.Empty(t, rcv.acked, "nothing can be acknowledged during the outage")
	require.NotEmpty(t, rcv.tried, "503 answers were tried during the outage")
	rcv.down = false
	rcv.mu.Unlock()
	t.Logf("receiver back after %s", time.Since(began).Round(time.Second))

	require.Eventually(t, func() bool {
		var pending int
		require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM webhook_deliveries WHERE delivered_at IS NULL`).Scan(&pending))
		return pending == 0
	}, 30*time.Second, 100*time.Millisecond)
	// Let a buggy deliverer send a duplicate, then look.
	time.Sleep(2 * time.Second)
	stop()

	rcv.mu.Lock()
	defer rcv.mu.Unlock()
	require.GreaterOrEqual(t, len(want), 5+11, "receipts kept coming during the outage")
	require.Len(t, rcv.acked, len(want))
	for _, id := range want {
		require.Equal(t, 1, rcv.acked[id], "receipt %s", id)
	}
	require.Empty(t, rcv.late, "no request after an acknowledgement")
	require.Zero(t, rcv.forged, "every request is signed")

	var attempts int
	require.NoError(t, pool.QueryRow(ctx, `SELECT attempts FROM webhook_deliveries WHERE receipt_id = $1`, want[0]).Scan(&attempts))
	require.Greater(t, attempts, 5, "the first receipt was retried through the outage")
	var lastErr string
	require.NoError(t, pool.QueryRow(ctx, `SELECT last_error FROM webhook_deliveries WHERE receipt_id = $1`, want[0]).Scan(&lastErr))
	require.Empty(t, lastErr)
}
