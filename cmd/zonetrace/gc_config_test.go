package main

import (
	"math"
	"runtime/debug"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestGCConfig checks that the node's collector settings apply only where
// the operator set none. It changes process-wide settings, so it is not
// parallel and restores them.
func TestGCConfig(t *testing.T) {
	percent, limit := debug.SetGCPercent(100), debug.SetMemoryLimit(math.MaxInt64)
	t.Cleanup(func() {
		debug.SetGCPercent(percent)
		debug.SetMemoryLimit(limit)
	})
	current := func() (int, int64) {
		p := debug.SetGCPercent(100)
		debug.SetGCPercent(p)
		return p, debug.SetMemoryLimit(-1)
	}
	for _, tc := range []struct {
		name        string
		env         map[string]string
		wantPercent int
		wantLimit   int64
	}{
		{"nothing set", nil, nodeGCPercent, nodeMemoryLimit},
		{"GOGC set", map[string]string{"GOGC": "100"}, 100, math.MaxInt64},
		{"GOGC and GOMEMLIMIT set", map[string]string{"GOGC": "100", "GOMEMLIMIT": "2GiB"}, 100, math.MaxInt64},
		{"only GOMEMLIMIT set", map[string]string{"GOMEMLIMIT": "2GiB"}, nodeGCPercent, math.MaxInt64},
	} {
		t.Run(tc.name, func(t *testing.T) {
			debug.SetGCPercent(100)
			debug.SetMemoryLimit(math.MaxInt64)
			tuneGC(func(k string) string { return tc.env[k] })
			p, l := current()
			require.Equal(t, tc.wantPercent, p)
			require.Equal(t, tc.wantLimit, l)
		})
	}
}
