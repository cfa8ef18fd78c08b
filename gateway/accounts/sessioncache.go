package accounts

import (
	"time"

	"zonetrace/internal/ttlcache"
)

// DefaultSessionCacheTTL is how long Authenticate trusts a session it read
// from PostgreSQL before reading it again. It is also the longest another
// gateway process over the same database keeps serving a session after a
// logout, password change or user disabling made there: this process
// forgets its own such sessions at once, the others' only when their
// cached answer ages out.
const DefaultSessionCacheTTL = 5 * time.Second

// DefaultSessionCacheSize bounds the sessions one process remembers; past
// it the least recently used is forgotten (and simply read again).
const DefaultSessionCacheSize = 10_000

// sessionCache remembers token hash → user for a short time, so a burst of
// requests of one session costs one PostgreSQL statement, not one each.
type sessionCache struct {
	ttl     time.Duration
	entries *ttlcache.Cache[string, User]
}

func newSessionCache(ttl time.Duration, size int) *sessionCache {
	return &sessionCache{ttl: ttl, entries: ttlcache.New[string, User](size)}
}

func (c *sessionCache) get(hash []byte, now time.Time) (User, bool) {
	return c.entries.Get(string(hash), now)
}

func (c *sessionCache) begin() uint64 { return c.entries.Begin() }

// put remembers u, read at now under generation gen, for the TTL but never
// past the session's expiry.
func (c *sessionCache) put(gen uint64, hash []byte, u User, expires, now time.Time) {
	until := now.Add(c.ttl)
	if expires.Before(until) {
		until = expires
	}
	c.entries.Put(gen, string(hash), u, until)
}

// forgetToken drops one session (logout).
func (c *sessionCache) forgetToken(hash []byte) { c.entries.Forget(string(hash)) }

// forgetUser drops every session of username (password change or reset,
// disabling, a changed profile).
func (c *sessionCache) forgetUser(username string) {
	c.entries.ForgetIf(func(u User) bool { return u.Username == username })
}
