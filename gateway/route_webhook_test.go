package gateway

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/receipts"
)

func TestWebhookRoutes(t *testing.T) {
	t.Parallel()
	e := setup(t)
	a := e.login("ent-a")

	t.Run("no webhook at first", func(t *testing.T) {
		r := e.do(a, "GET", "/api/v1/webhook", nil, nil)
		require.Equal(t, 200, r.Code, r.Body.String())
		require.Equal(t, map[string]any{"url": "", "secretSet": false}, r.json(t))
	})
	bad := []struct {
		name string
		body map[string]string
		code string
	}{
		{"a first configuration without secret", map[string]string{"url": "https://a.example/hook"}, "VALIDATION_FAILED"},
		{"a relative URL", map[string]string{"url": "/hook", "secret": "0123456789abcdef"}, "VALIDATION_FAILED"},
		{"an ftp URL", map[string]string{"url": "ftp://a.example/hook", "secret": "0123456789abcdef"}, "VALIDATION_FAILED"},
		{"a URL with credentials", map[string]string{"url": "https://u:p@a.example/hook", "secret": "0123456789abcdef"}, "VALIDATION_FAILED"},
		{"a short secret", map[string]string{"url": "https://a.example/hook", "secret": "short"}, "VALIDATION_FAILED"},
		{"a loopback address", map[string]string{"url": "http://127.0.0.1:8080/hook", "secret": "0123456789abcdef"}, "VALIDATION_FAILED"},
		{"localhost", map[string]string{"url": "http://localhost/hook", "secret": "0123456789abcdef"}, "VALIDATION_FAILED"},
		{"a private address", map[string]string{"url": "https://10.0.0.5/hook", "secret": "0123456789abcdef"}, "VALIDATION_FAILED"},
		{"a cloud metadata address", map[string]string{"url": "http://169.254.169.254/latest", "secret": "0123456789abcdef"}, "VALIDATION_FAILED"},
		{"an IPv6 unique local address", map[string]string{"url": "http://[fd00::1]/hook", "secret": "0123456789abcdef"}, "VALIDATION_FAILED"},
		{"an unknown field", map[string]string{"url": "https://a.example/hook", "secret": "0123456789abcdef", "x": "1"}, "BAD_REQUEST"},
	}
	for _, tc := range bad {
		t.Run("it refuses "+tc.name, func(t *testing.T) {
			r := e.do(a, "PUT", "/api/v1/webhook", tc.body, nil)
			require.Equal(t, tc.code, r.code(t), r.Body.String())
		})
	}
	t.Run("the secret is set but never shown", func(t *testing.T) {
		r := e.do(a, "PUT", "/api/v1/webhook", map[string]string{"url": "https://a.example/hook", "secret": "0123456789abcdef"}, nil)
		require.Equal(t, 200, r.Code, r.Body.String())
		require.Equal(t, map[string]any{"url": "https://a.example/hook", "secretSet": true}, r.json(t))
		r = e.do(a, "GET", "/api/v1/webhook", nil, nil)
		require.NotContains(t, r.Body.String(), "0123456789abcdef")
		require.Equal(t, true, r.json(t)["secretSet"])
	})
	t.Run("the address changes without repeating the secret", func(t *testing.T) {
		r := e.do(a, "PUT", "/api/v1/webhook", map[string]string{"url": "https://a.example/v2"}, nil)
		require.Equal(t, 200, r.Code, r.Body.String())
		require.Equal(t, "https://a.example/v2", r.json(t)["url"])
	})
	t.Run("the delivery log starts empty and is the enterprise's own", func(t *testing.T) {
		r := e.do(a, "GET", "/api/v1/webhook/deliveries", nil, nil)
		require.Equal(t, 200, r.Code, r.Body.String())
		require.EqualValues(t, 0, r.json(t)["total"])
		require.Equal(t, []any{}, r.json(t)["items"])
	})
	t.Run("other roles have no webhook", func(t *testing.T) {
		r := e.do(e.login("officer"), "GET", "/api/v1/webhook", nil, nil)
		require.Equal(t, 403, r.Code)
	})
}

func TestRunDelivererPostsSignedReceipts(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.cfg.WebhookAllowLoopback = true // the receiver is on 127.0.0.1
	e.g = e.restart()
	got := make(chan string, 10)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil || !receipts.Verify([]byte("0123456789abcdef"), body, r.Header.Get(receipts.SignatureHeader)) {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		var rc model.Receipt
		if json.Unmarshal(body, &rc) != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		got <- rc.ID
	}))
	defer srv.Close()
	r := e.do(e.login("ent-a"), "PUT", "/api/v1/webhook", map[string]string{"url": srv.URL + "/hook", "secret": "0123456789abcdef"}, nil)
	require.Equal(t, 200, r.Code, r.Body.String())
	rc := e.addReceipt(entA, "HZ20240730AB12CD34")
	e.addReceipt(entB, "KK20240805ZX98CV76") // B has no webhook

	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- e.g.RunDeliverer(ctx, receipts.WithPollInterval(50*time.Millisecond)) }()
	select {
	case id := <-got:
		require.Equal(t, rc.ID, id)
	case <-time.After(10 * time.Second):
		t.Fatal("no delivery")
	}
	cancel()
	require.ErrorIs(t, <-done, context.Canceled)
	require.Empty(t, got)

	r = e.do(e.login("ent-a"), "GET", "/api/v1/webhook/deliveries", nil, nil)
	items := r.json(t)["items"].([]any)
	require.Len(t, items, 1)
	require.EqualValues(t, 200, items[0].(map[string]any)["lastStatus"])
	require.NotNil(t, items[0].(map[string]any)["deliveredAt"])
}
