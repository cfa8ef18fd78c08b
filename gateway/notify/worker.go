package notify

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
)

// Queue is the River queue of deliveries, apart from the node's other jobs
// so that a long audit does not hold notifications back.
const Queue = "notify"

// maxAttempts bounds the retries of a delivery (River's backoff grows
// with the attempt: about two days in all).
const maxAttempts = 20

// DeliverArgs is the job of one delivery.
type DeliverArgs struct {
	DeliveryID int64 `json:"deliveryId"`
}

// Kind names the job in river_job.
func (DeliverArgs) Kind() string { return "notify_deliver" }

// InsertOpts puts the job on Queue, once per delivery.
func (DeliverArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: Queue, MaxAttempts: maxAttempts, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// AddWorkers registers the delivery worker; the client must run Queue.
func (s *Service) AddWorkers(w *river.Workers) { river.AddWorker(w, &deliverWorker{s: s}) }

type deliverWorker struct {
	river.WorkerDefaults[DeliverArgs]
	s *Service
}

// Timeout covers one SMTP conversation or webhook call.
func (w *deliverWorker) Timeout(*river.Job[DeliverArgs]) time.Duration { return time.Minute }

func (w *deliverWorker) Work(ctx context.Context, job *river.Job[DeliverArgs]) error {
	return w.s.deliver(ctx, job.Args.DeliveryID, job.Attempt >= job.MaxAttempts)
}

// errBusy makes River retry a delivery another worker holds right now.
var errBusy = errors.New("notify: delivery is being sent by another worker")

// deliver sends delivery id unless it was sent already, and records the
// outcome. The row stays locked while sending, so two workers (a job
// rescued from a process that looked dead, say) never send it together.
func (s *Service) deliver(ctx context.Context, id int64, last bool) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()
	d, channel, status, ok, err := load(ctx, tx, id)
	if err != nil {
		return err
	}
	if !ok {
		return errBusy
	}
	if status != "pending" {
		return nil // sent, or finally refused, before
	}
	ch, found := s.channels[channel]
	if !found {
		return s.finish(ctx, tx, id, "not_configured", "no such channel on this node", nil)
	}
	if d.Contact, err = s.contactOf(ctx, tx, d.Username); err != nil {
		return err
	}
	sendErr := ch.Send(ctx, d)
	record := context.WithoutCancel(ctx)
	switch {
	case sendErr == nil:
		s.log.Info("notification sent", "delivery", id, "channel", channel, "username", d.Username, "kind", d.Message.Kind)
		now := s.now().UTC()
		return s.finish(record, tx, id, "sent", "", &now)
	case errors.Is(sendErr, ErrNotConfigured), errors.Is(sendErr, ErrNoAddress):
		s.log.Info("notification not sent", "delivery", id, "channel", channel, "username", d.Username, "reason", sendErr.Error())
		return s.finish(record, tx, id, "not_configured", sendErr.Error(), nil)
	}
	s.log.Warn("notification failed", "delivery", id, "channel", channel, "username", d.Username, "err", sendErr.Error(), "final", last)
	state := "pending"
	if last {
		state = "failed"
	}
	if err := s.finish(record, tx, id, state, sendErr.Error(), nil); err != nil {
		return err
	}
	return sendErr
}

// finish records an attempt's outcome and commits.
func (s *Service) finish(ctx context.Context, tx pgx.Tx, id int64, status, lastError string, at *time.Time) error {
	if _, err := tx.Exec(ctx, `UPDATE notify_deliveries SET status = $2, attempts = attempts + 1, last_error = $3,
		delivered_at = $4 WHERE id = $1`, id, status, lastError, at); err != nil {
		return fmt.Errorf("record delivery %d: %w", id, err)
	}
	return tx.Commit(ctx)
}
