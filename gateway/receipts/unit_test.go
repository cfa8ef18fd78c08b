package receipts

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestBackoffSchedule(t *testing.T) {
	t.Parallel()
	b := Backoff{Base: 2 * time.Second, Cap: 10 * time.Minute}
	cases := []struct {
		failures int
		ceiling  time.Duration
	}{
		{1, 2 * time.Second}, {2, 4 * time.Second}, {3, 8 * time.Second}, {4, 16 * time.Second},
		{8, 256 * time.Second}, {9, 512 * time.Second}, {10, 10 * time.Minute}, {500, 10 * time.Minute},
	}
	for _, tc := range cases {
		t.Run("the ceiling doubles per failure up to the cap", func(t *testing.T) {
			require.Equal(t, tc.ceiling, b.Ceiling(tc.failures), "after %d failures", tc.failures)
		})
	}
	t.Run("waits are jittered within half and all of the ceiling", func(t *testing.T) {
		seen := map[time.Duration]bool{}
		for range 200 {
			w := b.Wait(3)
			require.GreaterOrEqual(t, w, 4*time.Second)
			require.LessOrEqual(t, w, 8*time.Second)
			seen[w] = true
		}
		require.Greater(t, len(seen), 1, "the waits must vary")
	})
}

func TestSignature(t *testing.T) {
	t.Parallel()
	secret := []byte("s3cret-of-enterprise-a")
	body := []byte(`{"id":"tx1:HZ20240730AB12CD34"}`)
	t.Run("it is the hex HMAC-SHA256 of the body (RFC 4231 test case 2)", func(t *testing.T) {
		require.Equal(t, "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
			Sign([]byte("Jefe"), []byte("what do ya want for nothing?")))
		require.True(t, Verify(secret, body, Sign(secret, body)))
	})
	t.Run("another body, secret or a malformed header does not verify", func(t *testing.T) {
		sig := Sign(secret, body)
		require.False(t, Verify(secret, []byte(`{"id":"tx2"}`), sig))
		require.False(t, Verify([]byte("other"), body, sig))
		require.False(t, Verify(secret, body, sig[len("sha256="):]))
		require.False(t, Verify(secret, body, "sha256=zz"))
	})
}

func TestSealer(t *testing.T) {
	t.Parallel()
	key, err := LoadOrCreateKey(t.TempDir() + "/keys/webhook.key")
	require.NoError(t, err)
	s, err := NewSealer(key)
	require.NoError(t, err)
	sealed, err := s.Seal("ent-a", []byte("secret-value-123"))
	require.NoError(t, err)
	require.NotContains(t, string(sealed), "secret-value-123")

	plain, err := s.Open("ent-a", sealed)
	require.NoError(t, err)
	require.Equal(t, "secret-value-123", string(plain))

	_, err = s.Open("ent-b", sealed)
	require.Error(t, err, "a secret sealed for one enterprise does not open for another")
}
