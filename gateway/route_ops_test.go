package gateway

import (
	"context"
	"sync/atomic"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/require"

	"zonetrace/indexer"
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
		indexerCheck := check(t, m, "indexer")
		require.True(t, indexerCheck["ok"].(bool))
		require.EqualValues(t, 4, indexerCheck["details"].(map[string]any)["lag"])
		require.True(t, check(t, m, "database")["ok"].(bool))
	})
	t.Run("readyz is 503 when the ledger is unreachable", func(t *testing.T) {
		e.ledger.down = true
		defer func() { e.ledger.down = false }()
		r := e.do("", "GET", "/readyz", nil, nil)
		require.Equal(t, 503, r.Code)
		ledger := check(t, r.json(t), "ledger")
		require.False(t, ledger["ok"].(bool))
		require.Equal(t, "unreachable", ledger["reason"])
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

// TestReadyzReportsParkedBlock is the finding "/readyz says ready while the
// indexer is stopped for good on a block": a parked indexer makes the node
// unready, naming the block and the reason.
func TestReadyzReportsParkedBlock(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.ledger.height = 9
	e.reads.mu.Lock()
	e.reads.parked = &indexer.Alarm{Block: 1, Reason: "apply block 1: ERROR: unsupported Unicode escape sequence (SQLSTATE 22P05)", Attempts: 3}
	e.reads.mu.Unlock()

	r := e.do("", "GET", "/readyz", nil, nil)
	require.Equal(t, 503, r.Code)
	m := r.json(t)
	require.Equal(t, "unready", m["status"])
	c := check(t, m, "indexer")
	require.False(t, c["ok"].(bool))
	require.Equal(t, "parked", c["reason"])
	details := c["details"].(map[string]any)
	require.EqualValues(t, 1, details["block"])
	require.Contains(t, details["error"], "22P05")
	require.True(t, check(t, m, "ledger")["ok"].(bool), "the other checks still answer")
}

// TestReadyzRunsConfiguredChecks: a component adds a check through
// Config.Readiness and a failing one makes /readyz 503.
func TestReadyzRunsConfiguredChecks(t *testing.T) {
	t.Parallel()
	e := setup(t)
	var failing atomic.Bool
	e.cfg.Readiness = []ReadinessCheck{{Name: "outbox", Check: func(context.Context) CheckResult {
		if failing.Load() {
			return NotReady("recovering", map[string]any{"pending": 3})
		}
		return Ready(map[string]any{"pending": 0})
	}}}
	g := e.restart()

	r := doOn(t, g, "", "GET", "/readyz", nil, nil)
	require.Equal(t, 200, r.Code)
	require.True(t, check(t, r.json(t), "outbox")["ok"].(bool))

	failing.Store(true)
	r = doOn(t, g, "", "GET", "/readyz", nil, nil)
	require.Equal(t, 503, r.Code)
	c := check(t, r.json(t), "outbox")
	require.Equal(t, "recovering", c["reason"])
	require.EqualValues(t, 3, c["details"].(map[string]any)["pending"])
}

// check returns the named check of a /readyz answer.
func check(t *testing.T, readyz map[string]any, name string) map[string]any {
	t.Helper()
	for _, c := range readyz["checks"].([]any) {
		if c := c.(map[string]any); c["name"] == name {
			return c
		}
	}
	t.Fatalf("no check %q in %v", name, readyz)
	return nil
}
