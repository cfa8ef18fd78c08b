package accounts_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"zonetrace/gateway/accounts"
	"zonetrace/gateway/schema"
	"zonetrace/internal/pgtest"
)

func TestAdministration(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := pgtest.NewPool(t)
	require.NoError(t, schema.Migrate(ctx, pool))
	s := accounts.New(pool)
	for _, name := range []string{"a_b", "axb", "boss"} {
		role := accounts.RoleAuditor
		if name == "boss" {
			role = accounts.RoleZoneAdmin
		}
		_, err := s.CreateUser(ctx, accounts.NewUser{Username: name, Password: "long-pass-8812", DisplayName: "用户 " + name, Role: role})
		require.NoError(t, err)
	}

	t.Run("a session of a user disabled without revoking it still does not authenticate", func(t *testing.T) {
		session, err := s.Login(ctx, "axb", "long-pass-8812")
		require.NoError(t, err)
		// As if a login committed its session just after SetDisabled revoked
		// the others.
		_, err = pool.Exec(ctx, `UPDATE users SET disabled_at = now() WHERE username = 'axb'`)
		require.NoError(t, err)
		_, err = s.Authenticate(ctx, session.Token)
		require.ErrorIs(t, err, accounts.ErrNotFound)
		_, err = s.Login(ctx, "axb", "long-pass-8812")
		require.ErrorIs(t, err, accounts.ErrDisabled)
		_, err = s.Login(ctx, "axb", "wrong-pass-1234")
		require.ErrorIs(t, err, accounts.ErrBadCredentials, "the password is checked first")
	})
	t.Run("search text matches literally", func(t *testing.T) {
		page, err := s.SearchUsers(ctx, accounts.UserFilter{Q: "_", Page: 1, PageSize: 10})
		require.NoError(t, err)
		require.Equal(t, 1, page.Total)
		require.Equal(t, "a_b", page.Items[0].Username)
	})
	t.Run("a reset sets the forced change and a change clears it", func(t *testing.T) {
		u, err := s.ResetPassword(ctx, "a_b", "Temp-pass-4471")
		require.NoError(t, err)
		require.True(t, u.MustChangePassword)
		session, err := s.Login(ctx, "a_b", "Temp-pass-4471")
		require.NoError(t, err)
		require.True(t, session.User.MustChangePassword)
		require.NoError(t, s.ChangePassword(ctx, "a_b", "Temp-pass-4471", "own-chosen-7730", session.Token))
		u, err = s.User(ctx, "a_b")
		require.NoError(t, err)
		require.False(t, u.MustChangePassword)
	})
	t.Run("an administrator neither demotes nor disables itself", func(t *testing.T) {
		_, err := s.UpdateUser(ctx, "boss", "boss", accounts.UserProfile{DisplayName: "x", Role: accounts.RoleAuditor})
		require.ErrorIs(t, err, accounts.ErrSelf)
		_, err = s.SetDisabled(ctx, "boss", "boss", true)
		require.ErrorIs(t, err, accounts.ErrSelf)
		u, err := s.User(ctx, "boss")
		require.NoError(t, err)
		require.Equal(t, accounts.RoleZoneAdmin, u.Role)
		require.False(t, u.Disabled)
	})
}
