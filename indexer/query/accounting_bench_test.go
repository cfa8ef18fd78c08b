package query_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
	"zonetrace/indexer"
	"zonetrace/indexer/query"
)

// Shape of the accounting benchmark's database: the stock benchmark's ten
// million movements over four years (stockLoadSQL), among 300,000 trace
// codes, so that each of the 200 enterprises handles about 3,000 batches,
// with their account legs, running stock, trace codes and prefilings.
const (
	accountCodes    = 300_000
	accountDatabase = "zt_bench_accounts"
)

// BenchmarkAccounts measures, on ten million movements, an enterprise's
// whole stock report (one page of every batch it handles, values and
// storage age included) and the close of one of its periods: the figures
// of a year per batch and status, their hash, and the indexer's copy of
// them (rolled back). Each iteration asks about another enterprise.
func BenchmarkAccounts(b *testing.B) {
	ctx := context.Background()
	pool := openAccountDatabase(b, ctx)
	r := query.New(pool)
	asOf := stockEpoch.AddDate(4, 0, 0)

	b.Run("stock report of an enterprise by batch", func(b *testing.B) {
		var lat []time.Duration
		batches := 0
		for i := 0; b.Loop(); i++ {
			f := query.StockFilter{AccountKeys: query.AccountKeys{EnterpriseID: stockEnterprise(i * 37 % stockEnterprises)},
				GroupBy: query.GroupTrace, Limit: query.MaxAccountPage, AsOf: asOf}
			start := time.Now()
			page, err := r.Stock(ctx, f)
			lat = append(lat, time.Since(start))
			require.NoError(b, err)
			require.Empty(b, page.Next, "one page holds an enterprise's batches")
			batches = max(batches, len(page.Items))
		}
		b.ReportMetric(float64(batches), "batches")
		reportPercentiles(b, lat)
	})
	b.Run("stock report of an enterprise by holding", func(b *testing.B) {
		var lat []time.Duration
		for i := 0; b.Loop(); i++ {
			f := query.StockFilter{AccountKeys: query.AccountKeys{EnterpriseID: stockEnterprise(i * 41 % stockEnterprises)},
				GroupBy: query.GroupHolding, Limit: query.MaxAccountPage, AsOf: asOf}
			start := time.Now()
			page, err := r.Stock(ctx, f)
			lat = append(lat, time.Since(start))
			require.NoError(b, err)
			require.NotEmpty(b, page.Items)
		}
		reportPercentiles(b, lat)
	})
	b.Run("period close of an enterprise", func(b *testing.B) {
		var lat []time.Duration
		lines := 0
		for i := 0; b.Loop(); i++ {
			p := model.AccountPeriod{EnterpriseID: stockEnterprise(i * 43 % stockEnterprises), PeriodID: "2024",
				From: "2024-01-01", To: "2024-12-31"}
			start := time.Now()
			figures, err := r.PeriodFigures(ctx, p)
			require.NoError(b, err)
			_ = model.PeriodTotalsHash(p, figures)
			keepFigures(b, ctx, pool, p)
			lat = append(lat, time.Since(start))
			lines = max(lines, len(figures))
		}
		b.ReportMetric(float64(lines), "lines")
		reportPercentiles(b, lat)
	})
}

// keepFigures runs the indexer's copy of a closed period's figures
// (indexer.PeriodFiguresSQL into account_period_figures) and rolls it back.
func keepFigures(b *testing.B, ctx context.Context, pool *pgxpool.Pool, p model.AccountPeriod) {
	start, end, err := model.PeriodBounds(p.From, p.To)
	require.NoError(b, err)
	tx, err := pool.Begin(ctx)
	require.NoError(b, err)
	defer func() { require.NoError(b, tx.Rollback(ctx)) }()
	_, err = tx.Exec(ctx, `INSERT INTO account_period_figures
		(enterprise_id, period_id, trace_code, bonded, opening_grams, entry_grams, transfer_in_grams, conversion_in_grams,
		 exit_grams, transfer_out_grams, conversion_out_grams, closing_grams)
		SELECT $1, $4, f.* FROM (`+indexer.PeriodFiguresSQL+`) f`, p.EnterpriseID, start, end, p.PeriodID)
	require.NoError(b, err)
}

func accountCode(n int) string { return fmt.Sprintf("KSCF2201%08d", n) }

// openAccountDatabase returns the accounting benchmark's database, loading
// it first when it does not hold its legs yet.
func openAccountDatabase(b *testing.B, ctx context.Context) *pgxpool.Pool {
	b.Helper()
	pool := openPersistentDatabase(b, ctx, accountDatabase)
	var loaded bool
	require.NoError(b, pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM account_stock WHERE trace_code = $1)`,
		accountCode(accountCodes-1)).Scan(&loaded))
	if loaded {
		return pool
	}
	start := time.Now()
	err := pgx.BeginTxFunc(ctx, pool, pgx.TxOptions{}, func(tx pgx.Tx) error {
		steps := []struct {
			sql  string
			args []any
		}{
			{`TRUNCATE movements, balances, enterprises, account_legs, account_stock, trace_codes, prefiling_steps, prefilings`, nil},
			// Secondary indexes are built once after the load, not row by row.
			{`DROP INDEX account_legs_enterprise_at, account_legs_trace, account_legs_document, account_legs_flow_at`, nil},
			{stockLoadSQL, []any{stockMovements, accountCodes, stockEnterprises, stockEpoch, stockStep.Microseconds()}},
			{accountLegsLoadSQL, nil},
			{`CREATE INDEX account_legs_enterprise_at ON account_legs (enterprise_id, at) INCLUDE (trace_code, bonded, flow, grams)`, nil},
			{`CREATE INDEX account_legs_trace ON account_legs (trace_code, enterprise_id)`, nil},
			{`CREATE INDEX account_legs_document ON account_legs (document_id)`, nil},
			{`CREATE INDEX account_legs_flow_at ON account_legs (flow, at)`, nil},
			{accountStockLoadSQL, nil},
			{accountBatchesLoadSQL, []any{accountCodes}},
		}
		for _, s := range steps {
			if _, err := tx.Exec(ctx, s.sql, s.args...); err != nil {
				return fmt.Errorf("%.60s: %w", s.sql, err)
			}
		}
		return nil
	})
	require.NoError(b, err)
	// As autovacuum would have by then: index-only scans need the
	// visibility map.
	_, err = pool.Exec(ctx, `VACUUM ANALYZE account_legs, account_stock`)
	require.NoError(b, err)
	_, err = pool.Exec(ctx, `ANALYZE movements, balances, enterprises, account_stock, trace_codes, prefilings`)
	require.NoError(b, err)
	b.Logf("loaded %d movements and their accounts in %s", stockMovements, time.Since(start).Round(time.Second))
	return pool
}

// accountLegsLoadSQL classifies the loaded movements as indexer.Legs does
// (the load has no reversals): the destination leg, then the source leg.
const accountLegsLoadSQL = `
INSERT INTO account_legs (block_number, grams, at, tx_index, event_index, incoming, bonded, flow, enterprise_id, trace_code, document_id)
SELECT block_number, weight_grams, at, tx_index, event_index, true, to_bonded,
       CASE WHEN from_enterprise IS NULL THEN 'entry' WHEN kind = 'conversion' THEN 'conversion_in' ELSE 'transfer_in' END,
       to_enterprise, trace_code, document_id
FROM movements WHERE to_enterprise IS NOT NULL
UNION ALL
SELECT block_number, weight_grams, at, tx_index, event_index, false, from_bonded,
       CASE WHEN to_enterprise IS NULL THEN 'exit' WHEN kind = 'conversion' THEN 'conversion_out' ELSE 'transfer_out' END,
       from_enterprise, trace_code, document_id
FROM movements WHERE from_enterprise IS NOT NULL`

// accountStockLoadSQL sums the legs per holding as the projection does.
const accountStockLoadSQL = `
INSERT INTO account_stock (trace_code, enterprise_id, bonded, entry_grams, exit_grams, transfer_in_grams, transfer_out_grams,
                           conversion_in_grams, conversion_out_grams, stock_grams, first_in_at, last_at, block_number)
SELECT trace_code, enterprise_id, bonded,
       coalesce(sum(grams) FILTER (WHERE flow = 'entry'), 0), coalesce(sum(grams) FILTER (WHERE flow = 'exit'), 0),
       coalesce(sum(grams) FILTER (WHERE flow = 'transfer_in'), 0), coalesce(sum(grams) FILTER (WHERE flow = 'transfer_out'), 0),
       coalesce(sum(grams) FILTER (WHERE flow = 'conversion_in'), 0), coalesce(sum(grams) FILTER (WHERE flow = 'conversion_out'), 0),
       sum(CASE WHEN flow IN ('entry', 'transfer_in', 'conversion_in') THEN grams ELSE -grams END),
       min(at) FILTER (WHERE incoming), max(at), max(block_number)
FROM account_legs GROUP BY trace_code, enterprise_id, bonded`

// accountBatchesLoadSQL writes the trace codes and the prefilings behind
// them: 5,000 material numbers, clear average prices. $1 trace codes.
const accountBatchesLoadSQL = `
WITH tc AS (
  INSERT INTO trace_codes (code, prefiling_id, enterprise_id, commodity, product_name, origin, weight_grams, status,
                           issued_at, issued_tx, block_number, doc)
  SELECT format('KSCF2201%s', lpad(c::text, 8, '0')), 'PF2201' || lpad(c::text, 10, '0'),
         format('91320583MA1S%s', lpad((c % 200)::text, 6, '0')), 'CF', '巴西喜拉多生咖啡豆 ' || c, 'BR', 60000000, 'active',
         timestamptz '2021-12-01 00:00:00+00', 'tx-tc-' || c, 0, '{}'::jsonb
  FROM generate_series(0, $1::int - 1) c
  RETURNING 1
)
INSERT INTO prefilings (id, enterprise_id, status, supplement_status, trace_code, commodity, product_name, hs_code, origin,
                        exporter_name, material_no, batch_no, quarantine_result, weight_grams, avg_price_fen,
                        declared_at, updated_at, updated_tx, block_number, doc)
SELECT 'PF2201' || lpad(c::text, 10, '0'), format('91320583MA1S%s', lpad((c % 200)::text, 6, '0')), 'approved', '',
       format('KSCF2201%s', lpad(c::text, 8, '0')), 'CF', '巴西喜拉多生咖啡豆 ' || c, '0901110000', 'BR', 'Cooxupé',
       'M' || (c % 5000), 'B' || c, 'qualified', 60000000, (3000 + c % 2000)::text,
       timestamptz '2021-12-01 00:00:00+00', timestamptz '2021-12-01 00:00:00+00', 'tx-pf-' || c, 0, '{}'::jsonb
FROM generate_series(0, $1::int - 1) c`
