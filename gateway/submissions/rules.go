// Package submissions is the gateway's outbox: every write request is
// persisted with its idempotency key before any of its work starts, so that
// nothing a user submitted is lost when the ledger or the gateway restarts,
// and a repeated request returns the first answer instead of acting twice.
package submissions

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"time"
)

// Status of a submission.
type Status string

const (
	// StatusPending means the work is owed: running now (lease held) or
	// interrupted (lease expired; a retry or Recover re-drives it).
	StatusPending Status = "pending"
	// StatusDone means the response is final and is replayed to repeats.
	StatusDone Status = "done"
	// StatusFailed means the work was given up: it kept failing for a cause
	// a retry cannot fix. Its last answer is final and replayed to repeats.
	StatusFailed Status = "failed"
)

// Retry schedule of a pending submission.
const (
	// MaxAttempts is how often a submission that fails for a cause a retry
	// cannot fix (an internal error) is carried out before it is failed.
	// An unavailable ledger or database is retried for as long as it takes.
	MaxAttempts = 5
	firstDelay  = 2 * time.Second
	maxDelay    = 5 * time.Minute
)

// RetryDelay is how long a submission waits after its attempts-th failed
// attempt: doubling from 2 s, at most 5 min.
func RetryDelay(attempts int) time.Duration {
	d := firstDelay
	for i := 1; i < attempts && d < maxDelay; i++ {
		d *= 2
	}
	return min(d, maxDelay)
}

// Retryable reports whether a failed answer is worth carrying out again:
// 503 means the ledger or the database was unavailable, which passes. Any
// other 5xx is an internal error that the same request will most likely
// meet again.
func Retryable(status int) bool {
	return status == http.StatusServiceUnavailable
}

// Outcome is what a Claim decided.
type Outcome int

const (
	// Claimed: the caller now owns the submission and must do its work.
	Claimed Outcome = iota + 1
	// Replay: the submission is done or failed; answer with the stored
	// response.
	Replay
	// InProgress: another worker holds the lease.
	InProgress
	// Reused: the key was used for a different request.
	Reused
)

// Request identifies a write request.
type Request struct {
	Username string
	Key      string
	Method   string
	Path     string
	Body     []byte
	// ContentType is the request's, replayed with the body on recovery.
	ContentType string
	// Secret keeps the body out of the database (only its hash is kept);
	// the submission then cannot be re-driven from the outbox.
	Secret bool
}

// BodySHA256 is the hex SHA-256 of the body, compared between repeats.
func (r Request) BodySHA256() string {
	h := sha256.Sum256(r.Body)
	return hex.EncodeToString(h[:])
}

// decide applies the idempotency rules to a repeat of an existing record.
func decide(existing Record, req Request, now time.Time) Outcome {
	if existing.Method != req.Method || existing.Path != req.Path || existing.BodySHA256 != req.BodySHA256() {
		return Reused
	}
	if existing.Status != StatusPending {
		return Replay
	}
	if !existing.LeaseUntil.After(now) {
		return Claimed
	}
	return InProgress
}
