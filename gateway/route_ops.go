package gateway

import (
	"context"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
)

// ReadinessCheck is one named condition /readyz reports. Components the
// gateway does not know about (an outbox recovery, a retention job) add
// theirs through Config.Readiness; every check runs on each /readyz call,
// within its 3 s budget, so a check must be cheap (read a status, ping).
type ReadinessCheck struct {
	// Name identifies the check in the answer, e.g. "outbox".
	Name string
	// Check answers Ready() or NotReady(reason, details).
	Check func(ctx context.Context) CheckResult
}

// CheckResult is one check's answer: ok, or a short stable reason (e.g.
// "unreachable", "parked") with details an operator needs (block, error).
type CheckResult struct {
	Name    string         `json:"name"`
	OK      bool           `json:"ok"`
	Reason  string         `json:"reason,omitempty"`
	Details map[string]any `json:"details,omitempty"`
}

// Ready is a passing check, with optional details (figures worth showing).
func Ready(details map[string]any) CheckResult { return CheckResult{OK: true, Details: details} }

// NotReady is a failing check.
func NotReady(reason string, details map[string]any) CheckResult {
	return CheckResult{Reason: reason, Details: details}
}

type readiness struct {
	Status string        `json:"status"` // ready | unready
	Checks []CheckResult `json:"checks"`
	// Ledger and Indexer summarise the figures of the ledger and indexer
	// checks for scripts that wait for the mirror to catch up.
	Ledger struct {
		Height uint64 `json:"height"`
	} `json:"ledger"`
	Indexer struct {
		IndexedHeight uint64 `json:"indexedHeight"`
		// Lag is how many committed blocks the read model is behind.
		Lag uint64 `json:"lag"`
	} `json:"indexer"`
}

func (g *Gateway) routeOps(r *gin.Engine) {
	r.GET("/healthz", func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"status": "ok"}) })
	r.GET("/readyz", g.readyz)
	r.GET("/metrics", gin.WrapH(g.metrics.handler()))
}

// MetricsRegisterer is the registry /metrics serves, so that components
// running beside the gateway (the indexer) export their series there.
func (g *Gateway) MetricsRegisterer() prometheus.Registerer { return g.metrics.registry }

// readyz runs every readiness check and answers 503 when one fails: the
// database and the ledger must be reachable and the indexer must not be
// parked on a block it cannot project. A lagging indexer is ready (writes
// work, reads are merely behind); its lag is reported.
func (g *Gateway) readyz(c *gin.Context) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), 3*time.Second)
	defer cancel()
	var r readiness
	var height uint64
	var heightKnown bool
	checks := []ReadinessCheck{
		{Name: "database", Check: func(ctx context.Context) CheckResult {
			if err := g.cfg.Pool.Ping(ctx); err != nil {
				return NotReady("unreachable", map[string]any{"error": err.Error()})
			}
			return Ready(nil)
		}},
		{Name: "ledger", Check: func(ctx context.Context) CheckResult {
			h, err := g.cfg.Ledger.Height(ctx)
			if err != nil {
				return NotReady("unreachable", map[string]any{"error": err.Error()})
			}
			height, heightKnown = h, true
			r.Ledger.Height = h
			return Ready(map[string]any{"height": h})
		}},
		{Name: "indexer", Check: func(ctx context.Context) CheckResult {
			health, err := g.cfg.Reads.IndexerHealth(ctx)
			if err != nil {
				return NotReady("unknown", map[string]any{"error": err.Error()})
			}
			r.Indexer.IndexedHeight = health.IndexedHeight
			details := map[string]any{"indexedHeight": health.IndexedHeight}
			if heightKnown && height > health.IndexedHeight {
				r.Indexer.Lag = height - health.IndexedHeight
				details["lag"] = r.Indexer.Lag
			}
			if p := health.Parked; p != nil {
				details["block"], details["error"], details["attempts"], details["since"] = p.Block, p.Reason, p.Attempts, p.FirstAt
				return NotReady("parked", details)
			}
			return Ready(details)
		}},
	}
	r.Status = "ready"
	for _, check := range append(checks, g.cfg.Readiness...) {
		result := check.Check(ctx)
		result.Name = check.Name
		if !result.OK {
			r.Status = "unready"
		}
		r.Checks = append(r.Checks, result)
	}
	status := http.StatusOK
	if r.Status != "ready" {
		status = http.StatusServiceUnavailable
	}
	c.JSON(status, r)
}
