package accounts

import (
	"fmt"
	"testing"

	"golang.org/x/crypto/argon2"
)

// BenchmarkArgon2idOWASP measures the hashes per second of each row of
// OWASP's argon2id table (equal strength by OWASP's reckoning) with as many
// hashes in parallel as there are cores; docs/benchmarks.md has the
// figures that chose Params.
func BenchmarkArgon2idOWASP(b *testing.B) {
	salt := make([]byte, 16)
	for _, p := range owaspArgon2id {
		b.Run(fmt.Sprintf("m=%dKiB,t=%d", p.Memory, p.Time), func(b *testing.B) {
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					argon2.IDKey([]byte("correct horse battery"), salt, p.Time, p.Memory, p.Threads, 32)
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "hashes/s")
		})
	}
}
