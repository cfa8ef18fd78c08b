package gates

import (
	"context"
	"strconv"
	"time"

	"github.com/riverqueue/river"

	"zonetrace/gateway/apierror"
)

// Queue is the River queue of gate passes.
const Queue = "gates"

// maxAttempts bounds the retries of a gate pass through an outage
// (River's backoff grows with the attempt: about two days in all).
const maxAttempts = 20

// GatePassArgs is the job recording the gate pass of a matched crossing.
type GatePassArgs struct {
	EventID int64 `json:"eventId"`
}

// Kind names the job in river_job.
func (GatePassArgs) Kind() string { return "gate_pass" }

// InsertOpts puts the job on Queue, once per event.
func (GatePassArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: Queue, MaxAttempts: maxAttempts, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// AddWorkers registers the gate pass worker; the client must run Queue.
func (s *Service) AddWorkers(w *river.Workers) { river.AddWorker(w, &passWorker{s: s}) }

type passWorker struct {
	river.WorkerDefaults[GatePassArgs]
	s *Service
}

// Timeout leaves room for one ledger submission.
func (w *passWorker) Timeout(*river.Job[GatePassArgs]) time.Duration { return 2 * time.Minute }

func (w *passWorker) Work(ctx context.Context, job *river.Job[GatePassArgs]) error {
	return w.s.pass(ctx, job.Args.EventID)
}

// RequestID is the chaincode request id of an event's gate pass: a retry
// is the same request, so the ledger records it once.
func RequestID(eventID int64) string { return "gate-event-" + strconv.FormatInt(eventID, 10) }

// pass records the gate pass of event id. A refusal of the chaincode is
// final and recorded on the event (a document voided in between, say); an
// outage returns the error, and River tries again later.
func (s *Service) pass(ctx context.Context, id int64) error {
	ev, err := loadEvent(ctx, s.pool, id, false)
	if notFound(err) {
		return nil
	}
	if err != nil {
		return wrap("load event", err)
	}
	if (ev.State != StateMatched && ev.State != StateResolved) || ev.PassTx != "" || ev.PassRefused != "" {
		return nil
	}
	txID, err := s.passer.GatePass(ctx, RequestID(id), ev.DocumentID)
	if err != nil {
		a := apierror.From(err)
		if a.Status >= 500 {
			return err
		}
		why := a.Reason
		if why == "" {
			why = string(a.Code)
		}
		_, err := s.pool.Exec(ctx, `UPDATE gate_events SET pass_refused = $2 WHERE id = $1`, id, why)
		return wrap("record refusal", err)
	}
	_, err = s.pool.Exec(ctx, `UPDATE gate_events SET pass_tx = $2 WHERE id = $1`, id, txID)
	return wrap("record gate pass", err)
}
