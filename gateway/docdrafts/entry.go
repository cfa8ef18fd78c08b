package docdrafts

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"strings"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"zonetrace/chaincode/model"
)

// The entry draft (入区草单) of a prefiling: the tender has the trace code of
// an approved prefiling filled into the zone-entry draft the prefiling names
// (its entryDraftNo), "根据预核信息ID与入区草单的关联关系，将溯源二维码自动补录入至入区草单中".

// EntryFiller is the user the fill is recorded as.
const EntryFiller = "system"

// entryNamespace derives the id of the entry draft made for a prefiling.
var entryNamespace = uuid.NewSHA1(uuid.NameSpaceURL, []byte("urn:zonetrace:entry-draft"))

// EntryDraftID is the id of the entry draft made for prefilingID when the
// entry draft it names is not one of the enterprise's drafts: derived, so
// it is made once however often the approval is seen.
func EntryDraftID(prefilingID string) string {
	return uuid.NewSHA1(entryNamespace, []byte(prefilingID)).String()
}

// IsZoneEntry reports whether a family × business type brings goods into
// the zone, i.e. can be an entry draft.
func IsZoneEntry(f model.Family, bt model.BusinessType) bool {
	rule, ok := model.RuleOf(f, bt)
	return ok && rule.Kind == model.MoveZoneEntry
}

// Fill outcomes.
const (
	EntryFilled  = "filled"  // the named draft's lines got the trace code
	EntryCreated = "created" // a prefilled entry draft was made
	EntrySkipped = "skipped" // the named draft is declared or not a zone entry
)

// FillEntry fills the trace code of approved prefiling p into the
// enterprise's entry draft p names: the lines of that live, undeclared
// zone-entry draft that have no trace code and the prefiling's material
// number (both may be empty) get it. When p names no draft of the
// enterprise (its entryDraftNo is customs' own draft number, or the draft
// was deleted), a checklist zone-entry draft prefilled from the prefiling
// is made instead. It reports what it did and how many lines it filled;
// calling it again changes nothing. A prefiling without entryDraftNo
// names no entry draft and is left alone ("", 0).
func (s *Store) FillEntry(ctx context.Context, p model.Prefiling) (string, int, error) {
	if p.Data.EntryDraftNo == "" || p.TraceCode == "" {
		return "", 0, nil
	}
	// Draft ids are UUIDs, written in lower case.
	named, err := s.Get(ctx, p.EnterpriseID, strings.ToLower(strings.TrimSpace(p.Data.EntryDraftNo)))
	switch {
	case errors.Is(err, ErrNotFound):
		return s.createEntry(ctx, p)
	case err != nil:
		return "", 0, err
	case named.DocumentID != "" || !IsZoneEntry(named.Family, named.BusinessType):
		return EntrySkipped, 0, nil
	}
	// One statement, so a user's save in between is never overwritten:
	// only the empty trace codes change (they are not sealed, the sealed
	// values stay as they are).
	var filled int
	err = s.pool.QueryRow(ctx, `WITH f AS (
			SELECT jsonb_agg(CASE WHEN l->>'traceCode' = '' AND coalesce(l->>'materialNo', '') = $3
				THEN jsonb_set(l, '{traceCode}', to_jsonb($4::text)) ELSE l END ORDER BY n) AS lines,
				count(*) FILTER (WHERE l->>'traceCode' = '' AND coalesce(l->>'materialNo', '') = $3) AS filled
			FROM document_drafts x, jsonb_array_elements(x.lines) WITH ORDINALITY AS e(l, n)
			WHERE x.id::text = $1)
		UPDATE document_drafts d SET lines = f.lines, missing_trace_codes = d.missing_trace_codes - f.filled,
			updated_at = $7, updated_by = $8
		FROM f WHERE d.id::text = $1 AND d.enterprise_id = $2 AND d.family = $5 AND d.business_type = $6
			AND d.deleted_at IS NULL AND d.declared_document_id IS NULL AND f.filled > 0
		RETURNING f.filled`,
		named.ID, p.EnterpriseID, p.Data.MaterialNo, p.TraceCode, named.Family, named.BusinessType, s.now(), EntryFiller).Scan(&filled)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return "", 0, fmt.Errorf("fill trace code %s into draft %s: %w", p.TraceCode, named.ID, err)
	}
	return EntryFilled, filled, nil
}

// createEntry makes the prefilled entry draft of p.
func (s *Store) createEntry(ctx context.Context, p model.Prefiling) (string, int, error) {
	d := p.Data
	line := model.DocumentLine{TraceCode: p.TraceCode, MaterialNo: d.MaterialNo, ProductName: d.ProductName,
		HSCode: d.HSCode, Origin: d.Origin, WeightGrams: d.WeightGrams, UnitPriceFen: d.AvgPriceFen,
		ValueFen: valueFen(d.WeightGrams, d.AvgPriceFen), Currency: d.Currency}
	c := Content{Family: model.FamilyChecklist, BusinessType: model.BusinessEntry,
		Head:  model.DocumentHead{Note: "由预核申报 " + p.ID + " 审核通过生成，入区草单号 " + d.EntryDraftNo},
		Lines: []model.DocumentLine{line}}
	_, err := s.Create(ctx, EntryDraftID(p.ID), p.EnterpriseID, EntryFiller, c)
	if errors.Is(err, ErrNotFound) {
		// Made before and deleted since by the enterprise: left deleted.
		return EntrySkipped, 0, nil
	}
	if err != nil {
		return "", 0, fmt.Errorf("create entry draft of prefiling %s: %w", p.ID, err)
	}
	return EntryCreated, 1, nil
}

// valueFen is weight × price per kilogram, rounded to the fen, as
// model.CheckLineValue expects it.
func valueFen(weightGrams, priceFen int64) int64 {
	v := new(big.Int).Mul(big.NewInt(weightGrams), big.NewInt(priceFen))
	v.Add(v, big.NewInt(500)).Quo(v, big.NewInt(1000))
	return v.Int64()
}
