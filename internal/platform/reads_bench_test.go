package platform

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/accounts"
	"zonetrace/network/pki"
)

// BenchmarkHotReads measures the reads a signed-in user repeats most,
// through the whole HTTP handler against the node's PostgreSQL: a
// prefiling's detail, a trace code's detail, its QR image and a page of
// the prefiling list, each with the session's bearer token. 50 approved
// prefilings; 8 clients at once (b.RunParallel), so the two cores are
// busy as under load. Besides time per request it reports the database
// pool checkouts per request (pgxpool's AcquireCount: every Query,
// QueryRow or transaction takes one), the figure issue 14 found latency
// to follow under saturation.
func BenchmarkHotReads(b *testing.B) {
	const prefilings = 50
	ctx := context.Background()
	n := startNode(b)
	enterprise := n.benchEnterprise(b, ctx)
	customs, err := n.PKI.Issue(model.CustomsMSP, "bench-officer", pki.OUClient)
	require.NoError(b, err)
	data, err := json.Marshal(coffee("benchmark batch"))
	require.NoError(b, err)
	ids, codes := make([]string, prefilings), make([]string, prefilings)
	for i := range ids {
		ids[i] = fmt.Sprintf("PF20261128%08d", i)
		_, err := n.Ledger.Submit(ctx, enterprise, "DeclarePrefiling", fmt.Sprintf("bench-declare-%d", i), ids[i], string(data))
		require.NoError(b, err)
		res, err := n.Ledger.Submit(ctx, customs, "ReviewPrefiling", fmt.Sprintf("bench-approve-%d", i), ids[i], "approve", "")
		require.NoError(b, err)
		var p model.Prefiling
		require.NoError(b, json.Unmarshal(res.Payload, &p))
		codes[i] = p.TraceCode
	}
	height, err := n.Ledger.Height(ctx)
	require.NoError(b, err)
	require.NoError(b, n.waitIndexed(ctx, height))
	_, err = accounts.New(n.Pool).CreateUser(ctx, accounts.NewUser{Username: "bench-clerk", Password: testPassword,
		DisplayName: "Bench clerk", Role: accounts.RoleEnterprise, EnterpriseID: enterpriseA})
	require.NoError(b, err)
	token := n.client("bench-clerk").Token

	paths := map[string]func(i int) string{
		"prefiling-detail":  func(i int) string { return "/api/v1/prefilings/" + ids[i%prefilings] },
		"trace-code-detail": func(i int) string { return "/api/v1/trace-codes/" + codes[i%prefilings] },
		"trace-code-qr":     func(i int) string { return "/api/v1/trace-codes/" + codes[i%prefilings] + "/qr.png" },
		"prefiling-list":    func(int) string { return "/api/v1/prefilings?page=1&pageSize=20" },
	}
	for _, name := range []string{"prefiling-detail", "trace-code-detail", "trace-code-qr", "prefiling-list"} {
		path := paths[name]
		b.Run(name, func(b *testing.B) {
			client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
			get := func(i int) error {
				req, err := http.NewRequestWithContext(ctx, "GET", n.URL+path(i), nil)
				if err != nil {
					return err
				}
				req.Header.Set("Authorization", "Bearer "+token)
				res, err := client.Do(req)
				if err != nil {
					return err
				}
				defer res.Body.Close()
				if _, err := io.Copy(io.Discard, res.Body); err != nil {
					return err
				}
				if res.StatusCode != http.StatusOK {
					return fmt.Errorf("GET %s: %s", path(i), res.Status)
				}
				return nil
			}
			require.NoError(b, get(0)) // warm: the session, the connections
			idle := backgroundCheckouts(n)
			before, start := n.Pool.Stat().AcquireCount(), time.Now()
			b.SetParallelism(4) // × GOMAXPROCS (2) = 8 clients
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				i := 0
				for pb.Next() {
					if err := get(i); err != nil {
						b.Error(err)
						return
					}
					i++
				}
			})
			b.StopTimer()
			// The node's own jobs (queue polling, deliveries) use the pool
			// too; their rate while idle is taken off.
			background := idle * time.Since(start).Seconds()
			b.ReportMetric((float64(n.Pool.Stat().AcquireCount()-before)-background)/float64(b.N), "checkouts/req")
		})
	}
}

// backgroundCheckouts is the node's pool checkouts per second while no
// request is served, over two seconds.
func backgroundCheckouts(n *node) float64 {
	before, start := n.Pool.Stat().AcquireCount(), time.Now()
	time.Sleep(2 * time.Second)
	return float64(n.Pool.Stat().AcquireCount()-before) / time.Since(start).Seconds()
}
