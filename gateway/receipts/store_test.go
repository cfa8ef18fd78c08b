package receipts

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestWebhookConfiguration(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, pool := newStore(t)

	t.Run("an enterprise without a webhook has none", func(t *testing.T) {
		_, err := s.Webhook(ctx, entA)
		require.ErrorIs(t, err, ErrNoWebhook)
	})
	t.Run("the first configuration needs a secret", func(t *testing.T) {
		_, err := s.SetWebhook(ctx, entA, "https://a.example/hook", "", "ent-a")
		require.ErrorIs(t, err, ErrSecretRequired)
	})
	t.Run("the secret is stored sealed and never shown", func(t *testing.T) {
		w, err := s.SetWebhook(ctx, entA, "https://a.example/hook", "a-long-webhook-secret", "ent-a")
		require.NoError(t, err)
		require.Equal(t, Webhook{URL: "https://a.example/hook", SecretSet: true}, w)
		var sealed []byte
		require.NoError(t, pool.QueryRow(ctx, `SELECT secret_sealed FROM webhooks WHERE enterprise_id = $1`, entA).Scan(&sealed))
		require.NotContains(t, string(sealed), "a-long-webhook-secret")
	})
	t.Run("changing the address keeps the secret", func(t *testing.T) {
		_, err := s.SetWebhook(ctx, entA, "https://a.example/v2", "", "ent-a")
		require.NoError(t, err)
		url, secret, err := s.target(ctx, entA)
		require.NoError(t, err)
		require.Equal(t, "https://a.example/v2", url)
		require.Equal(t, "a-long-webhook-secret", string(secret))
	})
}

func TestReadMarks(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := newStore(t)
	require.NoError(t, s.MarkRead(ctx, entA, "tx1:HZ1", "ent-a"))
	require.NoError(t, s.MarkRead(ctx, entA, "tx1:HZ1", "ent-a2"), "marking twice is harmless")
	read, err := s.ReadAmong(ctx, entA, []string{"tx1:HZ1", "tx2:HZ2"})
	require.NoError(t, err)
	require.Equal(t, map[string]bool{"tx1:HZ1": true}, read)
	read, err = s.ReadAmong(ctx, entB, []string{"tx1:HZ1"})
	require.NoError(t, err)
	require.Empty(t, read, "marks are per enterprise")
}

func TestFollowEnqueuesOncePerReceiptOfEnterprisesWithAWebhook(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, pool := newStore(t)
	_, err := s.SetWebhook(ctx, entA, "http://127.0.0.1:1/hook", "a-long-webhook-secret", "ent-a")
	require.NoError(t, err)
	src := &fakeSource{}
	for range 5 {
		src.add(entA)
		src.add(entB)
	}
	d := NewDeliverer(s, src)
	d.batch = 3 // several batches

	n, err := d.Follow(ctx)
	require.NoError(t, err)
	require.Equal(t, 5, n)
	pos, err := s.cursor(ctx)
	require.NoError(t, err)
	require.Equal(t, Position{Block: 10, Index: 1000}, pos)

	t.Run("following again enqueues only what is new", func(t *testing.T) {
		n, err := d.Follow(ctx)
		require.NoError(t, err)
		require.Zero(t, n)
		src.add(entA)
		n, err = d.Follow(ctx)
		require.NoError(t, err)
		require.Equal(t, 1, n)
	})
	t.Run("a cursor lost after enqueueing does not enqueue twice", func(t *testing.T) {
		_, err := pool.Exec(ctx, `DELETE FROM receipt_cursor`)
		require.NoError(t, err)
		n, err := d.Follow(ctx)
		require.NoError(t, err)
		require.Zero(t, n)
		var count int
		require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM webhook_deliveries`).Scan(&count))
		require.Equal(t, 6, count)
	})
}
