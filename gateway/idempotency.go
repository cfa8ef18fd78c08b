package gateway

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"zonetrace/gateway/apierror"
	"zonetrace/gateway/submissions"
)

// Idempotency timings: how long a worker owns a submission before a retry
// may take it over, and how long a repeat waits for a running one.
const (
	submissionLease = 2 * time.Minute
	repeatWait      = 3 * time.Second
	repeatPoll      = 100 * time.Millisecond
)

var idempotencyKeyPattern = regexp.MustCompile(`^[A-Za-z0-9._:-]{1,64}$`)

const (
	ctxLedgerRequestID = "zt.ledgerRequestId"
	ctxLedgerTx        = "zt.ledgerTx"
	ctxLedgerBlock     = "zt.ledgerBlock"
	ctxIdempotencyKey  = "zt.idempotencyKey"
)

// LedgerRequestID is the chaincode request id of a write: the user's
// idempotency key scoped by user, hashed to fit the chaincode's 64
// characters. A re-driven submission reuses it, so the chaincode answers
// DUPLICATE_REQUEST instead of acting twice.
func LedgerRequestID(username, key string) string {
	h := sha256.Sum256([]byte(username + "\x00" + key))
	return "gw-" + hex.EncodeToString(h[:20])
}

// idempotent persists a write request in the submissions outbox before its
// handler runs, and answers repeats from there. keepBody false keeps the
// body out of the database (it holds a password): such a submission cannot
// be re-driven by Recover, only retried by the client.
func (g *Gateway) idempotent(keepBody bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		u := mustUser(c)
		ctx := c.Request.Context()
		key := c.GetHeader("Idempotency-Key")
		switch {
		case key == "":
			key = "gen-" + randomHex(16)
		case !idempotencyKeyPattern.MatchString(key):
			g.fail(c, badRequest("Idempotency-Key", "must be 1-64 characters of A-Z a-z 0-9 . _ : -", "幂等键须为1-64位字母、数字或 . _ : -"))
			return
		}
		c.Header("Idempotency-Key", key)
		body, err := io.ReadAll(c.Request.Body)
		if err != nil {
			var tooLarge *http.MaxBytesError
			if errors.As(err, &tooLarge) {
				g.fail(c, apierror.New(apierror.PayloadTooLarge).WithCause(err))
				return
			}
			g.fail(c, apierror.New(apierror.BadRequest).WithCause(err))
			return
		}
		req := submissions.Request{Username: u.Username, Key: key, Method: c.Request.Method, Path: c.Request.URL.Path, Body: body, ContentType: c.GetHeader("Content-Type"), Secret: !keepBody}
		// Counted before the claim, so that no retry takes over a
		// submission this process has just claimed.
		flight := inFlightKey(u.Username, key)
		defer g.inFlight.begin(flight)()
		// The submission's worker is gone if no request but this one is
		// working on it here.
		abandoned := func(submissions.Record) bool { return g.inFlight.count(flight) == 1 }
		outcome, rec, err := g.submissions.Claim(ctx, req, submissionLease, abandoned)
		if err != nil {
			g.fail(c, err)
			return
		}
		if outcome == submissions.InProgress {
			outcome, rec, err = g.awaitRepeat(ctx, req)
			if err != nil {
				g.fail(c, err)
				return
			}
		}
		switch outcome {
		case submissions.Reused:
			g.fail(c, apierror.New(apierror.IdempotencyKeyReused))
			return
		case submissions.InProgress:
			g.fail(c, apierror.New(apierror.RequestInProgress))
			return
		case submissions.Replay:
			g.replay(c, rec)
			return
		}

		c.Set(ctxIdempotencyKey, key)
		c.Set(ctxLedgerRequestID, LedgerRequestID(u.Username, key))
		c.Request.Body = io.NopCloser(bytes.NewReader(body))
		w := &capture{ResponseWriter: c.Writer}
		c.Writer = w
		c.Next()

		// The outcome is stored even if the client went away.
		done := context.WithoutCancel(ctx)
		requestID := c.GetString(ctxRequestID)
		if w.Status() >= 500 {
			// The work is still owed (ledger unreachable, say): a retry
			// with the same key, or recovery, carries it out, unless it
			// keeps failing for a cause a retry cannot fix.
			answer := submissions.Response{Status: w.Status(), Body: w.buf.Bytes()}
			g.record(done, requestID, "release submission", func(ctx context.Context) error {
				status, err := g.submissions.Release(ctx, u.Username, key, answer, failureReason(answer))
				if status == submissions.StatusFailed {
					g.log.Error("submission failed for good", "requestId", requestID, "user", u.Username, "key", key,
						"status", answer.Status, "reason", failureReason(answer))
				}
				return err
			})
			return
		}
		resp := submissions.Response{Status: w.Status(), Body: w.buf.Bytes(), TxID: c.GetString(ctxLedgerTx)}
		if b, ok := c.Get(ctxLedgerBlock); ok {
			block := b.(uint64)
			resp.Block = &block
		}
		g.record(done, requestID, "complete submission", func(ctx context.Context) error {
			return g.submissions.Complete(ctx, u.Username, key, resp)
		})
	}
}

// recordRetry is how often record tries again to store an outcome while the
// database is away.
const recordRetry = time.Second

// record stores the outcome of a submission with store. If the database is
// away it keeps trying in the background for up to the lease, so that an
// answer already given is recorded as soon as the database is back instead
// of the submission waiting out its lease.
func (g *Gateway) record(ctx context.Context, requestID, what string, store func(context.Context) error) {
	err := store(ctx)
	if err == nil {
		return
	}
	g.log.Error(what, "requestId", requestID, "error", err.Error())
	go func() {
		deadline := time.Now().Add(submissionLease)
		for time.Now().Before(deadline) {
			time.Sleep(recordRetry)
			if err := store(ctx); err == nil {
				g.log.Info(what+": recorded after all", "requestId", requestID)
				return
			}
		}
	}()
}

// inFlight counts the requests this process is working on, per
// submission (user and key). A pending submission whose lease still runs
// but that no request here works on has lost its worker: it finished
// without recording its outcome (the database was away at that moment).
// The gateway is the only one on its database (see docs/operations.md), so
// a retry then takes it over instead of waiting out the lease.
type inFlight struct {
	mu sync.Mutex
	n  map[string]int
}

// begin counts one more request on key and returns its end.
func (f *inFlight) begin(key string) (end func()) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.n == nil {
		f.n = map[string]int{}
	}
	f.n[key]++
	return func() {
		f.mu.Lock()
		defer f.mu.Unlock()
		if f.n[key]--; f.n[key] == 0 {
			delete(f.n, key)
		}
	}
}

func (f *inFlight) count(key string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.n[key]
}

func inFlightKey(username, key string) string { return username + "\x00" + key }

// awaitRepeat polls a submission another worker is carrying out, briefly.
func (g *Gateway) awaitRepeat(ctx context.Context, req submissions.Request) (submissions.Outcome, submissions.Record, error) {
	ctx, cancel := context.WithTimeout(ctx, repeatWait)
	defer cancel()
	t := time.NewTicker(repeatPoll)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return submissions.InProgress, submissions.Record{}, nil
		case <-t.C:
		}
		rec, err := g.submissions.Get(ctx, req.Username, req.Key)
		if err != nil {
			if ctx.Err() != nil {
				return submissions.InProgress, submissions.Record{}, nil
			}
			return 0, submissions.Record{}, err
		}
		if rec.Status != submissions.StatusPending {
			return submissions.Replay, rec, nil
		}
	}
}

// replay answers with the stored response of a finished submission. A
// client that asks to wait for the indexer waits for the submission's
// block as on the first answer, so a retry after "committed, not yet
// indexed" gets the original success once the indexer has caught up.
func (g *Gateway) replay(c *gin.Context, rec submissions.Record) {
	if rec.Block != nil && rec.Status == submissions.StatusDone && wantsIndexed(c) {
		ctx, cancel := context.WithTimeout(c.Request.Context(), g.cfg.WaitTimeout)
		err := g.cfg.Reads.WaitForBlock(ctx, *rec.Block)
		cancel()
		if err != nil {
			g.fail(c, notYetIndexed(err))
			return
		}
	}
	if rec.Block != nil {
		c.Header("X-Ledger-Block", strconv.FormatUint(*rec.Block, 10))
	}
	c.Header("Idempotent-Replayed", "true")
	if len(rec.ResponseBody) == 0 {
		c.AbortWithStatus(rec.ResponseStatus)
		return
	}
	c.Data(rec.ResponseStatus, "application/json; charset=utf-8", rec.ResponseBody)
	c.Abort()
}

// failureReason is the error code and message of a failed answer, kept as
// the submission's last error.
func failureReason(answer submissions.Response) string {
	var body apierror.Body
	if err := json.Unmarshal(answer.Body, &body); err != nil || body.Error.Code == "" {
		return http.StatusText(answer.Status)
	}
	return string(body.Error.Code) + ": " + body.Error.Message
}

// capture keeps a copy of the response body for the outbox.
type capture struct {
	gin.ResponseWriter
	buf bytes.Buffer
}

func (w *capture) Write(b []byte) (int, error) {
	w.buf.Write(b)
	return w.ResponseWriter.Write(b)
}

func (w *capture) WriteString(s string) (int, error) {
	w.buf.WriteString(s)
	return w.ResponseWriter.WriteString(s)
}
