package oplog

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Chain is the ledger side of the log: where heads are anchored and read
// back.
type Chain interface {
	// Anchor records head hash of row seq on the ledger and returns the
	// transaction id.
	Anchor(ctx context.Context, seq int64, hash []byte) (txID string, err error)
	// Anchors returns every anchored head, by seq.
	Anchors(ctx context.Context) ([]Anchor, error)
}

// Anchor is one head written to the ledger.
type Anchor struct {
	Seq int64 `json:"seq"`
	// Hash is the head's SHA-256 in hex.
	Hash string `json:"hash"`
	TxID string `json:"txId"`
	// At is the transaction time the ledger recorded.
	At time.Time `json:"at"`
}

// Log is the operation log in PostgreSQL.
type Log struct {
	pool  *pgxpool.Pool
	chain Chain
	now   func() time.Time
}

// Option configures a Log.
type Option func(*Log)

// WithClock sets the clock stamping rows and alerts (tests).
func WithClock(now func() time.Time) Option { return func(l *Log) { l.now = now } }

// New returns the log kept in pool; chain may be nil when nothing is
// anchored (then Check checks the chain alone).
func New(pool *pgxpool.Pool, chain Chain, opts ...Option) *Log {
	l := &Log{pool: pool, chain: chain, now: time.Now}
	for _, o := range opts {
		o(l)
	}
	return l
}

// Append adds e at the end of the chain and raises the alerts its rules
// find, in one transaction serialised by the lock on the chain's head row,
// so concurrent appends make one linear chain. It returns once the row is
// committed.
func (l *Log) Append(ctx context.Context, e Entry) (Record, error) {
	var r Record
	err := pgx.BeginFunc(ctx, l.pool, func(tx pgx.Tx) error {
		var headSeq int64
		var headHash []byte
		if err := tx.QueryRow(ctx, `SELECT seq, hash FROM operation_log_head FOR UPDATE`).Scan(&headSeq, &headHash); err != nil {
			return fmt.Errorf("lock the log head: %w", err)
		}
		// Stamped under the lock, so times never go backwards along the
		// chain on one clock.
		e.At = l.now()
		r = Record{Seq: headSeq + 1, Entry: e.cleaned(), PrevHash: headHash}
		r.Hash = computeHash(r)
		if _, err := tx.Exec(ctx, `INSERT INTO operation_log (seq, at, username, role, enterprise_id, command, object_type,
			object_id, ip, user_agent, rows_count, bytes_count, status, error_code, request_id, prev_hash, hash)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)`,
			r.Seq, r.At, r.Username, r.Role, r.EnterpriseID, r.Command, r.ObjectType, r.ObjectID, r.IP, r.UserAgent,
			r.Rows, r.Bytes, r.Status, r.ErrorCode, r.RequestID, r.PrevHash, r.Hash); err != nil {
			return fmt.Errorf("insert log row: %w", err)
		}
		if _, err := tx.Exec(ctx, `UPDATE operation_log_head SET seq = $1, hash = $2`, r.Seq, r.Hash); err != nil {
			return fmt.Errorf("move the log head: %w", err)
		}
		rs, err := currentRules(ctx, tx)
		if err != nil {
			return err
		}
		alerts, err := evaluate(ctx, tx, rs, r)
		if err != nil {
			return err
		}
		return raise(ctx, tx, rs.Version, r, alerts)
	})
	if err != nil {
		return Record{}, fmt.Errorf("append to the operation log: %w", err)
	}
	return r, nil
}
