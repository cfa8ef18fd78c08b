// Package loginguard slows down password guessing: after MaxFailures failed
// logins of one username from one address within Window, that pair is
// refused for Lockout. Locking the pair rather than the account keeps an
// attacker from locking a clerk out of their own account from elsewhere.
// State is per gateway process; several gateways each apply the limit.
package loginguard

import (
	"sync"
	"time"
)

// Defaults: five tries, then a quarter of an hour.
const (
	DefaultMaxFailures = 5
	DefaultWindow      = 15 * time.Minute
	DefaultLockout     = 15 * time.Minute
)

// sweepAbove is the number of tracked pairs past which expired ones are
// dropped, bounding memory under a spray of usernames.
const sweepAbove = 10_000

type key struct{ username, address string }

type record struct {
	failures    int
	first       time.Time
	lockedUntil time.Time
}

// Guard tracks failed logins.
type Guard struct {
	MaxFailures     int
	Window, Lockout time.Duration
	now             func() time.Time

	mu      sync.Mutex
	records map[key]*record
}

// New returns a Guard with the default limits.
func New() *Guard {
	return &Guard{MaxFailures: DefaultMaxFailures, Window: DefaultWindow, Lockout: DefaultLockout,
		now: time.Now, records: map[key]*record{}}
}

// Allow reports whether a login of username from address may be tried now
// and, if not, how long until it may.
func (g *Guard) Allow(username, address string) (time.Duration, bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	r, ok := g.records[key{username, address}]
	if !ok {
		return 0, true
	}
	if wait := r.lockedUntil.Sub(g.now()); wait > 0 {
		return wait, false
	}
	return 0, true
}

// Failed records a failed login and locks the pair at the limit.
func (g *Guard) Failed(username, address string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	now := g.now()
	if len(g.records) > sweepAbove {
		g.sweep(now)
	}
	k := key{username, address}
	r, ok := g.records[k]
	if !ok || now.Sub(r.first) > g.Window {
		r = &record{first: now}
		g.records[k] = r
	}
	r.failures++
	if r.failures >= g.MaxFailures {
		r.lockedUntil = now.Add(g.Lockout)
		r.failures, r.first = 0, now
	}
}

// Succeeded forgets the pair's failures.
func (g *Guard) Succeeded(username, address string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	delete(g.records, key{username, address})
}

func (g *Guard) sweep(now time.Time) {
	for k, r := range g.records {
		if now.Sub(r.first) > g.Window && now.After(r.lockedUntil) {
			delete(g.records, k)
		}
	}
}
