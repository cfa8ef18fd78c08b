package gateway

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"zonetrace/gateway/apierror"
	"zonetrace/gateway/service"
	"zonetrace/gateway/service/ledgertx"
)

// ledgerTx is how services submit to the ledger, observed by the metrics.
func (g *Gateway) ledgerTx() ledgertx.Submitter {
	return ledgertx.Submitter{Ledger: g.cfg.Ledger, Observe: func(function, outcome string, took time.Duration) {
		g.metrics.ledgerSubmits.WithLabelValues(function, outcome).Observe(took.Seconds())
	}}
}

// writeOf is the service's view of a write request: the caller and the
// chaincode request id the idempotency middleware derived.
func writeOf(c *gin.Context) service.Write {
	return service.Write{Caller: mustUser(c), RequestID: c.GetString(ctxLedgerRequestID)}
}

// recordTx hands the transaction a service committed to the client
// (X-Ledger-Block), to the idempotency middleware, which stores it with the
// answer, and to awaitIndexed. nil (nothing known committed) records nothing.
func recordTx(c *gin.Context, tx *ledgertx.Tx) {
	if tx == nil {
		return
	}
	c.Set(ctxLedgerTx, tx.ID)
	c.Set(ctxLedgerBlock, tx.Block)
	c.Header("X-Ledger-Block", strconv.FormatUint(tx.Block, 10))
}

// wantsIndexed reports ?wait=indexed or Prefer: wait=indexed.
func wantsIndexed(c *gin.Context) bool {
	if c.Query("wait") == "indexed" {
		return true
	}
	for _, p := range strings.Split(c.GetHeader("Prefer"), ",") {
		if strings.TrimSpace(p) == "wait=indexed" {
			return true
		}
	}
	return false
}

// awaitIndexed waits, when the client asked for it, until the indexer has
// mirrored the request's last block. Not getting there in time is
// LEDGER_UNAVAILABLE: the write committed, and a retry with the same key
// answers (and waits) again without writing twice.
func (g *Gateway) awaitIndexed(c *gin.Context) (bool, error) {
	v, ok := c.Get(ctxLedgerBlock)
	if !ok || !wantsIndexed(c) {
		return false, nil
	}
	ctx, cancel := context.WithTimeout(c.Request.Context(), g.cfg.WaitTimeout)
	defer cancel()
	if err := g.cfg.Reads.WaitForBlock(ctx, v.(uint64)); err != nil {
		return false, notYetIndexed(err)
	}
	return true, nil
}

func notYetIndexed(err error) *apierror.Error {
	return apierror.Newf(apierror.LedgerUnavailable,
		"committed, but not yet indexed; retry with the same Idempotency-Key",
		"已上链但尚未同步到查询库，请使用相同幂等键重试").WithCause(err)
}
