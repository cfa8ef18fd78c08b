package accounts

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"zonetrace/gateway/validation"
)

// SessionTTL is how long a login stays valid.
const SessionTTL = 12 * time.Hour

// Session is a successful login.
type Session struct {
	// Token is the bearer token; it is returned once and stored only as its
	// SHA-256.
	Token     string
	ExpiresAt time.Time
	User      User
}

// Login checks the credentials and opens a session. Unknown users cost the
// same hashing work as a wrong password, so timing does not reveal which
// usernames exist.
func (s *Store) Login(ctx context.Context, username, password string) (Session, error) {
	u, err := s.checkPassword(ctx, username, password)
	if err != nil {
		return Session{}, err
	}
	if u.Disabled {
		return Session{}, fmt.Errorf("log in %s: %w", username, ErrDisabled)
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return Session{}, fmt.Errorf("draw session token: %w", err)
	}
	token := base64.RawURLEncoding.EncodeToString(raw)
	expires := s.now().Add(SessionTTL).UTC().Truncate(time.Microsecond)
	if _, err := s.pool.Exec(ctx, `INSERT INTO sessions (token_hash, username, expires_at) VALUES ($1, $2, $3)`,
		tokenHash(token), u.Username, expires); err != nil {
		return Session{}, fmt.Errorf("open session for %s: %w", username, err)
	}
	return Session{Token: token, ExpiresAt: expires, User: u}, nil
}

// checkPassword returns the user if password is theirs, and replaces a
// hash made with other parameters than today's.
func (s *Store) checkPassword(ctx context.Context, username, password string) (User, error) {
	u, hash, err := s.userWithHash(ctx, username)
	if errors.Is(err, ErrNotFound) {
		if _, _, err := VerifyPassword(dummyHash, password); err != nil {
			return User{}, fmt.Errorf("log in: %w", err)
		}
		return User{}, ErrBadCredentials
	}
	if err != nil {
		return User{}, fmt.Errorf("log in: %w", err)
	}
	ok, outdated, err := VerifyPassword(hash, password)
	if err != nil {
		return User{}, fmt.Errorf("log in %s: %w", username, err)
	}
	if !ok {
		return User{}, ErrBadCredentials
	}
	if outdated {
		if err := s.setPassword(ctx, username, hash, password); err != nil {
			return User{}, err
		}
	}
	return u, nil
}

// setPassword stores a new hash of password unless the stored hash is no
// longer old (a concurrent login or change got there first).
func (s *Store) setPassword(ctx context.Context, username, old, password string) error {
	hash, err := HashPassword(password)
	if err != nil {
		return err
	}
	if _, err := s.pool.Exec(ctx, `UPDATE users SET password_hash = $3 WHERE username = $1 AND password_hash = $2`,
		username, old, hash); err != nil {
		return fmt.Errorf("store password of %s: %w", username, err)
	}
	return nil
}

// ErrWrongPassword reports that the current password given to
// ChangePassword is not the user's.
var ErrWrongPassword = errors.New("accounts: current password is wrong")

// ChangePassword replaces username's password after checking the current
// one and the policy (a validation.Problems error naming newPassword), and
// revokes every other session of the user; the session of keepToken stays.
// It ends a forced change (MustChangePassword).
func (s *Store) ChangePassword(ctx context.Context, username, current, next, keepToken string) error {
	u, hash, err := s.userWithHash(ctx, username)
	if err != nil {
		return err
	}
	ok, _, err := VerifyPassword(hash, current)
	if err != nil {
		return fmt.Errorf("change password of %s: %w", username, err)
	}
	if !ok {
		return ErrWrongPassword
	}
	var p validation.Problems
	if msg, msgZh := CheckPassword(next, u.Username, u.DisplayName); msg != "" {
		p.Add("newPassword", msg, msgZh)
	} else if next == current {
		p.Add("newPassword", "must differ from the current password", "新密码不能与当前密码相同")
	}
	if err := p.Err(); err != nil {
		return err
	}
	newHash, err := HashPassword(next)
	if err != nil {
		return err
	}
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("change password of %s: %w", username, err)
	}
	defer func() { _ = tx.Rollback(ctx) }()
	if _, err := tx.Exec(ctx, `UPDATE users SET password_hash = $2, must_change_password = false WHERE username = $1`, username, newHash); err != nil {
		return fmt.Errorf("change password of %s: %w", username, err)
	}
	if _, err := tx.Exec(ctx, `UPDATE sessions SET revoked_at = $3 WHERE username = $1 AND token_hash <> $2 AND revoked_at IS NULL`,
		username, tokenHash(keepToken), s.now()); err != nil {
		return fmt.Errorf("revoke other sessions of %s: %w", username, err)
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("change password of %s: %w", username, err)
	}
	s.forgetSessionsOf(username)
	return nil
}

// Authenticate returns the user of a live session token. With a session
// cache (WithSessionCache) an answer read within its TTL is reused, never
// past the session's expiry.
func (s *Store) Authenticate(ctx context.Context, token string) (User, error) {
	hash := tokenHash(token)
	now := s.now()
	var gen uint64
	if s.sessions != nil {
		if u, ok := s.sessions.get(hash, now); ok {
			return u, nil
		}
		gen = s.sessions.begin()
	}
	// A disabled user's sessions are revoked when it is disabled; the
	// condition on disabled_at also holds against a login racing that.
	var expires time.Time
	u, err := scanUser(s.pool.QueryRow(ctx, `
		SELECT `+userColumns+`, s.expires_at
		FROM sessions s JOIN users u ON u.username = s.username
		WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > $2 AND u.disabled_at IS NULL`,
		hash, now), &expires)
	if errors.Is(err, pgx.ErrNoRows) {
		return User{}, fmt.Errorf("authenticate: %w", ErrNotFound)
	}
	if err != nil {
		return User{}, fmt.Errorf("authenticate: %w", err)
	}
	if s.sessions != nil {
		s.sessions.put(gen, hash, u, expires, now)
	}
	return u, nil
}

// Logout revokes the session of token; revoking an unknown or revoked token
// is not an error, so logout is idempotent.
func (s *Store) Logout(ctx context.Context, token string) error {
	hash := tokenHash(token)
	if s.sessions != nil {
		// Forgotten after the revocation (also a failed one: forgetting
		// costs a lookup at most); a lookup that read the row still live
		// is refused by the cache's generation (sessionCache).
		defer s.sessions.forgetToken(hash)
	}
	if _, err := s.pool.Exec(ctx, `UPDATE sessions SET revoked_at = $2 WHERE token_hash = $1 AND revoked_at IS NULL`,
		hash, s.now()); err != nil {
		return fmt.Errorf("log out: %w", err)
	}
	return nil
}

func tokenHash(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}
