package submissions

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// ErrNotFound reports an unknown submission.
var ErrNotFound = errors.New("submissions: not found")

// Record is a stored submission.
type Record struct {
	Username       string
	Key            string
	Method         string
	Path           string
	Body           []byte
	ContentType    string
	Replayable     bool
	BodySHA256     string
	Status         Status
	LeaseUntil     time.Time
	Attempts       int
	ResponseStatus int
	ResponseBody   []byte
	TxID           string
	Block          *uint64
	CreatedAt      time.Time
}

// Response is the final answer of a submission.
type Response struct {
	Status int
	Body   []byte
	TxID   string
	Block  *uint64
}

// Store keeps submissions in PostgreSQL.
type Store struct {
	pool *pgxpool.Pool
	now  func() time.Time
}

// New returns a Store on pool.
func New(pool *pgxpool.Pool) *Store {
	return &Store{pool: pool, now: time.Now}
}

// Claim persists req (if new) and decides what the caller does with it. A
// new or interrupted submission is Claimed for lease; force takes over a
// pending submission even while its lease runs (start-up recovery, when no
// other worker can hold it).
func (s *Store) Claim(ctx context.Context, req Request, lease time.Duration, force bool) (Outcome, Record, error) {
	now := s.now()
	stored := req.Body
	if req.Secret || stored == nil {
		stored = []byte{}
	}
	tag, err := s.pool.Exec(ctx, `
		INSERT INTO submissions (username, idempotency_key, method, path, body, content_type, replayable, body_sha256, status, lease_until)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending', $9) ON CONFLICT DO NOTHING`,
		req.Username, req.Key, req.Method, req.Path, stored, contentTypeOrJSON(req.ContentType), !req.Secret, req.BodySHA256(), now.Add(lease))
	if err != nil {
		return 0, Record{}, fmt.Errorf("persist submission %s: %w", req.Key, err)
	}
	if tag.RowsAffected() == 1 {
		rec, err := s.Get(ctx, req.Username, req.Key)
		return Claimed, rec, err
	}
	rec, err := s.Get(ctx, req.Username, req.Key)
	if err != nil {
		return 0, Record{}, err
	}
	outcome := decide(rec, req, now, force)
	if outcome != Claimed {
		return outcome, rec, nil
	}
	// Take the lease over only if nobody else did in the meantime.
	tag, err = s.pool.Exec(ctx, `
		UPDATE submissions SET lease_until = $3, attempts = attempts + 1, updated_at = $4
		WHERE username = $1 AND idempotency_key = $2 AND status = 'pending' AND lease_until = $5`,
		req.Username, req.Key, now.Add(lease), now, rec.LeaseUntil)
	if err != nil {
		return 0, Record{}, fmt.Errorf("take over submission %s: %w", req.Key, err)
	}
	if tag.RowsAffected() == 0 {
		rec, err = s.Get(ctx, req.Username, req.Key)
		if err != nil {
			return 0, Record{}, err
		}
		if rec.Status == StatusDone {
			return Replay, rec, nil
		}
		return InProgress, rec, nil
	}
	rec, err = s.Get(ctx, req.Username, req.Key)
	return Claimed, rec, err
}

// Complete stores the final response of a submission.
func (s *Store) Complete(ctx context.Context, username, key string, r Response) error {
	var txID *string
	if r.TxID != "" {
		txID = &r.TxID
	}
	var block *int64
	if r.Block != nil {
		b := int64(*r.Block)
		block = &b
	}
	if _, err := s.pool.Exec(ctx, `
		UPDATE submissions SET status = 'done', response_status = $3, response_body = $4, tx_id = $5,
			block_number = $6, updated_at = $7
		WHERE username = $1 AND idempotency_key = $2`,
		username, key, r.Status, r.Body, txID, block, s.now()); err != nil {
		return fmt.Errorf("complete submission %s: %w", key, err)
	}
	return nil
}

// Release leaves a submission pending with its lease expired: the work is
// still owed (the ledger was unreachable, say) and the next retry or
// Recover re-drives it.
func (s *Store) Release(ctx context.Context, username, key string) error {
	now := s.now()
	if _, err := s.pool.Exec(ctx, `
		UPDATE submissions SET lease_until = $3, updated_at = $3
		WHERE username = $1 AND idempotency_key = $2 AND status = 'pending'`, username, key, now); err != nil {
		return fmt.Errorf("release submission %s: %w", key, err)
	}
	return nil
}

const columns = `username, idempotency_key, method, path, body, content_type, replayable, body_sha256, status, lease_until, attempts,
	coalesce(response_status, 0), coalesce(response_body, ''::bytea), coalesce(tx_id, ''), block_number, created_at`

func scan(row pgx.Row) (Record, error) {
	var r Record
	var block *int64
	if err := row.Scan(&r.Username, &r.Key, &r.Method, &r.Path, &r.Body, &r.ContentType, &r.Replayable, &r.BodySHA256, &r.Status, &r.LeaseUntil,
		&r.Attempts, &r.ResponseStatus, &r.ResponseBody, &r.TxID, &block, &r.CreatedAt); err != nil {
		return Record{}, err
	}
	if block != nil {
		b := uint64(*block)
		r.Block = &b
	}
	return r, nil
}

// Get returns one submission.
func (s *Store) Get(ctx context.Context, username, key string) (Record, error) {
	r, err := scan(s.pool.QueryRow(ctx, `SELECT `+columns+` FROM submissions WHERE username = $1 AND idempotency_key = $2`, username, key))
	if errors.Is(err, pgx.ErrNoRows) {
		return Record{}, fmt.Errorf("get submission %s: %w", key, ErrNotFound)
	}
	if err != nil {
		return Record{}, fmt.Errorf("get submission %s: %w", key, err)
	}
	return r, nil
}

// Pending lists the submissions whose work is still owed, oldest first.
func (s *Store) Pending(ctx context.Context) ([]Record, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+columns+` FROM submissions WHERE status = 'pending' ORDER BY created_at, idempotency_key`)
	if err != nil {
		return nil, fmt.Errorf("list pending submissions: %w", err)
	}
	recs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Record, error) { return scan(r) })
	if err != nil {
		return nil, fmt.Errorf("list pending submissions: %w", err)
	}
	return recs, nil
}

func contentTypeOrJSON(ct string) string {
	if ct == "" {
		return "application/json"
	}
	return ct
}
