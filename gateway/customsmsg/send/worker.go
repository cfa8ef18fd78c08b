package send

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"zonetrace/gateway/customsmsg/outgoing"
)

// Queue is the River queue of sends, apart from the node's other jobs so a
// slow customs endpoint holds nothing else back.
const Queue = "customs_messages"

// maxAttempts bounds the retries of a send (River's backoff grows with the
// attempt: about a day in all).
const maxAttempts = 15

// Args is the job of one send.
type Args struct {
	OutboxID int64 `json:"outboxId"`
}

// Kind names the job in river_job.
func (Args) Kind() string { return "customs_message_send" }

// InsertOpts puts the job on Queue, once per message.
func (Args) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: Queue, MaxAttempts: maxAttempts, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// AddWorkers registers the send worker; the client must run Queue.
func (s *Service) AddWorkers(w *river.Workers) { river.AddWorker(w, &worker{s: s}) }

type worker struct {
	river.WorkerDefaults[Args]
	s *Service
}

// Timeout covers one file write or HTTP call.
func (w *worker) Timeout(*river.Job[Args]) time.Duration { return time.Minute }

func (w *worker) Work(ctx context.Context, job *river.Job[Args]) error {
	return w.s.deliver(ctx, job.Args.OutboxID, job.Attempt >= job.MaxAttempts)
}

// errBusy makes River retry a send another worker holds right now.
var errBusy = errors.New("customs messages: the message is being sent by another worker")

// deliver sends message id unless it was sent already, and records the
// attempt. The row stays locked while sending, so two workers never send
// it together.
func (s *Service) deliver(ctx context.Context, id int64, last bool) error {
	if s.cfg.Transport == nil {
		return river.JobCancel(errors.New("customs messages: no transport configured on this node"))
	}
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()
	var m outgoing.Message
	var status string
	var attempts int
	err = tx.QueryRow(ctx, `SELECT message_type, file_name, body, status, attempts FROM customs_outbox WHERE id = $1
		FOR UPDATE SKIP LOCKED`, id).Scan(&m.Type, &m.FileName, &m.XML, &status, &attempts)
	if errors.Is(err, pgx.ErrNoRows) {
		var exists bool
		if err := s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM customs_outbox WHERE id = $1)`, id).Scan(&exists); err != nil {
			return err
		}
		if !exists {
			return river.JobCancel(fmt.Errorf("customs messages: no message %d", id))
		}
		return errBusy
	}
	if err != nil {
		return fmt.Errorf("load message %d: %w", id, err)
	}
	if status != "queued" {
		return nil // sent, or finally failed, before
	}
	ref, sendErr := s.cfg.Transport.Send(ctx, m)
	record := context.WithoutCancel(ctx)
	attempt := attempts + 1
	errText := ""
	if sendErr != nil {
		errText = sendErr.Error()
	}
	if _, err := tx.Exec(record, `INSERT INTO customs_outbox_attempts (outbox_id, attempt, at, error) VALUES ($1, $2, $3, $4)`,
		id, attempt, s.now().UTC(), errText); err != nil {
		return fmt.Errorf("record attempt of message %d: %w", id, err)
	}
	newStatus, refused := "queued", errors.Is(sendErr, ErrRefused)
	var sentAt *time.Time
	switch {
	case sendErr == nil:
		newStatus = "sent"
		now := s.now().UTC()
		sentAt = &now
		s.log.Info("national message sent", "outbox", id, "type", m.Type, "reference", ref)
	case refused || last:
		newStatus = "failed"
		s.log.Warn("national message failed", "outbox", id, "type", m.Type, "err", errText)
	default:
		s.log.Warn("national message not sent, will retry", "outbox", id, "type", m.Type, "err", errText)
	}
	if _, err := tx.Exec(record, `UPDATE customs_outbox SET status = $2, attempts = $3, last_error = $4, reference = $5, sent_at = $6
		WHERE id = $1`, id, newStatus, attempt, errText, ref, sentAt); err != nil {
		return fmt.Errorf("record message %d: %w", id, err)
	}
	if err := tx.Commit(record); err != nil {
		return err
	}
	if refused {
		return river.JobCancel(sendErr)
	}
	return sendErr
}

// Queue names the River queue of the sends (internal/jobs runs it).
func (s *Service) Queue() string { return Queue }
