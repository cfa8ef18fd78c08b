package retention_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"zonetrace/gateway/retention"
	"zonetrace/gateway/schema"
	"zonetrace/gateway/submissions"
	"zonetrace/internal/pgtest"
)

// TestRetentionPurgesSessionsBodiesMessagesAndDeliveries: each kind of
// record the gateway used to keep for ever is removed once older than its
// policy, and nothing younger or still owed is touched.
func TestRetentionPurgesSessionsBodiesMessagesAndDeliveries(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := pgtest.NewPool(t)
	require.NoError(t, schema.Migrate(ctx, pool))
	now := time.Date(2026, 6, 1, 3, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	ago := func(d time.Duration) time.Time { return now.Add(-d) }
	exec := func(sql string, args ...any) {
		t.Helper()
		_, err := pool.Exec(ctx, sql, args...)
		require.NoError(t, err)
	}

	exec(`INSERT INTO users (username, password_hash, display_name, role) VALUES ('u', 'x', 'U', 'auditor')`)
	exec(`INSERT INTO sessions (token_hash, username, created_at, expires_at, revoked_at) VALUES
		('\x01', 'u', $1, $2, NULL),   -- expired 10 days ago: purged
		('\x02', 'u', $1, $3, NULL),   -- expired 2 days ago: kept
		('\x03', 'u', $1, $4, $2),     -- revoked 10 days ago: purged
		('\x04', 'u', $1, $4, NULL)    -- still valid: kept`,
		ago(20*day), ago(10*day), ago(2*day), now.Add(day))

	old := submissions.NewWithClock(pool, func() time.Time { return ago(40 * day) })
	for _, key := range []string{"done-old", "pending-old"} {
		_, _, err := old.Claim(ctx, submissions.Request{Username: "u", Key: key, Method: "POST", Path: "/x", Body: []byte(`{"big":1}`)}, time.Minute, nil)
		require.NoError(t, err)
	}
	require.NoError(t, old.Complete(ctx, "u", "done-old", submissions.Response{Status: 201, Body: []byte(`{}`)}))

	exec(`INSERT INTO customs_messages (raw, received_by, received_at) VALUES ('old', 'u', $1), ('new', 'u', $2)`, ago(200*day), ago(10*day))
	exec(`INSERT INTO customs_pockets (pocket_id, pocket_no, total, message_type, raw, received_at) VALUES
		('p-old', 1, 2, 'x', 'a', $1), ('p-new', 1, 2, 'x', 'b', $2)`, ago(200*day), ago(10*day))
	exec(`INSERT INTO webhook_deliveries (receipt_id, enterprise_id, body, created_at, delivered_at) VALUES
		('r1', 'e', '{}', $1, $1),    -- delivered long ago: purged
		('r2', 'e', '{}', $1, NULL),  -- never delivered, long ago: given up
		('r3', 'e', '{}', $2, $2),    -- delivered recently: kept
		('r4', 'e', '{}', $2, NULL)   -- owed, recent: kept`, ago(40*day), ago(2*day))

	p := retention.New(pool, retention.DefaultPolicy(), func() time.Time { return now })
	report, err := p.Purge(ctx)
	require.NoError(t, err)
	require.Equal(t, retention.Report{Sessions: 2, OutboxBodies: 1, CustomsMessages: 1, CustomsPockets: 1, Deliveries: 2}, report)

	remaining := func(sql string) []string {
		t.Helper()
		rows, err := pool.Query(ctx, sql)
		require.NoError(t, err)
		var out []string
		for rows.Next() {
			var s string
			require.NoError(t, rows.Scan(&s))
			out = append(out, s)
		}
		require.NoError(t, rows.Err())
		return out
	}
	require.Equal(t, []string{"\\x02", "\\x04"}, remaining(`SELECT token_hash::text FROM sessions ORDER BY 1`))
	require.Equal(t, []string{"done-old:0", "pending-old:9"}, remaining(`SELECT idempotency_key || ':' || length(body) FROM submissions ORDER BY 1`))
	require.Equal(t, []string{"new"}, remaining(`SELECT convert_from(raw, 'UTF8') FROM customs_messages`))
	require.Equal(t, []string{"p-new"}, remaining(`SELECT pocket_id FROM customs_pockets`))
	require.Equal(t, []string{"r3", "r4"}, remaining(`SELECT receipt_id FROM webhook_deliveries ORDER BY 1`))

	t.Run("a second purge finds nothing, and a zero duration keeps for ever", func(t *testing.T) {
		report, err := p.Purge(ctx)
		require.NoError(t, err)
		require.Equal(t, retention.Report{}, report)
		keepAll := retention.New(pool, retention.Policy{}, func() time.Time { return now.Add(1000 * day) })
		report, err = keepAll.Purge(ctx)
		require.NoError(t, err)
		require.Equal(t, retention.Report{}, report)
	})
}
