package oplog

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"zonetrace/internal/ttlcache"
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

	// mu guards the appends waiting for the next commit and whether one
	// is under way (group commit, see Append).
	mu       sync.Mutex
	pending  []*appendCall
	flushing bool

	// raised are the "rule|dedupe key" of alerts stored by committed
	// appends (or found stored).
	raised *ttlcache.Cache[string, struct{}]
}

// appendCall is one Append waiting for its row to commit.
type appendCall struct {
	entry  Entry
	record Record
	err    error
	done   chan struct{}
}

// maxBatch bounds the rows one commit carries.
const maxBatch = 200

// raisedMemory is how long a log remembers the dedupe keys of the alerts it
// stored, so that a repeated cause (every request of a user working late
// is one off-hours cause a day) costs no statement; raisedKeys bounds them.
const (
	raisedMemory = 24 * time.Hour
	raisedKeys   = 10_000
)

// Option configures a Log.
type Option func(*Log)

// WithClock sets the clock stamping rows and alerts (tests).
func WithClock(now func() time.Time) Option { return func(l *Log) { l.now = now } }

// New returns the log kept in pool; chain may be nil when nothing is
// anchored (then Check checks the chain alone).
func New(pool *pgxpool.Pool, chain Chain, opts ...Option) *Log {
	l := &Log{pool: pool, chain: chain, now: time.Now, raised: ttlcache.New[string, struct{}](raisedKeys)}
	for _, o := range opts {
		o(l)
	}
	return l
}

// Append adds e at the end of the chain and raises the alerts its rules
// find, and returns once the row is committed. Appends lock the chain's
// head row until they commit, so concurrent appends (of this process or
// another) make one linear chain; as that puts a commit's flush to disk
// inside the lock, appends arriving while one commits wait and go together
// in the next transaction (group commit) instead of one commit each.
// Cancelling ctx does not withdraw a row already queued.
func (l *Log) Append(ctx context.Context, e Entry) (Record, error) {
	call := &appendCall{entry: e, done: make(chan struct{})}
	l.mu.Lock()
	l.pending = append(l.pending, call)
	lead := !l.flushing
	l.flushing = true
	l.mu.Unlock()
	if lead {
		// The leader commits the first batch, which holds its own row,
		// and leaves the rest to a goroutine rather than making its
		// request wait for everyone else's.
		if l.commitBatch(context.WithoutCancel(ctx)) {
			go l.flush(context.WithoutCancel(ctx))
		}
	}
	<-call.done
	return call.record, call.err
}

// flush commits the queued appends batch by batch until none is left.
func (l *Log) flush(ctx context.Context) {
	for l.commitBatch(ctx) {
	}
}

// commitBatch commits the next batch of queued appends and reports
// whether more are queued; when none are, flushing ends.
func (l *Log) commitBatch(ctx context.Context) bool {
	l.mu.Lock()
	n := min(len(l.pending), maxBatch)
	batch := l.pending[:n:n]
	l.pending = l.pending[n:]
	l.mu.Unlock()
	err := l.appendBatch(ctx, batch)
	for _, call := range batch {
		if err != nil {
			call.record, call.err = Record{}, fmt.Errorf("append to the operation log: %w", err)
		}
		close(call.done)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.pending) == 0 {
		l.flushing = false
		return false
	}
	return true
}

// appendBatch writes batch's rows, their alerts and the new head in one
// transaction, all its statements sent to PostgreSQL at once (a pipelined
// batch, in order).
func (l *Log) appendBatch(ctx context.Context, batch []*appendCall) error {
	var raised []string
	err := pgx.BeginFunc(ctx, l.pool, func(tx pgx.Tx) error {
		var headSeq int64
		var headHash []byte
		if err := tx.QueryRow(ctx, `SELECT seq, hash FROM operation_log_head FOR UPDATE`).Scan(&headSeq, &headHash); err != nil {
			return fmt.Errorf("lock the log head: %w", err)
		}
		rs, err := currentRules(ctx, tx)
		if err != nil {
			return err
		}
		queued := &pgx.Batch{}
		for _, call := range batch {
			e := call.entry
			// Stamped under the lock, so times never go backwards along
			// the chain on one clock.
			e.At = l.now()
			r := Record{Seq: headSeq + 1, Entry: e.cleaned(), PrevHash: headHash}
			r.Hash = computeHash(r)
			queued.Queue(`INSERT INTO operation_log (seq, at, username, role, enterprise_id, command, object_type,
				object_id, ip, user_agent, rows_count, bytes_count, status, error_code, request_id, prev_hash, hash)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)`,
				r.Seq, r.At, r.Username, r.Role, r.EnterpriseID, r.Command, r.ObjectType, r.ObjectID, r.IP, r.UserAgent,
				r.Rows, r.Bytes, r.Status, r.ErrorCode, r.RequestID, r.PrevHash, r.Hash)
			for _, a := range evaluateRow(rs, r) {
				key := a.rule + "|" + a.dedupeKey
				if _, done := l.raised.Get(key, r.At); done || slices.Contains(raised, key) {
					continue // stored already: its dedupe key would refuse it
				}
				if err := queueRaise(queued, rs.Version, r, a); err != nil {
					return err
				}
				raised = append(raised, key)
			}
			queueHistory(queued, rs, r)
			call.record = r
			headSeq, headHash = r.Seq, r.Hash
		}
		queued.Queue(`UPDATE operation_log_head SET seq = $1, hash = $2`, headSeq, headHash)
		if err := tx.SendBatch(ctx, queued).Close(); err != nil {
			return fmt.Errorf("write log rows: %w", err)
		}
		return nil
	})
	if err == nil {
		gen := l.raised.Begin()
		for _, key := range raised {
			l.raised.Put(gen, key, struct{}{}, l.now().Add(raisedMemory))
		}
	}
	return err
}
