package query

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"zonetrace/chaincode/model"
	"zonetrace/indexer"
)

// TraceFilter selects batches (trace codes) for the trace views: feature
// traces (producer, grade, region, near-expiry, price, quarantine, risk),
// high value and high risk, and the search by material number, tag,
// document, vehicle plate, movement kind and time. Empty fields do not
// filter.
type TraceFilter struct {
	// HolderID scopes the search to the batches an enterprise was issued
	// or held at some time (per movements); empty means all.
	HolderID string
	// PartyID, when set, makes the tag, risk, high-value and price
	// filters and the summaries' tags read only that enterprise's own
	// records: tags of documents it declared or is the counterparty of, and
	// the price of batches issued to it; so searching reveals nothing of
	// other parties' commercial data.
	PartyID string
	// Producer (the exporter) and Region match case-insensitive
	// substrings; the others match exactly.
	Producer   string
	Grade      string
	Region     string
	Origin     string
	Quarantine model.QuarantineResult
	// MaterialNo matches the prefiling's or any document line's 料号.
	MaterialNo   string
	Tag          string
	DocumentID   string
	VehiclePlate string
	MovementKind model.MovementKind
	HighValue    bool
	// HighRisk selects batches customs marked high risk on the ledger
	// (MarkHighRisk), with a model.RiskTags tag on a document or with an
	// unqualified quarantine result.
	HighRisk bool
	// NearExpiryDays > 0 selects batches whose production date plus shelf
	// life falls before Today plus that many days (already expired ones
	// included).
	NearExpiryDays int
	Today          time.Time
	// MinPriceFen and MaxPriceFen bound the prefiling's average price per
	// kilogram (0: unbounded). Prices are sealed in the database, so this
	// filter runs after the others, over at most MaxPriceCandidates
	// batches.
	MinPriceFen, MaxPriceFen int64
	// Since and Until bound the time of some movement of the batch.
	Since, Until   time.Time
	Page, PageSize int
}

// MaxPriceCandidates bounds the batches a price filter examines.
const MaxPriceCandidates = 5000

// TraceSummary is one batch in a trace view.
type TraceSummary struct {
	TraceCode      model.TraceCode     `json:"traceCode"`
	Data           model.PrefilingData `json:"data"`
	EnterpriseName string              `json:"enterpriseName"`
	// ExpiresOn is the production date plus the shelf life, when both are
	// known (YYYY-MM-DD).
	ExpiresOn string `json:"expiresOn,omitempty"`
	// Tags are the distinct tag codes on the batch's documents.
	Tags []string `json:"tags"`
}

// TracePage is one page of a trace view.
type TracePage struct {
	Items       []TraceSummary `json:"items"`
	Total       int            `json:"total"`
	TotalCapped bool           `json:"totalCapped"`
	Page        int            `json:"page"`
	PageSize    int            `json:"pageSize"`
}

func (f TraceFilter) normalise() (TraceFilter, error) {
	if f.Page < 0 || f.PageSize < 0 || f.NearExpiryDays < 0 || f.MinPriceFen < 0 || f.MaxPriceFen < 0 {
		return f, fmt.Errorf("%w: negative page, page size, days or price", ErrInvalidFilter)
	}
	if f.Quarantine != "" && !slices.Contains(model.QuarantineResults, f.Quarantine) {
		return f, fmt.Errorf("%w: unknown quarantine result %q", ErrInvalidFilter, f.Quarantine)
	}
	if f.MovementKind != "" && !slices.Contains([]model.MovementKind{model.MoveZoneEntry, model.MoveZoneExit,
		model.MoveTransfer, model.MoveConversion, model.MoveReversal}, f.MovementKind) {
		return f, fmt.Errorf("%w: unknown movement kind %q", ErrInvalidFilter, f.MovementKind)
	}
	if f.NearExpiryDays > 0 && f.Today.IsZero() {
		return f, fmt.Errorf("%w: near-expiry needs today's date", ErrInvalidFilter)
	}
	if f.Page == 0 {
		f.Page = 1
	}
	if f.PageSize == 0 {
		f.PageSize = DefaultPageSize
	}
	f.PageSize = min(f.PageSize, MaxPageSize)
	return f, nil
}

// lineOfBatch is the condition that document d has a line of batch t.
const lineOfBatch = `EXISTS (SELECT 1 FROM document_lines l JOIN documents d ON d.id = l.document_id
	WHERE l.trace_code = t.code AND `

// partyScope restricts document d to those PartyID is a party of; "TRUE"
// without one. The placeholder is added to c.
func (f TraceFilter) partyScope(c *conditions) string {
	if f.PartyID == "" {
		return "TRUE"
	}
	p := c.arg(f.PartyID)
	return "(d.enterprise_id = " + p + " OR d.counterparty_id = " + p + ")"
}

func (f TraceFilter) conditions() *conditions {
	c := &conditions{}
	tagged := func(code string) string {
		return lineOfBatch + f.partyScope(c) + ` AND EXISTS (SELECT 1 FROM document_tags g WHERE g.document_id = d.id AND g.code = ` + c.arg(code) + `))`
	}
	if f.HolderID != "" {
		c.add(`(t.enterprise_id = ? OR t.code IN (SELECT trace_code FROM movements WHERE to_enterprise = ?))`, f.HolderID)
	}
	if f.Producer != "" {
		c.add("p.exporter_name ILIKE ?", containsPattern(f.Producer))
	}
	if f.Grade != "" {
		c.add("p.doc->'data'->>'grade' = ?", f.Grade)
	}
	if f.Region != "" {
		c.add("p.doc->'data'->>'plantingRegion' ILIKE ?", containsPattern(f.Region))
	}
	if f.Origin != "" {
		c.add("p.origin = ?", f.Origin)
	}
	if f.Quarantine != "" {
		c.add("p.quarantine_result = ?", string(f.Quarantine))
	}
	if f.MaterialNo != "" {
		c.add(`(p.material_no = ? OR EXISTS (SELECT 1 FROM document_lines l WHERE l.trace_code = t.code AND l.material_no = ?))`, f.MaterialNo)
	}
	if f.Tag != "" {
		c.raw(tagged(f.Tag))
	}
	if f.HighValue {
		c.raw(tagged(model.TagHighValue))
	}
	if f.HighRisk {
		scope := f.partyScope(c)
		c.add(`(t.doc->'highRisk' IS NOT NULL OR p.quarantine_result = '`+string(model.QuarantineUnqualified)+`' OR `+lineOfBatch+scope+
			` AND EXISTS (SELECT 1 FROM document_tags g WHERE g.document_id = d.id AND g.code = ANY(?))))`, model.RiskTags)
	}
	if f.DocumentID != "" {
		c.add(`EXISTS (SELECT 1 FROM document_lines l WHERE l.trace_code = t.code AND l.document_id = ?)`, f.DocumentID)
	}
	if f.VehiclePlate != "" {
		c.add(lineOfBatch+`d.doc->'head'->>'vehiclePlate' = ?)`, f.VehiclePlate)
	}
	if f.MovementKind != "" {
		c.add(`EXISTS (SELECT 1 FROM movements m WHERE m.trace_code = t.code AND m.kind = ?)`, string(f.MovementKind))
	}
	if !f.Since.IsZero() || !f.Until.IsZero() {
		cond := `EXISTS (SELECT 1 FROM movements m WHERE m.trace_code = t.code`
		if !f.Since.IsZero() {
			cond += ` AND m.at >= ` + c.arg(f.Since)
		}
		if !f.Until.IsZero() {
			cond += ` AND m.at < ` + c.arg(f.Until)
		}
		c.raw(cond + `)`)
	}
	if f.NearExpiryDays > 0 {
		c.add(expiresOn+` < ?::date`, f.Today.AddDate(0, 0, f.NearExpiryDays).Format(time.DateOnly))
	}
	return c
}

const traceJoin = `trace_codes t JOIN prefilings p ON p.id = t.prefiling_id`

// expiresOn is the production date plus the shelf life of prefiling p, NULL
// when either is missing.
const expiresOn = `(NULLIF(p.doc->'data'->>'productionDate', '')::date + NULLIF((p.doc->'data'->>'shelfLifeDays')::int, 0))`

// SearchTraces returns the page of batches matching f, newest issued first
// then by code. An invalid filter is an ErrInvalidFilter.
func (r *Reader) SearchTraces(ctx context.Context, f TraceFilter) (TracePage, error) {
	f, err := f.normalise()
	if err != nil {
		return TracePage{}, fmt.Errorf("search traces: %w", err)
	}
	page := TracePage{Items: []TraceSummary{}, Page: f.Page, PageSize: f.PageSize}
	c := f.conditions()
	byPrice := f.MinPriceFen > 0 || f.MaxPriceFen > 0
	if byPrice && f.PartyID != "" {
		c.add("t.enterprise_id = ?", f.PartyID)
	}
	where := c.where()
	countArgs := append([]any{}, c.args...)
	tagScope := f.partyScope(c)
	limit, args := c.page(f.Page, f.PageSize)
	if byPrice {
		limit, args = fmt.Sprintf(" LIMIT %d", MaxPriceCandidates), c.args
	}
	err = r.readOnly(ctx, func(tx pgx.Tx) error {
		var err error
		if !byPrice {
			if page.Total, page.TotalCapped, err = countCapped(ctx, tx, traceJoin+` WHERE `+where, countArgs); err != nil {
				return err
			}
		}
		rows, err := tx.Query(ctx, `SELECT t.doc, p.doc, coalesce(e.name, ''), coalesce(to_char(`+expiresOn+`, 'YYYY-MM-DD'), ''),
				ARRAY(SELECT DISTINCT g.code FROM document_lines l JOIN documents d ON d.id = l.document_id
				      JOIN document_tags g ON g.document_id = d.id WHERE l.trace_code = t.code AND `+tagScope+` ORDER BY 1)
			FROM `+traceJoin+`
			LEFT JOIN enterprises e ON e.id = t.enterprise_id
			WHERE `+where+` ORDER BY t.issued_at DESC, t.code`+limit, args...)
		if err != nil {
			return fmt.Errorf("list: %w", err)
		}
		var tcRaw, pfRaw []byte
		var s TraceSummary
		scanned := 0
		_, err = pgx.ForEachRow(rows, []any{&tcRaw, &pfRaw, &s.EnterpriseName, &s.ExpiresOn, &s.Tags}, func() error {
			scanned++
			item := TraceSummary{EnterpriseName: s.EnterpriseName, ExpiresOn: s.ExpiresOn, Tags: s.Tags}
			if item.Tags == nil {
				item.Tags = []string{}
			}
			var p model.Prefiling
			if err := r.decodeSealed(indexer.PrefilingSealed, pfRaw, &p); err != nil {
				return fmt.Errorf("decode stored prefiling: %w", err)
			}
			if err := json.Unmarshal(tcRaw, &item.TraceCode); err != nil {
				return fmt.Errorf("decode stored trace code: %w", err)
			}
			item.Data = p.Data
			item.Data.Attachments = nil
			if byPrice && (f.MinPriceFen > 0 && p.Data.AvgPriceFen < f.MinPriceFen ||
				f.MaxPriceFen > 0 && p.Data.AvgPriceFen > f.MaxPriceFen) {
				return nil
			}
			page.Items = append(page.Items, item)
			return nil
		})
		if byPrice {
			page.TotalCapped = scanned == MaxPriceCandidates
		}
		return err
	})
	if err != nil {
		return TracePage{}, fmt.Errorf("search traces: %w", err)
	}
	if byPrice {
		page.Total = len(page.Items)
		start := min((f.Page-1)*f.PageSize, len(page.Items))
		page.Items = page.Items[start:min(start+f.PageSize, len(page.Items))]
	}
	return page, nil
}
