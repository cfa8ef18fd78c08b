package query

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"zonetrace/chaincode/model"
)

// MaxMaterialBatches bounds a material number's batch list.
const MaxMaterialBatches = 1000

// MaterialFilter selects the batches declared under a material number (料号),
// of one enterprise when EnterpriseID is set. Material numbers are the
// enterprises' own, so two enterprises may use the same one.
type MaterialFilter struct {
	MaterialNo   string
	EnterpriseID string
}

// MaterialBatch is one prefiling (batch) declared under a material number,
// with its trace code once approved and the weight the zone holds of it now.
type MaterialBatch struct {
	PrefilingID    string                `json:"prefilingId"`
	EnterpriseID   string                `json:"enterpriseId"`
	EnterpriseName string                `json:"enterpriseName"`
	Status         model.PrefilingStatus `json:"status"`
	TraceCode      string                `json:"traceCode"`
	ProductName    string                `json:"productName"`
	HSCode         string                `json:"hsCode"`
	Origin         string                `json:"origin"`
	BatchNo        string                `json:"batchNo"`
	WeightGrams    int64                 `json:"weightGrams"`
	// StockGrams is what every enterprise of the zone holds of the trace
	// code, bonded and not (0 before approval).
	StockGrams int64  `json:"stockGrams"`
	DeclaredAt string `json:"declaredAt"`
}

// MaterialBatches lists the batches of f.MaterialNo, newest declaration
// first, at most MaxMaterialBatches.
func (r *Reader) MaterialBatches(ctx context.Context, f MaterialFilter) ([]MaterialBatch, error) {
	if f.MaterialNo == "" {
		return nil, fmt.Errorf("list material batches: %w: a material number is required", ErrInvalidFilter)
	}
	rows, err := r.pool.Query(ctx, `SELECT p.id, p.enterprise_id, coalesce(e.name, ''), p.status, p.trace_code, p.product_name,
			p.hs_code, p.origin, p.batch_no, p.weight_grams,
			coalesce((SELECT sum(b.weight_grams) FROM balances b WHERE b.trace_code = p.trace_code AND p.trace_code <> ''), 0),
			p.declared_at
		FROM prefilings p LEFT JOIN enterprises e ON e.id = p.enterprise_id
		WHERE p.material_no = $1 AND ($2 = '' OR p.enterprise_id = $2)
		ORDER BY p.declared_at DESC, p.id LIMIT $3`, f.MaterialNo, f.EnterpriseID, MaxMaterialBatches)
	if err != nil {
		return nil, fmt.Errorf("list material batches of %q: %w", f.MaterialNo, err)
	}
	list := []MaterialBatch{}
	var b MaterialBatch
	var declared time.Time
	_, err = pgx.ForEachRow(rows, []any{&b.PrefilingID, &b.EnterpriseID, &b.EnterpriseName, &b.Status, &b.TraceCode,
		&b.ProductName, &b.HSCode, &b.Origin, &b.BatchNo, &b.WeightGrams, &b.StockGrams, &declared}, func() error {
		v := b
		v.DeclaredAt = canonicalTime(declared)
		list = append(list, v)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list material batches of %q: %w", f.MaterialNo, err)
	}
	return list, nil
}
