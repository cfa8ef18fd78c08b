package warehouse

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/accounts"
	"zonetrace/internal/pgpage"
)

// StockFilter narrows the WMS stock and records: Location takes the
// location and every location within it; TraceCode one batch. Empty
// fields do not filter.
type StockFilter struct {
	EnterpriseID string
	Location     string
	TraceCode    string
}

// MaxStockRows bounds one answer of the stock by location; a broader
// question is narrowed by location or trace code.
const MaxStockRows = 2000

// LocationStock is what the operator's records say a location holds of a batch
// now: the latest stocktake there (at CountedAt, zero without one) plus the
// records in and minus those out after it.
type LocationStock struct {
	TraceCode   string     `json:"traceCode"`
	Location    string     `json:"location"`
	WeightGrams int64      `json:"weightGrams"`
	CountedAt   *time.Time `json:"countedAt"`
	LastAt      time.Time  `json:"lastAt"`
}

// LocationStockAnswer is the stock by location; Truncated says more rows matched
// than MaxStockRows.
type LocationStockAnswer struct {
	Items     []LocationStock `json:"items"`
	Truncated bool            `json:"truncated"`
}

// within selects the codes of the location $2 and every location within it
// ($2 = ”: every location of the operator $1).
const within = `
	RECURSIVE within AS (
		SELECT id, code FROM warehouse_locations WHERE enterprise_id = $1 AND ($2 = '' OR code = $2)
		UNION
		SELECT c.id, c.code FROM warehouse_locations c JOIN within w ON c.parent_id = w.id)`

// Stock is the WMS stock of the operator by trace code and location
// (enterprises: their own; others name the operator), locations holding
// nothing left out.
func (s *Service) Stock(ctx context.Context, u accounts.User, f StockFilter) (LocationStockAnswer, error) {
	enterprise, err := scope(u, f.EnterpriseID, true)
	if err != nil {
		return LocationStockAnswer{}, err
	}
	rows, err := s.pool.Query(ctx, `WITH `+within+`,
		latest AS (
			SELECT DISTINCT ON (trace_code, location) trace_code, location, at, weight_grams
			FROM warehouse_records WHERE enterprise_id = $1 AND kind = 'stocktake' AND ($3 = '' OR trace_code = $3)
				AND location IN (SELECT code FROM within)
			ORDER BY trace_code, location, at DESC, record_id DESC)
		SELECT r.trace_code, r.location,
			coalesce(max(s.weight_grams), 0) + coalesce(sum(CASE WHEN r.kind = 'in' AND (s.at IS NULL OR r.at > s.at) THEN r.weight_grams
				WHEN r.kind = 'out' AND (s.at IS NULL OR r.at > s.at) THEN -r.weight_grams ELSE 0 END), 0) AS grams,
			max(s.at), max(r.at)
		FROM warehouse_records r LEFT JOIN latest s ON s.trace_code = r.trace_code AND s.location = r.location
		WHERE r.enterprise_id = $1 AND ($3 = '' OR r.trace_code = $3) AND r.location IN (SELECT code FROM within)
		GROUP BY r.trace_code, r.location
		HAVING coalesce(max(s.weight_grams), 0) + coalesce(sum(CASE WHEN r.kind = 'in' AND (s.at IS NULL OR r.at > s.at) THEN r.weight_grams
				WHEN r.kind = 'out' AND (s.at IS NULL OR r.at > s.at) THEN -r.weight_grams ELSE 0 END), 0) <> 0
		ORDER BY r.location, r.trace_code LIMIT $4`, enterprise, f.Location, f.TraceCode, MaxStockRows+1)
	if err != nil {
		return LocationStockAnswer{}, fmt.Errorf("warehouse: stock: %w", err)
	}
	items, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (LocationStock, error) {
		var x LocationStock
		return x, r.Scan(&x.TraceCode, &x.Location, &x.WeightGrams, &x.CountedAt, &x.LastAt)
	})
	if err != nil {
		return LocationStockAnswer{}, fmt.Errorf("warehouse: stock: %w", err)
	}
	out := LocationStockAnswer{Items: items, Truncated: len(items) > MaxStockRows}
	if out.Truncated {
		out.Items = items[:MaxStockRows]
	}
	return out, nil
}

// KeptRecord is a kept record.
type KeptRecord struct {
	model.WarehouseRecord
	Source Source    `json:"source"`
	FedBy  string    `json:"fedBy"`
	FedAt  time.Time `json:"fedAt"`
}

// KeptRecordPage is a page of records, newest first.
type KeptRecordPage struct {
	Items []KeptRecord `json:"items"`
	Total int          `json:"total"`
}

// Records lists the operator's kept records, newest first (the goods'
// history at a location: 库存物品追踪).
func (s *Service) Records(ctx context.Context, u accounts.User, f StockFilter, page, size int) (KeptRecordPage, error) {
	enterprise, err := scope(u, f.EnterpriseID, true)
	if err != nil {
		return KeptRecordPage{}, err
	}
	list := pgpage.List{With: within,
		Columns: "r.record_id, r.kind, r.trace_code, r.sku, r.location, r.packages, r.weight_grams, r.at, r.source, r.fed_by, r.fed_at",
		From: `warehouse_records r WHERE r.enterprise_id = $1 AND ($3 = '' OR r.trace_code = $3)
			AND r.location IN (SELECT code FROM within)`,
		OrderBy: "r.at DESC, r.record_id DESC"}
	items, total, err := pgpage.Read(ctx, s.pool, list, []any{enterprise, f.Location, f.TraceCode}, size, (page-1)*size,
		func(r pgx.Row) (KeptRecord, error) {
			var x KeptRecord
			var at time.Time
			err := r.Scan(&x.RecordID, &x.Kind, &x.TraceCode, &x.SKU, &x.Location, &x.Packages, &x.WeightGrams, &at, &x.Source, &x.FedBy, &x.FedAt)
			x.At = at.In(model.ZoneTime).Format(time.RFC3339)
			return x, err
		})
	if err != nil {
		return KeptRecordPage{}, fmt.Errorf("warehouse: records: %w", err)
	}
	return KeptRecordPage{Items: items, Total: total}, nil
}
