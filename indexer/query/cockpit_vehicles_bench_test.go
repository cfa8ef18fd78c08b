package query_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"zonetrace/gateway/gates"
	"zonetrace/gateway/schema"
	"zonetrace/gateway/service/cockpit"
	"zonetrace/indexer/query"
)

const (
	cockpitVehiclesDatabase = "zt_bench_cockpit_vehicles"
	gateBenchEvents         = 1_000_000
	gateBenchVehicles       = 6_000
)

// BenchmarkCockpitVehicles measures the cockpit's vehicle figures on one
// million gate events (6,000 vehicles crossing in and out over the stock
// benchmark's four years, one in 97 set aside), reporting p50 and p99: the
// overview of a year as the gateway answers it (its trade sums are empty
// here; BenchmarkCockpit measures them), the vehicle figures alone, and the
// list of vehicles inside. Each iteration asks about another year.
func BenchmarkCockpitVehicles(b *testing.B) {
	ctx := context.Background()
	pool := openPersistentDatabase(b, ctx, cockpitVehiclesDatabase)
	vehicles := openGateEvents(b, ctx, pool)
	svc := &cockpit.Service{Reads: query.New(pool), Vehicles: vehicles}
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
		if err == nil && (o.Vehicles.Entries == 0 || o.Vehicles.Inside == 0) {
			err = fmt.Errorf("no vehicle figures in %d", year(i))
		}
		return err
	})
	run("vehicle figures of a year", func(i int) error { _, err := vehicles.Traffic(ctx, year(i)); return err })
	run("vehicles inside", func(int) error { _, err := vehicles.Inside(ctx); return err })
}

// openGateEvents returns the gate intake over pool, loading gateBenchEvents
// events first when the database does not hold them yet. The statement
// triggers of migration 00019 keep the sums as the rows go in: one
// aggregate over the loaded rows, as for any insert.
func openGateEvents(b *testing.B, ctx context.Context, pool *pgxpool.Pool) *gates.Service {
	b.Helper()
	require.NoError(b, schema.Migrate(ctx, pool))
	svc, err := gates.New(pool, nil, nil, gates.Config{})
	require.NoError(b, err)
	var n int
	require.NoError(b, pool.QueryRow(ctx, `SELECT count(*) FROM gate_events`).Scan(&n))
	if n == gateBenchEvents {
		return svc
	}
	start := time.Now()
	_, err = pool.Exec(ctx, `TRUNCATE gate_events, gate_nonces, gates, gate_month_sums, gate_vehicle_states`)
	require.NoError(b, err)
	_, err = pool.Exec(ctx, gateEventsLoadSQL, gateBenchEvents, gateBenchVehicles, stockEpoch, (4 * 365 * 24 * time.Hour / gateBenchEvents).Microseconds())
	require.NoError(b, err)
	_, err = pool.Exec(ctx, `VACUUM ANALYZE gate_events, gate_month_sums, gate_vehicle_states`)
	require.NoError(b, err)
	b.Logf("loaded %d gate events and their sums in %s", gateBenchEvents, time.Since(start).Round(time.Second))
	return svc
}

// gateEventsLoadSQL writes four gates and the events of $2 vehicles
// taking turns: event g is vehicle g % $2's crossing number g / $2, in
// when even, out when odd, $4 µs after event g-1 from $3; one in 97 is
// ignored, one in 13 unmatched. $1 events.
const gateEventsLoadSQL = `
WITH gate AS (
  INSERT INTO gates (id, name, x, y, directions, public_key, created_at, created_by)
  SELECT 'G' || k, '卡口' || k, 100 * k, 500, 'both', decode(repeat('00', 32), 'hex'), $3, 'bench'
  FROM generate_series(1, 4) k
  RETURNING 1
)
INSERT INTO gate_events (gate_id, plate, vehicle, direction, at, image_ref, document_no, state, received_at)
SELECT 'G' || (1 + g % 4), p, p, CASE WHEN (g / $2::int) % 2 = 0 THEN 'in' ELSE 'out' END, at, 'cam://' || g, '',
       CASE WHEN g % 97 = 0 THEN 'ignored' WHEN g % 13 = 0 THEN 'unmatched' ELSE 'matched' END, at
FROM generate_series(0, $1::int - 1) g,
     LATERAL (SELECT '苏E' || lpad((g % $2::int)::text, 5, '0') AS p,
                     $3::timestamptz + g * $4::bigint * interval '1 microsecond' AS at) x
WHERE (SELECT count(*) FROM gate) = 4`
