package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"zonetrace/gateway/accounts"
	"zonetrace/internal/pgtest"
)

// BenchmarkLoginBurst: 200 users log in at the same moment on a node that
// has just started. The node is the real `zonetrace run` binary in its own
// process, so its figures are not mixed with the benchmark's 200 clients;
// the users are created through the accounts store directly in the
// database before it starts, so the node has hashed nothing but its own
// start-up before the burst. It reports the p50 and p95 answer time and,
// read from the node's /proc files, the growth of its peak resident memory
// (VmHWM), the CPU time and the minor page faults of the burst (the faults
// show whether argon2id's 7 MiB of blocks per hash are reused or fresh
// memory), and the CPU time the database cluster and the 200 clients used
// meanwhile (the three share the two cores). Targets: p95 <= 3 s, growth <= 300 MiB (docs/benchmarks.md,
// "Login burst"). Run it with -benchtime 1x.
func BenchmarkLoginBurst(b *testing.B) {
	const users = 200
	ctx := context.Background()
	bin := buildBinary(b)
	dbURL := pgtest.NewDatabase(b)
	pool, err := pgxpool.New(ctx, dbURL)
	require.NoError(b, err)
	defer pool.Close()

	bodies := make([][]byte, users)
	for i := range bodies {
		bodies[i], err = json.Marshal(map[string]string{"username": fmt.Sprintf("user%03d", i), "password": demoPassword})
		require.NoError(b, err)
	}
	// A first start migrates the database; the users are created while no
	// node runs, so each measured start is fresh.
	dataDir := b.TempDir()
	startProcess(b, bin, dataDir, dbURL).stop(b)
	createBurstUsers(b, accounts.New(pool), users)
	for b.Loop() {
		b.StopTimer()
		proc := startProcess(b, bin, dataDir, dbURL)
		pid := proc.cmd.Process.Pid
		client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: users,
			TLSClientConfig: &tls.Config{RootCAs: proc.roots, MinVersion: tls.VersionTLS12}}}
		peakBefore, cpuBefore, faultsBefore := procPeakRSS(b, pid), procStat(b, pid, 14)+procStat(b, pid, 15), procStat(b, pid, 10)
		dbBefore, selfBefore := pgtest.ClusterCPU(b, pool), selfCPU(b)
		b.StartTimer()

		latencies := make([]time.Duration, users)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i := range users {
			wg.Go(func() {
				<-start
				t0 := time.Now()
				resp, err := client.Post(proc.url+"/api/v1/auth/login", "application/json", bytes.NewReader(bodies[i]))
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
		growth, faults := procPeakRSS(b, pid)-peakBefore, procStat(b, pid, 10)-faultsBefore
		cpu := time.Duration(procStat(b, pid, 14)+procStat(b, pid, 15)-cpuBefore) * 10 * time.Millisecond
		dbCPU, selfCPU := pgtest.ClusterCPU(b, pool)-dbBefore, selfCPU(b)-selfBefore
		proc.stop(b)
		slices.Sort(latencies)
		b.ReportMetric(latencies[users/2].Seconds(), "p50-s")
		b.ReportMetric(latencies[users*95/100-1].Seconds(), "p95-s")
		b.ReportMetric(float64(growth)/(1<<20), "peak-RSS-growth-MiB")
		b.ReportMetric(cpu.Seconds(), "node-CPU-s")
		b.ReportMetric(dbCPU.Seconds(), "database-CPU-s")
		b.ReportMetric(selfCPU.Seconds(), "clients-CPU-s")
		b.ReportMetric(float64(faults), "node-page-faults")
		b.StartTimer()
	}
}

// createBurstUsers creates user000… through the accounts store, two hashes
// at a time.
func createBurstUsers(tb testing.TB, store *accounts.Store, n int) {
	var wg sync.WaitGroup
	next := make(chan int)
	for range 2 {
		wg.Go(func() {
			for i := range next {
				_, err := store.CreateUser(context.Background(), accounts.NewUser{
					Username: fmt.Sprintf("user%03d", i), Password: demoPassword, DisplayName: "审计员", Role: accounts.RoleAuditor})
				if err != nil {
					tb.Error(err)
				}
			}
		})
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
}

// procPeakRSS is process pid's peak resident set size in bytes (Linux VmHWM).
func procPeakRSS(tb testing.TB, pid int) int64 {
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	require.NoError(tb, err)
	for line := range strings.SplitSeq(string(status), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			require.NoError(tb, err)
			return kb << 10
		}
	}
	tb.Fatalf("no VmHWM in /proc/%d/status", pid)
	return 0
}

// procStat is field n (counted from 1, as in proc(5)) of /proc/<pid>/stat:
// 10 is the minor page faults, 14 and 15 the user and system CPU time in
// clock ticks (1/100 s on Linux).
func procStat(tb testing.TB, pid, n int) int64 {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	require.NoError(tb, err)
	// The command name (field 2) is in parentheses and may hold spaces.
	_, rest, ok := strings.Cut(string(stat), ") ")
	require.True(tb, ok, "unreadable /proc/%d/stat", pid)
	fields := strings.Fields(rest) // fields[0] is field 3
	require.Greater(tb, len(fields), n-3)
	v, err := strconv.ParseInt(fields[n-3], 10, 64)
	require.NoError(tb, err)
	return v
}
