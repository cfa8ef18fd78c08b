package query_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"zonetrace/indexer/query"
)

// Shape of the stock benchmark's database: stockMovements movements of
// stockCodes trace codes among stockEnterprises enterprises over four years
// (2022–2025), and three holdings per trace code.
const (
	stockMovements   = 10_000_000
	stockCodes       = 200_000
	stockEnterprises = 200
	stockDatabase    = "zt_bench_stock"
)

// stockEpoch is when the first loaded movement happened; one follows every
// stockStep, so the movements span four years.
var (
	stockEpoch = time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC)
	stockStep  = 4 * 365 * 24 * time.Hour / stockMovements
)

// BenchmarkStockQueries measures the stock queries on ten million mirrored
// movements and 600,000 balances, reporting p50 and p99 latency: the
// movements of one trace code, the balances of one enterprise and the
// movements of one enterprise in one month. Each iteration asks about a
// different trace code, enterprise or month.
func BenchmarkStockQueries(b *testing.B) {
	ctx := context.Background()
	pool := openStockDatabase(b, ctx)
	r := query.New(pool)

	b.Run("movements of a trace code", func(b *testing.B) {
		var lat []time.Duration
		for i := 0; b.Loop(); i++ {
			code := stockCode(i * 7919 % stockCodes)
			start := time.Now()
			page, err := r.Movements(ctx, query.MovementFilter{TraceCode: code})
			lat = append(lat, time.Since(start))
			require.NoError(b, err)
			require.Len(b, page.Items, stockMovements/stockCodes)
		}
		reportPercentiles(b, lat)
	})
	b.Run("balances of an enterprise", func(b *testing.B) {
		var lat []time.Duration
		for i := 0; b.Loop(); i++ {
			start := time.Now()
			list, err := r.Balances(ctx, query.BalanceFilter{EnterpriseID: stockEnterprise(i * 37 % stockEnterprises)})
			lat = append(lat, time.Since(start))
			require.NoError(b, err)
			require.NotEmpty(b, list)
		}
		reportPercentiles(b, lat)
	})
	b.Run("movements of an enterprise in a month", func(b *testing.B) {
		var lat []time.Duration
		for i := 0; b.Loop(); i++ {
			month := stockEpoch.AddDate(0, i*5%48, 0)
			f := query.MovementFilter{EnterpriseID: stockEnterprise(i * 37 % stockEnterprises), Since: month,
				Until: month.AddDate(0, 1, 0), Limit: query.MaxMovementLimit}
			start := time.Now()
			page, err := r.Movements(ctx, f)
			lat = append(lat, time.Since(start))
			require.NoError(b, err)
			require.NotEmpty(b, page.Items)
		}
		reportPercentiles(b, lat)
	})
}

func stockEnterprise(n int) string { return fmt.Sprintf("91320583MA1S%06d", n) }

func stockCode(n int) string { return fmt.Sprintf("KSCF2201%08d", n) }

// openStockDatabase returns the stock benchmark's database, loading it first
// when it does not hold stockMovements movements yet.
func openStockDatabase(b *testing.B, ctx context.Context) *pgxpool.Pool {
	b.Helper()
	pool := openPersistentDatabase(b, ctx, stockDatabase)
	var n int
	require.NoError(b, pool.QueryRow(ctx, `SELECT count(*) FROM movements`).Scan(&n))
	if n == stockMovements {
		return pool
	}
	start := time.Now()
	_, err := pool.Exec(ctx, `TRUNCATE movements, balances, enterprises`)
	require.NoError(b, err)
	_, err = pool.Exec(ctx, stockLoadSQL, stockMovements, stockCodes, stockEnterprises, stockEpoch, stockStep.Microseconds())
	require.NoError(b, err)
	_, err = pool.Exec(ctx, `ANALYZE movements, balances, enterprises`)
	require.NoError(b, err)
	b.Logf("loaded %d movements, %d balances in %s", stockMovements, 3*stockCodes, time.Since(start).Round(time.Second))
	return pool
}

// stockLoadSQL writes enterprises, movements and balances shaped like the
// indexer's own rows: ten movements per block (five transactions of two
// lines), kinds in the proportions of a zone's traffic (entries, transfers,
// conversions, exits), each trace code moving stockMovements/stockCodes
// times among a few holders, all at canonical times (no at_text).
// Parameters: $1 movements, $2 trace codes, $3 enterprises, $4 epoch, $5
// microseconds between movements.
const stockLoadSQL = `
WITH ent AS (
  INSERT INTO enterprises (id, name, kind, customs_code, status, registered_at, registered_by, updated_tx, block_number, doc)
  SELECT format('91320583MA1S%s', lpad(e::text, 6, '0')), format('昆山保税仓储%s有限公司', e), 'warehouse', '', 'active',
         '2021-12-01T00:00:00Z', 'zone-admin', 'tx-ent-' || e, 0,
         jsonb_build_object('id', format('91320583MA1S%s', lpad(e::text, 6, '0')), 'name', format('昆山保税仓储%s有限公司', e),
                            'kind', 'warehouse', 'status', 'active', 'registeredAt', '2021-12-01T00:00:00Z',
                            'registeredBy', 'zone-admin', 'updatedTx', 'tx-ent-' || e)
  FROM generate_series(0, $3::int - 1) e
  RETURNING 1
), bal AS (
  INSERT INTO balances (trace_code, enterprise_id, bonded, weight_grams, reserved_grams, inbound_grams, outbound_grams,
                        updated_tx, updated_at, updated_at_text, block_number)
  SELECT format('KSCF2201%s', lpad(c::text, 8, '0')), format('91320583MA1S%s', lpad(((c + h * 7) % $3::int)::text, 6, '0')),
         h < 2, 1000000 + (c % 997) * 1000, (c % 3) * 1000, 5000000, 4000000 - (c % 997) * 1000,
         'tx-bal-' || c, $4::timestamptz, to_char($4::timestamptz AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), 0
  FROM generate_series(0, $2::int - 1) c, generate_series(0, 2) h
  RETURNING 1
)
INSERT INTO movements (block_number, weight_grams, at, tx_index, event_index, line_seq, from_bonded, to_bonded, kind,
                       document_id, trace_code, from_enterprise, to_enterprise, tx_id, at_text)
SELECT g / 10, 100000 + (g % 500) * 1000, $4::timestamptz + g * $5::bigint * interval '1 microsecond',
       (g % 10) / 2, g % 2, g % 2 + 1,
       CASE kind WHEN 'zone_entry' THEN NULL WHEN 'conversion' THEN true ELSE g % 3 <> 0 END,
       CASE kind WHEN 'zone_exit' THEN NULL WHEN 'conversion' THEN false ELSE g % 3 <> 0 END,
       kind, 'HZ2201' || upper(lpad(to_hex(g / 2), 12, '0')), format('KSCF2201%s', lpad((g % $2::int)::text, 8, '0')),
       CASE WHEN kind = 'zone_entry' THEN NULL ELSE format('91320583MA1S%s', lpad((g % $3::int)::text, 6, '0')) END,
       CASE WHEN kind = 'zone_exit' THEN NULL
            WHEN kind = 'conversion' THEN format('91320583MA1S%s', lpad((g % $3::int)::text, 6, '0'))
            ELSE format('91320583MA1S%s', lpad(((g + 1 + g / 1000) % $3::int)::text, 6, '0')) END,
       'tx' || lpad(to_hex(g / 2), 64, '0'), NULL
FROM (
  SELECT g, (ARRAY['zone_entry','transfer','transfer','conversion','zone_exit'])[1 + (g / 7) % 5] AS kind
  FROM generate_series(0, $1::bigint - 1) g
) rows`
