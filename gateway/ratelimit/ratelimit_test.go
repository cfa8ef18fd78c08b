package ratelimit

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestBurstThenSustainedRatePerAddress(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l := New(Limit{PerMinute: 6, Burst: 3})
	l.now = func() time.Time { return now }

	for i := range 3 {
		_, ok := l.Allow("10.0.0.1")
		require.True(t, ok, "request %d is within the burst", i+1)
	}
	wait, ok := l.Allow("10.0.0.1")
	require.False(t, ok)
	require.Equal(t, 10*time.Second, wait, "6 a minute: the next token in 10 s")

	_, ok = l.Allow("10.0.0.2")
	require.True(t, ok, "another address has its own bucket")

	now = now.Add(5 * time.Second)
	wait, ok = l.Allow("10.0.0.1")
	require.False(t, ok, "a refused request takes no token")
	require.Equal(t, 5*time.Second, wait)

	now = now.Add(5 * time.Second)
	_, ok = l.Allow("10.0.0.1")
	require.True(t, ok)
	_, ok = l.Allow("10.0.0.1")
	require.False(t, ok)
}

func TestIdleBucketsAreSwept(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l := New(Limit{PerMinute: 60, Burst: 2})
	l.now = func() time.Time { return now }
	for i := range sweepAbove + 1 {
		l.Allow(fmt.Sprintf("a%d", i))
	}
	now = now.Add(2 * time.Minute)
	l.Allow("late")
	require.Len(t, l.buckets, 1, "only the address just seen is kept")
}

func TestZeroLimitTakesDefaults(t *testing.T) {
	t.Parallel()
	require.Equal(t, Default, New(Limit{}).limit)
}
