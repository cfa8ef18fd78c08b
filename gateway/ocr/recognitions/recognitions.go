// Package recognitions keeps the certificate recognitions of prefiling
// drafts: a request is a row in certificate_recognitions and a River job
// (internal/jobs) that reads the sealed attachment through the attachment
// store, recognises it (gateway/ocr) and records progress, then the fields
// with their confidence. Nothing here writes to a draft: the fields are
// suggestions, compared with what the draft holds when they are read
// (Suggest), and a person takes them or not.
package recognitions

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/attachments"
	"zonetrace/gateway/drafts"
	"zonetrace/gateway/ocr"
	"zonetrace/gateway/validation"
)

// States of a recognition.
const (
	StateQueued  = "queued"
	StateRunning = "running"
	StateDone    = "done"
	StateFailed  = "failed"
)

// Failures: why a recognition failed, as codes the web app words.
const (
	// FailureEngine: the recogniser could not run (not installed, timed
	// out, crashed); asking again may succeed.
	FailureEngine = "engine"
	// FailureUnreadable: the file is not a readable image or PDF.
	FailureUnreadable = "unreadable"
)

// Queue is the River queue of recognitions: a queue of its own bounds how
// many run at once (OCR is CPU-bound) without holding up other jobs.
const Queue = "ocr"

// Kinds are the attachment kinds recognised.
var Kinds = []string{model.AttachmentOriginCertificate, model.AttachmentQuarantineCertificate}

// Recognition is one certificate read for one draft.
type Recognition struct {
	ID               int64       `json:"id"`
	DraftID          string      `json:"draftId"`
	AttachmentSHA256 string      `json:"attachmentSha256"`
	Kind             string      `json:"kind"`
	State            string      `json:"state"`
	Progress         int         `json:"progress"`
	Fields           []ocr.Field `json:"fields"`
	Source           string      `json:"source,omitempty"`
	Failure          string      `json:"failure,omitempty"`
	CreatedBy        string      `json:"createdBy"`
	CreatedAt        time.Time   `json:"createdAt"`
	UpdatedAt        time.Time   `json:"updatedAt"`
}

// Args is the job that carries out a recognition.
type Args struct {
	ID int64 `json:"id"`
}

// Kind names the job in river_job.
func (Args) Kind() string { return "certificate_recognition" }

// Store reads and writes recognitions and queues their jobs.
type Store struct {
	pool   *pgxpool.Pool
	queue  *river.Client[pgx.Tx]
	drafts *drafts.Store
	files  *attachments.Store
	now    func() time.Time
}

// New returns a Store. Jobs are queued with an insert-only River client:
// the node's job queue (internal/jobs) works them.
func New(pool *pgxpool.Pool, draftStore *drafts.Store, files *attachments.Store) (*Store, error) {
	queue, err := river.NewClient(riverpgxv5.New(pool), &river.Config{})
	if err != nil {
		return nil, fmt.Errorf("recognitions: create job client: %w", err)
	}
	return &Store{pool: pool, queue: queue, drafts: draftStore, files: files, now: time.Now}, nil
}

const columns = `id, draft_id::text, attachment_sha256, kind, state, progress, fields, source, failure, created_by, created_at, updated_at`

func scan(r pgx.CollectableRow) (Recognition, error) {
	var rec Recognition
	var fields []byte
	err := r.Scan(&rec.ID, &rec.DraftID, &rec.AttachmentSHA256, &rec.Kind, &rec.State, &rec.Progress, &fields,
		&rec.Source, &rec.Failure, &rec.CreatedBy, &rec.CreatedAt, &rec.UpdatedAt)
	if err != nil {
		return rec, err
	}
	rec.CreatedAt, rec.UpdatedAt = rec.CreatedAt.UTC(), rec.UpdatedAt.UTC()
	if err := json.Unmarshal(fields, &rec.Fields); err != nil {
		return rec, fmt.Errorf("recognition %d: fields: %w", rec.ID, err)
	}
	return rec, nil
}

// Start asks for a certificate the enterprise uploaded to be read for one
// of its undeclared drafts, and returns the recognition and whether it is
// new. Asking again for the same file returns the recognition already
// made, unless it failed: then it is queued again.
func (s *Store) Start(ctx context.Context, enterpriseID, draftID, sha256, kind, user string) (Recognition, bool, error) {
	if !slices.Contains(Kinds, kind) {
		return Recognition{}, false, validation.Problems{{Field: "kind", Rule: model.RuleInvalid,
			Message: "must be origin_certificate or quarantine_certificate", MessageZh: "须为原产地证书或检验检疫证书"}}
	}
	d, err := s.drafts.Get(ctx, enterpriseID, draftID)
	if err != nil {
		return Recognition{}, false, err
	}
	if d.Declared() || d.PrefilingID != "" {
		return Recognition{}, false, fmt.Errorf("recognise for draft %s: %w", draftID, drafts.ErrDeclared)
	}
	// Only a file the enterprise uploaded: Open answers ErrNotFound for
	// another's.
	_, f, err := s.files.Open(ctx, sha256, enterpriseID, false)
	if err != nil {
		return Recognition{}, false, err
	}
	_ = f.Close()
	var rec Recognition
	var created bool
	err = pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{}, func(tx pgx.Tx) error {
		now := s.now()
		rows, err := tx.Query(ctx, `
			INSERT INTO certificate_recognitions (draft_id, enterprise_id, attachment_sha256, kind, state, created_by, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $7)
			ON CONFLICT (draft_id, attachment_sha256, kind) DO UPDATE
			SET state = EXCLUDED.state, progress = 0, fields = '[]', source = '', failure = '', updated_at = EXCLUDED.updated_at
			WHERE certificate_recognitions.state = 'failed'
			RETURNING `+columns, draftID, enterpriseID, sha256, kind, StateQueued, user, now)
		if err != nil {
			return err
		}
		rec, err = pgx.CollectExactlyOneRow(rows, scan)
		if errors.Is(err, pgx.ErrNoRows) {
			// Made before and not failed: that one stands.
			rows, err := tx.Query(ctx, `SELECT `+columns+` FROM certificate_recognitions
				WHERE draft_id = $1 AND attachment_sha256 = $2 AND kind = $3`, draftID, sha256, kind)
			if err != nil {
				return err
			}
			rec, err = pgx.CollectExactlyOneRow(rows, scan)
			return err
		}
		if err != nil {
			return err
		}
		created = true
		_, err = s.queue.InsertTx(ctx, tx, Args{ID: rec.ID}, &river.InsertOpts{Queue: Queue, MaxAttempts: 1})
		return err
	})
	if err != nil {
		return Recognition{}, false, fmt.Errorf("start recognition: %w", err)
	}
	return rec, created, nil
}

// List returns the recognitions of a draft of the enterprise, newest first.
func (s *Store) List(ctx context.Context, enterpriseID, draftID string) ([]Recognition, error) {
	if _, err := s.drafts.Get(ctx, enterpriseID, draftID); err != nil {
		return nil, err
	}
	rows, err := s.pool.Query(ctx, `SELECT `+columns+` FROM certificate_recognitions
		WHERE draft_id = $1 AND enterprise_id = $2 ORDER BY id DESC`, draftID, enterpriseID)
	if err != nil {
		return nil, fmt.Errorf("list recognitions: %w", err)
	}
	recs, err := pgx.CollectRows(rows, scan)
	if err != nil {
		return nil, fmt.Errorf("list recognitions: %w", err)
	}
	return recs, nil
}

// Engine is the recogniser (ocr.Engine).
type Engine interface {
	Recognize(ctx context.Context, kind, contentType string, content []byte, progress func(int)) (ocr.Result, error)
}

// Worker carries out recognitions.
type Worker struct {
	pool   *pgxpool.Pool
	files  *attachments.Store
	engine Engine
	log    *slog.Logger
	now    func() time.Time
}

// NewWorker returns a Worker reading files from files with engine.
func NewWorker(pool *pgxpool.Pool, files *attachments.Store, engine Engine, log *slog.Logger) *Worker {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Worker{pool: pool, files: files, engine: engine, log: log, now: time.Now}
}

// Recognize carries out recognition id. A recognition that fails is
// recorded failed with its reason and the job ends without error: asking
// again queues it again, a blind retry would fail the same way.
func (w *Worker) Recognize(ctx context.Context, id int64) error {
	var draftID, enterpriseID, sum, kind string
	err := w.pool.QueryRow(ctx, `UPDATE certificate_recognitions SET state = $2, progress = 0, updated_at = $3
		WHERE id = $1 AND state IN ('queued', 'running')
		RETURNING draft_id::text, enterprise_id, attachment_sha256, kind`, id, StateRunning, w.now()).
		Scan(&draftID, &enterpriseID, &sum, &kind)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil // gone with its draft, or already finished
	}
	if err != nil {
		return fmt.Errorf("recognition %d: %w", id, err)
	}
	meta, f, err := w.files.Open(ctx, sum, enterpriseID, false)
	if err != nil {
		return w.fail(ctx, id, FailureUnreadable, err)
	}
	content, err := io.ReadAll(f)
	_ = f.Close()
	if err != nil {
		return w.fail(ctx, id, FailureUnreadable, err)
	}
	last := 0
	res, err := w.engine.Recognize(ctx, kind, meta.ContentType, content, func(p int) {
		if p <= last || p >= 100 {
			return
		}
		last = p
		if _, err := w.pool.Exec(ctx, `UPDATE certificate_recognitions SET progress = $2, updated_at = $3
			WHERE id = $1 AND state = 'running'`, id, p, w.now()); err != nil {
			w.log.Warn("record recognition progress", "id", id, "err", err)
		}
	})
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err() // the node is stopping; the row stays running for AbandonRunning
		}
		failure := FailureEngine
		if errors.Is(err, ocr.ErrUnreadable) {
			failure = FailureUnreadable
		}
		return w.fail(ctx, id, failure, err)
	}
	fields := res.Fields
	if fields == nil {
		fields = []ocr.Field{}
	}
	raw, err := json.Marshal(fields)
	if err != nil {
		return fmt.Errorf("recognition %d: %w", id, err)
	}
	if _, err := w.pool.Exec(ctx, `UPDATE certificate_recognitions SET state = $2, progress = 100, fields = $3, source = $4, updated_at = $5
		WHERE id = $1`, id, StateDone, raw, res.Source, w.now()); err != nil {
		return fmt.Errorf("recognition %d: record fields: %w", id, err)
	}
	w.log.Info("certificate recognised", "id", id, "draft", draftID, "kind", kind, "fields", len(fields), "source", res.Source)
	return nil
}

func (w *Worker) fail(ctx context.Context, id int64, failure string, cause error) error {
	w.log.Warn("certificate recognition failed", "id", id, "failure", failure, "err", cause)
	if _, err := w.pool.Exec(ctx, `UPDATE certificate_recognitions SET state = $2, failure = $3, updated_at = $4
		WHERE id = $1`, id, StateFailed, failure, w.now()); err != nil {
		return fmt.Errorf("recognition %d: record failure: %w", id, err)
	}
	return nil
}

// AbandonRunning marks failed the recognitions a stopped node left running,
// so asking again queues them; it runs at start.
func (w *Worker) AbandonRunning(ctx context.Context) error {
	if _, err := w.pool.Exec(ctx, `UPDATE certificate_recognitions SET state = $1, failure = $2, updated_at = $3
		WHERE state = 'running'`, StateFailed, FailureEngine, w.now()); err != nil {
		return fmt.Errorf("abandon running recognitions: %w", err)
	}
	return nil
}
