package accounts

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"zonetrace/gateway/validation"
	"zonetrace/internal/pgpage"
)

// ErrSelf reports an administrator trying to disable itself or to give up
// its own zone_admin role: the zone could be left without anyone able to
// administer it.
var ErrSelf = errors.New("accounts: an administrator cannot disable or demote itself")

// UserProfile is what the zone admin may change of a user.
type UserProfile struct {
	DisplayName  string `json:"displayName"`
	Role         Role   `json:"role"`
	EnterpriseID string `json:"enterpriseId,omitempty"`
}

// Check validates p without touching the database.
func (p UserProfile) Check() error {
	var ps validation.Problems
	checkProfile(&ps, p.DisplayName, p.Role, p.EnterpriseID)
	return ps.Err()
}

// UpdateUser replaces username's profile on behalf of actor. The change
// applies to the user's open sessions at their next request: this Store
// forgets their cached sessions, other processes' caches age out within
// their TTL (WithSessionCache).
func (s *Store) UpdateUser(ctx context.Context, actor, username string, p UserProfile) (User, error) {
	if err := p.Check(); err != nil {
		return User{}, err
	}
	if actor == username && p.Role != RoleZoneAdmin {
		return User{}, fmt.Errorf("update user %s: %w", username, ErrSelf)
	}
	var enterprise *string
	if p.EnterpriseID != "" {
		enterprise = &p.EnterpriseID
	}
	u, err := scanUser(s.pool.QueryRow(ctx, `
		UPDATE users u SET display_name = $2, role = $3, enterprise_id = $4
		WHERE u.username = $1 RETURNING `+userColumns,
		username, p.DisplayName, string(p.Role), enterprise))
	s.forgetSessionsOf(username)
	return u, notFound(err, "update user "+username)
}

// SetDisabled disables or enables username on behalf of actor. Disabling
// ends every session of the user at once; enabling a user that is enabled
// (or disabling a disabled one) changes nothing and is no error.
func (s *Store) SetDisabled(ctx context.Context, actor, username string, disabled bool) (User, error) {
	if disabled && actor == username {
		return User{}, fmt.Errorf("disable user %s: %w", username, ErrSelf)
	}
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return User{}, fmt.Errorf("disable user %s: %w", username, err)
	}
	defer func() { _ = tx.Rollback(ctx) }()
	now := s.now()
	u, err := scanUser(tx.QueryRow(ctx, `
		UPDATE users u SET disabled_at = CASE WHEN NOT $2 THEN NULL ELSE coalesce(u.disabled_at, $3) END
		WHERE u.username = $1 RETURNING `+userColumns,
		username, disabled, now))
	if err := notFound(err, "disable user "+username); err != nil {
		return User{}, err
	}
	if disabled {
		if err := revokeAll(ctx, tx, username, now); err != nil {
			return User{}, err
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return User{}, fmt.Errorf("disable user %s: %w", username, err)
	}
	s.forgetSessionsOf(username)
	return u, nil
}

// ResetPassword gives username the temporary password, which must pass the
// password policy (a validation.Problems error naming password), and makes
// the user replace it at its next login. Every session of the user ends.
func (s *Store) ResetPassword(ctx context.Context, username, temporary string) (User, error) {
	u, _, err := s.userWithHash(ctx, username)
	if err != nil {
		return User{}, err
	}
	if msg, msgZh := CheckPassword(temporary, u.Username, u.DisplayName); msg != "" {
		var p validation.Problems
		p.Add("password", msg, msgZh)
		return User{}, p
	}
	hash, err := HashPassword(temporary)
	if err != nil {
		return User{}, err
	}
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return User{}, fmt.Errorf("reset password of %s: %w", username, err)
	}
	defer func() { _ = tx.Rollback(ctx) }()
	u, err = scanUser(tx.QueryRow(ctx, `
		UPDATE users u SET password_hash = $2, must_change_password = true
		WHERE u.username = $1 RETURNING `+userColumns, username, hash))
	if err := notFound(err, "reset password of "+username); err != nil {
		return User{}, err
	}
	if err := revokeAll(ctx, tx, username, s.now()); err != nil {
		return User{}, err
	}
	if err := tx.Commit(ctx); err != nil {
		return User{}, fmt.Errorf("reset password of %s: %w", username, err)
	}
	s.forgetSessionsOf(username)
	return u, nil
}

func revokeAll(ctx context.Context, tx pgx.Tx, username string, now time.Time) error {
	if _, err := tx.Exec(ctx, `UPDATE sessions SET revoked_at = $2 WHERE username = $1 AND revoked_at IS NULL`, username, now); err != nil {
		return fmt.Errorf("revoke sessions of %s: %w", username, err)
	}
	return nil
}

func notFound(err error, what string) error {
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("%s: %w", what, ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

// UserFilter selects users for SearchUsers; empty fields match all.
type UserFilter struct {
	// Q matches a part of the username or display name, ignoring case.
	Q            string
	Role         Role
	EnterpriseID string
	// Disabled, when set, keeps only disabled (true) or enabled users.
	Disabled       *bool
	Page, PageSize int
}

// UserPage is one page of users by username.
type UserPage struct {
	Items    []User
	Total    int
	Page     int
	PageSize int
}

// SearchUsers returns the page of users f selects, by username. Page and
// PageSize are checked by the caller (1-based, PageSize at least 1).
func (s *Store) SearchUsers(ctx context.Context, f UserFilter) (UserPage, error) {
	var (
		where []string
		args  []any
	)
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	if f.Q != "" {
		pattern := "%" + likeEscaper.Replace(f.Q) + "%"
		where = append(where, fmt.Sprintf("(u.username ILIKE %[1]s OR u.display_name ILIKE %[1]s)", arg(pattern)))
	}
	if f.Role != "" {
		where = append(where, "u.role = "+arg(string(f.Role)))
	}
	if f.EnterpriseID != "" {
		where = append(where, "u.enterprise_id = "+arg(f.EnterpriseID))
	}
	if f.Disabled != nil {
		where = append(where, "(u.disabled_at IS NOT NULL) = "+arg(*f.Disabled))
	}
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	page := UserPage{Page: f.Page, PageSize: f.PageSize}
	items, total, err := pgpage.Read(ctx, s.pool, pgpage.List{Columns: userColumns, From: `users u` + cond, OrderBy: `u.username`},
		args, f.PageSize, (f.Page-1)*f.PageSize, func(r pgx.Row) (User, error) { return scanUser(r) })
	if err != nil {
		return UserPage{}, fmt.Errorf("search users: %w", err)
	}
	page.Total, page.Items = total, items
	return page, nil
}

// likeEscaper makes a search text match literally inside ILIKE.
var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
