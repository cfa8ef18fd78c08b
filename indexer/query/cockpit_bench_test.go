package query_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"zonetrace/gateway/service/cockpit"
	"zonetrace/indexer/query"
)

const cockpitDatabase = "zt_bench_cockpit"

// BenchmarkCockpit measures every cockpit call on the sums of ten million
// movements (the stock benchmark's shape: 200 enterprises, 200,000 trace
// codes, four years, 600,000 balances), reporting p50 and p99: the overview
// of a year as the gateway answers it (trade per month, three rankings,
// ticket shares, stock now, enterprise names, and the vehicle figures of
// a million gate events: openGateEvents) and each of its reads, and the
// price scatter of 90 days and of a whole year. Each iteration asks about
// another year.
func BenchmarkCockpit(b *testing.B) {
	ctx := context.Background()
	pool := openCockpitDatabase(b, ctx)
	r := query.New(pool)
	svc := &cockpit.Service{Reads: r, Vehicles: openGateEvents(b, ctx, pool)}
	year := func(i int) int { return stockEpoch.Year() + i%4 }

	run := func(name string, call func(i int) error) {
		b.Run(name, func(b *testing.B) {
			var lat []time.Duration
			for i := 0; b.Loop(); i++ {
				start := time.Now()
				err := call(i)
				lat = append(lat, time.Since(start))
				require.NoError(b, err)
			}
			reportPercentiles(b, lat)
		})
	}
	run("overview of a year", func(i int) error {
		o, err := svc.Overview(ctx, year(i), cockpit.DefaultLimit)
		if err == nil && (o.Trade.Import.Grams == 0 || len(o.Importers.Top) == 0 || o.Stock.Total.Grams == 0) {
			err = fmt.Errorf("empty overview of %d", year(i))
		}
		return err
	})
	run("trade of a year", func(i int) error { _, err := r.CockpitTrade(ctx, year(i)); return err })
	run("importer ranking of a year", func(i int) error {
		_, err := r.CockpitRanking(ctx, "importer", year(i), cockpit.DefaultLimit)
		return err
	})
	run("exporter ranking of a year", func(i int) error {
		_, err := r.CockpitRanking(ctx, "exporter", year(i), cockpit.DefaultLimit)
		return err
	})
	run("country ranking of a year", func(i int) error {
		_, err := r.CockpitRanking(ctx, "country", year(i), cockpit.DefaultLimit)
		return err
	})
	run("tickets of a year", func(i int) error { _, err := r.CockpitTickets(ctx, year(i)); return err })
	run("stock now", func(int) error { _, err := r.CockpitStock(ctx, cockpit.DefaultLimit); return err })
	run("prices of 90 days", func(i int) error {
		last := time.Date(year(i), 12, 31, 0, 0, 0, 0, time.UTC)
		p, err := svc.Prices(ctx, last.AddDate(0, 0, -89).Format(time.DateOnly), last.Format(time.DateOnly))
		if err == nil && len(p.Points) == 0 {
			err = fmt.Errorf("no price points in %d", year(i))
		}
		return err
	})
	run("prices of a year", func(i int) error {
		y := fmt.Sprint(year(i))
		_, err := r.CockpitPrices(ctx, y+"-01-01", y+"-12-31")
		return err
	})
	var rows, priceRows int
	require.NoError(b, pool.QueryRow(ctx, `SELECT count(*), count(*) FILTER (WHERE figure = 'price') FROM cockpit_sums`).Scan(&rows, &priceRows))
	b.Logf("cockpit_sums: %d rows, %d of them price points", rows, priceRows)
}

// openCockpitDatabase returns the cockpit benchmark's database, loading it
// first when it does not hold its sums yet: the stock benchmark's ten
// million movements and balances (stockLoadSQL), trace codes and
// prefilings with twelve origins, four HS codes and 300 exporters, and the
// sums the indexer would keep for them (cockpitSumsLoadSQL).
func openCockpitDatabase(b *testing.B, ctx context.Context) *pgxpool.Pool {
	b.Helper()
	pool := openPersistentDatabase(b, ctx, cockpitDatabase)
	var loaded bool
	require.NoError(b, pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM cockpit_sums WHERE figure = 'stock')`).Scan(&loaded))
	if loaded {
		return pool
	}
	start := time.Now()
	err := pgx.BeginTxFunc(ctx, pool, pgx.TxOptions{}, func(tx pgx.Tx) error {
		steps := []struct {
			sql  string
			args []any
		}{
			{`TRUNCATE movements, balances, enterprises, trace_codes, prefiling_steps, prefilings, cockpit_sums`, nil},
			{stockLoadSQL, []any{stockMovements, stockCodes, stockEnterprises, stockEpoch, stockStep.Microseconds()}},
			{cockpitBatchesLoadSQL, []any{stockCodes}},
			{cockpitSumsLoadSQL, nil},
		}
		for _, s := range steps {
			if _, err := tx.Exec(ctx, s.sql, s.args...); err != nil {
				return fmt.Errorf("%.60s: %w", s.sql, err)
			}
		}
		return nil
	})
	require.NoError(b, err)
	_, err = pool.Exec(ctx, `VACUUM ANALYZE cockpit_sums`)
	require.NoError(b, err)
	b.Logf("loaded %d movements and the cockpit's sums in %s", stockMovements, time.Since(start).Round(time.Second))
	return pool
}

// cockpitBatchesLoadSQL writes the trace codes of the loaded movements and
// their prefilings: origin, HS code, exporter and a clear average price
// derived from the code. $1 trace codes.
const cockpitBatchesLoadSQL = `
WITH tc AS (
  INSERT INTO trace_codes (code, prefiling_id, enterprise_id, commodity, product_name, origin, weight_grams, status,
                           issued_at, issued_tx, block_number, doc)
  SELECT format('KSCF2201%s', lpad(c::text, 8, '0')), 'PF2201' || lpad(c::text, 10, '0'),
         format('91320583MA1S%s', lpad((c % 200)::text, 6, '0')), 'CF', '生咖啡豆 ' || c,
         (ARRAY['BR','ET','CO','VN','ID','HN','GT','PE','KE','UG','MX','IN'])[1 + c % 12], 60000000, 'active',
         timestamptz '2021-12-01 00:00:00+00', 'tx-tc-' || c, 0, '{}'::jsonb
  FROM generate_series(0, $1::int - 1) c
  RETURNING 1
)
INSERT INTO prefilings (id, enterprise_id, status, supplement_status, trace_code, commodity, product_name, hs_code, origin,
                        exporter_name, material_no, batch_no, quarantine_result, weight_grams, avg_price_fen,
                        declared_at, updated_at, updated_tx, block_number, doc)
SELECT 'PF2201' || lpad(c::text, 10, '0'), format('91320583MA1S%s', lpad((c % 200)::text, 6, '0')), 'approved', '',
       format('KSCF2201%s', lpad(c::text, 8, '0')), 'CF', '生咖啡豆 ' || c,
       (ARRAY['0901110000','0901120000','0901210000','0901220000'])[1 + c % 4],
       (ARRAY['BR','ET','CO','VN','ID','HN','GT','PE','KE','UG','MX','IN'])[1 + c % 12],
       'Exporter ' || (c % 300), 'M' || (c % 5000), 'B' || c, 'qualified', 60000000, (3000 + c % 2000)::text,
       timestamptz '2021-12-01 00:00:00+00', timestamptz '2021-12-01 00:00:00+00', 'tx-pf-' || c, 0, '{}'::jsonb
FROM generate_series(0, $1::int - 1) c`

// cockpitSumsLoadSQL keeps, in one pass over the loaded rows, the sums the
// indexer's cockpit projection keeps (indexer/cockpit.go): each movement's
// line value is its weight at the batch's price; every movement's document
// is one ticket of its declarant (two lines a document); stock is the
// balances at the batches' prices. Values are in clear (no sealer), as the
// projection writes them without one.
const cockpitSumsLoadSQL = `
WITH m AS (
  SELECT m.at + interval '8 hours' AS local, m.kind, m.weight_grams AS grams, m.line_seq,
         m.weight_grams * p.avg_price_fen::bigint / 1000 AS value,
         coalesce(m.to_enterprise, m.from_enterprise) AS firm, m.from_enterprise,
         p.origin, p.hs_code, p.exporter_name
  FROM movements m JOIN prefilings p ON p.trace_code = m.trace_code
), sums AS (
  SELECT 'month' AS figure, to_char(local, 'YYYY-MM') AS period, CASE kind WHEN 'zone_entry' THEN 'import' ELSE 'export' END AS k1,
         '' AS k2, '' AS k3, sum(grams) AS grams, count(*) AS count, sum(value) AS value
  FROM m WHERE kind IN ('zone_entry', 'zone_exit') GROUP BY 2, 3
  UNION ALL
  SELECT 'country', to_char(local, 'YYYY'), origin, '', '', sum(grams), count(*), sum(value) FROM m WHERE kind = 'zone_entry' GROUP BY 2, 3
  UNION ALL
  SELECT 'importer', to_char(local, 'YYYY'), firm, '', '', sum(grams), count(*), sum(value) FROM m WHERE kind = 'zone_entry' GROUP BY 2, 3
  UNION ALL
  SELECT 'exporter', to_char(local, 'YYYY'), exporter_name, '', '', sum(grams), count(*), sum(value) FROM m WHERE kind = 'zone_entry' GROUP BY 2, 3
  UNION ALL
  SELECT 'price', to_char(local, 'YYYY-MM-DD'), origin, hs_code, '', sum(grams), count(*), sum(value) FROM m WHERE kind = 'zone_entry' GROUP BY 2, 3, 4
  UNION ALL
  SELECT 'ticket', to_char(local, 'YYYY'), coalesce(from_enterprise, firm),
         CASE kind WHEN 'transfer' THEN 'bonded_transfer' ELSE 'checklist' END,
         CASE kind WHEN 'zone_entry' THEN 'entry' WHEN 'zone_exit' THEN 'exit' WHEN 'conversion' THEN 'conversion' ELSE 'out' END,
         0, count(*), 0 FROM m WHERE line_seq = 1 GROUP BY 2, 3, 4, 5
  UNION ALL
  SELECT 'stock', '', b.enterprise_id, p.hs_code, CASE WHEN b.bonded THEN 'bonded' ELSE 'nonbonded' END,
         sum(b.weight_grams), 0, sum(b.weight_grams * p.avg_price_fen::bigint)
  FROM balances b JOIN prefilings p ON p.trace_code = b.trace_code GROUP BY 3, 4, 5
)
INSERT INTO cockpit_sums (figure, period, k1, k2, k3, grams, count, value)
SELECT figure, period, k1, k2, k3, grams, count, value::text FROM sums`
