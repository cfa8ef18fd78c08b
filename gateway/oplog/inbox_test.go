package oplog_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"zonetrace/gateway/notify"
	"zonetrace/gateway/oplog"
)

// TestAlertsEnterAnInboxWhenRead: an alert is one row when raised,
// announced to its recipients' roles, and copied into a recipient's inbox
// when they read it — once, even when two reads race, and only for users
// whose account existed when it was raised.
func TestAlertsEnterAnInboxWhenRead(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := newPool(t)
	addUser := func(name, role string) {
		_, err := pool.Exec(ctx, `INSERT INTO users (username, password_hash, display_name, role) VALUES ($1, 'x', $1, $2)`, name, role)
		require.NoError(t, err)
	}
	addUser("adm", "zone_admin")
	addUser("aud", "auditor")
	addUser("ent", "enterprise")
	c := &clock{}
	l := oplog.New(pool, nil, oplog.WithClock(c.Now))

	hub := notify.NewHub(pool)
	t.Cleanup(hub.Close)
	admEvents, closeAdm := hub.Subscribe(ctx, "adm", "zone_admin")
	defer closeAdm()
	entEvents, closeEnt := hub.Subscribe(ctx, "ent", "enterprise")
	defer closeEnt()

	cst := time.FixedZone("CST", 8*3600)
	offHours := func(user string, at time.Time) {
		c.set(at)
		_, err := l.Append(ctx, entry(user, "document.read", 200))
		require.NoError(t, err)
	}
	offHours("u1", time.Date(2026, 11, 27, 23, 0, 0, 0, cst))
	inboxRows := func() (n int) {
		require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM notifications`).Scan(&n))
		return n
	}
	require.Zero(t, inboxRows(), "raising an alert writes no inbox row")
	select {
	case ev := <-admEvents:
		require.NotZero(t, ev.AlertID)
		require.Zero(t, ev.ID)
	case <-time.After(20 * time.Second):
		t.Fatal("the admin's stream was not told of the alert")
	}

	addUser("aud2", "auditor") // after the first alert
	offHours("u2", time.Date(2026, 11, 27, 23, 30, 0, 0, cst))

	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			_, err := l.Notifications(ctx, "adm", false)
			assert.NoError(t, err) // require would stop another goroutine than the test's
		})
	}
	wg.Wait()
	in, err := l.Notifications(ctx, "adm", false)
	require.NoError(t, err)
	require.Len(t, in.Items, 2, "racing reads copy each alert once")
	require.Equal(t, 2, in.Unread)
	require.Equal(t, "u2", in.Items[0].Alert.Subject, "newest first")
	require.Equal(t, "u1", in.Items[1].Alert.Subject)

	in, err = l.Notifications(ctx, "aud2", false)
	require.NoError(t, err)
	require.Len(t, in.Items, 1, "a new account starts with the alerts raised after it")
	require.Equal(t, "u2", in.Items[0].Alert.Subject)

	in, err = l.Notifications(ctx, "ent", false)
	require.NoError(t, err)
	require.Empty(t, in.Items, "enterprises receive no alerts")
	select {
	case ev := <-entEvents:
		t.Fatalf("the enterprise's stream was told of %+v", ev)
	default:
	}

	// Marking all read covers alerts not yet copied into the inbox.
	offHours("u3", time.Date(2026, 11, 27, 23, 45, 0, 0, cst))
	require.NoError(t, l.MarkAllRead(ctx, "aud"))
	in, err = l.Notifications(ctx, "aud", false)
	require.NoError(t, err)
	require.Len(t, in.Items, 3)
	require.Zero(t, in.Unread)
}
