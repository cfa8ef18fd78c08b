package loginguard

import (
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
