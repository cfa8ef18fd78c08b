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

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"zonetrace/chaincode/model"
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

// ErrDisabled reports a login of a disabled user (after its password was
// checked, so it tells nothing to whoever does not know the password).
var ErrDisabled = errors.New("accounts: user disabled")

// MaxDisplayNameLength bounds a user's display name, in characters.
const MaxDisplayNameLength = 100

// User is an account of the gateway.
type User struct {
	Username     string
	DisplayName  string
	Role         Role
	EnterpriseID string // set only for RoleEnterprise
	CreatedAt    time.Time
	Disabled     bool
	// MustChangePassword is set by a password reset and on the first-run
	// admin: until the user picks its own password, the API refuses
	// everything but changing it (gateway/auth.go).
	MustChangePassword bool
}

// userColumns are the columns scanUser reads, of users aliased u.
const userColumns = `u.username, u.display_name, u.role, coalesce(u.enterprise_id, ''), u.created_at,
	u.disabled_at IS NOT NULL, u.must_change_password`

func scanUser(r pgx.Row, extra ...any) (User, error) {
	var u User
	err := r.Scan(append([]any{&u.Username, &u.DisplayName, &u.Role, &u.EnterpriseID, &u.CreatedAt, &u.Disabled, &u.MustChangePassword}, extra...)...)
	return u, err
}

// NewUser is what CreateUser needs.
type NewUser struct {
	Username     string
	Password     string
	DisplayName  string
	Role         Role
	EnterpriseID string
	// MustChangePassword makes the user pick its own password at first
	// login (the first-run admin, whose password was printed once).
	MustChangePassword bool
}

// Store reads and writes users and sessions.
type Store struct {
	pool *pgxpool.Pool
	now  func() time.Time
	// sessions, when set, keeps recent Authenticate answers
	// (WithSessionCache).
	sessions *sessionCache
}

// Option configures a Store.
type Option func(*Store)

// WithSessionCache makes Authenticate trust a session it read for ttl
// (DefaultSessionCacheTTL when 0) and remember at most size sessions
// (DefaultSessionCacheSize when 0). Logout, password changes and resets,
// disabling and profile changes made through this Store forget the user's
// sessions at once; made by another process over the same database, they
// are seen within ttl. A negative ttl caches nothing.
func WithSessionCache(ttl time.Duration, size int) Option {
	return func(s *Store) {
		if ttl < 0 {
			return
		}
		if ttl == 0 {
			ttl = DefaultSessionCacheTTL
		}
		if size <= 0 {
			size = DefaultSessionCacheSize
		}
		s.sessions = newSessionCache(ttl, size)
	}
}

// WithClock makes the Store read the time from now (tests of expiry).
func WithClock(now func() time.Time) Option { return func(s *Store) { s.now = now } }

// New returns a Store on pool.
func New(pool *pgxpool.Pool, opts ...Option) *Store {
	s := &Store{pool: pool, now: time.Now}
	for _, opt := range opts {
		opt(s)
	}
	return s
}

// forgetSessionsOf drops username's cached sessions, if any are cached.
func (s *Store) forgetSessionsOf(username string) {
	if s.sessions != nil {
		s.sessions.forgetUser(username)
	}
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
	checkProfile(&p, u.DisplayName, u.Role, u.EnterpriseID)
	return p.Err()
}

// checkProfile checks what a user is besides its credentials, with the
// model's text and value rules (Chinese from the catalogue).
func checkProfile(p *validation.Problems, displayName string, role Role, enterpriseID string) {
	var ps model.Problems
	ps = append(ps, model.CheckText("displayName", displayName, model.TextRule{Max: MaxDisplayNameLength, Required: true})...)
	switch {
	case !role.Valid():
		ps.Add("role", model.RuleUnknownValue, nil)
	case role == RoleEnterprise && enterpriseID == "":
		ps.Add("enterpriseId", model.RuleRequired, nil)
	}
	p.AddModel(ps...)
	if role.Valid() && role != RoleEnterprise && enterpriseID != "" {
		p.Add("enterpriseId", "is only allowed for enterprise users", "仅企业用户可指定企业")
	}
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
		INSERT INTO users (username, password_hash, display_name, role, enterprise_id, must_change_password)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING created_at`,
		u.Username, hash, u.DisplayName, string(u.Role), enterprise, u.MustChangePassword).Scan(&created)
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23505" {
		return User{}, fmt.Errorf("create user %s: %w", u.Username, ErrUsernameTaken)
	}
	if err != nil {
		return User{}, fmt.Errorf("create user %s: %w", u.Username, err)
	}
	return User{Username: u.Username, DisplayName: u.DisplayName, Role: u.Role, EnterpriseID: u.EnterpriseID, CreatedAt: created,
		MustChangePassword: u.MustChangePassword}, nil
}

// User returns the user named username.
func (s *Store) User(ctx context.Context, username string) (User, error) {
	u, _, err := s.userWithHash(ctx, username)
	return u, err
}

// Users lists all users by username.
func (s *Store) Users(ctx context.Context) ([]User, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+userColumns+` FROM users u ORDER BY username`)
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	users, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (User, error) { return scanUser(r) })
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	return users, nil
}

func (s *Store) userWithHash(ctx context.Context, username string) (User, string, error) {
	var hash string
	u, err := scanUser(s.pool.QueryRow(ctx, `SELECT `+userColumns+`, u.password_hash FROM users u WHERE u.username = $1`, username), &hash)
	if errors.Is(err, pgx.ErrNoRows) {
		return User{}, "", fmt.Errorf("find user %s: %w", username, ErrNotFound)
	}
	if err != nil {
		return User{}, "", fmt.Errorf("find user %s: %w", username, err)
	}
	return u, hash, nil
}
