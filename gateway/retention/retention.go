// Package retention deletes what the gateway no longer needs: expired
// sessions, the bodies of finished outbox submissions (their SHA-256 and
// answer are kept), raw customs messages and webhook deliveries. Without it
// these tables grow for ever (an outbox body may be 10 MiB). The job queue
// (internal/jobs) runs Purge on a schedule.
package retention

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"zonetrace/gateway/submissions"
)

// Policy says how long each kind of record is kept; zero or less keeps it
// for ever.
type Policy struct {
	// Sessions: how long an expired or revoked session is kept.
	Sessions time.Duration
	// OutboxBodies: how long a finished submission keeps its request body;
	// after that only its SHA-256 and its answer remain, enough to answer
	// a repeat.
	OutboxBodies time.Duration
	// CustomsMessages: how long raw messages from customs are kept (the
	// receipts parsed from them are kept for ever), and how long a split
	// receipt waits for its missing pockets.
	CustomsMessages time.Duration
	// Deliveries: how long a webhook delivery is kept after it was
	// delivered, or, undelivered, after it was created (then it is given
	// up).
	Deliveries time.Duration
}

// DefaultPolicy is what a node keeps unless configured otherwise.
func DefaultPolicy() Policy {
	const day = 24 * time.Hour
	return Policy{Sessions: 7 * day, OutboxBodies: 30 * day, CustomsMessages: 180 * day, Deliveries: 30 * day}
}

// Report counts what one Purge removed.
type Report struct {
	Sessions        int64
	OutboxBodies    int64
	CustomsMessages int64
	CustomsPockets  int64
	Deliveries      int64
}

// batch bounds one DELETE, so a first purge of a large table does not hold
// its locks for long.
const batch = 5000

// Purger applies a Policy to the gateway's tables.
type Purger struct {
	pool   *pgxpool.Pool
	policy Policy
	now    func() time.Time
}

// New returns a Purger; now is the clock (time.Now outside tests).
func New(pool *pgxpool.Pool, policy Policy, now func() time.Time) *Purger {
	return &Purger{pool: pool, policy: policy, now: now}
}

// Purge removes every record older than the policy allows and reports how
// many of each it removed. It carries on past a failing step and returns
// all failures.
func (p *Purger) Purge(ctx context.Context) (Report, error) {
	now := p.now()
	var r Report
	var errs []error
	step := func(keep time.Duration, count *int64, purge func(cutoff time.Time) (int64, error)) {
		if keep <= 0 {
			return
		}
		n, err := purge(now.Add(-keep))
		*count = n
		errs = append(errs, err)
	}
	step(p.policy.Sessions, &r.Sessions, func(cutoff time.Time) (int64, error) {
		return p.deleteBatches(ctx, "expired sessions",
			`DELETE FROM sessions WHERE ctid IN (SELECT ctid FROM sessions WHERE expires_at < $1 OR revoked_at < $1 LIMIT $2)`, cutoff)
	})
	step(p.policy.OutboxBodies, &r.OutboxBodies, func(cutoff time.Time) (int64, error) {
		return submissions.NewWithClock(p.pool, p.now).PurgeBodies(ctx, cutoff)
	})
	step(p.policy.CustomsMessages, &r.CustomsMessages, func(cutoff time.Time) (int64, error) {
		return p.deleteBatches(ctx, "raw customs messages",
			`DELETE FROM customs_messages WHERE ctid IN (SELECT ctid FROM customs_messages WHERE received_at < $1 LIMIT $2)`, cutoff)
	})
	step(p.policy.CustomsMessages, &r.CustomsPockets, func(cutoff time.Time) (int64, error) {
		return p.deleteBatches(ctx, "stale receipt pockets",
			`DELETE FROM customs_pockets WHERE ctid IN (SELECT ctid FROM customs_pockets WHERE received_at < $1 LIMIT $2)`, cutoff)
	})
	step(p.policy.Deliveries, &r.Deliveries, func(cutoff time.Time) (int64, error) {
		return p.deleteBatches(ctx, "webhook deliveries",
			`DELETE FROM webhook_deliveries WHERE ctid IN (SELECT ctid FROM webhook_deliveries
				WHERE coalesce(delivered_at, created_at) < $1 LIMIT $2)`, cutoff)
	})
	return r, errors.Join(errs...)
}

// deleteBatches runs a DELETE of at most batch rows (parameters cutoff and
// batch) until it deletes fewer.
func (p *Purger) deleteBatches(ctx context.Context, what, query string, cutoff time.Time) (int64, error) {
	var total int64
	for {
		tag, err := p.pool.Exec(ctx, query, cutoff, batch)
		if err != nil {
			return total, fmt.Errorf("purge %s: %w", what, err)
		}
		total += tag.RowsAffected()
		if tag.RowsAffected() < batch {
			return total, nil
		}
	}
}
