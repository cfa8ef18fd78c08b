package gateway

import (
	"context"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
)

type readiness struct {
	Status   string `json:"status"` // ready | unready
	Database string `json:"database"`
	Ledger   struct {
		Status string `json:"status"`
		Height uint64 `json:"height"`
	} `json:"ledger"`
	Indexer struct {
		Status        string `json:"status"`
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

// readyz reports the database and the ledger reachable (503 otherwise) and
// the indexer's lag; a lagging indexer does not make the gateway unready,
// since writes still work and reads are merely behind.
func (g *Gateway) readyz(c *gin.Context) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), 3*time.Second)
	defer cancel()
	var r readiness
	r.Status, r.Database, r.Ledger.Status, r.Indexer.Status = "ready", "ok", "ok", "ok"
	if err := g.cfg.Pool.Ping(ctx); err != nil {
		r.Status, r.Database = "unready", "unreachable"
	}
	height, err := g.cfg.Ledger.Height(ctx)
	if err != nil {
		r.Status, r.Ledger.Status = "unready", "unreachable"
	}
	r.Ledger.Height = height
	indexed, err := g.cfg.Reads.IndexedHeight(ctx)
	if err != nil {
		r.Indexer.Status = "unknown"
	}
	r.Indexer.IndexedHeight = indexed
	if height > indexed {
		r.Indexer.Lag = height - indexed
	}
	status := http.StatusOK
	if r.Status != "ready" {
		status = http.StatusServiceUnavailable
	}
	c.JSON(status, r)
}
