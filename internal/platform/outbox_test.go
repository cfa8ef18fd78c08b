package platform

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"zonetrace/gateway/accounts"
	"zonetrace/gateway/submissions"
)

// TestFailedWriteDoesNotBlockStartup: a write that answered 500 used to
// stay pending and make every later start exit 1, as start-up re-drove it
// before serving and refused to serve when it failed again. Now the node
// starts and serves, and recovery retries the write in the background.
func TestFailedWriteDoesNotBlockStartup(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	n := startNode(t)
	_, err := accounts.New(n.Pool).CreateUser(ctx, accounts.NewUser{Username: "ent-a", Password: testPassword, DisplayName: "A",
		Role: accounts.RoleEnterprise, EnterpriseID: "91320583MA1AAAAA0A"})
	require.NoError(t, err)
	// A NUL character PostgreSQL refuses in jsonb: the draft store fails on
	// it (500) however often it is tried, unless input checks refuse it
	// first (4xx, final). Either way it must not stop a start.
	body := []byte(`{"data":{"productName":"a\u0000b"}}`)
	_, err = n.Pool.Exec(ctx, `INSERT INTO submissions (username, idempotency_key, method, path, body, replayable, body_sha256, status, lease_until)
		VALUES ('ent-a', 'poisoned', 'POST', '/api/v1/prefiling-drafts', $1, true, $2, 'pending', now() + interval '2 minutes')`,
		body, submissions.Request{Body: body}.BodySHA256())
	require.NoError(t, err)
	require.NoError(t, n.Close())

	n.start()
	n.client("admin") // serving

	require.Eventually(t, func() bool {
		var status string
		var attempts int
		require.NoError(t, n.Pool.QueryRow(ctx, `SELECT status, attempts FROM submissions WHERE idempotency_key = 'poisoned'`).Scan(&status, &attempts))
		return status != "pending" || attempts > 1
	}, 30*time.Second, 100*time.Millisecond, "recovery re-drove it in the background")
	status, err := n.Gateway.OutboxStatus(ctx)
	require.NoError(t, err)
	t.Logf("outbox after the start: %+v", status)
}
