package loginguard

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestGuard(t *testing.T) {
	clock := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	g := New()
	g.now = func() time.Time { return clock }

	t.Run("the fifth failure locks the pair for the lockout", func(t *testing.T) {
		for range DefaultPerAddress.MaxFailures - 1 {
			g.Failed("ent-a", "10.0.0.1")
			_, ok := g.Allow("ent-a", "10.0.0.1")
			require.True(t, ok)
		}
		g.Failed("ent-a", "10.0.0.1")
		wait, ok := g.Allow("ent-a", "10.0.0.1")
		require.False(t, ok)
		require.Equal(t, DefaultPerAddress.Lockout, wait)
	})
	t.Run("another address and another username are not locked", func(t *testing.T) {
		_, ok := g.Allow("ent-a", "10.0.0.2")
		require.True(t, ok)
		_, ok = g.Allow("ent-b", "10.0.0.1")
		require.True(t, ok)
	})
	t.Run("the lock lifts after the lockout", func(t *testing.T) {
		clock = clock.Add(DefaultPerAddress.Lockout + time.Second)
		_, ok := g.Allow("ent-a", "10.0.0.1")
		require.True(t, ok)
	})
	t.Run("failures spread beyond the window do not add up", func(t *testing.T) {
		for range DefaultPerAddress.MaxFailures - 1 {
			g.Failed("ent-c", "10.0.0.3")
		}
		clock = clock.Add(DefaultPerAddress.Window + time.Second)
		g.Failed("ent-c", "10.0.0.3")
		_, ok := g.Allow("ent-c", "10.0.0.3")
		require.True(t, ok)
	})
	t.Run("a success forgets earlier failures", func(t *testing.T) {
		for range DefaultPerAddress.MaxFailures - 1 {
			g.Failed("ent-d", "10.0.0.4")
		}
		g.Succeeded("ent-d", "10.0.0.4")
		g.Failed("ent-d", "10.0.0.4")
		_, ok := g.Allow("ent-d", "10.0.0.4")
		require.True(t, ok)
	})
}

func TestExpiredFailuresAreForgotten(t *testing.T) {
	clock := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	g := New()
	g.now = func() time.Time { return clock }
	for i := range sweepAbove + 1 {
		g.Failed(fmt.Sprintf("user%d", i), "10.0.0.1")
	}
	require.Len(t, g.users.records, sweepAbove+1)
	clock = clock.Add(DefaultPerUser.Window + DefaultPerUser.Lockout + time.Minute)
	g.Failed("late", "10.0.0.2")
	require.Len(t, g.users.records, 1, "only the new failure is kept")
	require.Len(t, g.pairs.records, 1)
}

func TestPerUsernameLimit(t *testing.T) {
	clock := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	g := New()
	g.now = func() time.Time { return clock }
	per, user := DefaultPerAddress, DefaultPerUser

	t.Run("one address alone cannot lock the username for others", func(t *testing.T) {
		// As fast as the pair lock allows, for the whole per-user window.
		for elapsed := time.Duration(0); elapsed < user.Window; elapsed += per.Lockout {
			for range per.MaxFailures {
				if _, ok := g.Allow("clerk", "203.0.113.9"); ok {
					g.Failed("clerk", "203.0.113.9")
				}
			}
			clock = clock.Add(per.Lockout)
		}
		_, ok := g.Allow("clerk", "198.51.100.1")
		require.True(t, ok, "the clerk still logs in from their own address")
	})
	t.Run("guesses spread over many addresses lock the username", func(t *testing.T) {
		for i := range user.MaxFailures {
			address := fmt.Sprintf("10.1.%d.%d", i/250, i%250)
			_, ok := g.Allow("boss", address)
			require.True(t, ok, "guess %d", i)
			g.Failed("boss", address)
		}
		wait, ok := g.Allow("boss", "10.9.9.9")
		require.False(t, ok)
		require.Equal(t, user.Lockout, wait)
		clock = clock.Add(user.Lockout + time.Second)
		_, ok = g.Allow("boss", "10.9.9.9")
		require.True(t, ok)
	})
}

func TestUnlock(t *testing.T) {
	g := NewWithLimits(Limit{MaxFailures: 2, Window: time.Hour, Lockout: time.Hour}, Limit{MaxFailures: 3, Window: time.Hour, Lockout: time.Hour})
	for _, address := range []string{"10.0.0.1", "10.0.0.1", "10.0.0.2", "10.0.0.2"} {
		g.Failed("clerk", address)
		g.Failed("other", address)
	}
	for _, address := range []string{"10.0.0.1", "10.0.0.2", "10.0.0.3"} {
		_, ok := g.Allow("clerk", address)
		require.False(t, ok, "locked before the unlock from %s", address)
	}

	g.Unlock("clerk")

	for _, address := range []string{"10.0.0.1", "10.0.0.2", "10.0.0.3"} {
		_, ok := g.Allow("clerk", address)
		require.True(t, ok, "unlocked from %s", address)
	}
	_, ok := g.Allow("other", "10.0.0.3")
	require.False(t, ok, "another username stays locked")
	g.Failed("clerk", "10.0.0.1")
	_, ok = g.Allow("clerk", "10.0.0.1")
	require.True(t, ok, "failures counted before the unlock are forgotten")
}
