package accounts_test

import (
	"context"
	"strings"
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
	require.Regexp(t, `^\$argon2id\$v=19\$m=7168,t=5,p=1\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$`, h)

	t.Run("the right password verifies", func(t *testing.T) {
		ok, outdated, err := accounts.VerifyPassword(h, "correct horse battery")
		require.NoError(t, err)
		require.True(t, ok)
		require.False(t, outdated)
	})
	t.Run("a wrong password does not", func(t *testing.T) {
		ok, _, err := accounts.VerifyPassword(h, "correct horse battery!")
		require.NoError(t, err)
		require.False(t, ok)
	})
	t.Run("a hash with the earlier parameters verifies and is outdated", func(t *testing.T) {
		ok, outdated, err := accounts.VerifyPassword(oldHash, "secret-pass-42")
		require.NoError(t, err)
		require.True(t, ok)
		require.True(t, outdated)
	})
	t.Run("a malformed hash is an error", func(t *testing.T) {
		_, _, err := accounts.VerifyPassword("$argon2i$v=19$x", "pw")
		require.Error(t, err)
		_, _, err = accounts.VerifyPassword("$argon2id$v=19$m=7168,t=0,p=1$c2FsdHNhbHQ$a2V5", "pw")
		require.Error(t, err, "zero passes")
	})
}

// oldHash is "secret-pass-42" hashed with the parameters used before
// (m=19456, t=2, p=1).
const oldHash = "$argon2id$v=19$m=19456,t=2,p=1$MDEyMzQ1Njc4OWFiY2RlZg$TIVMLPZunH8CCdTIB3fODmZguQKpZ9Q+6m0qDccFPfo"

// TestWeakPasswordsAreRefused: ten spaces, one character class, common
// passwords and the username itself are refused; passphrases pass.
func TestWeakPasswordsAreRefused(t *testing.T) {
	t.Parallel()
	for _, pw := range []string{"          ", "short-1", "aaaaaaaaaaaa", "abcdefghijkl", "1234567890", "password-123",
		"P@ssw0rd123", "qwertyuiop12", "口令口令口令口令口令", "alice-alice-1", "zonetrace-2024", strings.Repeat("x1", 65)} {
		msg, msgZh := accounts.CheckPassword(pw, "alice-alice", "Alice")
		require.NotEmpty(t, msg, "%q", pw)
		require.NotEmpty(t, msgZh, "%q", pw)
	}
	for _, pw := range []string{"demo-pass-123", "correct horse battery staple", "甲咖啡进口公司的密码2024", "tX9#mq2!Lp"} {
		msg, _ := accounts.CheckPassword(pw, "alice")
		require.Empty(t, msg, "%q", pw)
	}
	err := accounts.NewUser{Username: "alice", Password: "          ", DisplayName: "A", Role: accounts.RoleAuditor}.Check()
	var p validation.Problems
	require.ErrorAs(t, err, &p)
	require.Equal(t, "password", p[0].Field)
}

func TestCreateUserRejectsBadInput(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		user  accounts.NewUser
		field string
	}{
		{"a short password is rejected", accounts.NewUser{Username: "alice", Password: "short", DisplayName: "A", Role: accounts.RoleAuditor}, "password"},
		{"an unknown role is rejected", accounts.NewUser{Username: "alice", Password: "long enough pw 7", DisplayName: "A", Role: "boss"}, "role"},
		{"an enterprise user needs an enterprise", accounts.NewUser{Username: "alice", Password: "long enough pw 7", DisplayName: "A", Role: accounts.RoleEnterprise}, "enterpriseId"},
		{"a customs user may not have an enterprise", accounts.NewUser{Username: "alice", Password: "long enough pw 7", DisplayName: "A", Role: accounts.RoleCustomsOfficer, EnterpriseID: "X"}, "enterpriseId"},
		{"a username with spaces is rejected", accounts.NewUser{Username: "a b", Password: "long enough pw 7", DisplayName: "A", Role: accounts.RoleAuditor}, "username"},
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
	u, err := s.CreateUser(ctx, accounts.NewUser{Username: "ent1", Password: "secret-pass-42", DisplayName: "企业一", Role: accounts.RoleEnterprise, EnterpriseID: "91320583MA1XXXXX0X"})
	require.NoError(t, err)
	require.Equal(t, "91320583MA1XXXXX0X", u.EnterpriseID)

	t.Run("a second user with the same name is refused", func(t *testing.T) {
		_, err := s.CreateUser(ctx, accounts.NewUser{Username: "ent1", Password: "secret-pass-42", DisplayName: "x", Role: accounts.RoleAuditor})
		require.ErrorIs(t, err, accounts.ErrUsernameTaken)
	})
	t.Run("a wrong password and an unknown user fail the same way", func(t *testing.T) {
		_, err := s.Login(ctx, "ent1", "wrong-pass-42")
		require.ErrorIs(t, err, accounts.ErrBadCredentials)
		_, err = s.Login(ctx, "nobody", "wrong-pass-42")
		require.ErrorIs(t, err, accounts.ErrBadCredentials)
	})
	t.Run("a session authenticates until logout", func(t *testing.T) {
		sess, err := s.Login(ctx, "ent1", "secret-pass-42")
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

// TestOldHashesAreReplacedAtLogin: a user whose hash has the earlier
// parameters still logs in, and their hash is then made with today's.
func TestOldHashesAreReplacedAtLogin(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := pgtest.NewPool(t)
	require.NoError(t, schema.Migrate(ctx, pool))
	s := accounts.New(pool)
	_, err := s.CreateUser(ctx, accounts.NewUser{Username: "olduser", Password: "secret-pass-42", DisplayName: "Old", Role: accounts.RoleAuditor})
	require.NoError(t, err)
	_, err = pool.Exec(ctx, `UPDATE users SET password_hash = $1 WHERE username = 'olduser'`, oldHash)
	require.NoError(t, err)

	_, err = s.Login(ctx, "olduser", "secret-pass-42")
	require.NoError(t, err)
	var hash string
	require.NoError(t, pool.QueryRow(ctx, `SELECT password_hash FROM users WHERE username = 'olduser'`).Scan(&hash))
	require.Contains(t, hash, "$m=7168,t=5,p=1$")
	_, err = s.Login(ctx, "olduser", "secret-pass-42")
	require.NoError(t, err, "the new hash verifies")
}

// TestChangePassword: in the self-service change the current password is required, the policy
// applies, and the other sessions end.
func TestChangePassword(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := setup(t)
	_, err := s.CreateUser(ctx, accounts.NewUser{Username: "bob", Password: "secret-pass-42", DisplayName: "Bob", Role: accounts.RoleAuditor})
	require.NoError(t, err)
	here, err := s.Login(ctx, "bob", "secret-pass-42")
	require.NoError(t, err)
	there, err := s.Login(ctx, "bob", "secret-pass-42")
	require.NoError(t, err)

	require.ErrorIs(t, s.ChangePassword(ctx, "bob", "wrong-pass-42", "another-pass-77", here.Token), accounts.ErrWrongPassword)
	for _, next := range []string{"          ", "secret-pass-42", "password12"} {
		err := s.ChangePassword(ctx, "bob", "secret-pass-42", next, here.Token)
		var p validation.Problems
		require.ErrorAs(t, err, &p, "%q", next)
		require.Equal(t, "newPassword", p[0].Field)
	}
	_, err = s.Authenticate(ctx, there.Token)
	require.NoError(t, err, "refused changes end no session")

	require.NoError(t, s.ChangePassword(ctx, "bob", "secret-pass-42", "another-pass-77", here.Token))
	_, err = s.Authenticate(ctx, here.Token)
	require.NoError(t, err, "the session that changed the password stays")
	_, err = s.Authenticate(ctx, there.Token)
	require.ErrorIs(t, err, accounts.ErrNotFound, "other sessions are revoked")
	_, err = s.Login(ctx, "bob", "secret-pass-42")
	require.ErrorIs(t, err, accounts.ErrBadCredentials)
	_, err = s.Login(ctx, "bob", "another-pass-77")
	require.NoError(t, err)
}
