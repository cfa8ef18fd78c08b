package basicdata

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/basicdata/connector"
	"zonetrace/gateway/validation"
)

// States and triggers of a sync.
const (
	StateQueued  = "queued"
	StateRunning = "running"
	StateDone    = "done"
	StateFailed  = "failed"

	TriggerManual   = "manual"
	TriggerSchedule = "schedule"
)

// Refusals of a delivery, as codes the web app words.
const (
	// RefusedUnreadable: the delivery is not a complete JSON delivery of
	// its data set.
	RefusedUnreadable = "unreadable"
	// RefusedInvalid: records of the delivery fail their checks
	// (Problems says which).
	RefusedInvalid = "invalid_records"
)

// maxLoggedProblems bounds the problems the sync log keeps of a refused
// delivery; the file in failed/ has them all.
const maxLoggedProblems = 20

// SyncCounts are what a sync did to a data set's records.
type SyncCounts struct {
	Added     int `json:"added"`
	Changed   int `json:"changed"`
	Unchanged int `json:"unchanged"`
	// Removed records were missing from a full delivery; they are kept,
	// marked removed, and come back when delivered again.
	Removed    int `json:"removed"`
	Deliveries int `json:"deliveries"`
	Refused    int `json:"refused"`
}

func (c *SyncCounts) add(d SyncCounts) {
	c.Added += d.Added
	c.Changed += d.Changed
	c.Unchanged += d.Unchanged
	c.Removed += d.Removed
	c.Deliveries += d.Deliveries
	c.Refused += d.Refused
}

// DeliveryOutcome is what became of one delivery.
type DeliveryOutcome struct {
	Dataset  string     `json:"dataset"`
	Source   string     `json:"source"`
	Full     bool       `json:"full"`
	Accepted bool       `json:"accepted"`
	Counts   SyncCounts `json:"counts"`
	// Refusal is RefusedUnreadable or RefusedInvalid; Detail the
	// connector's words for an unreadable one, Problems the records'.
	Refusal  string               `json:"refusal,omitempty"`
	Detail   string               `json:"detail,omitempty"`
	Problems []validation.Problem `json:"problems,omitempty"`
	// ProblemCount is how many problems there were in all.
	ProblemCount int `json:"problemCount,omitempty"`
}

// Sync is one run of the sync log.
type Sync struct {
	ID          int64                 `json:"id"`
	Trigger     string                `json:"trigger"`
	State       string                `json:"state"`
	RequestedBy string                `json:"requestedBy"`
	Counts      map[string]SyncCounts `json:"counts"`
	Deliveries  []DeliveryOutcome     `json:"deliveries"`
	// Failures are the data sets that could not be pulled; the others
	// were synced.
	Failures   []PullFailure `json:"failures"`
	CreatedAt  time.Time     `json:"createdAt"`
	StartedAt  *time.Time    `json:"startedAt,omitempty"`
	FinishedAt *time.Time    `json:"finishedAt,omitempty"`
}

// PullFailure is a data set a sync could not pull; Detail is the
// connector's error, for the operator.
type PullFailure struct {
	Dataset string `json:"dataset"`
	Detail  string `json:"detail"`
}

// Service syncs the basic data and answers its queries and checks.
type Service struct {
	pool  *pgxpool.Pool
	conn  connector.Connector
	queue *river.Client[pgx.Tx]
	now   func() time.Time
	log   *slog.Logger
	every time.Duration
}

// Option configures a Service.
type Option func(*Service)

// WithClock sets the clock of the sync log and of the checks' day.
func WithClock(now func() time.Time) Option { return func(s *Service) { s.now = now } }

// WithLogger sets the logger of syncs.
func WithLogger(l *slog.Logger) Option { return func(s *Service) { s.log = l } }

// WithEvery sets how often the scheduled sync runs (DefaultEvery).
func WithEvery(d time.Duration) Option {
	return func(s *Service) {
		if d > 0 {
			s.every = d
		}
	}
}

// DefaultEvery is how often the scheduled sync runs: the platform's data
// changes over days, and "sync now" is there for the impatient.
const DefaultEvery = time.Hour

// New returns a Service pulling through conn; nil conn syncs nothing
// (queries and checks still answer from what was synced before).
func New(pool *pgxpool.Pool, conn connector.Connector, opts ...Option) (*Service, error) {
	queue, err := river.NewClient(riverpgxv5.New(pool), &river.Config{})
	if err != nil {
		return nil, fmt.Errorf("basic data: create job client: %w", err)
	}
	s := &Service{pool: pool, conn: conn, queue: queue, now: time.Now, log: slog.New(slog.DiscardHandler), every: DefaultEvery}
	for _, o := range opts {
		o(s)
	}
	return s, nil
}

// Configured reports whether a connector is configured.
func (s *Service) Configured() bool { return s.conn != nil }

const syncColumns = `id, trigger, state, requested_by, counts, deliveries, failures, created_at, started_at, finished_at`

func scanSync(r pgx.Row) (Sync, error) {
	var y Sync
	var counts, deliveries, failures []byte
	if err := r.Scan(&y.ID, &y.Trigger, &y.State, &y.RequestedBy, &counts, &deliveries, &failures, &y.CreatedAt,
		&y.StartedAt, &y.FinishedAt); err != nil {
		return y, err
	}
	if err := json.Unmarshal(counts, &y.Counts); err != nil {
		return y, fmt.Errorf("sync %d: counts: %w", y.ID, err)
	}
	if err := json.Unmarshal(deliveries, &y.Deliveries); err != nil {
		return y, fmt.Errorf("sync %d: deliveries: %w", y.ID, err)
	}
	if err := json.Unmarshal(failures, &y.Failures); err != nil {
		return y, fmt.Errorf("sync %d: failures: %w", y.ID, err)
	}
	y.CreatedAt = y.CreatedAt.UTC()
	for _, t := range []**time.Time{&y.StartedAt, &y.FinishedAt} {
		if *t != nil {
			u := (*t).UTC()
			*t = &u
		}
	}
	return y, nil
}

// SyncNow queues a sync asked for by user and returns it. A sync already
// queued or running is returned instead of queueing another: it pulls the
// same data.
func (s *Service) SyncNow(ctx context.Context, user string) (Sync, bool, error) {
	if s.conn == nil {
		return Sync{}, false, model.Refuse(model.ReasonBasicDataNotConfigured, nil, "no trade platform connector is configured")
	}
	var y Sync
	created := false
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{}, func(tx pgx.Tx) error {
		// One sync now at a time, across nodes.
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('basic_data_sync_now'))`); err != nil {
			return err
		}
		var err error
		y, err = scanSync(tx.QueryRow(ctx, `SELECT `+syncColumns+` FROM basic_data_syncs
			WHERE state IN ('queued', 'running') ORDER BY id LIMIT 1`))
		if err == nil || !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		if y, err = s.insertSync(ctx, tx, TriggerManual, user); err != nil {
			return err
		}
		created = true
		_, err = s.queue.InsertTx(ctx, tx, SyncArgs{SyncID: y.ID}, &river.InsertOpts{Queue: Queue, MaxAttempts: 1})
		return err
	})
	if err != nil {
		return Sync{}, false, fmt.Errorf("sync now: %w", err)
	}
	return y, created, nil
}

func (s *Service) insertSync(ctx context.Context, tx pgx.Tx, trigger, user string) (Sync, error) {
	return scanSync(tx.QueryRow(ctx, `INSERT INTO basic_data_syncs (trigger, state, requested_by, created_at)
		VALUES ($1, 'queued', $2, $3) RETURNING `+syncColumns, trigger, user, s.now()))
}

// RunScheduled records a scheduled sync and runs it.
func (s *Service) RunScheduled(ctx context.Context) (Sync, error) {
	var y Sync
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{}, func(tx pgx.Tx) error {
		var err error
		y, err = s.insertSync(ctx, tx, TriggerSchedule, "")
		return err
	})
	if err != nil {
		return Sync{}, fmt.Errorf("scheduled sync: %w", err)
	}
	return s.Run(ctx, y.ID)
}

// Run carries out a queued sync: every data set is pulled and each of its
// deliveries applied whole or refused, progress recorded as it goes. A data
// set that cannot be pulled fails the sync but not the other data sets.
func (s *Service) Run(ctx context.Context, id int64) (Sync, error) {
	if s.conn == nil {
		return Sync{}, errors.New("basic data: no connector configured")
	}
	started := s.now()
	tag, err := s.pool.Exec(ctx, `UPDATE basic_data_syncs SET state = 'running', started_at = $2
		WHERE id = $1 AND state = 'queued'`, id, started)
	if err != nil {
		return Sync{}, fmt.Errorf("start sync %d: %w", id, err)
	}
	if tag.RowsAffected() == 0 {
		return s.Sync(ctx, id)
	}
	counts := map[string]SyncCounts{}
	outcomes := []DeliveryOutcome{}
	failures := []PullFailure{}
	for _, dataset := range Datasets {
		var since time.Time
		if err := s.pool.QueryRow(ctx, `SELECT synced_at FROM basic_data_sets WHERE dataset = $1`, dataset).Scan(&since); err != nil &&
			!errors.Is(err, pgx.ErrNoRows) {
			return Sync{}, fmt.Errorf("sync %d: %w", id, err)
		}
		deliveries, err := s.conn.Fetch(ctx, dataset, since)
		if err != nil {
			if ctx.Err() != nil {
				return Sync{}, s.finish(context.WithoutCancel(ctx), id, counts, outcomes,
					append(failures, PullFailure{Dataset: dataset, Detail: ctx.Err().Error()}))
			}
			failures = append(failures, PullFailure{Dataset: dataset, Detail: err.Error()})
			continue
		}
		total := SyncCounts{}
		clean := true
		for _, d := range deliveries {
			o, err := s.apply(ctx, d)
			if err != nil {
				return Sync{}, s.finish(context.WithoutCancel(ctx), id, counts, outcomes,
					append(failures, PullFailure{Dataset: dataset, Detail: err.Error()}))
			}
			if err := d.Settle(refusal(o)); err != nil {
				s.log.Warn("basic data delivery applied but not settled; it will be read again", "source", d.Source, "err", err)
			}
			clean = clean && o.Accepted
			total.add(o.Counts)
			outcomes = append(outcomes, o)
		}
		counts[dataset] = total
		if clean {
			// The next pull asks for what changed since this one began;
			// a refused delivery is asked for again.
			if _, err := s.pool.Exec(ctx, `INSERT INTO basic_data_sets (dataset, synced_at, sync_id) VALUES ($1, $2, $3)
				ON CONFLICT (dataset) DO UPDATE SET synced_at = excluded.synced_at, sync_id = excluded.sync_id`,
				dataset, started, id); err != nil {
				return Sync{}, fmt.Errorf("sync %d: %w", id, err)
			}
		}
		if err := s.progress(ctx, id, counts, outcomes); err != nil {
			return Sync{}, err
		}
	}
	if err := s.finish(ctx, id, counts, outcomes, failures); err != nil {
		return Sync{}, err
	}
	return s.Sync(ctx, id)
}

// refusal is the error a refused delivery is settled with.
func refusal(o DeliveryOutcome) error {
	if o.Accepted {
		return nil
	}
	text := o.Refusal
	if o.Detail != "" {
		text += ": " + o.Detail
	}
	for _, p := range o.Problems {
		text += "\n" + p.Field + ": " + p.Message
	}
	return errors.New(text)
}

func (s *Service) progress(ctx context.Context, id int64, counts map[string]SyncCounts, outcomes []DeliveryOutcome) error {
	c, o, err := encodeLog(counts, outcomes)
	if err != nil {
		return err
	}
	if _, err := s.pool.Exec(ctx, `UPDATE basic_data_syncs SET counts = $2, deliveries = $3 WHERE id = $1`, id, c, o); err != nil {
		return fmt.Errorf("record progress of sync %d: %w", id, err)
	}
	return nil
}

func (s *Service) finish(ctx context.Context, id int64, counts map[string]SyncCounts, outcomes []DeliveryOutcome, failures []PullFailure) error {
	c, o, err := encodeLog(counts, outcomes)
	if err != nil {
		return err
	}
	f, err := json.Marshal(failures)
	if err != nil {
		return err
	}
	state := StateDone
	if len(failures) > 0 {
		state = StateFailed
		s.log.Warn("basic data sync failed", "sync", id, "failures", failures)
	}
	if _, err := s.pool.Exec(ctx, `UPDATE basic_data_syncs SET state = $2, counts = $3, deliveries = $4, failures = $5, finished_at = $6
		WHERE id = $1`, id, state, c, o, f, s.now()); err != nil {
		return fmt.Errorf("finish sync %d: %w", id, err)
	}
	return nil
}

func encodeLog(counts map[string]SyncCounts, outcomes []DeliveryOutcome) ([]byte, []byte, error) {
	c, err := json.Marshal(counts)
	if err != nil {
		return nil, nil, err
	}
	o, err := json.Marshal(outcomes)
	return c, o, err
}

// AbandonRunning fails the syncs a previous process left running: the job
// that ran them is gone with it.
func (s *Service) AbandonRunning(ctx context.Context) error {
	if _, err := s.pool.Exec(ctx, `UPDATE basic_data_syncs SET state = 'failed',
			failures = failures || '[{"dataset": "", "detail": "interrupted: the node stopped during the sync"}]', finished_at = $1
		WHERE state = 'running'`, s.now()); err != nil {
		return fmt.Errorf("abandon running syncs: %w", err)
	}
	return nil
}

// stored is a record as it is kept.
type stored struct {
	record
	data []byte
	hash string
}

// apply checks every record of d and upserts them in one transaction; a
// delivery with any bad record changes nothing.
func (s *Service) apply(ctx context.Context, d connector.Delivery) (DeliveryOutcome, error) {
	o := DeliveryOutcome{Dataset: d.Dataset, Source: d.Source, Full: d.Full, Counts: SyncCounts{Deliveries: 1}}
	if d.Invalid != nil {
		o.Refusal, o.Detail, o.Counts.Refused = RefusedUnreadable, d.Invalid.Error(), 1
		return o, nil
	}
	var problems model.Problems
	recs := make([]stored, 0, len(d.Records))
	seen := make(map[string]bool, len(d.Records))
	for i, raw := range d.Records {
		field := fmt.Sprintf("records[%d]", i)
		r, ps := decode(d.Dataset, field, raw)
		problems = append(problems, ps...)
		if len(ps) > 0 {
			continue
		}
		if seen[r.Key] {
			problems.Add(field, model.RuleDuplicate, model.Params{"value": r.Key})
			continue
		}
		seen[r.Key] = true
		// The typed record's JSON is canonical: fields in declaration
		// order, unknown fields refused, so equal content hashes equal.
		data, err := json.Marshal(r.Data)
		if err != nil {
			return o, fmt.Errorf("encode %s %s: %w", d.Dataset, r.Key, err)
		}
		sum := sha256.Sum256(data)
		recs = append(recs, stored{record: r, data: data, hash: hex.EncodeToString(sum[:])})
	}
	if len(problems) > 0 {
		o.Refusal, o.Counts.Refused, o.ProblemCount = RefusedInvalid, 1, len(problems)
		var logged validation.Problems
		logged.AddModel(problems[:min(len(problems), maxLoggedProblems)]...)
		o.Problems = logged
		return o, nil
	}
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{}, func(tx pgx.Tx) error {
		c, err := upsert(ctx, tx, d, recs, s.now())
		o.Counts.add(c)
		return err
	})
	if err != nil {
		return o, fmt.Errorf("apply %s: %w", d.Source, err)
	}
	o.Accepted = true
	return o, nil
}

func upsert(ctx context.Context, tx pgx.Tx, d connector.Delivery, recs []stored, now time.Time) (SyncCounts, error) {
	var c SyncCounts
	keys := make([]string, len(recs))
	for i, r := range recs {
		keys[i] = r.Key
	}
	type old struct {
		hash    string
		removed bool
	}
	known := map[string]old{}
	rows, err := tx.Query(ctx, `SELECT key, hash, removed_at IS NOT NULL FROM basic_data_records
		WHERE dataset = $1 AND key = ANY($2) FOR UPDATE`, d.Dataset, keys)
	if err != nil {
		return c, err
	}
	for rows.Next() {
		var k string
		var o old
		if err := rows.Scan(&k, &o.hash, &o.removed); err != nil {
			return c, err
		}
		known[k] = o
	}
	if err := rows.Err(); err != nil {
		return c, err
	}
	batch := &pgx.Batch{}
	for _, r := range recs {
		o, ok := known[r.Key]
		switch {
		case !ok || o.removed:
			c.Added++
		case o.hash != r.hash:
			c.Changed++
		default:
			c.Unchanged++
		}
		batch.Queue(`INSERT INTO basic_data_records (dataset, key, enterprise_id, data, hash, source, first_seen, last_seen)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $7)
			ON CONFLICT (dataset, key) DO UPDATE SET enterprise_id = excluded.enterprise_id, data = excluded.data,
				hash = excluded.hash, source = excluded.source, last_seen = excluded.last_seen, removed_at = NULL,
				version = basic_data_records.version + CASE WHEN basic_data_records.hash = excluded.hash THEN 0 ELSE 1 END`,
			d.Dataset, r.Key, r.EnterpriseID, r.data, r.hash, d.Source, now)
	}
	if err := tx.SendBatch(ctx, batch).Close(); err != nil {
		return c, err
	}
	if d.Full {
		tag, err := tx.Exec(ctx, `UPDATE basic_data_records SET removed_at = $3
			WHERE dataset = $1 AND removed_at IS NULL AND NOT (key = ANY($2))`, d.Dataset, keys, now)
		if err != nil {
			return c, err
		}
		c.Removed = int(tag.RowsAffected())
	}
	return c, nil
}
