package oplog_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"zonetrace/gateway/oplog"
	"zonetrace/gateway/schema"
	"zonetrace/internal/pgtest"
)

func newPool(t *testing.T) *pgxpool.Pool {
	t.Helper()
	pool := pgtest.NewPool(t)
	require.NoError(t, schema.Migrate(context.Background(), pool))
	return pool
}

// clock is a settable clock.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

func entry(user, command string, status int) oplog.Entry {
	return oplog.Entry{Username: user, Role: "enterprise", Command: command, ObjectType: "document", ObjectID: "HZ1",
		IP: "203.0.113.7", UserAgent: "ua", Status: status}
}

func TestConcurrentAppendsMakeOneChain(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	l := oplog.New(newPool(t), nil)
	const writers, each = 8, 15
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				_, err := l.Append(ctx, entry(fmt.Sprintf("user-%d", w), fmt.Sprintf("document.read.%d", i), 200))
				require.NoError(t, err)
			}
		})
	}
	wg.Wait()
	rep, err := l.Check(ctx)
	require.NoError(t, err)
	require.True(t, rep.OK, "%+v", rep.Problem)
	require.Equal(t, int64(writers*each), rep.Rows)
	require.Equal(t, int64(writers*each), rep.HeadSeq)
}

func TestCheckNamesTheRowReordered(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := newPool(t)
	l := oplog.New(pool, nil)
	for i := range 6 {
		_, err := l.Append(ctx, entry("u", fmt.Sprintf("c%d", i), 200))
		require.NoError(t, err)
	}
	conn, err := pool.Acquire(ctx)
	require.NoError(t, err)
	defer conn.Release()
	_, err = conn.Exec(ctx, `SET session_replication_role = replica`)
	require.NoError(t, err)
	// Swap rows 3 and 4 whole (each keeps its own hash, so each alone
	// looks intact), as if their order were rewritten.
	_, err = conn.Exec(ctx, `UPDATE operation_log SET seq = -seq WHERE seq IN (3, 4)`)
	require.NoError(t, err)
	_, err = conn.Exec(ctx, `UPDATE operation_log SET seq = CASE seq WHEN -3 THEN 4 ELSE 3 END WHERE seq < 0`)
	require.NoError(t, err)
	rep, err := l.Check(ctx)
	require.NoError(t, err)
	require.False(t, rep.OK)
	// Row 3 now holds the old row 4, whose hash covered seq 4.
	require.Equal(t, int64(3), rep.Problem.Seq)
	require.Contains(t, []string{oplog.ProblemChanged, oplog.ProblemReordered}, rep.Problem.Kind)
}

func TestOffHoursFiresOncePerOperatorAndDay(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := newPool(t)
	_, err := pool.Exec(ctx, `INSERT INTO users (username, password_hash, display_name, role) VALUES ('adm', 'x', 'A', 'zone_admin')`)
	require.NoError(t, err)
	c := &clock{}
	l := oplog.New(pool, nil, oplog.WithClock(c.Now))
	cst := time.FixedZone("CST", 8*3600)
	c.set(time.Date(2026, 11, 27, 10, 0, 0, 0, cst)) // working hours
	_, err = l.Append(ctx, entry("u", "document.read", 200))
	require.NoError(t, err)
	c.set(time.Date(2026, 11, 27, 23, 30, 0, 0, cst))
	_, err = l.Append(ctx, entry("u", "document.read", 200))
	require.NoError(t, err)
	c.set(time.Date(2026, 11, 27, 23, 45, 0, 0, cst))
	_, err = l.Append(ctx, entry("u", "document.review", 200))
	require.NoError(t, err)
	c.set(time.Date(2026, 11, 28, 6, 0, 0, 0, cst)) // the next day, early
	_, err = l.Append(ctx, entry("u", "document.read", 200))
	require.NoError(t, err)

	in, err := l.Notifications(ctx, "adm", false)
	require.NoError(t, err)
	require.Len(t, in.Items, 2)
	require.Equal(t, oplog.RuleOffHours, in.Items[0].Alert.Rule)
	require.Equal(t, "2026-11-28 06:00", in.Items[0].Alert.Params["localTime"])
	require.Equal(t, "2026-11-27 23:30", in.Items[1].Alert.Params["localTime"])
	require.Equal(t, 0, in.Items[1].Alert.RuleSetVersion, "the default rules")
}

func TestRulesAreVersioned(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	l := oplog.New(newPool(t), nil)
	rs, err := l.Rules(ctx)
	require.NoError(t, err)
	require.Equal(t, 0, rs.Version)
	require.Equal(t, oplog.DefaultRules, rs.Rules)
	changed := oplog.DefaultRules
	changed.BulkExport.MaxRows = 42
	saved, err := l.SaveRules(ctx, changed, "adm")
	require.NoError(t, err)
	require.Equal(t, 1, saved.Version)
	saved, err = l.SaveRules(ctx, oplog.DefaultRules, "adm")
	require.NoError(t, err)
	require.Equal(t, 2, saved.Version)
	rs, err = l.Rules(ctx)
	require.NoError(t, err)
	require.Equal(t, 2, rs.Version)
	bad := oplog.DefaultRules
	bad.OffHours.EndHour = bad.OffHours.StartHour
	_, err = l.SaveRules(ctx, bad, "adm")
	require.Error(t, err)
}

func TestAppendStoresClientTextItCanHash(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	l := oplog.New(newPool(t), nil)
	e := entry("u", "api.unmatched", 404)
	e.UserAgent = "bad\x00\xff" + string(make([]byte, 2000))
	r, err := l.Append(ctx, e)
	require.NoError(t, err)
	require.LessOrEqual(t, len(r.UserAgent), 512)
	rep, err := l.Check(ctx)
	require.NoError(t, err)
	require.True(t, rep.OK, "%+v", rep.Problem)
}

// BenchmarkAppend measures what every API request pays for its log row:
// one transaction taking the head lock, the insert, the head update and
// the rules; -cpu sets how many requests append at once. "bare commit" is
// a one-row insert committed alone on the same server, the floor any
// synchronous write pays.
func BenchmarkAppend(b *testing.B) {
	ctx := context.Background()
	pool := pgtest.NewPool(b)
	require.NoError(b, schema.Migrate(ctx, pool))
	_, err := pool.Exec(ctx, `CREATE TABLE bare (n bigint)`)
	require.NoError(b, err)
	l := oplog.New(pool, nil)
	b.Run("append", func(b *testing.B) {
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if _, err := l.Append(ctx, entry("u", "document.read", 200)); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
	b.Run("bare commit", func(b *testing.B) {
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if _, err := pool.Exec(ctx, `INSERT INTO bare VALUES (1)`); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
}
