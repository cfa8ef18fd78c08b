// Package loginguard slows down password guessing with two limits:
//
//   - per address and username: after PerAddress.MaxFailures failed logins
//     of one username from one address within its window, that pair is
//     refused for its lockout. Locking the pair rather than the account keeps
//     one attacker from locking a clerk out of their own account.
//   - per username: after PerUser.MaxFailures failed logins of one username
//     from any addresses within its (longer) window, the username is refused
//     for its lockout. This bounds guessing spread over many addresses.
//
// The defaults (docs/api.md, "Login throttling"): 5 failures per pair in 15
// minutes lock the pair for 15 minutes; 50 failures per username in an hour
// lock the username for 15 minutes. One address alone can add at most about
// 20 failures an hour to a username (5, then 15 minutes locked, and so on),
// so locking out a victim takes at least three addresses working together,
// while distributed guessing is held to about 50 tries an hour per account
// — hopeless against the password policy. The address must be the real
// peer: the gateway trusts X-Forwarded-For only from configured proxies.
//
// The counts live in PostgreSQL (table login_failures), so every gateway
// over one database applies the same limits: guesses spread over several
// gateways meet one count, and an unlock frees the user on all of them.
// Each failure is one atomic upsert, so concurrent failures on several
// gateways are all counted.
package loginguard

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// Limit is one throttling rule: MaxFailures within Window lock for Lockout.
type Limit struct {
	MaxFailures     int
	Window, Lockout time.Duration
}

// Default limits (see the package comment for why).
var (
	DefaultPerAddress = Limit{MaxFailures: 5, Window: 15 * time.Minute, Lockout: 15 * time.Minute}
	DefaultPerUser    = Limit{MaxFailures: 50, Window: time.Hour, Lockout: 15 * time.Minute}
)

// sweepEvery is how often a guard drops the records that neither count nor
// lock anything any more, bounding the table under a spray of usernames or
// addresses. Each gateway sweeps; the deletes are idempotent.
const sweepEvery = time.Minute

// userAddress is the address column of the per-username record.
const userAddress = ""

// unknownAddress stands for a peer whose address could not be read, so that
// its pair record never takes the per-username record's place.
const unknownAddress = "-"

// Guard tracks failed logins in PostgreSQL.
type Guard struct {
	pool             *pgxpool.Pool
	now              func() time.Time
	perAddress, user Limit

	mu        sync.Mutex
	lastSweep time.Time
}

// New returns a Guard over pool (migrated with the gateway's schema) with the
// default limits.
func New(pool *pgxpool.Pool) *Guard { return NewWithLimits(pool, DefaultPerAddress, DefaultPerUser) }

// NewWithLimits returns a Guard over pool with the given limits.
func NewWithLimits(pool *pgxpool.Pool, perAddress, perUser Limit) *Guard {
	return &Guard{pool: pool, now: time.Now, perAddress: perAddress, user: perUser}
}

func pairAddress(address string) string {
	if address == "" {
		return unknownAddress
	}
	return address
}

// Allow reports how long until a login of username from address may be
// tried: zero means now.
func (g *Guard) Allow(ctx context.Context, username, address string) (time.Duration, error) {
	wait, _, err := g.Check(ctx, username, address)
	return wait, err
}

// Check is Allow that also reports whether the pair has failures on record,
// in the same statement: a login that then succeeds needs Succeeded only
// when it has, so the usual login pays one guard round trip, not two. A
// failure counted between Check and the success stays counted, as one
// counted just after the success would.
func (g *Guard) Check(ctx context.Context, username, address string) (wait time.Duration, pairFailures bool, err error) {
	now := g.now()
	pair := pairAddress(address)
	var until *time.Time
	err = g.pool.QueryRow(ctx, `SELECT max(locked_until) FILTER (WHERE locked_until > $4), coalesce(bool_or(address = $3), false)
		FROM login_failures WHERE username = $1 AND address IN ($2, $3)`,
		username, userAddress, pair, now).Scan(&until, &pairFailures)
	if err != nil {
		return 0, false, fmt.Errorf("read login failures: %w", err)
	}
	if until == nil {
		return 0, pairFailures, nil
	}
	return max(until.Sub(now), 0), pairFailures, nil
}

// Failed records a failed login against both limits.
func (g *Guard) Failed(ctx context.Context, username, address string) error {
	now := g.now()
	if err := g.sweep(ctx, now); err != nil {
		return err
	}
	for _, r := range []struct {
		address string
		limit   Limit
	}{{pairAddress(address), g.perAddress}, {userAddress, g.user}} {
		if err := g.count(ctx, username, r.address, r.limit, now); err != nil {
			return err
		}
	}
	return nil
}

// count adds one failure to a record: a record whose window has passed
// starts again at one; reaching MaxFailures locks for Lockout and starts
// a fresh count. A lock in force is kept until it ends.
func (g *Guard) count(ctx context.Context, username, address string, limit Limit, now time.Time) error {
	_, err := g.pool.Exec(ctx, `INSERT INTO login_failures AS f (username, address, failures, first_at, locked_until)
		VALUES ($1, $2, CASE WHEN $4::integer <= 1 THEN 0 ELSE 1 END, $3::timestamptz,
			CASE WHEN $4 <= 1 THEN $6::timestamptz ELSE '-infinity'::timestamptz END)
		ON CONFLICT (username, address) DO UPDATE SET
			failures = CASE WHEN (CASE WHEN f.first_at < $5::timestamptz THEN 1 ELSE f.failures + 1 END) >= $4 THEN 0
				ELSE (CASE WHEN f.first_at < $5 THEN 1 ELSE f.failures + 1 END) END,
			first_at = CASE WHEN f.first_at < $5 OR f.failures + 1 >= $4 THEN $3 ELSE f.first_at END,
			locked_until = CASE WHEN (CASE WHEN f.first_at < $5 THEN 1 ELSE f.failures + 1 END) >= $4 THEN $6
				ELSE f.locked_until END`,
		username, address, now, limit.MaxFailures, now.Add(-limit.Window), now.Add(limit.Lockout))
	if err != nil {
		return fmt.Errorf("count a failed login: %w", err)
	}
	return nil
}

// sweep drops, at most once per sweepEvery, the records whose window has
// passed and whose lock has ended.
func (g *Guard) sweep(ctx context.Context, now time.Time) error {
	g.mu.Lock()
	due := now.Sub(g.lastSweep) >= sweepEvery
	if due {
		g.lastSweep = now
	}
	g.mu.Unlock()
	if !due {
		return nil
	}
	_, err := g.pool.Exec(ctx, `DELETE FROM login_failures WHERE locked_until <= $1
		AND first_at < CASE WHEN address = $2 THEN $3::timestamptz ELSE $4::timestamptz END`,
		now, userAddress, now.Add(-g.user.Window), now.Add(-g.perAddress.Window))
	if err != nil {
		return fmt.Errorf("sweep login failures: %w", err)
	}
	return nil
}

// Succeeded forgets the pair's failures. The username's count stays: a
// success from one address says nothing about guesses from the others.
func (g *Guard) Succeeded(ctx context.Context, username, address string) error {
	if _, err := g.pool.Exec(ctx, `DELETE FROM login_failures WHERE username = $1 AND address = $2`,
		username, pairAddress(address)); err != nil {
		return fmt.Errorf("forget login failures: %w", err)
	}
	return nil
}

// Unlock forgets every failure and lock of username, from all addresses and
// on every gateway: the zone admin's answer to a user locked out by someone
// else's guesses.
func (g *Guard) Unlock(ctx context.Context, username string) error {
	if _, err := g.pool.Exec(ctx, `DELETE FROM login_failures WHERE username = $1`, username); err != nil {
		return fmt.Errorf("unlock logins: %w", err)
	}
	return nil
}
