package accounts_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"zonetrace/gateway/accounts"
	"zonetrace/gateway/schema"
	"zonetrace/gateway/validation"
	"zonetrace/internal/pgtest"
)

func setup(t *testing.T) *accounts.Store {
	t.Helper()
	pool := pgtest.NewPool(t)
	require.NoError(t, schema.Migrate(context.Background(), pool))
	return accounts.New(pool)
}

func TestPasswordHash(t *testing.T) {
	t.Parallel()
	h, err := accounts.HashPassword("correct horse battery")
	require.NoError(t, err)
	require.Regexp(t, `^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$`, h)

	t.Run("the right password verifies", func(t *testing.T) {
		ok, err := accounts.VerifyPassword(h, "correct horse battery")
		require.NoError(t, err)
		require.True(t, ok)
	})
	t.Run("a wrong password does not", func(t *testing.T) {
		ok, err := accounts.VerifyPassword(h, "correct horse battery!")
		require.NoError(t, err)
		require.False(t, ok)
	})
	t.Run("a malformed hash is an error", func(t *testing.T) {
		_, err := accounts.VerifyPassword("$argon2i$v=19$x", "pw")
		require.Error(t, err)
	})
}

func TestCreateUserRejectsBadInput(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		user  accounts.NewUser
		field string
	}{
		{"a short password is rejected", accounts.NewUser{Username: "alice", Password: "short", DisplayName: "A", Role: accounts.RoleAuditor}, "password"},
		{"an unknown role is rejected", accounts.NewUser{Username: "alice", Password: "long enough pw", DisplayName: "A", Role: "boss"}, "role"},
		{"an enterprise user needs an enterprise", accounts.NewUser{Username: "alice", Password: "long enough pw", DisplayName: "A", Role: accounts.RoleEnterprise}, "enterpriseId"},
		{"a customs user may not have an enterprise", accounts.NewUser{Username: "alice", Password: "long enough pw", DisplayName: "A", Role: accounts.RoleCustomsOfficer, EnterpriseID: "X"}, "enterpriseId"},
		{"a username with spaces is rejected", accounts.NewUser{Username: "a b", Password: "long enough pw", DisplayName: "A", Role: accounts.RoleAuditor}, "username"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.user.Check()
			var p validation.Problems
			require.ErrorAs(t, err, &p)
			require.Equal(t, tc.field, p[0].Field)
		})
	}
}

func TestUsersAndSessions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := setup(t)
	u, err := s.CreateUser(ctx, accounts.NewUser{Username: "ent1", Password: "secret-password", DisplayName: "企业一", Role: accounts.RoleEnterprise, EnterpriseID: "91320583MA1XXXXX0X"})
	require.NoError(t, err)
	require.Equal(t, "91320583MA1XXXXX0X", u.EnterpriseID)

	t.Run("a second user with the same name is refused", func(t *testing.T) {
		_, err := s.CreateUser(ctx, accounts.NewUser{Username: "ent1", Password: "secret-password", DisplayName: "x", Role: accounts.RoleAuditor})
		require.ErrorIs(t, err, accounts.ErrUsernameTaken)
	})
	t.Run("a wrong password and an unknown user fail the same way", func(t *testing.T) {
		_, err := s.Login(ctx, "ent1", "wrong-password")
		require.ErrorIs(t, err, accounts.ErrBadCredentials)
		_, err = s.Login(ctx, "nobody", "wrong-password")
		require.ErrorIs(t, err, accounts.ErrBadCredentials)
	})
	t.Run("a session authenticates until logout", func(t *testing.T) {
		sess, err := s.Login(ctx, "ent1", "secret-password")
		require.NoError(t, err)
		require.Len(t, sess.Token, 43)
		got, err := s.Authenticate(ctx, sess.Token)
		require.NoError(t, err)
		require.Equal(t, u.Username, got.Username)
		require.NoError(t, s.Logout(ctx, sess.Token))
		_, err = s.Authenticate(ctx, sess.Token)
		require.ErrorIs(t, err, accounts.ErrNotFound)
		require.NoError(t, s.Logout(ctx, sess.Token), "logging out twice is fine")
	})
	t.Run("an unknown token does not authenticate", func(t *testing.T) {
		_, err := s.Authenticate(ctx, "not-a-token")
		require.ErrorIs(t, err, accounts.ErrNotFound)
	})
	t.Run("users are listed", func(t *testing.T) {
		users, err := s.Users(ctx)
		require.NoError(t, err)
		require.Len(t, users, 1)
	})
}
