// Package verifyruns keeps the audits started from the web app: a run is a
// row in verify_runs carried out by a River job (internal/jobs) that runs
// the same check as `zonetrace verify` (internal/platform.Audit) and
// records its progress and outcome here. One run at a time: starting while
// one runs returns that run.
package verifyruns

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
)

// Statuses of a run.
const (
	StatusRunning = "running"
	StatusPassed  = "passed"
	StatusFailed  = "failed"
	StatusError   = "error"
)

// ErrNotFound reports an unknown run.
var ErrNotFound = errors.New("verify run not found")

// Run is one audit.
type Run struct {
	ID            int64      `json:"id"`
	StartedBy     string     `json:"startedBy"`
	StartedAt     time.Time  `json:"startedAt"`
	FinishedAt    *time.Time `json:"finishedAt,omitempty"`
	Status        string     `json:"status"`
	BlocksChecked int64      `json:"blocksChecked"`
	Height        int64      `json:"height"`
	Tables        int        `json:"tables"`
	Lag           int64      `json:"lag"`
	Message       string     `json:"message,omitempty"`
}

// Args is the job that carries out a run.
type Args struct {
	RunID int64 `json:"runId"`
}

// Kind names the job in river_job.
func (Args) Kind() string { return "ledger_verify" }

// Store reads and writes runs and queues their jobs.
type Store struct {
	pool  *pgxpool.Pool
	queue *river.Client[pgx.Tx]
	now   func() time.Time
}

// New returns a Store; now is the clock (time.Now in production). Jobs are
// queued with an insert-only River client: the node's job queue
// (internal/jobs) works them.
func New(pool *pgxpool.Pool, now func() time.Time) (*Store, error) {
	queue, err := river.NewClient(riverpgxv5.New(pool), &river.Config{})
	if err != nil {
		return nil, fmt.Errorf("verify runs: create job client: %w", err)
	}
	return &Store{pool: pool, queue: queue, now: now}, nil
}

const columns = `id, started_by, started_at, finished_at, status, blocks_checked, height, tables, lag, message`

func scan(r pgx.CollectableRow) (Run, error) {
	var run Run
	err := r.Scan(&run.ID, &run.StartedBy, &run.StartedAt, &run.FinishedAt, &run.Status, &run.BlocksChecked,
		&run.Height, &run.Tables, &run.Lag, &run.Message)
	run.StartedAt = run.StartedAt.UTC()
	if run.FinishedAt != nil {
		t := run.FinishedAt.UTC()
		run.FinishedAt = &t
	}
	return run, err
}

// Start starts a run by user unless one is running, and returns the run
// and whether it is new. The row and its job are written in one
// transaction.
func (s *Store) Start(ctx context.Context, by string) (Run, bool, error) {
	for range 3 {
		if run, err := s.running(ctx); err == nil {
			return run, false, nil
		} else if !errors.Is(err, ErrNotFound) {
			return Run{}, false, err
		}
		var run Run
		err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{}, func(tx pgx.Tx) error {
			rows, err := tx.Query(ctx, `INSERT INTO verify_runs (started_by, started_at, status)
				VALUES ($1, $2, $3) RETURNING `+columns, by, s.now(), StatusRunning)
			if err != nil {
				return err
			}
			if run, err = pgx.CollectExactlyOneRow(rows, scan); err != nil {
				return err
			}
			_, err = s.queue.InsertTx(ctx, tx, Args{RunID: run.ID}, &river.InsertOpts{MaxAttempts: 1})
			return err
		})
		var pgErr *pgconn.PgError
		if errors.As(err, &pgErr) && pgErr.Code == "23505" {
			continue // another start won the race: return its run
		}
		if err != nil {
			return Run{}, false, fmt.Errorf("start verify run: %w", err)
		}
		return run, true, nil
	}
	return Run{}, false, errors.New("start verify run: kept racing other starts")
}

func (s *Store) running(ctx context.Context) (Run, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+columns+` FROM verify_runs WHERE status = $1`, StatusRunning)
	if err != nil {
		return Run{}, fmt.Errorf("read running verify run: %w", err)
	}
	run, err := pgx.CollectExactlyOneRow(rows, scan)
	if errors.Is(err, pgx.ErrNoRows) {
		return run, ErrNotFound
	}
	return run, err
}

// Get returns run id, or ErrNotFound.
func (s *Store) Get(ctx context.Context, id int64) (Run, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+columns+` FROM verify_runs WHERE id = $1`, id)
	if err != nil {
		return Run{}, fmt.Errorf("get verify run %d: %w", id, err)
	}
	run, err := pgx.CollectExactlyOneRow(rows, scan)
	if errors.Is(err, pgx.ErrNoRows) {
		return run, fmt.Errorf("get verify run %d: %w", id, ErrNotFound)
	}
	return run, err
}

// List returns the latest runs, newest first.
func (s *Store) List(ctx context.Context, limit int) ([]Run, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+columns+` FROM verify_runs ORDER BY id DESC LIMIT $1`, limit)
	if err != nil {
		return nil, fmt.Errorf("list verify runs: %w", err)
	}
	runs, err := pgx.CollectRows(rows, scan)
	if err != nil {
		return nil, fmt.Errorf("list verify runs: %w", err)
	}
	return runs, nil
}

// Progress records blocks checked of height for a running run.
func (s *Store) Progress(ctx context.Context, id int64, checked, height uint64) error {
	_, err := s.pool.Exec(ctx, `UPDATE verify_runs SET blocks_checked = $2, height = $3 WHERE id = $1 AND status = $4`,
		id, int64(checked), int64(height), StatusRunning)
	if err != nil {
		return fmt.Errorf("record verify progress: %w", err)
	}
	return nil
}

// Outcome is how a run ended.
type Outcome struct {
	Status  string
	Blocks  uint64
	Tables  int
	Lag     uint64
	Message string
}

// Finish records a run's outcome.
func (s *Store) Finish(ctx context.Context, id int64, o Outcome) error {
	_, err := s.pool.Exec(ctx, `UPDATE verify_runs SET status = $2, finished_at = $3, tables = $4, lag = $5, message = $6,
			blocks_checked = CASE WHEN $2 = 'passed' THEN $7 ELSE blocks_checked END,
			height = CASE WHEN $2 = 'passed' THEN $7 ELSE height END
		WHERE id = $1 AND status = 'running'`,
		id, o.Status, s.now(), o.Tables, int64(o.Lag), o.Message, int64(o.Blocks))
	if err != nil {
		return fmt.Errorf("finish verify run %d: %w", id, err)
	}
	return nil
}

// AbandonRunning ends runs a previous process of this node left running
// (their job died with it), so that a new one can start.
func (s *Store) AbandonRunning(ctx context.Context) error {
	_, err := s.pool.Exec(ctx, `UPDATE verify_runs SET status = 'error', finished_at = $1,
		message = 'interrupted: the node stopped during the run' WHERE status = 'running'`, s.now())
	if err != nil {
		return fmt.Errorf("abandon verify runs: %w", err)
	}
	return nil
}
