package basicdata

import (
	"context"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// Queue is the River queue of syncs: a pull may wait on a slow platform
// for minutes, and must not hold up the node's other jobs meanwhile.
const Queue = "basic_data"

// SyncArgs is the job of a sync queued by "sync now".
type SyncArgs struct {
	SyncID int64 `json:"syncId"`
}

// Kind names the job in river_job.
func (SyncArgs) Kind() string { return "basic_data_sync" }

// ScheduledArgs is the periodic sync.
type ScheduledArgs struct{}

// Kind names the job in river_job.
func (ScheduledArgs) Kind() string { return "basic_data_scheduled_sync" }

// syncTimeout bounds one sync: a full tariff table over a slow link.
const syncTimeout = 30 * time.Minute

type syncWorker struct {
	river.WorkerDefaults[SyncArgs]
	s *Service
}

func (w *syncWorker) Timeout(*river.Job[SyncArgs]) time.Duration { return syncTimeout }

func (w *syncWorker) Work(ctx context.Context, job *river.Job[SyncArgs]) error {
	_, err := w.s.Run(ctx, job.Args.SyncID)
	return err
}

type scheduledWorker struct {
	river.WorkerDefaults[ScheduledArgs]
	s *Service
}

func (w *scheduledWorker) Timeout(*river.Job[ScheduledArgs]) time.Duration { return syncTimeout }

func (w *scheduledWorker) Work(ctx context.Context, _ *river.Job[ScheduledArgs]) error {
	_, err := w.s.RunScheduled(ctx)
	return err
}

// AddWorkers adds the sync workers to the node's job queue (internal/jobs).
func (s *Service) AddWorkers(w *river.Workers) {
	river.AddWorker(w, &syncWorker{s: s})
	river.AddWorker(w, &scheduledWorker{s: s})
}

// scheduledOnce makes the periodic sync single: a round still queued or
// running absorbs the next; a failed round is not retried, the next
// period is the retry.
var scheduledOnce = &river.InsertOpts{Queue: Queue, MaxAttempts: 1, UniqueOpts: river.UniqueOpts{ByArgs: true,
	ByState: []rivertype.JobState{rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRunning,
		rivertype.JobStateScheduled}}}

// PeriodicJobs is the scheduled sync, every WithEvery; none without a
// connector.
func (s *Service) PeriodicJobs() []*river.PeriodicJob {
	if s.conn == nil {
		return nil
	}
	return []*river.PeriodicJob{river.NewPeriodicJob(river.PeriodicInterval(s.every),
		func() (river.JobArgs, *river.InsertOpts) { return ScheduledArgs{}, scheduledOnce },
		&river.PeriodicJobOpts{ID: ScheduledArgs{}.Kind(), RunOnStart: true})}
}
