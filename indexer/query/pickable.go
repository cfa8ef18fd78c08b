package query

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"zonetrace/chaincode/model"
	"zonetrace/indexer"
)

// MaxPickable bounds one PickableBatches answer.
const MaxPickable = 500

// PickFilter selects the batches an enterprise can pick into a draft.
type PickFilter struct {
	EnterpriseID string
	// Bonded, when set, selects the bonded (true) or non-bonded (false)
	// holdings only.
	Bonded *bool
	// TraceCode matches exactly; Q is part of the product name, trace code
	// or material number, any case.
	TraceCode, Q string
}

// PickableBatch is one holding of a batch (trace code × bonded) by an
// enterprise, with the product facts of the newest line naming it in a
// document the enterprise declared or received (or, without one, its
// prefiling).
type PickableBatch struct {
	TraceCode     string `json:"traceCode"`
	Bonded        bool   `json:"bonded"`
	WeightGrams   int64  `json:"weightGrams"`
	ReservedGrams int64  `json:"reservedGrams"`
	// AvailableGrams is weight less reserved, never below zero (outgoing
	// documents may reserve more than a holding has left).
	AvailableGrams int64  `json:"availableGrams"`
	ProductName    string `json:"productName"`
	HSCode         string `json:"hsCode"`
	Origin         string `json:"origin"`
	MaterialNo     string `json:"materialNo"`
	UnitPriceFen   int64  `json:"unitPriceFen"`
	Currency       string `json:"currency"`
}

// PickableBatches lists the holdings of f.EnterpriseID with stock, once
// each, ordered by trace code, bonded first. A batch named by many
// documents (its entry, transfers, conversions, several lines of one
// document) is still one row: the product facts come from a LATERAL
// subquery taking the newest line, not from a join that would repeat the
// holding once per line.
func (r *Reader) PickableBatches(ctx context.Context, f PickFilter) ([]PickableBatch, error) {
	c := &conditions{}
	c.add("b.enterprise_id = ?", f.EnterpriseID)
	c.raw("b.weight_grams > 0")
	if f.Bonded != nil {
		c.add("b.bonded = ?", *f.Bonded)
	}
	if f.TraceCode != "" {
		c.add("b.trace_code = ?", f.TraceCode)
	}
	if f.Q != "" {
		c.add(`(b.trace_code ILIKE ? OR coalesce(l.product_name, t.product_name, '') ILIKE ?
			OR coalesce(l.material_no, p.material_no, '') ILIKE ?)`, containsPattern(f.Q))
	}
	voided := c.arg(string(model.DocVoided))
	// Prices are sealed in their columns; they are read from the
	// documents' and prefilings' sealed docs, opened as every read does.
	rows, err := r.pool.Query(ctx, `SELECT b.trace_code, b.bonded, b.weight_grams, b.reserved_grams,
			coalesce(l.product_name, t.product_name, ''), coalesce(l.hs_code, p.hs_code, ''),
			coalesce(l.origin, t.origin, ''), coalesce(l.material_no, p.material_no, ''),
			coalesce(l.seq, 0), l.doc, p.doc
		FROM balances b
		LEFT JOIN LATERAL (
			SELECT l.product_name, l.hs_code, l.origin, l.material_no, l.seq, d.doc
			FROM document_lines l JOIN documents d ON d.id = l.document_id
			WHERE l.trace_code = b.trace_code AND d.status <> `+voided+`
				AND (d.enterprise_id = b.enterprise_id OR d.counterparty_id = b.enterprise_id)
			ORDER BY d.updated_at DESC, d.id, l.seq
			LIMIT 1) l ON TRUE
		LEFT JOIN trace_codes t ON t.code = b.trace_code
		LEFT JOIN prefilings p ON p.id = t.prefiling_id
		WHERE `+c.where()+`
		ORDER BY b.trace_code, b.bonded DESC
		LIMIT `+fmt.Sprint(MaxPickable), c.args...)
	if err != nil {
		return nil, fmt.Errorf("list pickable batches: %w", err)
	}
	list := []PickableBatch{}
	var v PickableBatch
	var seq int
	var documentRaw, prefilingRaw []byte
	_, err = pgx.ForEachRow(rows, []any{&v.TraceCode, &v.Bonded, &v.WeightGrams, &v.ReservedGrams, &v.ProductName, &v.HSCode,
		&v.Origin, &v.MaterialNo, &seq, &documentRaw, &prefilingRaw}, func() error {
		v.AvailableGrams = max(v.WeightGrams-v.ReservedGrams, 0)
		v.UnitPriceFen, v.Currency = 0, ""
		switch {
		case documentRaw != nil:
			var d model.Document
			if err := r.decodeSealed(indexer.DocumentSealed, documentRaw, &d); err != nil {
				return fmt.Errorf("decode stored document: %w", err)
			}
			for _, l := range d.Lines {
				if l.Seq == seq {
					v.UnitPriceFen, v.Currency = l.UnitPriceFen, l.Currency
				}
			}
		case prefilingRaw != nil:
			var p model.Prefiling
			if err := r.decodeSealed(indexer.PrefilingSealed, prefilingRaw, &p); err != nil {
				return fmt.Errorf("decode stored prefiling: %w", err)
			}
			v.UnitPriceFen = p.Data.AvgPriceFen
		}
		list = append(list, v)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list pickable batches: %w", err)
	}
	return list, nil
}
