// Package ratelimit holds anonymous endpoints (the public trace page) to a
// request rate per client address: a token bucket per address
// (golang.org/x/time/rate) refilled at Limit.PerMinute with room for
// Limit.Burst at once. A phone opening the page costs one request, so the
// default (docs/api.md, "Public trace page") lets a shop scan dozens of
// batches a minute while a scraper enumerating codes from one address gets
// 429 after its burst. The address must be the real peer: the gateway
// trusts X-Forwarded-For only from configured proxies. State is per
// gateway process.
package ratelimit

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Limit is a sustained rate and a burst.
type Limit struct {
	PerMinute int
	Burst     int
}

// Default is the public trace page's limit.
var Default = Limit{PerMinute: 60, Burst: 20}

// sweepAbove is the number of tracked addresses past which idle ones are
// dropped, bounding memory under a spray of addresses.
const sweepAbove = 10_000

type bucket struct {
	limiter *rate.Limiter
	seen    time.Time
}

// Limiter tracks one bucket per key.
type Limiter struct {
	limit Limit
	now   func() time.Time

	mu        sync.Mutex
	buckets   map[string]*bucket
	lastSweep time.Time
}

// New returns a Limiter applying l; a zero field takes Default's.
func New(l Limit) *Limiter {
	if l.PerMinute <= 0 {
		l.PerMinute = Default.PerMinute
	}
	if l.Burst <= 0 {
		l.Burst = Default.Burst
	}
	return &Limiter{limit: l, now: time.Now, buckets: map[string]*bucket{}}
}

// Allow takes a token of key's bucket. When none is left it reports how long
// until one is, and takes nothing.
func (l *Limiter) Allow(key string) (time.Duration, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	l.sweep(now)
	b, ok := l.buckets[key]
	if !ok {
		b = &bucket{limiter: rate.NewLimiter(rate.Limit(float64(l.limit.PerMinute)/60), l.limit.Burst)}
		l.buckets[key] = b
	}
	b.seen = now
	r := b.limiter.ReserveN(now, 1)
	if wait := r.DelayFrom(now); wait > 0 {
		r.CancelAt(now)
		return wait, false
	}
	return 0, true
}

// sweep drops buckets idle long enough to be full again, at most once a
// minute and only past sweepAbove: a full bucket is the same as none.
func (l *Limiter) sweep(now time.Time) {
	if len(l.buckets) <= sweepAbove || now.Sub(l.lastSweep) < time.Minute {
		return
	}
	l.lastSweep = now
	refill := time.Duration(float64(l.limit.Burst) / float64(l.limit.PerMinute) * float64(time.Minute))
	for k, b := range l.buckets {
		if now.Sub(b.seen) > refill {
			delete(l.buckets, k)
		}
	}
}
