package gateway

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"zonetrace/gateway/apierror"
	"zonetrace/gateway/submissions"
)

// redriveBatch bounds the submissions one RedriveDue carries out, so one
// round of recovery stays short however much a long outage left owed.
const redriveBatch = 100

// ReleaseLeases makes the submissions a previous run of this node left
// pending (it was killed, say) due for recovery at once instead of after
// their leases. Call it after Migrate and before serving.
func (g *Gateway) ReleaseLeases(ctx context.Context) error {
	n, err := g.submissions.ReleaseLeases(ctx)
	if err != nil {
		return err
	}
	if n > 0 {
		g.log.Info("submissions of the previous run are due for recovery", "count", n)
	}
	return nil
}

// RedriveDue re-drives the pending submissions that are due (the gateway
// stopped, or the ledger or database was unavailable), as their users,
// through the same handlers, and returns how many it carried out. Each keeps
// its chaincode request id, so one that did commit gets DUPLICATE_REQUEST
// from the chaincode and is answered from a read-back instead of being
// applied twice. A re-drive that fails again stays pending with a later
// retry time (or ends failed, see submissions.Release); it never stops the
// node. Recovery calls it on a schedule while the node serves.
func (g *Gateway) RedriveDue(ctx context.Context) (int, error) {
	due, err := g.submissions.Due(ctx, redriveBatch)
	if err != nil {
		return 0, fmt.Errorf("recover submissions: %w", err)
	}
	for _, rec := range due {
		if ctx.Err() != nil {
			return 0, ctx.Err()
		}
		g.redrive(ctx, rec)
	}
	return len(due), nil
}

// redrive carries out one submission; the idempotency middleware records
// its answer.
func (g *Gateway) redrive(ctx context.Context, rec submissions.Record) {
	rctx := context.WithValue(ctx, recoveryUser{}, rec.Username)
	req, err := http.NewRequestWithContext(rctx, rec.Method, rec.Path, bytes.NewReader(rec.Body))
	if err != nil {
		g.log.Error("re-drive submission", "user", rec.Username, "key", rec.Key, "error", err.Error())
		return
	}
	req.Header.Set("Idempotency-Key", rec.Key)
	req.Header.Set("Content-Type", rec.ContentType)
	w := &recorder{header: http.Header{}}
	g.engine.ServeHTTP(w, req)
	g.recordUnclaimed(ctx, rec, w)
	level := g.log.Info
	if w.status >= 500 {
		level = g.log.Warn
	}
	level("submission re-driven", "user", rec.Username, "key", rec.Key, "method", rec.Method, "path", rec.Path,
		"attempt", rec.Attempts+1, "status", w.status)
}

// recordUnclaimed records the answer of a re-drive that was refused before
// the outbox middleware took the submission (its user no longer exists or
// may no longer do this), which would otherwise stay due for ever: a 4xx is
// its final answer, a 5xx (the database away) is retried later.
func (g *Gateway) recordUnclaimed(ctx context.Context, before submissions.Record, w *recorder) {
	after, err := g.submissions.Get(ctx, before.Username, before.Key)
	if err != nil || after.Status != submissions.StatusPending || after.Attempts != before.Attempts || after.LeaseUntil.After(time.Now()) {
		return // the middleware took it (or could not be asked)
	}
	answer := submissions.Response{Status: w.status, Body: w.body.Bytes()}
	if reason := failureReason(answer); w.status >= 500 {
		_, err = g.submissions.Release(ctx, before.Username, before.Key, answer, reason)
	} else if !strings.HasPrefix(reason, string(apierror.RequestInProgress)) {
		err = g.submissions.Complete(ctx, before.Username, before.Key, answer)
	}
	if err != nil {
		g.log.Error("record the answer of a re-drive", "user", before.Username, "key", before.Key, "error", err.Error())
	}
}

// OutboxStatus is the state of the submissions outbox, for /readyz and
// operators: how much work is owed, how much of it is failing and why.
func (g *Gateway) OutboxStatus(ctx context.Context) (submissions.Summary, error) {
	return g.submissions.Summarize(ctx)
}

// OutboxCheck is the outbox's /readyz check. Owed or failing submissions
// do not make the node unready (it serves, and recovery works them off in
// the background); the check shows them: pending, failing, awaitingClient,
// failed, the oldest pending and the last error.
func (g *Gateway) OutboxCheck(ctx context.Context) CheckResult {
	s, err := g.OutboxStatus(ctx)
	if err != nil {
		return NotReady("unknown", map[string]any{"error": err.Error()})
	}
	details := map[string]any{"pending": s.Pending, "failing": s.Failing, "awaitingClient": s.AwaitingClient, "failed": s.Failed}
	if s.OldestPending != nil {
		details["oldestPending"] = *s.OldestPending
	}
	if s.LastError != "" {
		details["lastError"] = s.LastError
	}
	return Ready(details)
}

// recorder is the ResponseWriter of a re-driven request; the answer itself
// is stored by the idempotency middleware.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header { return r.header }

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.body.Write(b)
}

func (r *recorder) WriteHeader(status int) {
	if r.status == 0 {
		r.status = status
	}
}
