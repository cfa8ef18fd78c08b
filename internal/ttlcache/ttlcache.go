// Package ttlcache is a bounded least-recently-used cache whose entries
// each carry their own end of validity, for answers read from PostgreSQL
// that may be reused for a few seconds (sessions, enterprise status).
//
// A reader that loaded a value before an invalidation must not put back
// what the invalidation removed: every Forget advances a generation, and a
// Put made under an older generation stores nothing.
package ttlcache

import (
	"sync"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"
)

// Cache maps K to V until each entry's own time.
type Cache[K comparable, V any] struct {
	entries *lru.Cache[K, entry[V]]

	mu         sync.Mutex
	generation uint64
}

type entry[V any] struct {
	value V
	until time.Time
}

// New returns a cache of at most size entries (size > 0).
func New[K comparable, V any](size int) *Cache[K, V] {
	entries, err := lru.New[K, entry[V]](size)
	if err != nil {
		panic(err) // only for size <= 0, a programming error
	}
	return &Cache[K, V]{entries: entries}
}

// Get returns the value of k if it is still valid at now.
func (c *Cache[K, V]) Get(k K, now time.Time) (V, bool) {
	e, ok := c.entries.Get(k)
	if !ok {
		var zero V
		return zero, false
	}
	if !now.Before(e.until) {
		c.entries.Remove(k)
		var zero V
		return zero, false
	}
	return e.value, true
}

// Begin returns the generation a load starts under; pass it to Put.
func (c *Cache[K, V]) Begin() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.generation
}

// Put stores v for k until the given time, unless something was forgotten
// since the load began (gen from Begin).
func (c *Cache[K, V]) Put(gen uint64, k K, v V, until time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.generation {
		return
	}
	c.entries.Add(k, entry[V]{value: v, until: until})
}

// Forget drops k.
func (c *Cache[K, V]) Forget(k K) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.generation++
	c.entries.Remove(k)
}

// ForgetIf drops every entry whose value matches. It walks the whole
// cache: for rare acts (an administrator's), not for every request.
func (c *Cache[K, V]) ForgetIf(match func(V) bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.generation++
	for _, k := range c.entries.Keys() {
		if e, ok := c.entries.Peek(k); ok && match(e.value) {
			c.entries.Remove(k)
		}
	}
}
