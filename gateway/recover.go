package gateway

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
)

// Recover re-drives the submissions a previous run left pending (the
// gateway stopped, or the ledger was unreachable), as their users, through
// the same handlers. Each keeps its chaincode request id, so one that did
// commit gets DUPLICATE_REQUEST from the chaincode and is completed from a
// read-back instead of being applied twice. Call it after Migrate and before
// serving; it returns an error naming how many it could not finish (they
// stay pending for the next retry or start).
func (g *Gateway) Recover(ctx context.Context) error {
	pending, err := g.submissions.Pending(ctx)
	if err != nil {
		return fmt.Errorf("recover submissions: %w", err)
	}
	var failed []error
	for _, rec := range pending {
		if !rec.Replayable {
			// Its body was a secret we did not keep; the client's retry
			// with the same key carries it out.
			g.log.Info("submission left to the client", "user", rec.Username, "key", rec.Key, "path", rec.Path)
			continue
		}
		rctx := context.WithValue(ctx, recoveryUser{}, rec.Username)
		req, err := http.NewRequestWithContext(rctx, rec.Method, rec.Path, bytes.NewReader(rec.Body))
		if err != nil {
			failed = append(failed, fmt.Errorf("rebuild %s %s: %w", rec.Method, rec.Path, err))
			continue
		}
		req.Header.Set("Idempotency-Key", rec.Key)
		req.Header.Set("Content-Type", rec.ContentType)
		w := &recorder{header: http.Header{}}
		g.engine.ServeHTTP(w, req)
		g.log.Info("submission re-driven", "user", rec.Username, "key", rec.Key, "method", rec.Method, "path", rec.Path, "status", w.status)
		if w.status >= 500 {
			failed = append(failed, fmt.Errorf("re-drive %s %s of %s: status %d", rec.Method, rec.Path, rec.Username, w.status))
		}
	}
	if len(failed) > 0 {
		return fmt.Errorf("recover submissions: %d of %d still pending: %w", len(failed), len(pending), errors.Join(failed...))
	}
	return nil
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
