package query_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"zonetrace/indexer"
	"zonetrace/indexer/query"
	"zonetrace/internal/pgtest"
)

// benchRows is the size of the prefiling table the search benchmark runs on.
const benchRows = 1_000_000

// benchDatabase is kept between runs: loading a million prefilings takes a
// minute, the queries a few milliseconds.
const benchDatabase = "zt_bench_search"

// BenchmarkSearchPrefilings measures the prefiling searches of the list
// pages on one million mirrored prefilings of 50 enterprises, reporting p50
// and p99 latency of each kind of query.
func BenchmarkSearchPrefilings(b *testing.B) {
	ctx := context.Background()
	pool := openBenchDatabase(b, ctx)
	r := query.New(pool)

	cases := map[string]query.PrefilingFilter{
		"newest page":              {},
		"enterprise page":          {EnterpriseID: benchEnterprise(7)},
		"review queue":             {NeedsReview: true},
		"trace code":               {TraceCode: benchTraceCode(777_777)},
		"product substring":        {ProductName: "耶加雪菲"},
		"product rare substring":   {ProductName: "批次 424242"},
		"exporter substring":       {Exporter: "cooxupé"},
		"origin and status":        {Origin: "KE", Status: "approved"},
		"enterprise, origin, page": {EnterpriseID: benchEnterprise(3), Origin: "BR", Page: 5},
	}
	names := make([]string, 0, len(cases))
	for name := range cases {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		f := cases[name]
		b.Run(name, func(b *testing.B) {
			var lat []time.Duration
			for b.Loop() {
				start := time.Now()
				page, err := r.SearchPrefilings(ctx, f)
				lat = append(lat, time.Since(start))
				require.NoError(b, err)
				require.NotEmpty(b, page.Items)
			}
			reportPercentiles(b, lat)
		})
	}
}

func reportPercentiles(b *testing.B, lat []time.Duration) {
	slices.Sort(lat)
	at := func(p float64) float64 {
		return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) / 1000
	}
	b.ReportMetric(at(0.50), "p50-ms")
	b.ReportMetric(at(0.95), "p95-ms")
	b.ReportMetric(at(0.99), "p99-ms")
}

func benchEnterprise(n int) string { return fmt.Sprintf("91320583MA1B%06d", n) }

func benchTraceCode(n int) string { return fmt.Sprintf("KSCF2611%08d", n) }

// openBenchDatabase returns the benchmark database, loading it first when it
// does not hold benchRows prefilings yet.
func openBenchDatabase(b *testing.B, ctx context.Context) *pgxpool.Pool {
	b.Helper()
	pool := openPersistentDatabase(b, ctx, benchDatabase)
	var n int
	require.NoError(b, pool.QueryRow(ctx, `SELECT count(*) FROM prefilings`).Scan(&n))
	if n == benchRows {
		return pool
	}
	start := time.Now()
	_, err := pool.Exec(ctx, `TRUNCATE prefiling_steps, trace_codes, prefilings, enterprises`)
	require.NoError(b, err)
	_, err = pool.Exec(ctx, benchLoadSQL, benchRows)
	require.NoError(b, err)
	_, err = pool.Exec(ctx, `ANALYZE`)
	require.NoError(b, err)
	b.Logf("loaded %d prefilings in %s", benchRows, time.Since(start).Round(time.Second))
	return pool
}

// openPersistentDatabase returns a pool on database name, created when
// missing and kept between runs, with the indexer's schema migrated.
func openPersistentDatabase(b *testing.B, ctx context.Context, name string) *pgxpool.Pool {
	b.Helper()
	admin, err := pgx.Connect(ctx, pgtest.ServerURL())
	require.NoError(b, err)
	defer admin.Close(ctx)
	var exists bool
	require.NoError(b, admin.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name).Scan(&exists))
	if !exists {
		_, err := admin.Exec(ctx, "CREATE DATABASE "+name)
		require.NoError(b, err)
	}
	cfg, err := pgxpool.ParseConfig(pgtest.ServerURL())
	require.NoError(b, err)
	cfg.ConnConfig.Database = name
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	require.NoError(b, err)
	b.Cleanup(pool.Close)
	require.NoError(b, indexer.Migrate(ctx, pool))
	return pool
}

// benchLoadSQL writes enterprises and prefilings shaped like the indexer's
// own rows: varied products, origins, exporters and statuses, a trace code on
// the approved ones, updates spread over two years.
const benchLoadSQL = `
WITH ent AS (
  INSERT INTO enterprises (id, name, kind, customs_code, status, registered_at, registered_by, updated_tx, block_number, doc)
  SELECT format('91320583MA1B%s', lpad(e::text, 6, '0')), format('昆山咖啡贸易%s有限公司', e), 'importer', '', 'active',
         '2025-01-01T00:00:00Z', 'zone-admin', 'tx-ent-' || e, 0,
         jsonb_build_object('id', format('91320583MA1B%s', lpad(e::text, 6, '0')), 'name', format('昆山咖啡贸易%s有限公司', e),
                            'kind', 'importer', 'status', 'active', 'registeredAt', '2025-01-01T00:00:00Z', 'registeredBy', 'zone-admin', 'updatedTx', 'tx-ent-' || e)
  FROM generate_series(0, 49) e
  RETURNING 1
)
INSERT INTO prefilings (id, enterprise_id, status, supplement_status, trace_code, commodity, product_name, hs_code, origin,
                        exporter_name, material_no, batch_no, quarantine_result, weight_grams, avg_price_fen,
                        declared_at, updated_at, updated_tx, block_number, doc)
SELECT id, ent, status, supp, code, 'coffee', product, '0901110000', origin, exporter, 'M' || g, 'B' || g, 'qualified',
       weight, price, at, at, 'tx' || g, g,
       jsonb_build_object('id', id, 'enterpriseId', ent, 'status', status, 'supplementStatus', supp, 'traceCode', code,
         'declaredAt', to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
         'updatedAt', to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), 'updatedTx', 'tx' || g, 'version', 1,
         'steps', '[]'::jsonb,
         'data', jsonb_build_object('commodity', 'coffee', 'productName', product, 'hsCode', '0901110000', 'origin', origin,
           'exporterName', exporter, 'quarantineResult', 'qualified', 'quarantineBatchNo', 'Q' || g,
           'avgPriceFen', price, 'currency', 'CNY', 'weightGrams', weight, 'attachments', '[]'::jsonb))
FROM (
  SELECT g,
         'PF2026' || lpad((g % 10000)::text, 4, '0') || upper(lpad(to_hex(g), 8, '0')) AS id,
         format('91320583MA1B%s', lpad((g % 50)::text, 6, '0')) AS ent,
         (ARRAY['declared','approved','approved','approved','returned'])[1 + g % 5] AS status,
         CASE WHEN g % 97 = 0 THEN 'declared' ELSE '' END AS supp,
         CASE WHEN g % 5 IN (1,2,3) THEN format('KSCF2611%s', lpad(g::text, 8, '0')) ELSE '' END AS code,
         (ARRAY['埃塞俄比亚耶加雪菲生咖啡豆','巴西喜拉多生咖啡豆','哥伦比亚慧兰生咖啡豆','越南罗布斯塔生咖啡豆','肯尼亚AA生咖啡豆',
                '危地马拉安提瓜生咖啡豆','云南小粒咖啡生豆','印尼曼特宁生咖啡豆'])[1 + g % 8] || ' 批次 ' || g AS product,
         (ARRAY['ET','BR','CO','VN','KE','GT','CN','ID'])[1 + g % 8] AS origin,
         (ARRAY['Yirgacheffe Coffee Farmers Union','Cooxupé','Federación Nacional de Cafeteros','Simexco Daklak',
                'Kenya Cooperative Coffee Exporters','Anacafé Export','Yunnan Coffee Trading','Sumatra Kopi Export'])[1 + (g / 8) % 8] AS exporter,
         1000 + (g % 50000) * 1000 AS weight,
         2000 + g % 9000 AS price,
         timestamptz '2025-01-01 00:00:00+00' + (g * interval '61 seconds') AS at
  FROM generate_series(1, $1::int) g
) rows`
