package accounts

import (
	"fmt"
	"syscall"
	"testing"
	"time"

	"golang.org/x/crypto/argon2"
)

// BenchmarkArgon2idOWASP measures the hashes per second of each row of
// OWASP's argon2id table (equal strength by OWASP's reckoning), with
// x/crypto and with this build's fast implementation, with as many
// hashes in parallel as there are cores, and the CPU time each hash takes
// (which, unlike the wall time, barely depends on what else the shared
// machine runs); docs/benchmarks.md has the figures that chose Params.
func BenchmarkArgon2idOWASP(b *testing.B) {
	salt := make([]byte, 16)
	for _, p := range owaspArgon2id {
		b.Run(fmt.Sprintf("x/crypto,m=%dKiB,t=%d", p.Memory, p.Time), func(b *testing.B) {
			cpu := cpuTime(b)
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					argon2.IDKey([]byte("correct horse battery"), salt, p.Time, p.Memory, p.Threads, 32)
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "hashes/s")
			b.ReportMetric(float64((cpuTime(b)-cpu).Milliseconds())/float64(b.N), "cpu-ms/hash")
		})
	}
	for _, p := range owaspArgon2id {
		b.Run(fmt.Sprintf("%s,m=%dKiB,t=%d", fastIDKeyName, p.Memory, p.Time), func(b *testing.B) {
			cpu := cpuTime(b)
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if _, err := argon2id([]byte("correct horse battery"), salt, p, 32); err != nil {
						b.Error(err)
					}
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "hashes/s")
			b.ReportMetric(float64((cpuTime(b)-cpu).Milliseconds())/float64(b.N), "cpu-ms/hash")
		})
	}
}

// cpuTime is the user and system CPU time the process has used.
func cpuTime(tb testing.TB) time.Duration {
	var u syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &u); err != nil {
		tb.Fatal(err)
	}
	return time.Duration(u.Utime.Nano() + u.Stime.Nano())
}
