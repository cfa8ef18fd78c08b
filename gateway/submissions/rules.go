// Package submissions is the gateway's outbox: every write request is
// persisted with its idempotency key before any of its work starts, so that
// nothing a user submitted is lost when the ledger or the gateway restarts,
// and a repeated request returns the first answer instead of acting twice.
package submissions

import (
	"crypto/sha256"
	"encoding/hex"
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
)

// Outcome is what a Claim decided.
type Outcome int

const (
	// Claimed: the caller now owns the submission and must do its work.
	Claimed Outcome = iota + 1
	// Replay: the submission is done; answer with the stored response.
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
func decide(existing Record, req Request, now time.Time, force bool) Outcome {
	if existing.Method != req.Method || existing.Path != req.Path || existing.BodySHA256 != req.BodySHA256() {
		return Reused
	}
	if existing.Status == StatusDone {
		return Replay
	}
	if force || !existing.LeaseUntil.After(now) {
		return Claimed
	}
	return InProgress
}
