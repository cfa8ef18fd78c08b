package platform

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
	"zonetrace/internal/apiclient"
)

// BenchmarkDeclareWithRules measures DeclarePrefiling throughput on the
// embedded ledger with no review rules and with 50 active prefiling rules
// that all miss, so every declaration evaluates all 50 (the worst case: a
// match would stop earlier). 8 clients × 100 submissions each. Besides
// tx/s it reports the process's CPU time per declaration (chaincode,
// ordering, commit and the node's indexer), which a busy shared machine
// disturbs less than the wall clock.
func BenchmarkDeclareWithRules(b *testing.B) {
	for _, rules := range []int{0, 50} {
		b.Run(fmt.Sprintf("rules=%d", rules), func(b *testing.B) {
			ctx := context.Background()
			n := startNode(b)
			signer := n.benchEnterprise(b, ctx)
			if rules > 0 {
				n.benchRules(b, ctx, rules)
			}
			data, err := json.Marshal(coffee("benchmark batch"))
			require.NoError(b, err)
			const clients, perClient = 8, 100
			var seq atomic.Int64
			var wg sync.WaitGroup
			start, cpuStart := time.Now(), processCPU(b)
			for range clients {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for range perClient {
						i := seq.Add(1)
						res, err := n.Ledger.Submit(ctx, signer, "DeclarePrefiling", fmt.Sprintf("bench-%d", i), fmt.Sprintf("PF20261126%08d", i), string(data))
						if err != nil {
							b.Error(err)
							return
						}
						var p model.Prefiling
						if err := json.Unmarshal(res.Payload, &p); err != nil || p.AutoReview.Outcome != model.OutcomeNone || p.AutoReview.ConfigVersion != min(rules, 1) {
							b.Errorf("unexpected decision %+v (%v)", p.AutoReview, err)
							return
						}
					}
				}()
			}
			wg.Wait()
			b.ReportMetric(float64(clients*perClient)/time.Since(start).Seconds(), "tx/s")
			b.ReportMetric(float64((processCPU(b)-cpuStart).Microseconds())/1000/float64(clients*perClient), "cpu-ms/tx")
		})
	}
}

// processCPU is the user and system CPU time the test process used so far:
// on a shared machine it measures the work a declaration costs better than
// the wall clock.
func processCPU(b *testing.B) time.Duration {
	var u syscall.Rusage
	require.NoError(b, syscall.Getrusage(syscall.RUSAGE_SELF, &u))
	return time.Duration(u.Utime.Nano() + u.Stime.Nano())
}

// benchRules writes count prefiling rules that never match a coffee batch
// from Ethiopia, through the gateway as customs' admin.
func (n *node) benchRules(b *testing.B, ctx context.Context, count int) {
	admin := n.client("admin")
	require.NoError(b, admin.Post(ctx, "/api/v1/users", map[string]string{"username": "rules-admin", "displayName": "Rules",
		"role": "customs_admin", "password": testPassword}, nil))
	chief := n.client("rules-admin")
	cfg := model.DefaultRuleConfig().RuleConfigDraft
	for i := range count {
		cfg.Rules = append(cfg.Rules, model.ReviewRule{ID: fmt.Sprintf("r%02d", i), Kind: model.KindPrefiling,
			Name: fmt.Sprintf("规则%d", i), Priority: i, Outcome: model.OutcomeManual, Enabled: true,
			Condition: fmt.Sprintf(`(prefiling.origin == "X%d" || prefiling.weightGrams > %d) && any(prefiling.attachmentKinds, # == "other") && prefiling.avgPriceFen < %d`,
				i%10, 50_000_000+i, 100_000+i)})
	}
	_, err := chief.Do(ctx, apiclient.Request{Method: http.MethodPut, Path: "/api/v1/rules/config",
		Body: map[string]any{"baseVersion": 0, "config": cfg}}, nil)
	require.NoError(b, err)
}
