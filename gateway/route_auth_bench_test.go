package gateway

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"zonetrace/gateway/accounts"
	"zonetrace/internal/pgtest"
	"zonetrace/network/pki"
)

// BenchmarkLoginBurst: 200 users log in at the same moment on a gateway
// that has just started (run it alone with -benchtime 1x, so the process
// is fresh too: no argon2id memory faulted in yet). It reports the p50 and
// p95 answer time and the growth of the process's peak resident memory
// (VmHWM). Targets: p95 <= 3 s, growth <= 300 MiB (docs/benchmarks.md).
func BenchmarkLoginBurst(b *testing.B) {
	const users = 200
	ctx := context.Background()
	pool := pgtest.NewPool(b)
	require.NoError(b, Migrate(ctx, pool))
	p, err := pki.Open(b.TempDir())
	require.NoError(b, err)
	hash, err := accounts.HashPassword(pw)
	require.NoError(b, err)
	for i := range users {
		_, err := pool.Exec(ctx, `INSERT INTO users (username, password_hash, display_name, role) VALUES ($1, $2, $1, 'auditor')`,
			fmt.Sprintf("user%03d", i), hash)
		require.NoError(b, err)
	}
	for b.Loop() {
		b.StopTimer()
		g, err := New(Config{Pool: pool, Ledger: newFakeLedger(), Reads: newFakeReads(), PKI: p, DataDir: b.TempDir(), PublicURL: "https://trace.example"})
		require.NoError(b, err)
		srv := httptest.NewServer(g.Handler())
		client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: users}}
		runtime.GC()
		before := peakRSS(b)
		b.StartTimer()

		latencies := make([]time.Duration, users)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i := range users {
			wg.Go(func() {
				body, _ := json.Marshal(loginRequest{Username: fmt.Sprintf("user%03d", i), Password: pw})
				<-start
				t0 := time.Now()
				resp, err := client.Post(srv.URL+"/api/v1/auth/login", "application/json", bytes.NewReader(body))
				if err != nil {
					b.Error(err)
					return
				}
				_ = resp.Body.Close()
				latencies[i] = time.Since(t0)
				if resp.StatusCode != http.StatusOK {
					b.Errorf("login %d: %s", i, resp.Status)
				}
			})
		}
		close(start)
		wg.Wait()

		b.StopTimer()
		growth := peakRSS(b) - before
		srv.Close()
		slices.Sort(latencies)
		b.ReportMetric(latencies[users/2].Seconds(), "p50-s")
		b.ReportMetric(latencies[users*95/100-1].Seconds(), "p95-s")
		b.ReportMetric(float64(growth)/(1<<20), "peak-RSS-growth-MiB")
		b.StartTimer()
	}
}

// peakRSS is the process's peak resident set size in bytes (Linux VmHWM).
func peakRSS(tb testing.TB) int64 {
	status, err := os.ReadFile("/proc/self/status")
	require.NoError(tb, err)
	for line := range strings.SplitSeq(string(status), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			require.NoError(tb, err)
			return kb << 10
		}
	}
	tb.Fatal("no VmHWM in /proc/self/status")
	return 0
}
