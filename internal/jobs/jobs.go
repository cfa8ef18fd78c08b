// Package jobs runs the node's scheduled and retried work on River, a job
// queue kept in the node's PostgreSQL database: the outbox recovery that
// re-drives pending submissions, the retention purge, the anchoring
// of the operation log's head on the ledger, and the fill of entry drafts
// with the trace codes of approved prefilings, and the deliveries of
// notifications (gateway/notify), the sends of national messages to
// customs (gateway/customsmsg/send), the certificate recognitions
// (gateway/ocr/recognitions) and the basic data syncs (gateway/basicdata).
// Keeping the schedule in PostgreSQL means a job survives restarts and runs
// once per node, and it shares the database's availability with the work it does.
package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/riverqueue/river/rivertype"

	"zonetrace/gateway/basicdata"
	"zonetrace/gateway/gates"
	"zonetrace/gateway/notify"
	"zonetrace/gateway/ocr/recognitions"
	"zonetrace/gateway/oplog"
	"zonetrace/gateway/retention"
	"zonetrace/gateway/verifyruns"
)

// Defaults of Config.
const (
	DefaultRedriveEvery   = 5 * time.Second
	DefaultRetentionEvery = time.Hour
	DefaultAnchorEvery    = 10 * time.Minute
	// DefaultEntryDraftsEvery is how often the trace codes of new prefiling
	// approvals are filled into their entry drafts: soon after the
	// approval, as the enterprise may be editing the draft.
	DefaultEntryDraftsEvery = 2 * time.Second
	// DefaultAlertsEvery is how often the risk alert engine looks for newly
	// indexed blocks; DefaultStorageCheckEvery how often it checks the age
	// of the goods held (a stay's length counts in whole days).
	DefaultAlertsEvery       = time.Second
	DefaultStorageCheckEvery = 10 * time.Minute
)

// Outbox is the part of the gateway recovery drives.
type Outbox interface {
	// RedriveDue carries out the submissions that are due and reports how
	// many; a submission that fails again is rescheduled by the outbox
	// itself, so an error here only means the round could not run.
	RedriveDue(ctx context.Context) (int, error)
}

// Purger is the retention purge.
type Purger interface {
	Purge(ctx context.Context) (retention.Report, error)
}

// Verifier carries out an audit started from the web app
// (gateway/verifyruns), recording its progress and outcome in its run.
type Verifier interface {
	Verify(ctx context.Context, runID int64) error
}

// Anchorer writes the operation log's head to the ledger when it moved.
type Anchorer interface {
	AnchorOperationLog(ctx context.Context) (*oplog.Anchor, error)
}

// EntryDrafts fills the trace codes of new prefiling approvals into their
// entry drafts (gateway/entryfill).
type EntryDrafts interface {
	FillDue(ctx context.Context) (int, error)
}

// Notifications works the deliveries of gateway/notify on the queue
// notify.Queue.
type Notifications interface {
	AddWorkers(w *river.Workers)
}

// GatePasses works the gate pass jobs of gateway/gates on the queue
// gates.Queue.
type GatePasses interface {
	AddWorkers(w *river.Workers)
}

// CustomsMessages sends national messages to customs' own systems
// (gateway/customsmsg/send): its workers work the sends on their own queue,
// and SendDeclared sends the documents declared since the last round.
type CustomsMessages interface {
	AddWorkers(w *river.Workers)
	Queue() string
	SendDeclared(ctx context.Context) (int, error)
}

// DefaultCustomsMessagesEvery is how often newly declared documents are
// sent to customs.
const DefaultCustomsMessagesEvery = 5 * time.Second

// CustomsMessagesArgs is the periodic send of declared documents.
type CustomsMessagesArgs struct{}

// Kind names the job in river_job.
func (CustomsMessagesArgs) Kind() string { return "customs_messages_declared" }

type customsMessagesWorker struct {
	river.WorkerDefaults[CustomsMessagesArgs]
	messages CustomsMessages
	log      *slog.Logger
}

func (w *customsMessagesWorker) Timeout(*river.Job[CustomsMessagesArgs]) time.Duration {
	return 5 * time.Minute
}

func (w *customsMessagesWorker) Work(ctx context.Context, _ *river.Job[CustomsMessagesArgs]) error {
	n, err := w.messages.SendDeclared(ctx)
	if n > 0 {
		w.log.Info("declared documents sent to customs", "messages", n)
	}
	return err
}

// Recognizer carries out a certificate recognition the gateway queued
// (gateway/ocr/recognitions), recording its progress and fields.
type Recognizer interface {
	Recognize(ctx context.Context, id int64) error
}

// Alerts raises the risk alerts (gateway/alerts): Step on the blocks
// indexed since its cursor, CheckStorage on the age of the goods held.
type Alerts interface {
	Step(ctx context.Context) (int, error)
	CheckStorage(ctx context.Context) (int, error)
}

// BasicData syncs the trade platform's basic data (gateway/basicdata): its
// workers work "sync now" and the scheduled sync on the queue
// basicdata.Queue, which PeriodicJobs schedules.
type BasicData interface {
	AddWorkers(w *river.Workers)
	PeriodicJobs() []*river.PeriodicJob
}

// Exporters is the foreign exporter registry (gateway/exporters): its
// crawl and expiry check, on its own queue and schedule.
type Exporters interface {
	AddWorkers(w *river.Workers)
	Queue() string
	PeriodicJobs() []*river.PeriodicJob
}

// Config says what the queue runs and how often.
type Config struct {
	Pool   *pgxpool.Pool
	Logger *slog.Logger
	Outbox Outbox
	Purger Purger
	// Verifier works the verify-run jobs the gateway queues; nil leaves
	// them queued.
	Verifier Verifier
	// RedriveEvery is how often recovery looks for due submissions
	// (default DefaultRedriveEvery); each submission's own retry time
	// (submissions.RetryDelay) decides when it is due.
	RedriveEvery time.Duration
	// RetentionEvery is how often the retention purge runs (default
	// DefaultRetentionEvery).
	RetentionEvery time.Duration
	// Anchorer, when set, anchors the operation log every AnchorEvery
	// (default DefaultAnchorEvery): rows appended after the last anchor
	// are what an intruder with the database could rewrite unnoticed.
	Anchorer    Anchorer
	AnchorEvery time.Duration
	// EntryDrafts, when set, runs every EntryDraftsEvery (default
	// DefaultEntryDraftsEvery).
	EntryDrafts      EntryDrafts
	EntryDraftsEvery time.Duration
	// Notifications, when set, sends notifications (queue notify.Queue).
	Notifications Notifications
	// GatePasses, when set, records the gate passes of matched gate
	// crossings (queue gates.Queue).
	GatePasses GatePasses
	// Alerts, when set, steps every AlertsEvery (default
	// DefaultAlertsEvery) and checks storage age every StorageCheckEvery
	// (default DefaultStorageCheckEvery).
	Alerts            Alerts
	AlertsEvery       time.Duration
	StorageCheckEvery time.Duration
	// CustomsMessages, when set, sends national messages; declared
	// documents are looked for every CustomsMessagesEvery (default
	// DefaultCustomsMessagesEvery).
	CustomsMessages      CustomsMessages
	CustomsMessagesEvery time.Duration
	// Recognizer works the certificate recognitions (queue
	// recognitions.Queue), RecognitionWorkers at a time (default 1: OCR
	// takes a core); nil leaves them queued.
	Recognizer         Recognizer
	RecognitionWorkers int
	// BasicData, when set, syncs the basic data (queue basicdata.Queue).
	BasicData BasicData
	// Exporters, when set, crawls the exporter registry and checks its
	// registrations for expiry.
	Exporters Exporters
}

// SchemaVersion names the job queue's schema: River's newest migration.
func SchemaVersion() string {
	m, err := rivermigrate.New(riverpgxv5.New(nil), nil)
	if err != nil {
		return "river: " + err.Error()
	}
	all := m.AllVersions()
	return fmt.Sprintf("river %d", all[len(all)-1].Version)
}

// Migrate brings River's tables (river_job, river_leader, …) up to date.
func Migrate(ctx context.Context, pool *pgxpool.Pool) error {
	m, err := rivermigrate.New(riverpgxv5.New(pool), nil)
	if err != nil {
		return fmt.Errorf("prepare job queue migrations: %w", err)
	}
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("migrate job queue: %w", err)
	}
	return nil
}

// RedriveArgs is the periodic outbox recovery job.
type RedriveArgs struct{}

// Kind names the job in river_job.
func (RedriveArgs) Kind() string { return "outbox_redrive" }

// RetentionArgs is the periodic retention purge job.
type RetentionArgs struct{}

// Kind names the job in river_job.
func (RetentionArgs) Kind() string { return "retention_purge" }

// AnchorArgs is the periodic anchoring of the operation log.
type AnchorArgs struct{}

// Kind names the job in river_job.
func (AnchorArgs) Kind() string { return "oplog_anchor" }

type anchorWorker struct {
	river.WorkerDefaults[AnchorArgs]
	anchorer Anchorer
	log      *slog.Logger
}

// Timeout leaves room for one ledger submission.
func (w *anchorWorker) Timeout(*river.Job[AnchorArgs]) time.Duration { return 2 * time.Minute }

func (w *anchorWorker) Work(ctx context.Context, _ *river.Job[AnchorArgs]) error {
	a, err := w.anchorer.AnchorOperationLog(ctx)
	if a != nil {
		w.log.Info("operation log anchored", "seq", a.Seq, "txId", a.TxID)
	}
	return err
}

// EntryDraftsArgs is the periodic fill of entry drafts.
type EntryDraftsArgs struct{}

// Kind names the job in river_job.
func (EntryDraftsArgs) Kind() string { return "entry_drafts_fill" }

type entryDraftsWorker struct {
	river.WorkerDefaults[EntryDraftsArgs]
	drafts EntryDrafts
	log    *slog.Logger
}

func (w *entryDraftsWorker) Timeout(*river.Job[EntryDraftsArgs]) time.Duration {
	return 5 * time.Minute
}

func (w *entryDraftsWorker) Work(ctx context.Context, _ *river.Job[EntryDraftsArgs]) error {
	n, err := w.drafts.FillDue(ctx)
	if n > 0 {
		w.log.Info("entry drafts filled", "approvals", n)
	}
	return err
}

// AlertsArgs is the periodic step of the risk alert engine.
type AlertsArgs struct{}

// Kind names the job in river_job.
func (AlertsArgs) Kind() string { return "risk_alerts" }

// StorageCheckArgs is the periodic storage-age check.
type StorageCheckArgs struct{}

// Kind names the job in river_job.
func (StorageCheckArgs) Kind() string { return "risk_storage_check" }

type alertsWorker struct {
	river.WorkerDefaults[AlertsArgs]
	alerts Alerts
}

func (w *alertsWorker) Timeout(*river.Job[AlertsArgs]) time.Duration { return 5 * time.Minute }

func (w *alertsWorker) Work(ctx context.Context, _ *river.Job[AlertsArgs]) error {
	_, err := w.alerts.Step(ctx)
	return err
}

type storageCheckWorker struct {
	river.WorkerDefaults[StorageCheckArgs]
	alerts Alerts
}

func (w *storageCheckWorker) Timeout(*river.Job[StorageCheckArgs]) time.Duration {
	return 5 * time.Minute
}

func (w *storageCheckWorker) Work(ctx context.Context, _ *river.Job[StorageCheckArgs]) error {
	_, err := w.alerts.CheckStorage(ctx)
	return err
}

type redriveWorker struct {
	river.WorkerDefaults[RedriveArgs]
	outbox Outbox
	log    *slog.Logger
}

// Timeout leaves room for a full batch of ledger submissions.
func (w *redriveWorker) Timeout(*river.Job[RedriveArgs]) time.Duration { return 5 * time.Minute }

func (w *redriveWorker) Work(ctx context.Context, _ *river.Job[RedriveArgs]) error {
	n, err := w.outbox.RedriveDue(ctx)
	if n > 0 {
		w.log.Info("outbox recovery round", "redriven", n)
	}
	return err
}

type retentionWorker struct {
	river.WorkerDefaults[RetentionArgs]
	purger Purger
	log    *slog.Logger
}

func (w *retentionWorker) Timeout(*river.Job[RetentionArgs]) time.Duration { return 30 * time.Minute }

func (w *retentionWorker) Work(ctx context.Context, _ *river.Job[RetentionArgs]) error {
	r, err := w.purger.Purge(ctx)
	w.log.Info("retention purge", "sessions", r.Sessions, "outboxBodies", r.OutboxBodies,
		"customsMessages", r.CustomsMessages, "customsPockets", r.CustomsPockets, "deliveries", r.Deliveries)
	return err
}

type verifyWorker struct {
	river.WorkerDefaults[verifyruns.Args]
	verifier Verifier
}

// Timeout bounds an audit of a long chain; its progress shows meanwhile.
func (w *verifyWorker) Timeout(*river.Job[verifyruns.Args]) time.Duration { return 6 * time.Hour }

func (w *verifyWorker) Work(ctx context.Context, job *river.Job[verifyruns.Args]) error {
	return w.verifier.Verify(ctx, job.Args.RunID)
}

type recognitionWorker struct {
	river.WorkerDefaults[recognitions.Args]
	recognizer Recognizer
}

// Timeout bounds a recognition: a page takes seconds, and the recogniser
// bounds each process it runs.
func (w *recognitionWorker) Timeout(*river.Job[recognitions.Args]) time.Duration {
	return 5 * time.Minute
}

func (w *recognitionWorker) Work(ctx context.Context, job *river.Job[recognitions.Args]) error {
	return w.recognizer.Recognize(ctx, job.Args.ID)
}

// Queue is the running job queue.
type Queue struct {
	client *river.Client[pgx.Tx]
}

// once makes a periodic job single: a round still queued or running when
// the next is due absorbs it instead of piling up behind it. A failed round
// is not retried; the next period is the retry.
var once = &river.InsertOpts{MaxAttempts: 1, UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: []rivertype.JobState{
	rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRunning, rivertype.JobStateScheduled,
}}}

// Start starts working the queue; recovery and retention run once right
// away, and every job periodically. Call Migrate first.
func Start(ctx context.Context, cfg Config) (*Queue, error) {
	if cfg.Pool == nil || cfg.Outbox == nil || cfg.Purger == nil {
		return nil, errors.New("jobs: Pool, Outbox and Purger are required")
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	redriveEvery, retentionEvery := cfg.RedriveEvery, cfg.RetentionEvery
	if redriveEvery <= 0 {
		redriveEvery = DefaultRedriveEvery
	}
	if retentionEvery <= 0 {
		retentionEvery = DefaultRetentionEvery
	}
	workers := river.NewWorkers()
	river.AddWorker(workers, &redriveWorker{outbox: cfg.Outbox, log: log})
	river.AddWorker(workers, &retentionWorker{purger: cfg.Purger, log: log})
	if cfg.Verifier != nil {
		river.AddWorker(workers, &verifyWorker{verifier: cfg.Verifier})
	}
	config := &river.Config{
		Logger:  log,
		Workers: workers,
		Queues:  map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 2}},
		// Rounds are frequent and carry nothing worth keeping.
		CompletedJobRetentionPeriod: time.Hour,
		PeriodicJobs: []*river.PeriodicJob{
			river.NewPeriodicJob(river.PeriodicInterval(redriveEvery),
				func() (river.JobArgs, *river.InsertOpts) { return RedriveArgs{}, once },
				&river.PeriodicJobOpts{ID: RedriveArgs{}.Kind(), RunOnStart: true}),
			river.NewPeriodicJob(river.PeriodicInterval(retentionEvery),
				func() (river.JobArgs, *river.InsertOpts) { return RetentionArgs{}, once },
				&river.PeriodicJobOpts{ID: RetentionArgs{}.Kind(), RunOnStart: true}),
		},
	}
	if cfg.Anchorer != nil {
		anchorEvery := cfg.AnchorEvery
		if anchorEvery <= 0 {
			anchorEvery = DefaultAnchorEvery
		}
		river.AddWorker(workers, &anchorWorker{anchorer: cfg.Anchorer, log: log})
		config.PeriodicJobs = append(config.PeriodicJobs, river.NewPeriodicJob(river.PeriodicInterval(anchorEvery),
			func() (river.JobArgs, *river.InsertOpts) { return AnchorArgs{}, once },
			// Not at start: a node starts with nothing new to anchor, and
			// a transaction of its own at start would race the first
			// requests for the ledger.
			&river.PeriodicJobOpts{ID: AnchorArgs{}.Kind()}))
	}
	if cfg.EntryDrafts != nil {
		every := cfg.EntryDraftsEvery
		if every <= 0 {
			every = DefaultEntryDraftsEvery
		}
		river.AddWorker(workers, &entryDraftsWorker{drafts: cfg.EntryDrafts, log: log})
		config.PeriodicJobs = append(config.PeriodicJobs, river.NewPeriodicJob(river.PeriodicInterval(every),
			func() (river.JobArgs, *river.InsertOpts) { return EntryDraftsArgs{}, once },
			&river.PeriodicJobOpts{ID: EntryDraftsArgs{}.Kind(), RunOnStart: true}))
	}
	if cfg.Notifications != nil {
		cfg.Notifications.AddWorkers(workers)
		config.Queues[notify.Queue] = river.QueueConfig{MaxWorkers: 4}
	}
	if cfg.GatePasses != nil {
		cfg.GatePasses.AddWorkers(workers)
		config.Queues[gates.Queue] = river.QueueConfig{MaxWorkers: 2}
	}
	if cfg.Alerts != nil {
		every, storageEvery := cfg.AlertsEvery, cfg.StorageCheckEvery
		if every <= 0 {
			every = DefaultAlertsEvery
		}
		if storageEvery <= 0 {
			storageEvery = DefaultStorageCheckEvery
		}
		river.AddWorker(workers, &alertsWorker{alerts: cfg.Alerts})
		river.AddWorker(workers, &storageCheckWorker{alerts: cfg.Alerts})
		config.PeriodicJobs = append(config.PeriodicJobs,
			river.NewPeriodicJob(river.PeriodicInterval(every),
				func() (river.JobArgs, *river.InsertOpts) { return AlertsArgs{}, once },
				&river.PeriodicJobOpts{ID: AlertsArgs{}.Kind(), RunOnStart: true}),
			river.NewPeriodicJob(river.PeriodicInterval(storageEvery),
				func() (river.JobArgs, *river.InsertOpts) { return StorageCheckArgs{}, once },
				&river.PeriodicJobOpts{ID: StorageCheckArgs{}.Kind(), RunOnStart: true}))
	}
	if cfg.CustomsMessages != nil {
		every := cfg.CustomsMessagesEvery
		if every <= 0 {
			every = DefaultCustomsMessagesEvery
		}
		cfg.CustomsMessages.AddWorkers(workers)
		queue := cfg.CustomsMessages.Queue()
		config.Queues[queue] = river.QueueConfig{MaxWorkers: 2}
		river.AddWorker(workers, &customsMessagesWorker{messages: cfg.CustomsMessages, log: log})
		// On the sends' own queue: a declaration reaches customs however
		// busy the default queue is.
		onQueue := *once
		onQueue.Queue = queue
		config.PeriodicJobs = append(config.PeriodicJobs, river.NewPeriodicJob(river.PeriodicInterval(every),
			func() (river.JobArgs, *river.InsertOpts) { return CustomsMessagesArgs{}, &onQueue },
			&river.PeriodicJobOpts{ID: CustomsMessagesArgs{}.Kind(), RunOnStart: true}))
	}
	if cfg.Recognizer != nil {
		river.AddWorker(workers, &recognitionWorker{recognizer: cfg.Recognizer})
		config.Queues[recognitions.Queue] = river.QueueConfig{MaxWorkers: max(cfg.RecognitionWorkers, 1)}
	}
	if cfg.BasicData != nil {
		cfg.BasicData.AddWorkers(workers)
		// One sync at a time: syncs of the same data would only wait on
		// each other's rows.
		config.Queues[basicdata.Queue] = river.QueueConfig{MaxWorkers: 1}
		config.PeriodicJobs = append(config.PeriodicJobs, cfg.BasicData.PeriodicJobs()...)
	}
	if cfg.Exporters != nil {
		cfg.Exporters.AddWorkers(workers)
		config.Queues[cfg.Exporters.Queue()] = river.QueueConfig{MaxWorkers: 1}
		config.PeriodicJobs = append(config.PeriodicJobs, cfg.Exporters.PeriodicJobs()...)
	}
	client, err := river.NewClient(riverpgxv5.New(cfg.Pool), config)
	if err != nil {
		return nil, fmt.Errorf("create job queue: %w", err)
	}
	if err := client.Start(ctx); err != nil {
		return nil, fmt.Errorf("start job queue: %w", err)
	}
	return &Queue{client: client}, nil
}

// Stop stops taking jobs and lets the running ones finish for the first
// half of the time left to ctx, then cancels them and waits for them to
// return until ctx ends.
func (q *Queue) Stop(ctx context.Context) error {
	soft := ctx
	if deadline, ok := ctx.Deadline(); ok {
		var cancel context.CancelFunc
		soft, cancel = context.WithDeadline(ctx, deadline.Add(-time.Until(deadline)/2))
		defer cancel()
	}
	if err := q.client.Stop(soft); err == nil || soft.Err() == nil {
		return err
	}
	// Out of patience: cancel the running jobs; they return promptly as
	// their work follows its context.
	return q.client.StopAndCancel(ctx)
}
