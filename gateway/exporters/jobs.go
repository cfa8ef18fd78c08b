package exporters

import (
	"context"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// Queue is the River queue of the registry's jobs: a long crawl waits
// behind nothing else, and holds nothing else up.
const Queue = "exporters"

// CrawlArgs is a crawl of the registry website, periodic or asked for.
type CrawlArgs struct{}

// Kind names the job in river_job.
func (CrawlArgs) Kind() string { return "exporter_crawl" }

// ExpiryArgs is the periodic expiry check.
type ExpiryArgs struct{}

// Kind names the job in river_job.
func (ExpiryArgs) Kind() string { return "exporter_expiry" }

// single makes a job single: one still queued or running absorbs the next;
// a failed round is not retried, the next period is the retry.
var single = &river.InsertOpts{Queue: Queue, MaxAttempts: 1, UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: []rivertype.JobState{
	rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRunning, rivertype.JobStateScheduled,
}}}

type crawlWorker struct {
	river.WorkerDefaults[CrawlArgs]
	s *Service
}

// Timeout bounds a crawl of the whole listing.
func (w *crawlWorker) Timeout(*river.Job[CrawlArgs]) time.Duration { return 2 * time.Hour }

func (w *crawlWorker) Work(ctx context.Context, _ *river.Job[CrawlArgs]) error {
	_, err := w.s.Crawl(ctx)
	return err
}

type expiryWorker struct {
	river.WorkerDefaults[ExpiryArgs]
	s *Service
}

func (w *expiryWorker) Timeout(*river.Job[ExpiryArgs]) time.Duration { return 10 * time.Minute }

func (w *expiryWorker) Work(ctx context.Context, _ *river.Job[ExpiryArgs]) error {
	r, err := w.s.CheckExpiry(ctx)
	if r.Expired+r.Warned > 0 {
		w.s.log.Info("exporter registrations checked for expiry", "expired", r.Expired, "warned", r.Warned)
	}
	return err
}

// Queue names the registry's River queue (internal/jobs).
func (s *Service) Queue() string { return Queue }

// AddWorkers registers the crawl and expiry workers.
func (s *Service) AddWorkers(w *river.Workers) {
	river.AddWorker(w, &crawlWorker{s: s})
	river.AddWorker(w, &expiryWorker{s: s})
}

// PeriodicJobs are the expiry check, and the crawl when a registry website
// is configured.
func (s *Service) PeriodicJobs() []*river.PeriodicJob {
	jobs := []*river.PeriodicJob{river.NewPeriodicJob(river.PeriodicInterval(s.cfg.ExpiryEvery),
		func() (river.JobArgs, *river.InsertOpts) { return ExpiryArgs{}, single },
		&river.PeriodicJobOpts{ID: ExpiryArgs{}.Kind(), RunOnStart: true})}
	if s.CrawlOn() {
		jobs = append(jobs, river.NewPeriodicJob(river.PeriodicInterval(s.cfg.CrawlEvery),
			func() (river.JobArgs, *river.InsertOpts) { return CrawlArgs{}, single },
			// Not at start: a node restarting often would crawl as often.
			&river.PeriodicJobOpts{ID: CrawlArgs{}.Kind()}))
	}
	return jobs
}

// CrawlNow queues a crawl; one already queued or running absorbs it.
func (s *Service) CrawlNow(ctx context.Context) error {
	if !s.CrawlOn() {
		return errCrawlOff()
	}
	_, err := s.queue.Insert(ctx, CrawlArgs{}, single)
	return err
}
