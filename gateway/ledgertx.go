package gateway

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/apierror"
	"zonetrace/network/ledger"
)

// txCall is one chaincode transaction of a write request.
type txCall struct {
	signer   ledger.Signer
	function string
	args     []string
	// readBack fetches the record a duplicate request changed the first
	// time, so a re-driven request answers like the original.
	readBack func(ctx context.Context) ([]byte, error)
}

// submit sends call to the ledger and records its block for X-Ledger-Block
// and the outbox. A DUPLICATE_REQUEST means an earlier attempt of this very
// request committed: it is success, answered from readBack.
func (g *Gateway) submit(c *gin.Context, call txCall) ([]byte, error) {
	ctx := c.Request.Context()
	start := time.Now()
	res, err := g.cfg.Ledger.Submit(ctx, call.signer, call.function, call.args...)
	g.metrics.ledgerSubmits.WithLabelValues(call.function, submitOutcome(err)).Observe(time.Since(start).Seconds())
	if err == nil {
		g.recordBlock(c, res.TxID, res.BlockNumber)
		return res.Payload, nil
	}
	firstTx, duplicate := duplicateOf(err)
	if !duplicate {
		return nil, apierror.Ledger(err)
	}
	return g.answerDuplicate(c, call, firstTx)
}

// answerDuplicate answers a request whose first attempt committed as
// firstTx: the block is recorded and the record read back.
func (g *Gateway) answerDuplicate(c *gin.Context, call txCall, firstTx string) ([]byte, error) {
	ctx := c.Request.Context()
	// The first attempt committed at or before the last block.
	height, err := g.cfg.Ledger.Height(ctx)
	if err != nil {
		return nil, apierror.Ledger(err)
	}
	if height > 0 {
		g.recordBlock(c, firstTx, height-1)
	}
	if call.readBack == nil {
		return nil, nil
	}
	payload, err := call.readBack(ctx)
	if err != nil {
		return nil, apierror.Ledger(err)
	}
	return payload, nil
}

// committedEarlier reports whether call's request id was already carried
// out on the ledger, and if so answers like submit does for a duplicate:
// the record read back, the block recorded. It only simulates call (nothing
// is ordered); the chaincode claims the request id before anything else and
// answers DUPLICATE_REQUEST for one it recorded. A handler whose own
// bookkeeping says the work is done (a draft marked declared) asks this
// before refusing, because the request may be a retry of the very write
// that did it (the gateway was killed, or answered 503 "committed, not yet
// indexed", before the outbox stored the answer).
func (g *Gateway) committedEarlier(c *gin.Context, call txCall) ([]byte, bool, error) {
	ctx := c.Request.Context()
	_, err := g.cfg.Ledger.Evaluate(ctx, call.signer, call.function, call.args...)
	if err == nil {
		return nil, false, nil
	}
	firstTx, duplicate := duplicateOf(err)
	if !duplicate {
		var cc *ledger.ChaincodeError
		if errors.As(err, &cc) {
			// Refused for another reason: this request did not do it.
			return nil, false, nil
		}
		return nil, false, apierror.Ledger(err)
	}
	payload, err := g.answerDuplicate(c, call, firstTx)
	if err != nil {
		return nil, false, err
	}
	return payload, true, nil
}

// declaredEarlier answers a declaration of a draft its store already marks
// declared (as id, by function): when this very request declared it — a
// retry after a kill or a 503 — it reports the record read back with getter,
// to be answered as the original success; otherwise false, and the caller
// refuses the repeated declaration. args are function's arguments after
// the request id (their count matters to the contract API).
func (g *Gateway) declaredEarlier(c *gin.Context, function, getter, id string, args ...string) ([]byte, bool, error) {
	signer, err := g.identities.For(mustUser(c))
	if err != nil {
		return nil, false, err
	}
	return g.committedEarlier(c, txCall{signer: signer, function: function,
		args: append([]string{c.GetString(ctxLedgerRequestID)}, args...), readBack: g.evaluate(signer, getter, id)})
}

// submitRecordChange submits function(requestID, id, args...) as the
// user's identity, reading the record back with getter when the request had
// already been carried out. It answers the failure itself and reports
// whether the caller should answer the payload.
func (g *Gateway) submitRecordChange(c *gin.Context, id, getter, function string, args ...string) ([]byte, bool) {
	signer, err := g.identities.For(mustUser(c))
	if err != nil {
		g.fail(c, err)
		return nil, false
	}
	payload, err := g.submit(c, txCall{signer: signer, function: function,
		args:     append([]string{c.GetString(ctxLedgerRequestID), id}, args...),
		readBack: g.evaluate(signer, getter, id)})
	if err != nil {
		g.fail(c, err)
		return nil, false
	}
	return payload, true
}

// evaluate runs a read-only chaincode query.
func (g *Gateway) evaluate(signer ledger.Signer, function string, args ...string) func(context.Context) ([]byte, error) {
	return func(ctx context.Context) ([]byte, error) {
		return g.cfg.Ledger.Evaluate(ctx, signer, function, args...)
	}
}

func (g *Gateway) recordBlock(c *gin.Context, txID string, block uint64) {
	c.Set(ctxLedgerTx, txID)
	c.Set(ctxLedgerBlock, block)
	c.Header("X-Ledger-Block", strconv.FormatUint(block, 10))
}

func duplicateOf(err error) (string, bool) {
	var cc *ledger.ChaincodeError
	if !errors.As(err, &cc) {
		return "", false
	}
	parsed, ok := model.ParseError(cc.Message)
	if !ok || parsed.Code != model.CodeDuplicate {
		return "", false
	}
	return strings.TrimSpace(parsed.Message), true
}

func submitOutcome(err error) string {
	var cc *ledger.ChaincodeError
	switch {
	case err == nil:
		return "committed"
	case errors.As(err, &cc):
		return "rejected"
	default:
		return "failed"
	}
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
