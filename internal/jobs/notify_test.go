package jobs_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"zonetrace/gateway/notify"
	"zonetrace/gateway/schema"
	"zonetrace/internal/jobs"
	"zonetrace/internal/pgtest"
)

// TestNotificationsAreDeliveredByTheQueue: the node's queue works the
// deliveries a producer published.
func TestNotificationsAreDeliveredByTheQueue(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := pgtest.NewPool(t)
	require.NoError(t, schema.Migrate(ctx, pool))
	require.NoError(t, jobs.Migrate(ctx, pool))
	_, err := pool.Exec(ctx, `INSERT INTO users (username, password_hash, display_name, role) VALUES ('officer', 'x', '关员', 'customs_officer')`)
	require.NoError(t, err)
	svc, err := notify.New(pool)
	require.NoError(t, err)
	require.NoError(t, pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		_, err := svc.Publish(ctx, tx, notify.Message{Source: "risk", Kind: notify.KindLongStorage, Subject: "TC-1",
			Severity: notify.SeverityWarning, Audience: notify.Audience{Roles: []string{"customs_officer"}}})
		return err
	}))

	q, err := jobs.Start(ctx, jobs.Config{Pool: pool, Outbox: &countingOutbox{}, Purger: &countingPurger{}, Notifications: svc})
	require.NoError(t, err)
	defer func() { require.NoError(t, q.Stop(ctx)) }()
	require.Eventually(t, func() bool {
		var n int
		require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM notifications WHERE username = 'officer' AND message_id IS NOT NULL`).Scan(&n))
		return n == 1
	}, 20*time.Second, 50*time.Millisecond)
}
