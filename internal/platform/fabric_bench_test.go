package platform

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// BenchmarkFabricSubmit measures DeclarePrefiling submissions on the Fabric
// network (endorsement by customs and the zone administration, Raft
// ordering, commit status) at 1, 16 and 64 concurrent clients, each level
// on a fresh channel, and the indexer's mirror lag. Run by make bench-fabric.
func BenchmarkFabricSubmit(b *testing.B) {
	requireFabric(b)
	for _, level := range []struct{ clients, perClient int }{{1, 100}, {16, 40}, {64, 15}} {
		b.Run(fmt.Sprintf("clients=%d", level.clients), func(b *testing.B) {
			ctx := context.Background()
			n := startNode(b)
			signer := n.registerEnterprise(b, enterpriseA)
			data, err := json.Marshal(coffee("benchmark batch"))
			require.NoError(b, err)

			var (
				mu          sync.Mutex
				submit, lag []time.Duration
				seq         atomic.Int64
				wg          sync.WaitGroup
			)
			start := time.Now()
			for range level.clients {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for range level.perClient {
						id := fmt.Sprintf("PF20261126%08d", seq.Add(1))
						t0 := time.Now()
						res, err := n.Ledger.Submit(ctx, signer, "DeclarePrefiling", "bench-"+id, id, string(data))
						t1 := time.Now()
						if err != nil {
							b.Error(err)
							return
						}
						if err := n.Reads.WaitForBlock(ctx, res.BlockNumber); err != nil {
							b.Error(err)
							return
						}
						mu.Lock()
						submit = append(submit, t1.Sub(t0))
						lag = append(lag, time.Since(t1))
						mu.Unlock()
					}
				}()
			}
			wg.Wait()
			elapsed := time.Since(start)
			require.Len(b, submit, level.clients*level.perClient)
			b.ReportMetric(float64(len(submit))/elapsed.Seconds(), "tx/s")
			b.ReportMetric(percentile(submit, 0.50), "submit-p50-ms")
			b.ReportMetric(percentile(submit, 0.95), "submit-p95-ms")
			b.ReportMetric(percentile(submit, 0.99), "submit-p99-ms")
			b.ReportMetric(percentile(lag, 0.50), "mirror-lag-p50-ms")
			b.ReportMetric(percentile(lag, 0.99), "mirror-lag-p99-ms")
		})
	}
}
