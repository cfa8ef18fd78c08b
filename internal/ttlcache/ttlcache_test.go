package ttlcache_test

import (
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"zonetrace/internal/ttlcache"
)

func TestCache(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 11, 28, 8, 0, 0, 0, time.UTC)

	t.Run("an entry is valid until its own time", func(t *testing.T) {
		c := ttlcache.New[string, int](10)
		c.Put(c.Begin(), "a", 1, t0.Add(time.Second))
		v, ok := c.Get("a", t0)
		require.True(t, ok)
		require.Equal(t, 1, v)
		_, ok = c.Get("a", t0.Add(time.Second))
		require.False(t, ok)
	})
	t.Run("a load begun before a Forget stores nothing", func(t *testing.T) {
		c := ttlcache.New[string, int](10)
		gen := c.Begin()
		c.Forget("a")
		c.Put(gen, "a", 1, t0.Add(time.Minute))
		_, ok := c.Get("a", t0)
		require.False(t, ok)
		c.Put(c.Begin(), "a", 2, t0.Add(time.Minute))
		v, ok := c.Get("a", t0)
		require.True(t, ok)
		require.Equal(t, 2, v)
	})
	t.Run("ForgetIf drops the matching values only", func(t *testing.T) {
		c := ttlcache.New[string, int](10)
		for i, k := range []string{"a", "b", "c"} {
			c.Put(c.Begin(), k, i, t0.Add(time.Minute))
		}
		c.ForgetIf(func(v int) bool { return v == 1 })
		_, ok := c.Get("b", t0)
		require.False(t, ok)
		_, ok = c.Get("a", t0)
		require.True(t, ok)
		_, ok = c.Get("c", t0)
		require.True(t, ok)
	})
	t.Run("the least recently used goes past the bound", func(t *testing.T) {
		c := ttlcache.New[string, int](2)
		c.Put(c.Begin(), "a", 1, t0.Add(time.Minute))
		c.Put(c.Begin(), "b", 2, t0.Add(time.Minute))
		_, _ = c.Get("a", t0)
		c.Put(c.Begin(), "c", 3, t0.Add(time.Minute))
		_, ok := c.Get("b", t0)
		require.False(t, ok)
		_, ok = c.Get("a", t0)
		require.True(t, ok)
	})
}

// TestConcurrentUse runs readers, loaders and invalidations at once (for
// the race detector) and checks a forgotten key loaded under an older
// generation never comes back.
func TestConcurrentUse(t *testing.T) {
	t.Parallel()
	c := ttlcache.New[int, int](64)
	now := time.Now()
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 1000 {
				k := (g*1000 + i) % 100
				if _, ok := c.Get(k, now); !ok {
					c.Put(c.Begin(), k, i, now.Add(time.Minute))
				}
				if i%50 == 0 {
					c.ForgetIf(func(v int) bool { return v%2 == 0 })
				}
			}
		})
	}
	wg.Wait()
	gen := c.Begin()
	c.Forget(7)
	c.Put(gen, 7, 1, now.Add(time.Minute))
	_, ok := c.Get(7, now)
	require.False(t, ok)
}
