// Package accounts keeps the gateway's users and their login sessions in
// PostgreSQL. Passwords are stored as argon2id hashes, session tokens only as
// their SHA-256.
package accounts

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"zonetrace/gateway/validation"
)

// ErrNotFound reports an unknown user or session.
var ErrNotFound = errors.New("accounts: not found")

// ErrUsernameTaken reports that a user with that username exists.
var ErrUsernameTaken = errors.New("accounts: username taken")

// ErrBadCredentials reports a failed login, without saying which part was
// wrong.
var ErrBadCredentials = errors.New("accounts: bad credentials")

var usernamePattern = regexp.MustCompile(`^[A-Za-z0-9._-]{3,64}$`)

// User is an account of the gateway.
type User struct {
	Username     string
	DisplayName  string
	Role         Role
	EnterpriseID string // set only for RoleEnterprise
	CreatedAt    time.Time
}

// NewUser is what CreateUser needs.
type NewUser struct {
	Username     string
	Password     string
	DisplayName  string
	Role         Role
	EnterpriseID string
}

// Store reads and writes users and sessions.
type Store struct {
	pool *pgxpool.Pool
	now  func() time.Time
}

// New returns a Store on pool.
func New(pool *pgxpool.Pool) *Store {
	return &Store{pool: pool, now: time.Now}
}

// Check validates u without touching the database.
func (u NewUser) Check() error {
	var p validation.Problems
	if !usernamePattern.MatchString(u.Username) {
		p.Add("username", "must be 3-64 characters of letters, digits, '.', '_' or '-'", "用户名须为3-64位字母、数字、点、下划线或连字符")
	}
	if msg, msgZh := CheckPassword(u.Password, u.Username, u.DisplayName); msg != "" {
		p.Add("password", msg, msgZh)
	}
	if n := utf8.RuneCountInString(u.DisplayName); n == 0 || n > 100 {
		p.Add("displayName", "is required (at most 100 characters)", "显示名称必填（不超过100字）")
	}
	switch {
	case !u.Role.Valid():
		p.Add("role", "must be one of enterprise, customs_officer, customs_admin, zone_admin, auditor", "角色无效")
	case u.Role == RoleEnterprise && u.EnterpriseID == "":
		p.Add("enterpriseId", "is required for enterprise users", "企业用户须指定企业")
	case u.Role != RoleEnterprise && u.EnterpriseID != "":
		p.Add("enterpriseId", "is only allowed for enterprise users", "仅企业用户可指定企业")
	}
	return p.Err()
}

// CreateUser validates and stores a new user.
func (s *Store) CreateUser(ctx context.Context, u NewUser) (User, error) {
	if err := u.Check(); err != nil {
		return User{}, err
	}
	hash, err := HashPassword(u.Password)
	if err != nil {
		return User{}, err
	}
	var enterprise *string
	if u.EnterpriseID != "" {
		enterprise = &u.EnterpriseID
	}
	var created time.Time
	err = s.pool.QueryRow(ctx, `
		INSERT INTO users (username, password_hash, display_name, role, enterprise_id)
		VALUES ($1, $2, $3, $4, $5) RETURNING created_at`,
		u.Username, hash, u.DisplayName, string(u.Role), enterprise).Scan(&created)
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23505" {
		return User{}, fmt.Errorf("create user %s: %w", u.Username, ErrUsernameTaken)
	}
	if err != nil {
		return User{}, fmt.Errorf("create user %s: %w", u.Username, err)
	}
	return User{Username: u.Username, DisplayName: u.DisplayName, Role: u.Role, EnterpriseID: u.EnterpriseID, CreatedAt: created}, nil
}

// User returns the user named username.
func (s *Store) User(ctx context.Context, username string) (User, error) {
	u, _, err := s.userWithHash(ctx, username)
	return u, err
}

// Users lists all users by username.
func (s *Store) Users(ctx context.Context) ([]User, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT username, display_name, role, coalesce(enterprise_id, ''), created_at
		FROM users ORDER BY username`)
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	users, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (User, error) {
		var u User
		err := r.Scan(&u.Username, &u.DisplayName, &u.Role, &u.EnterpriseID, &u.CreatedAt)
		return u, err
	})
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	return users, nil
}

func (s *Store) userWithHash(ctx context.Context, username string) (User, string, error) {
	var u User
	var hash string
	err := s.pool.QueryRow(ctx, `
		SELECT username, display_name, role, coalesce(enterprise_id, ''), created_at, password_hash
		FROM users WHERE username = $1`, username).
		Scan(&u.Username, &u.DisplayName, &u.Role, &u.EnterpriseID, &u.CreatedAt, &hash)
	if errors.Is(err, pgx.ErrNoRows) {
		return User{}, "", fmt.Errorf("find user %s: %w", username, ErrNotFound)
	}
	if err != nil {
		return User{}, "", fmt.Errorf("find user %s: %w", username, err)
	}
	return u, hash, nil
}
