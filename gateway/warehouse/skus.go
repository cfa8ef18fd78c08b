package warehouse

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/accounts"
)

// SKU is an operator's SKU mapping as kept.
type SKU struct {
	EnterpriseID string `json:"enterpriseId"`
	model.SKUMapping
	UpdatedBy string    `json:"updatedBy"`
	UpdatedAt time.Time `json:"updatedAt"`
}

// SetSKUs maps the caller's operator's SKUs to trace codes, all or nothing;
// a mapping given again replaces the earlier one (records already kept keep
// the trace code they were resolved to).
func (s *Service) SetSKUs(ctx context.Context, u accounts.User, items []model.SKUMapping) (int, error) {
	enterprise, err := s.operator(ctx, u)
	if err != nil {
		return 0, err
	}
	var ps model.Problems
	switch {
	case len(items) == 0:
		ps.Add("items", model.RuleTooFew, model.Params{"min": 1})
	case len(items) > model.MaxWarehouseRecords:
		ps.Add("items", model.RuleTooMany, model.Params{"max": model.MaxWarehouseRecords})
	}
	seen := map[string]bool{}
	for i, m := range items {
		field := fmt.Sprintf("items[%d]", i)
		ps = append(ps, model.CheckSKUMapping(field, m)...)
		if seen[m.SKU] {
			ps.Add(field+".sku", model.RuleDuplicate, model.Params{"value": m.SKU})
		}
		seen[m.SKU] = true
	}
	if len(ps) > 0 {
		return 0, invalid(ps...)
	}
	batch := &pgx.Batch{}
	now := s.now()
	for _, m := range items {
		batch.Queue(`INSERT INTO warehouse_skus (enterprise_id, sku, trace_code, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (enterprise_id, sku) DO UPDATE SET trace_code = excluded.trace_code, updated_by = excluded.updated_by,
				updated_at = excluded.updated_at`, enterprise, m.SKU, m.TraceCode, u.Username, now)
	}
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error { return tx.SendBatch(ctx, batch).Close() })
	if err != nil {
		return 0, fmt.Errorf("warehouse: map SKUs: %w", err)
	}
	return len(items), nil
}

// SKUs lists an operator's mappings (enterprises: their own; others name
// the enterprise).
func (s *Service) SKUs(ctx context.Context, u accounts.User, enterpriseID string) ([]SKU, error) {
	enterprise, err := scope(u, enterpriseID, true)
	if err != nil {
		return nil, err
	}
	rows, err := s.pool.Query(ctx, `SELECT enterprise_id, sku, trace_code, updated_by, updated_at
		FROM warehouse_skus WHERE enterprise_id = $1 ORDER BY sku`, enterprise)
	if err != nil {
		return nil, fmt.Errorf("warehouse: SKUs: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (SKU, error) {
		var k SKU
		return k, r.Scan(&k.EnterpriseID, &k.SKU, &k.TraceCode, &k.UpdatedBy, &k.UpdatedAt)
	})
	if err != nil {
		return nil, fmt.Errorf("warehouse: SKUs: %w", err)
	}
	return out, nil
}
