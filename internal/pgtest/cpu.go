package pgtest

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// ClusterCPU is the CPU time the PostgreSQL cluster serving pool has used:
// its postmaster, every live child (backends, WAL writer, checkpointer,
// autovacuum) and, through the postmaster's cutime and cstime, every child
// that has ended — so a backend that ends between two readings stays
// counted. On a quiet machine the difference of two readings is the
// database's cost of what ran between them. Linux only (/proc).
func ClusterCPU(tb testing.TB, pool *pgxpool.Pool) time.Duration {
	tb.Helper()
	var backend int
	if err := pool.QueryRow(context.Background(), `SELECT pg_backend_pid()`).Scan(&backend); err != nil {
		tb.Fatalf("pgtest: backend pid: %v", err)
	}
	stat := func(pid int) []string {
		raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			return nil // ended since
		}
		_, rest, _ := strings.Cut(string(raw), ") ")
		return strings.Fields(rest) // from field 3 (state) on
	}
	ticks := func(f []string, fields ...int) (n int64) {
		for _, i := range fields {
			v, _ := strconv.ParseInt(f[i-3], 10, 64)
			n += v
		}
		return n
	}
	f := stat(backend)
	if f == nil {
		tb.Fatalf("pgtest: the benchmark's own backend %d is not in /proc", backend)
	}
	postmaster, err := strconv.Atoi(f[4-3])
	if err != nil {
		tb.Fatalf("pgtest: parent of backend %d: %v", backend, err)
	}
	pm := stat(postmaster)
	if pm == nil {
		tb.Fatalf("pgtest: the postmaster %d is not in /proc", postmaster)
	}
	total := ticks(pm, 14, 15, 16, 17) // utime, stime, cutime, cstime
	entries, err := os.ReadDir("/proc")
	if err != nil {
		tb.Fatalf("pgtest: %v", err)
	}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if c := stat(pid); len(c) > 12 && c[4-3] == strconv.Itoa(postmaster) {
			total += ticks(c, 14, 15)
		}
	}
	return time.Duration(total) * 10 * time.Millisecond
}
