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
// State is per gateway process; several gateways each apply the limits.
package loginguard

import (
	"strings"
	"sync"
	"time"
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

// sweepAbove is the number of tracked keys past which expired ones are
// dropped, bounding memory under a spray of usernames or addresses.
const sweepAbove = 10_000

type record struct {
	failures    int
	first       time.Time
	lockedUntil time.Time
}

// counter applies one Limit to failures grouped by a key.
type counter struct {
	limit     Limit
	records   map[string]*record
	lastSweep time.Time
}

func (c *counter) wait(k string, now time.Time) time.Duration {
	if r, ok := c.records[k]; ok {
		return max(r.lockedUntil.Sub(now), 0)
	}
	return 0
}

func (c *counter) failed(k string, now time.Time) {
	// At most one sweep a minute: under a spray of usernames a sweep per
	// failure would cost more than the failures.
	if len(c.records) > sweepAbove && now.Sub(c.lastSweep) > time.Minute {
		c.lastSweep = now
		for k, r := range c.records {
			if now.Sub(r.first) > c.limit.Window && now.After(r.lockedUntil) {
				delete(c.records, k)
			}
		}
	}
	r, ok := c.records[k]
	if !ok || now.Sub(r.first) > c.limit.Window {
		r = &record{first: now, lockedUntil: r.lockedUntilOrZero()}
		c.records[k] = r
	}
	r.failures++
	if r.failures >= c.limit.MaxFailures {
		r.lockedUntil = now.Add(c.limit.Lockout)
		r.failures, r.first = 0, now
	}
}

func (r *record) lockedUntilOrZero() time.Time {
	if r == nil {
		return time.Time{}
	}
	return r.lockedUntil
}

// Guard tracks failed logins.
type Guard struct {
	now func() time.Time

	mu    sync.Mutex
	pairs counter // key: address + "\x00" + username
	users counter // key: username
}

// New returns a Guard with the default limits.
func New() *Guard { return NewWithLimits(DefaultPerAddress, DefaultPerUser) }

// NewWithLimits returns a Guard with the given limits.
func NewWithLimits(perAddress, perUser Limit) *Guard {
	return &Guard{now: time.Now,
		pairs: counter{limit: perAddress, records: map[string]*record{}},
		users: counter{limit: perUser, records: map[string]*record{}}}
}

func pairKey(username, address string) string { return address + "\x00" + username }

// Allow reports whether a login of username from address may be tried now
// and, if not, how long until it may.
func (g *Guard) Allow(username, address string) (time.Duration, bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	now := g.now()
	wait := max(g.pairs.wait(pairKey(username, address), now), g.users.wait(username, now))
	return wait, wait == 0
}

// Failed records a failed login against both limits.
func (g *Guard) Failed(username, address string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	now := g.now()
	g.pairs.failed(pairKey(username, address), now)
	g.users.failed(username, now)
}

// Succeeded forgets the pair's failures. The username's count stays: a
// success from one address says nothing about guesses from the others.
func (g *Guard) Succeeded(username, address string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	delete(g.pairs.records, pairKey(username, address))
}

// Unlock forgets every failure and lock of username, from all addresses:
// the zone admin's answer to a user locked out by someone else's guesses.
func (g *Guard) Unlock(username string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	delete(g.users.records, username)
	suffix := "\x00" + username
	for k := range g.pairs.records {
		if strings.HasSuffix(k, suffix) {
			delete(g.pairs.records, k)
		}
	}
}
