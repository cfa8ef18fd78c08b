package embedded

import (
	"context"
	"strconv"
	"sync/atomic"
	"testing"
)

func BenchmarkSubmit(b *testing.B) {
	f := setup(b)
	ctx := context.Background()
	var n atomic.Int64
	// Many submitters per CPU, as behind the gateway, so blocks fill up.
	b.SetParallelism(16)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			key := "bench/" + strconv.FormatInt(n.Add(1), 10)
			if _, err := f.ledger.Submit(ctx, f.customs, "Put", key, "v"); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
