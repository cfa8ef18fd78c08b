package loginguard

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"zonetrace/gateway/schema"
	"zonetrace/internal/pgtest"
)

// clock is a settable time shared by the guards of a test.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func newPool(t *testing.T) *pgxpool.Pool {
	t.Helper()
	pool := pgtest.NewPool(t)
	require.NoError(t, schema.Migrate(t.Context(), pool))
	return pool
}

// guard returns a guard over pool on clk.
func guard(pool *pgxpool.Pool, clk *clock, perAddress, perUser Limit) *Guard {
	g := NewWithLimits(pool, perAddress, perUser)
	g.now = clk.now
	return g
}

func newClock() *clock { return &clock{t: time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)} }

// allowed is Allow for tests: whether a login may be tried now, and the wait.
func allowed(t *testing.T, g *Guard, username, address string) (time.Duration, bool) {
	t.Helper()
	wait, err := g.Allow(t.Context(), username, address)
	require.NoError(t, err)
	return wait, wait == 0
}

func failed(t *testing.T, g *Guard, username, address string) {
	t.Helper()
	require.NoError(t, g.Failed(t.Context(), username, address))
}

func TestGuard(t *testing.T) {
	t.Parallel()
	clk := newClock()
	g := guard(newPool(t), clk, DefaultPerAddress, DefaultPerUser)

	t.Run("the fifth failure locks the pair for the lockout", func(t *testing.T) {
		for range DefaultPerAddress.MaxFailures - 1 {
			failed(t, g, "ent-a", "10.0.0.1")
			_, ok := allowed(t, g, "ent-a", "10.0.0.1")
			require.True(t, ok)
		}
		failed(t, g, "ent-a", "10.0.0.1")
		wait, ok := allowed(t, g, "ent-a", "10.0.0.1")
		require.False(t, ok)
		require.Equal(t, DefaultPerAddress.Lockout, wait)
	})
	t.Run("another address and another username are not locked", func(t *testing.T) {
		_, ok := allowed(t, g, "ent-a", "10.0.0.2")
		require.True(t, ok)
		_, ok = allowed(t, g, "ent-b", "10.0.0.1")
		require.True(t, ok)
	})
	t.Run("the lock lifts after the lockout", func(t *testing.T) {
		clk.add(DefaultPerAddress.Lockout + time.Second)
		_, ok := allowed(t, g, "ent-a", "10.0.0.1")
		require.True(t, ok)
	})
	t.Run("failures spread beyond the window do not add up", func(t *testing.T) {
		for range DefaultPerAddress.MaxFailures - 1 {
			failed(t, g, "ent-c", "10.0.0.3")
		}
		clk.add(DefaultPerAddress.Window + time.Second)
		failed(t, g, "ent-c", "10.0.0.3")
		_, ok := allowed(t, g, "ent-c", "10.0.0.3")
		require.True(t, ok)
	})
	t.Run("a success forgets earlier failures", func(t *testing.T) {
		for range DefaultPerAddress.MaxFailures - 1 {
			failed(t, g, "ent-d", "10.0.0.4")
		}
		require.NoError(t, g.Succeeded(t.Context(), "ent-d", "10.0.0.4"))
		failed(t, g, "ent-d", "10.0.0.4")
		_, ok := allowed(t, g, "ent-d", "10.0.0.4")
		require.True(t, ok)
	})
	t.Run("an unreadable address is a pair of its own, not the username's record", func(t *testing.T) {
		for range DefaultPerAddress.MaxFailures {
			failed(t, g, "ent-e", "")
		}
		_, ok := allowed(t, g, "ent-e", "")
		require.False(t, ok)
		_, ok = allowed(t, g, "ent-e", "10.0.0.5")
		require.True(t, ok)
	})
}

// TestGatewaysShareTheCount: guesses spread over several gateways (guards
// over one database), even at once, meet one count, and an unlock on one
// frees the user on all.
func TestGatewaysShareTheCount(t *testing.T) {
	t.Parallel()
	pool, clk := newPool(t), newClock()
	perAddress := Limit{MaxFailures: 4, Window: time.Hour, Lockout: time.Hour}
	perUser := Limit{MaxFailures: 100, Window: time.Hour, Lockout: time.Hour}
	gateways := []*Guard{guard(pool, clk, perAddress, perUser), guard(pool, clk, perAddress, perUser)}

	failed(t, gateways[0], "clerk", "203.0.113.9")
	failed(t, gateways[1], "clerk", "203.0.113.9")
	failed(t, gateways[0], "clerk", "203.0.113.9")
	for _, g := range gateways {
		_, ok := allowed(t, g, "clerk", "203.0.113.9")
		require.True(t, ok, "three of four")
	}
	failed(t, gateways[1], "clerk", "203.0.113.9")
	for _, g := range gateways {
		_, ok := allowed(t, g, "clerk", "203.0.113.9")
		require.False(t, ok, "the fourth failure, on another gateway, locks the pair on both")
	}

	// Concurrent failures are all counted: 2 x 50 reach the per-user limit.
	var wg sync.WaitGroup
	for i, g := range gateways {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range perUser.MaxFailures / 2 {
				if !assert.NoError(t, g.Failed(context.Background(), "boss", fmt.Sprintf("10.%d.%d.%d", i, j/250, j%250))) {
					return
				}
			}
		}()
	}
	wg.Wait()
	for _, g := range gateways {
		_, ok := allowed(t, g, "boss", "10.9.9.9")
		require.False(t, ok, "every concurrent failure was counted")
	}

	require.NoError(t, gateways[0].Unlock(t.Context(), "clerk"))
	_, ok := allowed(t, gateways[1], "clerk", "203.0.113.9")
	require.True(t, ok, "unlocked on the other gateway too")
}

func TestExpiredFailuresAreSwept(t *testing.T) {
	t.Parallel()
	pool, clk := newPool(t), newClock()
	// A pair lock outlasting the pair window.
	perAddress := Limit{MaxFailures: 5, Window: 15 * time.Minute, Lockout: time.Hour}
	g := guard(pool, clk, perAddress, DefaultPerUser)
	for i := range 20 {
		failed(t, g, fmt.Sprintf("user%d", i), "10.0.0.1")
	}
	for range perAddress.MaxFailures {
		failed(t, g, "locked", "10.0.0.9")
	}
	rows := func() (n int) {
		require.NoError(t, pool.QueryRow(t.Context(), `SELECT count(*) FROM login_failures`).Scan(&n))
		return n
	}
	require.Equal(t, 42, rows(), "a pair and a username record per username")

	// Past the pair window, the pairs that lock nothing go; the pair
	// lock and the per-username counts (an hour) stay.
	clk.add(perAddress.Window + time.Minute)
	failed(t, g, "late", "10.0.0.2")
	require.Equal(t, 21+1+2, rows())
	// Past every window and lock, only the newest failure's records stay.
	clk.add(DefaultPerUser.Window + DefaultPerUser.Lockout)
	failed(t, g, "later", "10.0.0.3")
	require.Equal(t, 2, rows())
}

func TestPerUsernameLimit(t *testing.T) {
	t.Parallel()
	clk := newClock()
	g := guard(newPool(t), clk, DefaultPerAddress, DefaultPerUser)
	per, user := DefaultPerAddress, DefaultPerUser

	t.Run("one address alone cannot lock the username for others", func(t *testing.T) {
		// As fast as the pair lock allows, for the whole per-user window.
		for elapsed := time.Duration(0); elapsed < user.Window; elapsed += per.Lockout {
			for range per.MaxFailures {
				if _, ok := allowed(t, g, "clerk", "203.0.113.9"); ok {
					failed(t, g, "clerk", "203.0.113.9")
				}
			}
			clk.add(per.Lockout)
		}
		_, ok := allowed(t, g, "clerk", "198.51.100.1")
		require.True(t, ok, "the clerk still logs in from their own address")
	})
	t.Run("guesses spread over many addresses lock the username", func(t *testing.T) {
		for i := range user.MaxFailures {
			address := fmt.Sprintf("10.1.%d.%d", i/250, i%250)
			_, ok := allowed(t, g, "boss", address)
			require.True(t, ok, "guess %d", i)
			failed(t, g, "boss", address)
		}
		wait, ok := allowed(t, g, "boss", "10.9.9.9")
		require.False(t, ok)
		require.Equal(t, user.Lockout, wait)
		clk.add(user.Lockout + time.Second)
		_, ok = allowed(t, g, "boss", "10.9.9.9")
		require.True(t, ok)
	})
}

func TestUnlock(t *testing.T) {
	t.Parallel()
	g := guard(newPool(t), newClock(), Limit{MaxFailures: 2, Window: time.Hour, Lockout: time.Hour}, Limit{MaxFailures: 3, Window: time.Hour, Lockout: time.Hour})
	for _, address := range []string{"10.0.0.1", "10.0.0.1", "10.0.0.2", "10.0.0.2"} {
		failed(t, g, "clerk", address)
		failed(t, g, "other", address)
	}
	for _, address := range []string{"10.0.0.1", "10.0.0.2", "10.0.0.3"} {
		_, ok := allowed(t, g, "clerk", address)
		require.False(t, ok, "locked before the unlock from %s", address)
	}

	require.NoError(t, g.Unlock(t.Context(), "clerk"))

	for _, address := range []string{"10.0.0.1", "10.0.0.2", "10.0.0.3"} {
		_, ok := allowed(t, g, "clerk", address)
		require.True(t, ok, "unlocked from %s", address)
	}
	_, ok := allowed(t, g, "other", "10.0.0.3")
	require.False(t, ok, "another username stays locked")
	failed(t, g, "clerk", "10.0.0.1")
	_, ok = allowed(t, g, "clerk", "10.0.0.1")
	require.True(t, ok, "failures counted before the unlock are forgotten")
}

// TestCheckSaysWhetherThePairHasFailures: a login that succeeds forgets
// the pair's failures only when Check said there are some, so Check must
// see the pair's record and only the pair's.
func TestCheckSaysWhetherThePairHasFailures(t *testing.T) {
	t.Parallel()
	g := guard(newPool(t), newClock(), DefaultPerAddress, DefaultPerUser)
	pairFailures := func(username, address string) bool {
		t.Helper()
		wait, has, err := g.Check(t.Context(), username, address)
		require.NoError(t, err)
		require.Zero(t, wait)
		return has
	}
	require.False(t, pairFailures("ent-f", "10.0.0.6"), "nothing on record")
	failed(t, g, "ent-f", "10.0.0.6")
	require.True(t, pairFailures("ent-f", "10.0.0.6"))
	require.False(t, pairFailures("ent-f", "10.0.0.7"), "the username's record is not the pair's")
	require.False(t, pairFailures("ent-g", "10.0.0.6"))
	require.NoError(t, g.Succeeded(t.Context(), "ent-f", "10.0.0.6"))
	require.False(t, pairFailures("ent-f", "10.0.0.6"))
}
