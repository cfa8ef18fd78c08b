package gates_test

import (
	"context"
	"crypto/ed25519"
	crand "crypto/rand"
	"encoding/json"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/accounts"
	"zonetrace/gateway/gates"
	"zonetrace/gateway/schema"
	"zonetrace/indexer/query"
	"zonetrace/internal/jobs"
	"zonetrace/internal/pgtest"
	"zonetrace/internal/testdb"
)

// The clock of the tests: events are from the months before.
var testNow = time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)

var zoneAdmin = accounts.User{Username: "zone-admin", Role: accounts.RoleZoneAdmin}

// documents is the read model the matching sees: the documents by id, none
// found by search (events without a document number stay unmatched).
type documents map[string]query.DocumentView

func (d documents) SearchDocuments(context.Context, query.DocumentFilter) (query.DocumentPage, error) {
	return query.DocumentPage{Items: []query.DocumentView{}}, nil
}

func (d documents) Document(_ context.Context, id string) (query.DocumentView, error) {
	v, ok := d[id]
	if !ok {
		return query.DocumentView{}, query.ErrNotFound
	}
	return v, nil
}

// gateDocument is an approved zone entry (in) or exit (out) document
// carrying plate.
func gateDocument(id, direction, plate string) query.DocumentView {
	bt := model.BusinessEntry
	if direction == gates.DirectionOut {
		bt = model.BusinessExit
	}
	return query.DocumentView{Document: model.Document{ID: id, Family: model.FamilyNonBondedApplication, BusinessType: bt,
		Status: model.DocApproved, Head: model.DocumentHead{VehiclePlate: plate}}}
}

type fixture struct {
	pool *pgxpool.Pool
	svc  *gates.Service
	docs documents
	key  ed25519.PrivateKey
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := t.Context()
	pool := testdb.Pool(t)
	require.NoError(t, jobs.Migrate(ctx, pool))
	f := &fixture{pool: pool, docs: documents{}}
	var err error
	f.svc, err = gates.New(pool, f.docs, nil, gates.Config{Now: func() time.Time { return testNow }})
	require.NoError(t, err)
	pub, key, err := ed25519.GenerateKey(crand.Reader)
	require.NoError(t, err)
	f.key = key
	_, err = f.svc.Register(ctx, zoneAdmin, gates.GateRequest{ID: "G1", Name: "一号卡口", X: 100, Y: 500, Directions: gates.DirectionBoth,
		PublicKey: gates.EncodePublicKey(pub)})
	require.NoError(t, err)
	return f
}

// intake sends an event the way a gate does, signed.
func (f *fixture) intake(t *testing.T, plate, direction string, at time.Time, documentNo string) gates.Event {
	t.Helper()
	body, err := json.Marshal(gates.EventRequest{Plate: plate, Direction: direction, At: at.Format(time.RFC3339),
		ImageRef: "cam://" + plate, DocumentNo: documentNo})
	require.NoError(t, err)
	h := gates.Sign(f.key, "G1", testNow, fmt.Sprintf("nonce%016x", rand.Int64()), body)
	ev, err := f.svc.Intake(t.Context(), func(k string) string { return h[k] }, body)
	require.NoError(t, err)
	return ev
}

// insert stores an event directly, in state.
func insert(t *testing.T, pool *pgxpool.Pool, vehicle, direction string, at time.Time, state string) int64 {
	t.Helper()
	var id int64
	require.NoError(t, pool.QueryRow(t.Context(), `INSERT INTO gate_events (gate_id, plate, vehicle, direction, at, image_ref, document_no,
		state, received_at) VALUES ('G1', $1, $1, $2, $3, '', '', $4, $3) RETURNING id`, vehicle, direction, at, state).Scan(&id))
	return id
}

// requireFigures holds the vehicle figures equal to what the raw events
// say, computed independently: months by the named zone Asia/Shanghai,
// each vehicle's latest event not ignored by a window over all events.
func requireFigures(t *testing.T, pool *pgxpool.Pool, svc *gates.Service, years ...int) {
	t.Helper()
	ctx := t.Context()
	rows, err := pool.Query(ctx, `SELECT to_char(at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM'),
		count(*) FILTER (WHERE direction = 'in'), count(*) FILTER (WHERE direction = 'out')
		FROM gate_events WHERE state <> 'ignored' GROUP BY 1`)
	require.NoError(t, err)
	months := map[string][2]int64{}
	for rows.Next() {
		var m string
		var in, out int64
		require.NoError(t, rows.Scan(&m, &in, &out))
		months[m] = [2]int64{in, out}
	}
	require.NoError(t, rows.Err())

	var inside []int64
	rows, err = pool.Query(ctx, `SELECT id FROM (
		SELECT id, at, direction, row_number() OVER (PARTITION BY vehicle ORDER BY at DESC, id DESC) AS n
		FROM gate_events WHERE state <> 'ignored') last
		WHERE n = 1 AND direction = 'in' ORDER BY at, id`)
	require.NoError(t, err)
	for rows.Next() {
		var id int64
		require.NoError(t, rows.Scan(&id))
		inside = append(inside, id)
	}
	require.NoError(t, rows.Err())

	for _, y := range years {
		want := gates.Traffic{ByMonth: make([]gates.MonthTraffic, 12), Inside: int64(len(inside))}
		for i := range want.ByMonth {
			m := fmt.Sprintf("%d-%02d", y, i+1)
			want.ByMonth[i] = gates.MonthTraffic{Month: m, Entries: months[m][0], Exits: months[m][1]}
			want.Entries += months[m][0]
			want.Exits += months[m][1]
		}
		got, err := svc.Traffic(ctx, y)
		require.NoError(t, err)
		require.Equal(t, want, got, "figures of %d", y)
	}
	list, err := svc.Inside(ctx)
	require.NoError(t, err)
	got := []int64{}
	for _, v := range list {
		got = append(got, v.EventID)
		var vehicle string
		var at time.Time
		require.NoError(t, pool.QueryRow(ctx, `SELECT vehicle, at FROM gate_events WHERE id = $1`, v.EventID).Scan(&vehicle, &at))
		require.Equal(t, vehicle, v.Plate)
		require.True(t, at.Equal(v.Since))
	}
	require.Equal(t, append([]int64{}, inside...), got, "vehicles inside, longest inside first")
}

// TestTrafficFollowsEvents generates crossings of several vehicles over
// the zone's year boundary — through the signed intake, single and bulk
// inserts —, then sets some aside, matches some by hand to documents naming
// another vehicle, and changes and deletes events in bulk; after each step
// every figure equals the raw events' independent computation.
func TestTrafficFollowsEvents(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := t.Context()
	rnd := rand.New(rand.NewPCG(12, 2026))
	plates := []string{"苏E10001", "苏E10002", "苏E10003", "苏E10004", "苏E10005", "苏E10006", "沪A20007", "浙B30008"}
	directions := []string{gates.DirectionIn, gates.DirectionOut}
	from := time.Date(2025, 10, 20, 0, 0, 0, 0, time.UTC)
	randomAt := func() time.Time {
		return from.Add(time.Duration(rnd.Int64N(int64(testNow.Sub(from))))).Truncate(time.Second)
	}
	// Either side of midnight, 2026-01-01 in the zone: 2025-12-31 16:00 UTC.
	boundary := time.Date(2025, 12, 31, 16, 0, 0, 0, time.UTC)

	var unmatched []gates.Event
	for i := range 60 {
		at := randomAt()
		if i < 8 {
			at = boundary.Add(time.Duration(i%2*2-1) * time.Second * time.Duration(1+i))
		}
		plate, direction := plates[rnd.IntN(len(plates))], directions[rnd.IntN(2)]
		docNo := ""
		if i%5 == 0 {
			docNo = fmt.Sprintf("DOC%03d", i)
			f.docs[docNo] = gateDocument(docNo, direction, plate)
		}
		ev := f.intake(t, plate, direction, at, docNo)
		if ev.State == gates.StateUnmatched {
			unmatched = append(unmatched, ev)
		}
	}
	states := []string{gates.StateMatched, gates.StateUnmatched, gates.StateResolved, gates.StateIgnored}
	for range 80 {
		insert(t, f.pool, plates[rnd.IntN(len(plates))], directions[rnd.IntN(2)], randomAt(), states[rnd.IntN(len(states))])
	}
	// One statement for many vehicles and months.
	_, err := f.pool.Exec(ctx, `INSERT INTO gate_events (gate_id, plate, vehicle, direction, at, image_ref, document_no, state, received_at)
		SELECT 'G1', p, p, CASE WHEN g % 3 = 0 THEN 'out' ELSE 'in' END, $1::timestamptz + g * interval '37 hours', '', '',
		       CASE WHEN g % 7 = 0 THEN 'ignored' ELSE 'unmatched' END, $1
		FROM generate_series(0, 99) g, LATERAL (SELECT ($2::text[])[1 + g % 8] AS p) x`, from, plates)
	require.NoError(t, err)
	requireFigures(t, f.pool, f.svc, 2025, 2026, 2027)

	// The zone admin sets events aside, among them vehicles' latest.
	for _, ev := range unmatched[:10] {
		_, err := f.svc.Ignore(ctx, zoneAdmin, ev.ID, gates.IgnoreRequest{Reason: "误识别"})
		require.NoError(t, err)
	}
	requireFigures(t, f.pool, f.svc, 2025, 2026)

	// Misread plates: the crossing now counts for the document's vehicle,
	// one already seen and one never seen; and one for its own plate.
	for i, ev := range unmatched[10:16] {
		plate := plates[(i+3)%len(plates)]
		if i == 0 {
			plate = "苏E99999"
		}
		if i == 1 {
			plate = ev.Plate
		}
		id := fmt.Sprintf("HAND%03d", i)
		f.docs[id] = gateDocument(id, ev.Direction, plate)
		got, err := f.svc.Match(ctx, zoneAdmin, ev.ID, id)
		require.NoError(t, err)
		require.Equal(t, gates.NormalisePlate(plate), got.Vehicle)
	}
	requireFigures(t, f.pool, f.svc, 2025, 2026)
	var moved int
	require.NoError(t, f.pool.QueryRow(ctx, `SELECT count(*) FROM gate_events WHERE vehicle <> plate`).Scan(&moved))
	require.Equal(t, 5, moved)

	// What the gate pass worker writes changes no figure; bulk changes of
	// what counts and deletions do.
	_, err = f.pool.Exec(ctx, `UPDATE gate_events SET pass_tx = 'tx' || id WHERE state = 'matched'`)
	require.NoError(t, err)
	requireFigures(t, f.pool, f.svc, 2025, 2026)
	_, err = f.pool.Exec(ctx, `UPDATE gate_events SET state = 'ignored' WHERE vehicle = $1 AND state = 'unmatched'`, plates[0])
	require.NoError(t, err)
	_, err = f.pool.Exec(ctx, `UPDATE gate_events SET vehicle = $2 WHERE vehicle = $1`, plates[1], plates[2])
	require.NoError(t, err)
	requireFigures(t, f.pool, f.svc, 2025, 2026)
	_, err = f.pool.Exec(ctx, `DELETE FROM gate_events WHERE id % 4 = 0 OR vehicle = $1`, plates[3])
	require.NoError(t, err)
	requireFigures(t, f.pool, f.svc, 2025, 2026)

	// The generated mix is not trivial.
	var years, vehicles, inside int
	require.NoError(t, f.pool.QueryRow(ctx, `SELECT count(DISTINCT to_char(at AT TIME ZONE 'Asia/Shanghai', 'YYYY')),
		count(DISTINCT vehicle) FROM gate_events WHERE state <> 'ignored'`).Scan(&years, &vehicles))
	require.NoError(t, f.pool.QueryRow(ctx, `SELECT count(*) FROM gate_vehicle_states WHERE inside`).Scan(&inside))
	require.Equal(t, 2, years)
	require.GreaterOrEqual(t, vehicles, 6)
	require.Positive(t, inside)
}

// TestTrafficZoneMonths: a month is China Standard Time's, whatever the
// time zone of the database sessions writing and reading the events.
func TestTrafficZoneMonths(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	for _, zone := range []string{"UTC", "Asia/Shanghai", "America/New_York"} {
		cfg := f.pool.Config().Copy()
		cfg.ConnConfig.RuntimeParams["timezone"] = zone
		pool, err := pgxpool.NewWithConfig(t.Context(), cfg)
		require.NoError(t, err)
		defer pool.Close()
		svc, err := gates.New(pool, f.docs, nil, gates.Config{})
		require.NoError(t, err)
		_, err = pool.Exec(t.Context(), `DELETE FROM gate_events`)
		require.NoError(t, err)

		midnight := time.Date(2025, 12, 31, 16, 0, 0, 0, time.UTC) // 2026-01-01 00:00 in the zone
		insert(t, pool, "苏E00001", gates.DirectionIn, midnight.Add(-time.Second), gates.StateMatched)
		insert(t, pool, "苏E00002", gates.DirectionIn, midnight, gates.StateMatched)
		insert(t, pool, "苏E00002", gates.DirectionOut, midnight.Add(time.Minute), gates.StateUnmatched)
		insert(t, pool, "苏E00003", gates.DirectionIn, midnight.Add(time.Hour), gates.StateIgnored)

		y2025, err := svc.Traffic(t.Context(), 2025)
		require.NoError(t, err)
		y2026, err := svc.Traffic(t.Context(), 2026)
		require.NoError(t, err)
		require.Equal(t, gates.MonthTraffic{Month: "2025-12", Entries: 1}, y2025.ByMonth[11], zone)
		require.Equal(t, [2]int64{1, 0}, [2]int64{y2025.Entries, y2025.Exits}, zone)
		require.Equal(t, gates.MonthTraffic{Month: "2026-01", Entries: 1, Exits: 1}, y2026.ByMonth[0], zone)
		require.Equal(t, [2]int64{1, 1}, [2]int64{y2026.Entries, y2026.Exits}, zone)
		require.Equal(t, int64(1), y2026.Inside, "苏E00001 is inside, 苏E00002 left, 苏E00003's entry is set aside")
	}
}

// TestTrafficConcurrentEvents: two transactions storing events of one
// vehicle at once leave the state of the later event in time whichever
// commits last. The one committing second stored the earlier crossing (a
// gate sending what it buffered offline); without the vehicle's lock it
// would compute from a snapshot missing the other's entry and leave the
// vehicle outside.
func TestTrafficConcurrentEvents(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := t.Context()
	const plate = "苏E55555"
	at := time.Date(2026, 2, 10, 3, 0, 0, 0, time.UTC)
	// The vehicle has a state already: the second transaction finds its
	// row rather than waiting on the first's insert of it.
	insert(t, f.pool, plate, gates.DirectionOut, at.Add(-2*time.Hour), gates.StateMatched)

	first, err := f.pool.Begin(ctx)
	require.NoError(t, err)
	defer func() { _ = first.Rollback(context.WithoutCancel(ctx)) }()
	var entry int64
	require.NoError(t, first.QueryRow(ctx, `INSERT INTO gate_events (gate_id, plate, vehicle, direction, at, image_ref, document_no, state,
		received_at) VALUES ('G1', $1, $1, 'in', $2, '', '', 'unmatched', $2) RETURNING id`, plate, at).Scan(&entry))

	var wg sync.WaitGroup
	var secondErr error
	wg.Go(func() {
		_, secondErr = f.pool.Exec(ctx, `INSERT INTO gate_events (gate_id, plate, vehicle, direction, at, image_ref, document_no, state,
			received_at) VALUES ('G1', $1, $1, 'out', $2, '', '', 'unmatched', $2)`, plate, at.Add(-time.Hour))
	})
	// The second waits for the first's lock on the vehicle.
	require.Eventually(t, func() bool {
		var waiting bool
		err := f.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE datname = current_database()
			AND wait_event_type = 'Lock' AND query LIKE 'INSERT INTO gate_events%')`).Scan(&waiting)
		return err == nil && waiting
	}, 10*time.Second, 10*time.Millisecond)
	require.NoError(t, first.Commit(ctx))
	wg.Wait()
	require.NoError(t, secondErr)

	list, err := f.svc.Inside(ctx)
	require.NoError(t, err)
	require.Len(t, list, 1)
	require.Equal(t, entry, list[0].EventID)
	requireFigures(t, f.pool, f.svc, 2026)
}

// TestTrafficBackfill: migration 00019 computes the sums of the events
// stored before it, and keeps them from then on; it goes down and up again.
func TestTrafficBackfill(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	pool := pgtest.NewPool(t)
	db := stdlib.OpenDBFromPool(pool)
	defer db.Close()
	dir, err := fs.Sub(schema.Migrations, "migrations")
	require.NoError(t, err)
	p, err := goose.NewProvider(goose.DialectPostgres, db, dir, goose.WithTableName(schema.VersionTable))
	require.NoError(t, err)
	_, err = p.UpTo(ctx, 18)
	require.NoError(t, err)
	_, err = pool.Exec(ctx, `INSERT INTO gates (id, name, x, y, directions, public_key, created_at, created_by)
		VALUES ('G1', '一号卡口', 1, 1, 'both', decode(repeat('00', 32), 'hex'), now(), 'test')`)
	require.NoError(t, err)
	rnd := rand.New(rand.NewPCG(19, 19))
	from := time.Date(2025, 11, 1, 0, 0, 0, 0, time.UTC)
	for range 120 {
		at := from.Add(time.Duration(rnd.Int64N(int64(120 * 24 * time.Hour)))).Truncate(time.Minute)
		insert(t, pool, fmt.Sprintf("苏E%05d", rnd.IntN(9)), []string{"in", "out"}[rnd.IntN(2)], at,
			[]string{"matched", "unmatched", "ignored"}[rnd.IntN(3)])
	}
	require.NoError(t, schema.Migrate(ctx, pool))
	svc, err := gates.New(pool, documents{}, nil, gates.Config{})
	require.NoError(t, err)
	requireFigures(t, pool, svc, 2025, 2026)
	insert(t, pool, "苏E00001", "in", from.AddDate(0, 5, 0), "matched")
	insert(t, pool, "苏E00002", "out", from.AddDate(0, 5, 0), "matched")
	requireFigures(t, pool, svc, 2025, 2026)

	_, err = p.DownTo(ctx, 18)
	require.NoError(t, err)
	var left bool
	require.NoError(t, pool.QueryRow(ctx, `SELECT to_regclass('gate_month_sums') IS NOT NULL OR to_regclass('gate_vehicle_states') IS NOT NULL`).Scan(&left))
	require.False(t, left)
	insert(t, pool, "苏E00003", "in", from, "matched")
	require.NoError(t, schema.Migrate(ctx, pool))
	requireFigures(t, pool, svc, 2025, 2026)
}
