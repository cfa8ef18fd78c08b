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
	u, hash, err := s.userWithHash(ctx, username)
	if errors.Is(err, ErrNotFound) {
		if _, err := VerifyPassword(dummyHash, password); err != nil {
			return Session{}, fmt.Errorf("log in: %w", err)
		}
		return Session{}, ErrBadCredentials
	}
	if err != nil {
		return Session{}, fmt.Errorf("log in: %w", err)
	}
	ok, err := VerifyPassword(hash, password)
	if err != nil {
		return Session{}, fmt.Errorf("log in %s: %w", username, err)
	}
	if !ok {
		return Session{}, ErrBadCredentials
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

// Authenticate returns the user of a live session token.
func (s *Store) Authenticate(ctx context.Context, token string) (User, error) {
	var u User
	err := s.pool.QueryRow(ctx, `
		SELECT u.username, u.display_name, u.role, coalesce(u.enterprise_id, ''), u.created_at
		FROM sessions s JOIN users u ON u.username = s.username
		WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > $2`,
		tokenHash(token), s.now()).Scan(&u.Username, &u.DisplayName, &u.Role, &u.EnterpriseID, &u.CreatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return User{}, fmt.Errorf("authenticate: %w", ErrNotFound)
	}
	if err != nil {
		return User{}, fmt.Errorf("authenticate: %w", err)
	}
	return u, nil
}

// Logout revokes the session of token; revoking an unknown or revoked token
// is not an error, so logout is idempotent.
func (s *Store) Logout(ctx context.Context, token string) error {
	if _, err := s.pool.Exec(ctx, `UPDATE sessions SET revoked_at = $2 WHERE token_hash = $1 AND revoked_at IS NULL`,
		tokenHash(token), s.now()); err != nil {
		return fmt.Errorf("log out: %w", err)
	}
	return nil
}

func tokenHash(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}
