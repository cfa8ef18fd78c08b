package accounts_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"zonetrace/gateway/accounts"
	"zonetrace/gateway/schema"
	"zonetrace/internal/pgtest"
)

// clock is a settable time for the cache's TTL and the sessions' expiry.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

const cachePassword = "a long enough pass phrase 7"

// cachedStore is a Store with a 5 s session cache on a clock of its own,
// with user "kim" logged in; other is a second Store on the same database
// (another gateway process) with its own cache.
func cachedStore(t *testing.T) (s, other *accounts.Store, pool *pgxpool.Pool, c *clock, token string) {
	t.Helper()
	ctx := context.Background()
	pool = pgtest.NewPool(t)
	require.NoError(t, schema.Migrate(ctx, pool))
	c = &clock{now: time.Now()}
	s = accounts.New(pool, accounts.WithSessionCache(5*time.Second, 0), accounts.WithClock(c.Now))
	other = accounts.New(pool, accounts.WithSessionCache(5*time.Second, 0), accounts.WithClock(c.Now))
	for _, name := range []string{"kim", "lee"} {
		_, err := s.CreateUser(ctx, accounts.NewUser{Username: name, Password: cachePassword, DisplayName: name, Role: accounts.RoleCustomsOfficer})
		require.NoError(t, err)
	}
	session, err := s.Login(ctx, "kim", cachePassword)
	require.NoError(t, err)
	return s, other, pool, c, session.Token
}

func TestSessionCache(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	t.Run("a cached session answers without PostgreSQL until its TTL", func(t *testing.T) {
		t.Parallel()
		s, _, pool, c, token := cachedStore(t)
		u, err := s.Authenticate(ctx, token)
		require.NoError(t, err)
		require.Equal(t, "kim", u.Username)
		// Revoked behind the Store's back, as another process would.
		_, err = pool.Exec(ctx, `UPDATE sessions SET revoked_at = now()`)
		require.NoError(t, err)
		_, err = s.Authenticate(ctx, token)
		require.NoError(t, err, "served from the cache within its TTL")
		c.advance(5 * time.Second)
		_, err = s.Authenticate(ctx, token)
		require.ErrorIs(t, err, accounts.ErrNotFound, "read again once the TTL passed")
	})

	t.Run("logout ends the session at once in this process, within the TTL in another", func(t *testing.T) {
		t.Parallel()
		s, other, _, c, token := cachedStore(t)
		_, err := s.Authenticate(ctx, token)
		require.NoError(t, err)
		_, err = other.Authenticate(ctx, token)
		require.NoError(t, err)
		require.NoError(t, s.Logout(ctx, token))
		_, err = s.Authenticate(ctx, token)
		require.ErrorIs(t, err, accounts.ErrNotFound)
		_, err = other.Authenticate(ctx, token)
		require.NoError(t, err, "the other process still trusts its cached answer")
		c.advance(accounts.DefaultSessionCacheTTL)
		_, err = other.Authenticate(ctx, token)
		require.ErrorIs(t, err, accounts.ErrNotFound, "and no longer after the TTL")
	})

	t.Run("a session is never served past its expiry", func(t *testing.T) {
		t.Parallel()
		s, _, _, c, token := cachedStore(t)
		c.advance(accounts.SessionTTL - 2*time.Second)
		_, err := s.Authenticate(ctx, token)
		require.NoError(t, err, "cached, for 2 s only: then it expires")
		c.advance(2 * time.Second)
		_, err = s.Authenticate(ctx, token)
		require.ErrorIs(t, err, accounts.ErrNotFound)
	})

	t.Run("password changes, resets, disabling and profile changes forget the user's sessions", func(t *testing.T) {
		t.Parallel()
		s, _, _, _, token := cachedStore(t)
		lee, err := s.Login(ctx, "lee", cachePassword)
		require.NoError(t, err)
		authenticated := func(tok string) bool {
			_, err := s.Authenticate(ctx, tok)
			return err == nil
		}
		require.True(t, authenticated(token))
		require.True(t, authenticated(lee.Token))

		_, err = s.UpdateUser(ctx, "admin", "kim", accounts.UserProfile{DisplayName: "Kim", Role: accounts.RoleAuditor})
		require.NoError(t, err)
		u, err := s.Authenticate(ctx, token)
		require.NoError(t, err)
		require.Equal(t, accounts.RoleAuditor, u.Role, "the new role applies at the next request")

		_, err = s.ResetPassword(ctx, "kim", "another long pass phrase 8")
		require.NoError(t, err)
		require.False(t, authenticated(token), "a reset ends the sessions")
		require.True(t, authenticated(lee.Token), "other users keep theirs")

		_, err = s.SetDisabled(ctx, "admin", "lee", true)
		require.NoError(t, err)
		require.False(t, authenticated(lee.Token), "disabling ends the sessions")
	})

	t.Run("a password change keeps the changing session and ends the others", func(t *testing.T) {
		t.Parallel()
		s, _, _, _, token := cachedStore(t)
		second, err := s.Login(ctx, "kim", cachePassword)
		require.NoError(t, err)
		for _, tok := range []string{token, second.Token} {
			_, err := s.Authenticate(ctx, tok)
			require.NoError(t, err)
		}
		require.NoError(t, s.ChangePassword(ctx, "kim", cachePassword, "a new long pass phrase 9", token))
		_, err = s.Authenticate(ctx, token)
		require.NoError(t, err)
		_, err = s.Authenticate(ctx, second.Token)
		require.ErrorIs(t, err, accounts.ErrNotFound)
	})

	t.Run("a negative TTL caches nothing", func(t *testing.T) {
		t.Parallel()
		pool := pgtest.NewPool(t)
		require.NoError(t, schema.Migrate(ctx, pool))
		s := accounts.New(pool, accounts.WithSessionCache(-1, 0))
		_, err := s.CreateUser(ctx, accounts.NewUser{Username: "kim", Password: cachePassword, DisplayName: "kim", Role: accounts.RoleCustomsOfficer})
		require.NoError(t, err)
		session, err := s.Login(ctx, "kim", cachePassword)
		require.NoError(t, err)
		_, err = s.Authenticate(ctx, session.Token)
		require.NoError(t, err)
		_, err = pool.Exec(ctx, `UPDATE sessions SET revoked_at = now()`)
		require.NoError(t, err)
		_, err = s.Authenticate(ctx, session.Token)
		require.ErrorIs(t, err, accounts.ErrNotFound)
	})
}
