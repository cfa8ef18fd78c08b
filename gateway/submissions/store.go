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
	NextAttemptAt  time.Time
	LastStatus     int
	LastError      string
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

// NewWithClock returns a Store on pool that reads the time from now, for
// tests of the retry schedule and retention.
func NewWithClock(pool *pgxpool.Pool, now func() time.Time) *Store {
	return &Store{pool: pool, now: now}
}

// Claim persists req (if new) and decides what the caller does with it. A
// new or interrupted submission is Claimed for lease. abandoned (may be nil)
// tells of a pending submission whose lease still runs whether its worker is
// known to be gone (it finished but could not record its outcome, the
// database being away); such a submission is Claimed too.
func (s *Store) Claim(ctx context.Context, req Request, lease time.Duration, abandoned func(Record) bool) (Outcome, Record, error) {
	now := s.now()
	stored := req.Body
	if req.Secret || stored == nil {
		stored = []byte{}
	}
	tag, err := s.pool.Exec(ctx, `
		INSERT INTO submissions (username, idempotency_key, method, path, body, content_type, replayable, body_sha256, status, lease_until,
			next_attempt_at, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending', $9, $10, $10, $10) ON CONFLICT DO NOTHING`,
		req.Username, req.Key, req.Method, req.Path, stored, contentTypeOrJSON(req.ContentType), !req.Secret, req.BodySHA256(), now.Add(lease), now)
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
	outcome := decide(rec, req, now)
	if outcome == InProgress && abandoned != nil && abandoned(rec) {
		outcome = Claimed
	}
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
		if rec.Status != StatusPending {
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

// Release records a failed attempt (a 5xx answer): the work is still owed
// and the submission stays pending, due again after RetryDelay, unless the
// cause is not Retryable and it has now failed MaxAttempts times: then it
// is failed for good, with answer as its final response, and no longer
// re-driven.
func (s *Store) Release(ctx context.Context, username, key string, answer Response, reason string) (Status, error) {
	rec, err := s.Get(ctx, username, key)
	if err != nil {
		return "", err
	}
	if rec.Status != StatusPending {
		return rec.Status, nil
	}
	now := s.now()
	status := StatusPending
	var final *int
	var finalBody []byte
	if !Retryable(answer.Status) && rec.Attempts >= MaxAttempts {
		status, final, finalBody = StatusFailed, &answer.Status, answer.Body
	}
	if _, err := s.pool.Exec(ctx, `
		UPDATE submissions SET status = $3, lease_until = $4, next_attempt_at = $5, last_status = $6, last_error = $7,
			response_status = $8, response_body = $9, updated_at = $4
		WHERE username = $1 AND idempotency_key = $2 AND status = 'pending'`,
		username, key, status, now, now.Add(RetryDelay(rec.Attempts)), answer.Status, reason, final, finalBody); err != nil {
		return "", fmt.Errorf("release submission %s: %w", key, err)
	}
	return status, nil
}

// ReleaseLeases expires the leases of every pending submission. Call it at
// start-up, before serving: the leases then running belong to the
// previous run of this node, which is gone.
func (s *Store) ReleaseLeases(ctx context.Context) (int64, error) {
	now := s.now()
	tag, err := s.pool.Exec(ctx, `UPDATE submissions SET lease_until = $1, next_attempt_at = LEAST(next_attempt_at, $1)
		WHERE status = 'pending' AND lease_until > $1`, now)
	if err != nil {
		return 0, fmt.Errorf("release submission leases: %w", err)
	}
	return tag.RowsAffected(), nil
}

const columns = `username, idempotency_key, method, path, body, content_type, replayable, body_sha256, status, lease_until, attempts,
	next_attempt_at, coalesce(last_status, 0), last_error, coalesce(response_status, 0), coalesce(response_body, ''::bytea), coalesce(tx_id, ''), block_number, created_at`

func scan(row pgx.Row) (Record, error) {
	var r Record
	var block *int64
	if err := row.Scan(&r.Username, &r.Key, &r.Method, &r.Path, &r.Body, &r.ContentType, &r.Replayable, &r.BodySHA256, &r.Status, &r.LeaseUntil,
		&r.Attempts, &r.NextAttemptAt, &r.LastStatus, &r.LastError, &r.ResponseStatus, &r.ResponseBody, &r.TxID, &block, &r.CreatedAt); err != nil {
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

// Due lists up to limit pending submissions that recovery may re-drive
// now (replayable, not running, their retry time reached), oldest first.
func (s *Store) Due(ctx context.Context, limit int) ([]Record, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+columns+` FROM submissions
		WHERE status = 'pending' AND replayable AND lease_until <= $1 AND next_attempt_at <= $1
		ORDER BY next_attempt_at, created_at, idempotency_key LIMIT $2`, s.now(), limit)
	if err != nil {
		return nil, fmt.Errorf("list due submissions: %w", err)
	}
	recs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Record, error) { return scan(r) })
	if err != nil {
		return nil, fmt.Errorf("list due submissions: %w", err)
	}
	return recs, nil
}

// Summary is the state of the outbox, for readiness and operators.
type Summary struct {
	// Pending counts the submissions whose work is owed.
	Pending int `json:"pending"`
	// Failing counts pending submissions whose last attempt failed.
	Failing int `json:"failing"`
	// AwaitingClient counts pending submissions only the client can retry
	// (their body held a secret and was not kept).
	AwaitingClient int `json:"awaitingClient"`
	// Failed counts submissions given up for good.
	Failed int `json:"failed"`
	// OldestPending is when the oldest pending submission arrived.
	OldestPending *time.Time `json:"oldestPending,omitempty"`
	// LastError is the most recent failure of a pending submission.
	LastError string `json:"lastError,omitempty"`
}

// Summarize returns the state of the outbox.
func (s *Store) Summarize(ctx context.Context) (Summary, error) {
	var sum Summary
	var lastError *string
	err := s.pool.QueryRow(ctx, `SELECT
			count(*) FILTER (WHERE status = 'pending'),
			count(*) FILTER (WHERE status = 'pending' AND last_status IS NOT NULL),
			count(*) FILTER (WHERE status = 'pending' AND NOT replayable),
			count(*) FILTER (WHERE status = 'failed'),
			min(created_at) FILTER (WHERE status = 'pending'),
			(SELECT last_error FROM submissions WHERE status = 'pending' AND last_status IS NOT NULL ORDER BY updated_at DESC LIMIT 1)
		FROM submissions`).Scan(&sum.Pending, &sum.Failing, &sum.AwaitingClient, &sum.Failed, &sum.OldestPending, &lastError)
	if err != nil {
		return Summary{}, fmt.Errorf("summarize submissions: %w", err)
	}
	if lastError != nil {
		sum.LastError = *lastError
	}
	return sum, nil
}

// PurgeBodies empties the bodies of submissions finished before cutoff:
// they are never re-driven again, and a repeat is still recognised by the
// body's SHA-256 and answered from the stored response. It returns how
// many it emptied.
func (s *Store) PurgeBodies(ctx context.Context, cutoff time.Time) (int64, error) {
	tag, err := s.pool.Exec(ctx, `UPDATE submissions SET body = ''::bytea, body_purged_at = $2
		WHERE status <> 'pending' AND body_purged_at IS NULL AND updated_at < $1`, cutoff, s.now())
	if err != nil {
		return 0, fmt.Errorf("purge submission bodies: %w", err)
	}
	return tag.RowsAffected(), nil
}

func contentTypeOrJSON(ct string) string {
	if ct == "" {
		return "application/json"
	}
	return ct
}
