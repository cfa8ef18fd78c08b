package platform

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
	"zonetrace/chaincode/tracecode"
	"zonetrace/network/ledger"
	"zonetrace/network/pki"
)

// BenchmarkConcurrentApprovals measures customs approving prefilings of one
// commodity on one day from 16 concurrent clients straight on the node's
// ledger (signing, simulation, ordering, MVCC validation, synced commit),
// 400 approvals. Trace-code issuance used to read and write one counter per
// commodity and day, so concurrent approvals conflicted and were
// re-simulated one at a time; the benchmark reports the transactions the
// ledger invalidated per approval besides approvals/s and latency. The
// declarations that prepare the prefilings, from the same clients, give a
// reference rate measured on the same machine at the same time. An
// approval whose conflicts outlive the ledger's retries is counted
// (conflicted-for-good), not failed: that is the hot key's cost.
func BenchmarkConcurrentApprovals(b *testing.B) {
	const clients, perClient = 16, 25
	ctx := context.Background()
	n := startNode(b)
	enterprise := n.benchEnterprise(b, ctx)
	customs, err := n.PKI.Issue(model.CustomsMSP, "bench-officer", pki.OUClient)
	require.NoError(b, err)
	data, err := json.Marshal(coffee("benchmark batch"))
	require.NoError(b, err)

	ids := make([]string, clients*perClient)
	for i := range ids {
		ids[i] = fmt.Sprintf("PF20261126%08d", i)
	}
	declared, _, declareTime := concurrently(b, clients, ids, func(i int, id string) error {
		_, err := n.Ledger.Submit(ctx, enterprise, "DeclarePrefiling", fmt.Sprintf("bench-declare-%d", i), id, string(data))
		return err
	})

	from, err := n.Ledger.Height(ctx)
	require.NoError(b, err)
	codes := make([]string, len(ids))
	cpuStart := processCPU(b)
	approved, lost, approveTime := concurrently(b, clients, ids, func(i int, id string) error {
		res, err := n.Ledger.Submit(ctx, customs, "ReviewPrefiling", fmt.Sprintf("bench-approve-%d", i), id, "approve", "")
		if err != nil {
			return err
		}
		var p model.Prefiling
		if err := json.Unmarshal(res.Payload, &p); err != nil {
			return err
		}
		codes[i] = p.TraceCode
		return nil
	})
	approveCPU := processCPU(b) - cpuStart
	until, err := n.Ledger.Height(ctx)
	require.NoError(b, err)

	seen := map[string]bool{}
	for _, code := range codes {
		if code == "" {
			continue // conflicted for good
		}
		require.True(b, tracecode.Valid(code), code)
		require.False(b, seen[code], "trace code %s issued twice", code)
		seen[code] = true
	}
	b.ReportMetric(float64(len(approved))/approveTime.Seconds(), "approvals/s")
	b.ReportMetric(percentile(approved, 0.50), "approve-p50-ms")
	b.ReportMetric(percentile(approved, 0.99), "approve-p99-ms")
	b.ReportMetric(mean(approved), "approve-mean-ms")
	b.ReportMetric(float64(approveCPU.Microseconds())/1000/float64(len(ids)), "cpu-ms/approval")
	b.ReportMetric(float64(invalidTransactions(b, n.Ledger, from, until))/float64(len(ids)), "invalidated/approval")
	b.ReportMetric(float64(lost), "conflicted-for-good")
	b.ReportMetric(float64(len(declared))/declareTime.Seconds(), "declarations/s")
	b.ReportMetric(percentile(declared, 0.50), "declare-p50-ms")
}

// concurrently runs submit for every id from clients goroutines and returns
// each committed call's latency, how many conflicted for good, and the time
// they all took.
func concurrently(b *testing.B, clients int, ids []string, submit func(i int, id string) error) ([]time.Duration, int, time.Duration) {
	var (
		mu   sync.Mutex
		lat  []time.Duration
		lost int
		next atomic.Int64
		wg   sync.WaitGroup
	)
	start := time.Now()
	for range clients {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= len(ids) {
					return
				}
				t0 := time.Now()
				err := submit(i, ids[i])
				if err != nil && !errors.Is(err, ledger.ErrConflict) {
					b.Error(err)
					return
				}
				mu.Lock()
				if err != nil {
					lost++
				} else {
					lat = append(lat, time.Since(t0))
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	require.Len(b, lat, len(ids)-lost)
	return lat, lost, elapsed
}

func mean(d []time.Duration) float64 {
	var sum time.Duration
	for _, x := range d {
		sum += x
	}
	return float64(sum.Microseconds()) / 1000 / float64(len(d))
}

var errCounted = errors.New("counted")

// invalidTransactions counts the transactions of blocks from..until-1 the
// ledger invalidated (MVCC and phantom read conflicts among them).
func invalidTransactions(b *testing.B, l ledger.Ledger, from, until uint64) int {
	invalid := 0
	if from == until {
		return 0
	}
	err := l.Listen(context.Background(), from, func(blk ledger.Block) error {
		for _, tx := range blk.Transactions {
			if !tx.Valid {
				invalid++
			}
		}
		if blk.Number+1 >= until {
			return errCounted
		}
		return nil
	})
	require.ErrorIs(b, err, errCounted)
	return invalid
}
