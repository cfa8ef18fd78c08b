package query

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/jackc/pgx/v5"
)

// StockGroup is what one row of a stock report sums over.
type StockGroup string

// Groupings of the stock report.
const (
	// GroupHolding: one batch at one enterprise in one status, the level
	// the account identities hold at (in − out = stock).
	GroupHolding StockGroup = "holding"
	// GroupTrace: one batch (溯源码) over its holders and statuses; its
	// pass-through figure is entries − exits.
	GroupTrace      StockGroup = "trace"
	GroupMaterial   StockGroup = "material"   // one material number (料号)
	GroupEnterprise StockGroup = "enterprise" // one enterprise
)

// groupKey is the SQL expression of a grouping's key over account_stock s
// and prefilings p.
var groupKey = map[StockGroup]string{
	GroupHolding:    `s.trace_code || '|' || s.enterprise_id || '|' || (CASE WHEN s.bonded THEN 'B' ELSE 'N' END)`,
	GroupTrace:      `s.trace_code`,
	GroupMaterial:   `coalesce(p.material_no, '')`,
	GroupEnterprise: `s.enterprise_id`,
}

// StockFilter selects a stock report.
type StockFilter struct {
	AccountKeys
	GroupBy StockGroup
	// InStock leaves out holdings whose stock is zero.
	InStock bool
	// AsOf is the day storage age is counted to (zero: now).
	AsOf time.Time
	// After is the Next of the previous page; empty for the first.
	After string
	Limit int
}

// StockRow is one row of a stock report: the flows in and out of the
// holdings it sums, their stock, its value at the batches' import average
// prices, and its storage age.
type StockRow struct {
	Key string `json:"key"`
	// Set when the grouping fixes them (holding: all; trace: the batch's).
	TraceCode      string `json:"traceCode,omitempty"`
	EnterpriseID   string `json:"enterpriseId,omitempty"`
	EnterpriseName string `json:"enterpriseName,omitempty"`
	Bonded         *bool  `json:"bonded,omitempty"`
	MaterialNo     string `json:"materialNo,omitempty"`
	BatchNo        string `json:"batchNo,omitempty"`
	ProductName    string `json:"productName,omitempty"`
	// Commodity is the goods category (商品类别).
	Commodity string `json:"commodity,omitempty"`
	Origin    string `json:"origin,omitempty"`

	EntryGrams         int64 `json:"entryGrams"`
	ExitGrams          int64 `json:"exitGrams"`
	TransferInGrams    int64 `json:"transferInGrams"`
	TransferOutGrams   int64 `json:"transferOutGrams"`
	ConversionInGrams  int64 `json:"conversionInGrams"`
	ConversionOutGrams int64 `json:"conversionOutGrams"`
	BondedGrams        int64 `json:"bondedGrams"`
	NonBondedGrams     int64 `json:"nonBondedGrams"`
	// StockGrams = in − out over the rows summed (bonded + non-bonded).
	StockGrams int64 `json:"stockGrams"`
	// PassThroughGrams is entries with a gate-in − exits with a gate-out
	// (穿行核算): transfers, conversions and consolidated checklists move
	// nothing across the gate and are left out.
	PassThroughGrams int64 `json:"passThroughGrams"`
	ValueFen         int64 `json:"valueFen"`
	// FirstInAt is when goods first came in; StorageAgeDays counts from it.
	FirstInAt      string `json:"firstInAt,omitempty"`
	StorageAgeDays int    `json:"storageAgeDays"`
}

// StockPage is a page of a stock report, ordered by key; Next is empty on
// the last page.
type StockPage struct {
	Items []StockRow `json:"items"`
	Next  string     `json:"next,omitempty"`
}

// Stock returns a page of the stock report f asks for. A row's figures
// drill down to AccountMovements with the same keys (and, for a holding,
// its trace code, enterprise and status).
func (r *Reader) Stock(ctx context.Context, f StockFilter) (StockPage, error) {
	if f.GroupBy == "" {
		f.GroupBy = GroupHolding
	}
	keyExpr, ok := groupKey[f.GroupBy]
	if !ok {
		return StockPage{}, fmt.Errorf("%w: unknown grouping %q", ErrInvalidFilter, f.GroupBy)
	}
	limit, err := normaliseLimit(f.Limit)
	if err != nil {
		return StockPage{}, err
	}
	asOf := f.AsOf
	if asOf.IsZero() {
		asOf = time.Now()
	}
	c := &conditions{}
	f.addTo(c, "s")
	if f.InStock {
		c.raw("s.stock_grams <> 0")
	}
	if f.After != "" {
		var after string
		if err := decodeCursor(f.After, &after); err != nil {
			return StockPage{}, err
		}
		c.add(keyExpr+` COLLATE "C" > ?`, after)
	}
	where := c.where()
	// A trace code is issued to one prefiling, which carries the batch's
	// attributes: one lookup per holding.
	from := `FROM account_stock s
		LEFT JOIN prefilings p ON p.trace_code = s.trace_code AND p.trace_code <> ''`
	// The page's keys first, then every holding under them: values are
	// sealed per batch, so groups are summed here rather than in SQL.
	distinct := "DISTINCT "
	if f.GroupBy == GroupHolding {
		distinct = "" // one holding per key
	}
	keysFrom := `FROM account_stock s`
	if f.GroupBy == GroupMaterial {
		keysFrom = from // the key is the prefiling's
	}
	keysSQL := `SELECT ` + distinct + keyExpr + ` COLLATE "C" AS k ` + keysFrom + ` WHERE ` + where + ` ORDER BY 1 LIMIT ` + c.arg(limit+1)
	rows, err := r.pool.Query(ctx, `WITH keys AS MATERIALIZED (`+keysSQL+`)
		SELECT k.k, s.trace_code, s.enterprise_id, coalesce(e.name, ''), s.bonded, coalesce(p.material_no, ''),
			coalesce(p.batch_no, ''), coalesce(p.product_name, ''), coalesce(p.commodity, ''), coalesce(p.origin, ''),
			s.entry_grams, s.exit_grams, s.transfer_in_grams, s.transfer_out_grams, s.conversion_in_grams,
			s.conversion_out_grams, s.stock_grams, s.first_in_at, coalesce(p.avg_price_fen, '')
		`+from+`
		JOIN keys k ON k.k = `+keyExpr+` COLLATE "C"
		LEFT JOIN enterprises e ON e.id = s.enterprise_id
		WHERE `+where+`
		ORDER BY k.k`, c.args...)
	if err != nil {
		return StockPage{}, fmt.Errorf("stock report: %w", err)
	}
	page := StockPage{Items: []StockRow{}}
	var h holdingRow
	var firstIn *time.Time
	var price string
	_, err = pgx.ForEachRow(rows, []any{&h.key, &h.TraceCode, &h.EnterpriseID, &h.EnterpriseName, &h.bonded, &h.MaterialNo,
		&h.BatchNo, &h.ProductName, &h.Commodity, &h.Origin, &h.EntryGrams, &h.ExitGrams, &h.TransferInGrams,
		&h.TransferOutGrams, &h.ConversionInGrams, &h.ConversionOutGrams, &h.StockGrams, &firstIn, &price}, func() error {
		unit, err := r.openAmount(placeAvgPrice, price)
		if err != nil {
			return err
		}
		n := len(page.Items)
		if n == 0 || page.Items[n-1].Key != h.key {
			page.Items = append(page.Items, h.start(f.GroupBy))
			n++
		}
		page.Items[n-1].add(h, firstIn, unit)
		return nil
	})
	if err != nil {
		return StockPage{}, fmt.Errorf("stock report: %w", err)
	}
	for i := range page.Items {
		page.Items[i].finish(asOf)
	}
	if len(page.Items) > limit {
		page.Items = page.Items[:limit]
		page.Next = encodeCursor(page.Items[limit-1].Key)
	}
	return page, nil
}

// holdingRow is one account_stock row read by Stock.
type holdingRow struct {
	StockRow
	key    string
	bonded bool
}

// start is the empty row of the group h opens; the fields the grouping
// fixes are copied from h.
func (h holdingRow) start(g StockGroup) StockRow {
	row := StockRow{Key: h.key}
	switch g {
	case GroupHolding:
		b := h.bonded
		row.TraceCode, row.EnterpriseID, row.EnterpriseName, row.Bonded = h.TraceCode, h.EnterpriseID, h.EnterpriseName, &b
		fallthrough
	case GroupTrace:
		row.TraceCode, row.MaterialNo, row.BatchNo, row.ProductName, row.Commodity, row.Origin =
			h.TraceCode, h.MaterialNo, h.BatchNo, h.ProductName, h.Commodity, h.Origin
	case GroupMaterial:
		row.MaterialNo = h.MaterialNo
	case GroupEnterprise:
		row.EnterpriseID, row.EnterpriseName = h.EnterpriseID, h.EnterpriseName
	}
	return row
}

// add sums holding h, whose batch's average price is unitFen per kg.
func (s *StockRow) add(h holdingRow, firstIn *time.Time, unitFen int64) {
	s.EntryGrams += h.EntryGrams
	s.ExitGrams += h.ExitGrams
	s.TransferInGrams += h.TransferInGrams
	s.TransferOutGrams += h.TransferOutGrams
	s.ConversionInGrams += h.ConversionInGrams
	s.ConversionOutGrams += h.ConversionOutGrams
	s.StockGrams += h.StockGrams
	if h.bonded {
		s.BondedGrams += h.StockGrams
	} else {
		s.NonBondedGrams += h.StockGrams
	}
	s.ValueFen += valueFen(h.StockGrams, unitFen)
	if firstIn != nil {
		at := canonicalTime(*firstIn)
		if s.FirstInAt == "" || at < s.FirstInAt {
			s.FirstInAt = at
		}
	}
}

func (s *StockRow) finish(asOf time.Time) {
	s.PassThroughGrams = s.EntryGrams - s.ExitGrams
	if s.FirstInAt == "" || s.StockGrams == 0 {
		return
	}
	first, err := time.Parse(time.RFC3339Nano, s.FirstInAt)
	if err == nil && asOf.After(first) {
		s.StorageAgeDays = int(math.Floor(asOf.Sub(first).Hours() / 24))
	}
}
