package receipts

import (
	"math/rand/v2"
	"time"
)

// Backoff is the retry schedule of a failed delivery: Base after the first
// failure, doubling after each, never more than Cap; each wait is drawn
// between half and all of that ("equal jitter"), so the deliveries of an
// outage do not all come back at the same instant.
type Backoff struct {
	Base time.Duration
	Cap  time.Duration
}

// DefaultBackoff starts at 2 s and levels off at 10 minutes.
var DefaultBackoff = Backoff{Base: 2 * time.Second, Cap: 10 * time.Minute}

// Ceiling is the longest wait after the given number of failed attempts
// (1 for the first failure).
func (b Backoff) Ceiling(failures int) time.Duration {
	d := b.Base
	for i := 1; i < failures && d < b.Cap; i++ {
		d *= 2
	}
	return min(d, b.Cap)
}

// Wait is the jittered wait after the given number of failed attempts:
// within [Ceiling/2, Ceiling].
func (b Backoff) Wait(failures int) time.Duration {
	c := b.Ceiling(failures)
	half := c / 2
	if half <= 0 {
		return c
	}
	return half + rand.N(c-half+1) //nolint:gosec // jitter spreads retries; it guards nothing
}
