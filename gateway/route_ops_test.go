package gateway

import (
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/require"
)

func TestOps(t *testing.T) {
	t.Parallel()
	e := setup(t)

	t.Run("healthz answers", func(t *testing.T) {
		require.Equal(t, 200, e.do("", "GET", "/healthz", nil, nil).Code)
	})
	t.Run("readyz reports the ledger height and indexer lag", func(t *testing.T) {
		e.ledger.height = 5
		r := e.do("", "GET", "/readyz", nil, nil)
		require.Equal(t, 200, r.Code)
		m := r.json(t)
		require.Equal(t, "ready", m["status"])
		require.EqualValues(t, 4, m["indexer"].(map[string]any)["lag"])
	})
	t.Run("readyz is 503 when the ledger is unreachable", func(t *testing.T) {
		e.ledger.down = true
		defer func() { e.ledger.down = false }()
		r := e.do("", "GET", "/readyz", nil, nil)
		require.Equal(t, 503, r.Code)
		require.Equal(t, "unreachable", r.json(t)["ledger"].(map[string]any)["status"])
	})
	t.Run("metrics count requests by route", func(t *testing.T) {
		e.do("", "GET", "/healthz", nil, nil)
		r := e.do("", "GET", "/metrics", nil, nil)
		require.Equal(t, 200, r.Code)
		require.Contains(t, r.Body.String(), `zonetrace_http_requests_total{method="GET",route="/healthz",status="200"}`)
	})
	t.Run("every answer carries the security headers", func(t *testing.T) {
		r := e.do("", "GET", "/healthz", nil, nil)
		require.Equal(t, "nosniff", r.Header().Get("X-Content-Type-Options"))
		require.Equal(t, "DENY", r.Header().Get("X-Frame-Options"))
		require.Contains(t, r.Header().Get("Content-Security-Policy"), "frame-ancestors 'none'")
		require.NotEmpty(t, r.Header().Get("Referrer-Policy"))
		require.NotEmpty(t, r.Header().Get("X-Request-Id"))
	})
}

func TestWebApp(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.cfg.WebFS = fstest.MapFS{
		"dist/index.html":         {Data: []byte("<!doctype html><div id=app></div>")},
		"dist/assets/app-1a2b.js": {Data: []byte("console.log(1)")},
	}
	g := e.restart()

	t.Run("client routes fall back to index.html", func(t *testing.T) {
		r := doOn(t, g, "", "GET", "/t/CF2501010001X", nil, nil)
		require.Equal(t, 200, r.Code)
		require.Contains(t, r.Body.String(), "id=app")
		require.Equal(t, "no-cache", r.Header().Get("Cache-Control"))
	})
	t.Run("assets are cached for long", func(t *testing.T) {
		r := doOn(t, g, "", "GET", "/assets/app-1a2b.js", nil, nil)
		require.Equal(t, 200, r.Code)
		require.Contains(t, r.Header().Get("Cache-Control"), "immutable")
	})
	t.Run("unknown API paths are JSON 404s, not the app", func(t *testing.T) {
		r := doOn(t, g, "", "GET", "/api/v1/nope", nil, nil)
		require.Equal(t, 404, r.Code)
		require.Equal(t, "NOT_FOUND", r.code(t))
	})
	t.Run("without a web app everything else is 404", func(t *testing.T) {
		require.Equal(t, 404, e.do("", "GET", "/", nil, nil).Code)
	})
}
