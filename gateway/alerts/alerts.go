// Package alerts raises customs' risk alerts (风险预警) of the five kinds
// of model.AlertKinds from what the indexer has mirrored, under the risk
// parameters of the rule configuration in force (model.RiskParams).
//
// The engine follows the indexed blocks from its own cursor row
// (risk_alert_cursor), like gateway/entryfill follows receipts: Step
// evaluates the batches and document lines written in the blocks after the
// cursor and moves it, in one transaction that also inserts the alerts.
// CheckStorage, run on a schedule, raises the long-storage alerts, as a stay
// grows too long without any block being written. Each alert is inserted
// with ON CONFLICT DO NOTHING against UNIQUE (kind, subject, period), and
// both steps lock their cursor row first, so a restart, a retried job or a
// second gateway process on the same database can neither lose nor repeat
// an alert. The engine sends nothing itself: a Sink is told of each new
// alert inside the inserting transaction.
package alerts

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"zonetrace/chaincode/model"
)

// Subject types of an alert.
const (
	SubjectTraceCode  = "trace_code"
	SubjectDocument   = "document"
	SubjectEnterprise = "enterprise"
)

// RiskAlert is one raised alert.
type RiskAlert struct {
	ID            int64           `json:"id"`
	Kind          model.AlertKind `json:"kind"`
	SubjectType   string          `json:"subjectType"`
	Subject       string          `json:"subject"`
	Period        string          `json:"period"`
	EnterpriseID  string          `json:"enterpriseId"`
	ConfigVersion int             `json:"configVersion"`
	// Facts are the figures that fired it (integers: days, fen, permille)
	// and the thresholds they were compared with.
	Facts   map[string]any `json:"facts"`
	Block   uint64         `json:"blockNumber"`
	FiredAt time.Time      `json:"firedAt"`
	// EnterpriseName is the enterprise's registered name, when known.
	EnterpriseName string `json:"enterpriseName"`
	// Status, Level and DisposalType are customs' handling as the ledger
	// records it (model.RiskDisposal), mirrored by the indexer: open until
	// the first assessment.
	Status       model.DisposalState `json:"status"`
	Level        model.RiskLevel     `json:"level"`
	DisposalType model.DisposalType  `json:"disposalType"`
}

// Sink is told of each new alert in the transaction that inserts it, so
// what it records (a notification) commits with the alert or not at all.
type Sink interface {
	Alerted(ctx context.Context, tx pgx.Tx, a RiskAlert) error
}

// Batch is an approved prefiling's batch as the engine evaluates it.
type Batch struct {
	PrefilingID      string
	TraceCode        string
	EnterpriseID     string
	Commodity        string
	ProductName      string
	HSCode           string
	Origin           string
	QuarantineResult model.QuarantineResult
	HasCertificate   bool
	AvgPriceFen      int64
	WeightGrams      int64
	DeclaredAt       time.Time
}

// Line is a declared document line with the average price its batch
// entered the zone with.
type Line struct {
	DocumentID    string
	Seq           int
	EnterpriseID  string
	TraceCode     string
	UnitPriceFen  int64
	EntryPriceFen int64
}

// Holding is goods held in the zone now, in the zone since Since.
type Holding struct {
	TraceCode    string
	EnterpriseID string
	Commodity    string
	Since        time.Time
}

// Source is what the engine reads; PGSource reads the indexer's mirror.
type Source interface {
	// IndexedHeight is the number of the last block the indexer applied.
	IndexedHeight(ctx context.Context) (uint64, error)
	// Config is the rule configuration in force at block upto.
	Config(ctx context.Context, upto uint64) (model.RuleConfig, error)
	// ConfigChange is the first block in (after, upto] that wrote a new
	// rule configuration, 0 when none did.
	ConfigChange(ctx context.Context, after, upto uint64) (uint64, error)
	// Batches are the approved batches last written in blocks (after, upto].
	Batches(ctx context.Context, after, upto uint64) ([]Batch, error)
	// Lines are the lines of the documents last written in (after, upto].
	Lines(ctx context.Context, after, upto uint64) ([]Line, error)
	// ReferencePrice is the weight-weighted average price of the other
	// approved batches of b's origin and HS code declared in the days
	// before b, 0 when there are none.
	ReferencePrice(ctx context.Context, b Batch, days int) (int64, error)
	// Holdings are the goods held in the zone.
	Holdings(ctx context.Context) ([]Holding, error)
}

// Cursor names.
const (
	cursorBlocks  = "blocks"
	cursorStorage = "storage"
)

// maxBlocks bounds the blocks one Step evaluates, so one transaction stays
// short after a long stop.
const maxBlocks = 500

// Engine raises alerts.
type Engine struct {
	pool *pgxpool.Pool
	src  Source
	sink Sink
	now  func() time.Time
	log  *slog.Logger
}

// Option configures an Engine.
type Option func(*Engine)

// WithSink tells sink of every new alert.
func WithSink(s Sink) Option { return func(e *Engine) { e.sink = s } }

// WithClock replaces time.Now (tests of the storage age).
func WithClock(now func() time.Time) Option { return func(e *Engine) { e.now = now } }

// WithLogger logs the rounds that raised alerts.
func WithLogger(l *slog.Logger) Option { return func(e *Engine) { e.log = l } }

// New returns an engine keeping its alerts and cursor in pool.
func New(pool *pgxpool.Pool, src Source, opts ...Option) *Engine {
	e := &Engine{pool: pool, src: src, now: time.Now, log: slog.New(slog.DiscardHandler)}
	for _, o := range opts {
		o(e)
	}
	return e
}

// Step evaluates the blocks indexed after the cursor and returns how many
// new alerts it raised. Call it until it returns 0 with nothing left; the
// job queue calls it periodically.
func (e *Engine) Step(ctx context.Context) (int, error) {
	raised := 0
	for {
		n, more, err := e.stepOnce(ctx)
		raised += n
		if err != nil || !more {
			if raised > 0 {
				e.log.Info("risk alerts raised", "count", raised)
			}
			return raised, err
		}
	}
}

func (e *Engine) stepOnce(ctx context.Context) (raised int, more bool, err error) {
	err = e.locked(ctx, cursorBlocks, func(tx pgx.Tx, after uint64) (uint64, error) {
		height, err := e.src.IndexedHeight(ctx)
		if err != nil || height <= after {
			return after, err
		}
		upto := min(height, after+maxBlocks)
		// A round ends before a block that changed the configuration, so
		// every block is evaluated under the version in force at it.
		change, err := e.src.ConfigChange(ctx, after+1, upto)
		if err != nil {
			return after, err
		}
		if change > 0 {
			upto = change - 1
		}
		more = upto < height
		alerts, err := e.evaluate(ctx, after, upto)
		if err != nil {
			return after, err
		}
		raised, err = e.insert(ctx, tx, alerts)
		return upto, err
	})
	return raised, more, err
}

// CheckStorage raises the long-storage alerts of the goods held now.
func (e *Engine) CheckStorage(ctx context.Context) (int, error) {
	raised := 0
	err := e.locked(ctx, cursorStorage, func(tx pgx.Tx, _ uint64) (uint64, error) {
		height, err := e.src.IndexedHeight(ctx)
		if err != nil {
			return 0, err
		}
		cfg, err := e.src.Config(ctx, height)
		if err != nil {
			return 0, err
		}
		holdings, err := e.src.Holdings(ctx)
		if err != nil {
			return 0, err
		}
		now := e.now()
		risk := cfg.RiskParams()
		var alerts []RiskAlert
		for _, h := range holdings {
			days := int(now.Sub(h.Since) / (24 * time.Hour))
			limit, fired := risk.StorageExceeded(h.Commodity, days)
			if !fired {
				continue
			}
			alerts = append(alerts, RiskAlert{Kind: model.AlertLongStorage, SubjectType: SubjectTraceCode, Subject: h.TraceCode,
				Period: h.Since.UTC().Format(time.RFC3339), EnterpriseID: h.EnterpriseID, ConfigVersion: cfg.Version, Block: height,
				Facts: map[string]any{"commodity": h.Commodity, "since": h.Since.UTC().Format(time.RFC3339), "days": days, "maxDays": limit}})
		}
		raised, err = e.insert(ctx, tx, alerts)
		return height, err
	})
	return raised, err
}

// evaluate raises the alerts of blocks (after, upto].
func (e *Engine) evaluate(ctx context.Context, after, upto uint64) ([]RiskAlert, error) {
	cfg, err := e.src.Config(ctx, upto)
	if err != nil {
		return nil, err
	}
	risk := cfg.RiskParams()
	batches, err := e.src.Batches(ctx, after, upto)
	if err != nil {
		return nil, err
	}
	var out []RiskAlert
	batchAlert := func(kind model.AlertKind, b Batch, facts map[string]any) {
		out = append(out, RiskAlert{Kind: kind, SubjectType: SubjectTraceCode, Subject: b.TraceCode, Period: b.PrefilingID,
			EnterpriseID: b.EnterpriseID, ConfigVersion: cfg.Version, Block: upto, Facts: facts})
	}
	for _, b := range batches {
		if field, listed := risk.HighRiskMatch(b.Origin, b.HSCode, b.ProductName); field != "" {
			batchAlert(model.AlertHighRisk, b, map[string]any{"field": field, "listed": listed,
				"origin": b.Origin, "hsCode": b.HSCode, "productName": b.ProductName})
		}
		if why, fired := risk.QuarantineFired(b.QuarantineResult, b.HasCertificate); fired {
			batchAlert(model.AlertQuarantine, b, map[string]any{"reason": why, "quarantineResult": string(b.QuarantineResult),
				"hasCertificate": b.HasCertificate})
		}
		if days := risk.HighValue.PeriodDays; days > 0 {
			ref, err := e.src.ReferencePrice(ctx, b, days)
			if err != nil {
				return nil, err
			}
			if risk.HighValueFired(b.AvgPriceFen, ref) {
				batchAlert(model.AlertHighValue, b, map[string]any{"avgPriceFen": b.AvgPriceFen, "referencePriceFen": ref,
					"periodDays": days, "thresholdPermille": risk.HighValue.ThresholdPermille})
			}
		}
	}
	if risk.PriceDifference.HighPermille > 0 || risk.PriceDifference.LowPermille > 0 {
		lines, err := e.src.Lines(ctx, after, upto)
		if err != nil {
			return nil, err
		}
		for _, l := range lines {
			if side, fired := risk.PriceDifferenceFired(l.UnitPriceFen, l.EntryPriceFen); fired {
				out = append(out, RiskAlert{Kind: model.AlertPriceDifference, SubjectType: SubjectDocument, Subject: l.DocumentID,
					Period: fmt.Sprintf("line %d", l.Seq), EnterpriseID: l.EnterpriseID, ConfigVersion: cfg.Version, Block: upto,
					Facts: map[string]any{"side": side, "traceCode": l.TraceCode, "lineSeq": l.Seq, "unitPriceFen": l.UnitPriceFen,
						"entryPriceFen": l.EntryPriceFen, "highPermille": risk.PriceDifference.HighPermille,
						"lowPermille": risk.PriceDifference.LowPermille}})
			}
		}
	}
	return out, nil
}

// locked runs fn holding the named cursor row and stores what fn returns
// as the new position, all in one transaction.
func (e *Engine) locked(ctx context.Context, name string, fn func(tx pgx.Tx, at uint64) (uint64, error)) error {
	return pgx.BeginFunc(ctx, e.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO risk_alert_cursor (name, block) VALUES ($1, 0) ON CONFLICT (name) DO NOTHING`, name); err != nil {
			return fmt.Errorf("risk alerts: make cursor: %w", err)
		}
		var at int64
		if err := tx.QueryRow(ctx, `SELECT block FROM risk_alert_cursor WHERE name = $1 FOR UPDATE`, name).Scan(&at); err != nil {
			return fmt.Errorf("risk alerts: lock cursor: %w", err)
		}
		next, err := fn(tx, uint64(at))
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE risk_alert_cursor SET block = $2, updated_at = now() WHERE name = $1`, name, int64(next)); err != nil {
			return fmt.Errorf("risk alerts: move cursor: %w", err)
		}
		return nil
	})
}

// insert stores the alerts that are new and tells the sink of each.
func (e *Engine) insert(ctx context.Context, tx pgx.Tx, alerts []RiskAlert) (int, error) {
	raised := 0
	for _, a := range alerts {
		a.FiredAt = e.now().UTC()
		a.Status = model.DisposalOpen
		facts, err := json.Marshal(a.Facts)
		if err != nil {
			return raised, err
		}
		err = tx.QueryRow(ctx, `INSERT INTO risk_alerts
			(kind, subject_type, subject, period, enterprise_id, config_version, facts, block_number, fired_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
			ON CONFLICT (kind, subject, period) DO NOTHING RETURNING id`,
			string(a.Kind), a.SubjectType, a.Subject, a.Period, a.EnterpriseID, a.ConfigVersion, facts, int64(a.Block), a.FiredAt).Scan(&a.ID)
		if errors.Is(err, pgx.ErrNoRows) {
			continue // raised before
		}
		if err != nil {
			return raised, fmt.Errorf("risk alerts: insert: %w", err)
		}
		if e.sink != nil {
			if err := e.sink.Alerted(ctx, tx, a); err != nil {
				return raised, err
			}
		}
		raised++
	}
	return raised, nil
}
