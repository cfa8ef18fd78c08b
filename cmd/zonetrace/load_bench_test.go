package main

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/accounts"
	"zonetrace/internal/apiclient"
	"zonetrace/internal/loadtest"
	"zonetrace/internal/pgtest"
)

// The baseline beside the demo data: 20 enterprises of 10 users,
// 2,000 prefilings (half approved, so with trace codes) and 5,000 entry
// checklists.
const (
	loadEnterprises             = 20
	loadUsersPerEnterprise      = 10
	loadPrefilingsPerEnterprise = 100
	loadApprovedPerEnterprise   = 50
	loadDocumentsPerEnterprise  = 250
)

// loadSessions is how many users the largest scenario simulates; each is a
// session of its own, the accounts shared round robin.
const loadSessions = 2000

// BenchmarkLoad: the `zonetrace run --demo` binary in its own process,
// seeded through the API with the baseline above, then simulated users
// (internal/loadtest's mix, one action a second on average): 200 users,
// 2,000 users, and the knee — 50, 100, 200, 500, 1,000, … users until read p95
// passes 200 ms, write p95 500 ms or an answer fails. Each figure is
// logged as a table line and reported as a metric. Targets (issue 14):
// 2,000 users with read p95 ≤ 200 ms, write p95 ≤ 500 ms, no 503, no
// error. Run it with -benchtime 1x; docs/benchmarks.md has the figures.
func BenchmarkLoad(b *testing.B) {
	ctx := context.Background()
	bin := buildBinary(b)
	dbURL := pgtest.NewDatabase(b)
	proc := startProcess(b, bin, b.TempDir(), dbURL, "--demo")
	b.Logf("node pid %d (profile it with: perf record -g -p %d)", proc.cmd.Process.Pid, proc.cmd.Process.Pid)
	transport := loadTransport(proc, loadSessions)
	t0 := time.Now()
	enterprises := seedLoad(b, proc, transport)
	b.Logf("seeded %d enterprises in %s", len(enterprises), time.Since(t0).Round(time.Second))
	t0 = time.Now()
	users := loadUsers(b, proc, transport, enterprises, loadSessions)
	b.Logf("%d sessions opened in %s", len(users), time.Since(t0).Round(time.Second))

	pool, err := pgxpool.New(ctx, dbURL)
	require.NoError(b, err)
	defer pool.Close()
	scenario := func(name string, n int, duration time.Duration) loadtest.Report {
		load := loadAverage(b)
		nodeBefore, pgBefore, genBefore := nodesCPU(b, []*process{proc}), pgtest.ClusterCPU(b, pool), selfCPU(b)
		rep := loadtest.Run(ctx, users[:n], loadtest.Mix, time.Second, duration)
		// CPU per answer depends much less on the shared machine's load
		// than the answer times do: it says what an idle machine could
		// carry.
		answers := time.Duration(max(int(rep.Throughput()*rep.Elapsed.Seconds()), 1))
		node, pg, gen := (nodesCPU(b, []*process{proc})-nodeBefore)/answers, (pgtest.ClusterCPU(b, pool)-pgBefore)/answers, (selfCPU(b)-genBefore)/answers
		b.Logf("%s: %d users, load average before %s\n%s  CPU per answer: node %s, PostgreSQL %s, load generator %s", name, n, load, rep,
			node.Round(time.Microsecond), pg.Round(time.Microsecond), gen.Round(time.Microsecond))
		for _, c := range []loadtest.Class{loadtest.Read, loadtest.Write} {
			s := rep.Classes[c]
			b.ReportMetric(float64(s.P95.Microseconds())/1000, fmt.Sprintf("%s-%s-p95-ms", name, c))
		}
		errs, unavailable := rep.Errors()
		b.ReportMetric(float64(errs), name+"-errors")
		b.ReportMetric(float64(unavailable), name+"-503s")
		b.ReportMetric(rep.Throughput(), name+"-req/s")
		b.ReportMetric(float64((node+pg).Microseconds())/1000, name+"-node+pg-CPU-ms/req")
		return rep
	}
	for b.Loop() {
		scenario("u200", 200, 30*time.Second)
		scenario("u2000", 2000, 30*time.Second)
		for _, n := range []int{50, 100, 200, 500, 1000, 1500, 2000} {
			rep := scenario(fmt.Sprintf("knee%d", n), n, 20*time.Second)
			errs, _ := rep.Errors()
			if rep.Classes[loadtest.Read].P95 > 200*time.Millisecond || rep.Classes[loadtest.Write].P95 > 500*time.Millisecond || errs > 0 {
				b.Logf("knee: the targets break at %d users (%.0f requests/s)", n, rep.Throughput())
				break
			}
		}
	}
}

// BenchmarkLoginBurstGateways: 200 users log in at the same moment, spread
// round robin over one or three freshly started `zonetrace run` processes
// (copies of one data folder over one database, as gateways behind a
// balancer), the three once with the runtime's default GOMAXPROCS (each
// hashes on both cores: six hashes at once) and once with GOMAXPROCS=1
// (three at once, the hashing bound shared out by hand). Target (issue 14):
// p95 ≤ 3 s with three gateways. Run it with -benchtime 1x.
func BenchmarkLoginBurstGateways(b *testing.B) {
	const users = 200
	ctx := context.Background()
	bin := buildBinary(b)
	dbURL := pgtest.NewDatabase(b)
	first := b.TempDir()
	startProcess(b, bin, first, dbURL).stop(b)
	pool, err := pgxpool.New(ctx, dbURL)
	require.NoError(b, err)
	defer pool.Close()
	createBurstUsers(b, accounts.New(pool), users)
	dirs := []string{first}
	for range 2 {
		dir := b.TempDir()
		require.NoError(b, exec.Command("cp", "-a", first+"/.", dir).Run())
		dirs = append(dirs, dir)
	}
	creds := make([]loadtest.Credentials, users)
	for i := range creds {
		creds[i] = loadtest.Credentials{Username: fmt.Sprintf("user%03d", i), Password: demoPassword}
	}
	for _, run := range []struct {
		gateways   int
		gomaxprocs string // of each gateway; "" the runtime's default (the cores)
	}{{1, ""}, {3, ""}, {3, "1"}} {
		gateways := run.gateways
		name := fmt.Sprintf("gateways=%d", gateways)
		if run.gomaxprocs != "" {
			name += ",GOMAXPROCS=" + run.gomaxprocs
		}
		b.Run(name, func(b *testing.B) {
			if run.gomaxprocs != "" {
				// The children inherit it; hashing is bounded to GOMAXPROCS.
				b.Setenv("GOMAXPROCS", run.gomaxprocs)
			}
			for b.Loop() {
				b.StopTimer()
				procs := make([]*process, gateways)
				var wg sync.WaitGroup
				for i := range procs {
					wg.Go(func() { procs[i] = startProcess(b, bin, dirs[i], dbURL) })
				}
				wg.Wait()
				clients := make([]*apiclient.Client, users)
				transports := make([]*http.Transport, gateways)
				for i := range transports {
					transports[i] = loadTransport(procs[i], users)
				}
				for i := range clients {
					p := procs[i%gateways]
					clients[i] = &apiclient.Client{BaseURL: p.url, HTTP: &http.Client{Transport: transports[i%gateways], Timeout: time.Minute}}
				}
				cpuBefore, dbBefore := nodesCPU(b, procs), pgtest.ClusterCPU(b, pool)
				load := loadAverage(b)
				b.StartTimer()
				rep := loadtest.LoginBurst(ctx, clients, creds)
				b.StopTimer()
				cpu, dbCPU := nodesCPU(b, procs)-cpuBefore, pgtest.ClusterCPU(b, pool)-dbBefore
				for _, p := range procs {
					p.stop(b)
				}
				s := rep.Classes[loadtest.Login]
				b.Logf("%d gateways, load average before %s\n%s  gateways' CPU %s", gateways, load, rep, cpu)
				require.Zero(b, s.Errors, "every login answers 200")
				b.ReportMetric(s.P50.Seconds(), "p50-s")
				b.ReportMetric(s.P95.Seconds(), "p95-s")
				b.ReportMetric(s.Max.Seconds(), "max-s")
				b.ReportMetric(cpu.Seconds(), "gateways-CPU-s")
				b.ReportMetric(dbCPU.Seconds(), "database-CPU-s")
				b.StartTimer()
			}
		})
	}
}

// loadTransport is one connection pool for many simulated users of proc:
// each user has at most one request in flight, so each keeps a connection.
func loadTransport(proc *process, users int) *http.Transport {
	return &http.Transport{MaxIdleConns: users, MaxIdleConnsPerHost: users, IdleConnTimeout: 5 * time.Minute,
		TLSClientConfig: &tls.Config{RootCAs: proc.roots, MinVersion: tls.VersionTLS12}}
}

func loadClient(proc *process, transport *http.Transport) *apiclient.Client {
	return &apiclient.Client{BaseURL: proc.url, HTTP: &http.Client{Transport: transport, Timeout: time.Minute}}
}

// seedLoad registers the baseline's enterprises and users as the demo's
// zone admin, then has each enterprise's first user declare its
// prefilings (customs approves the first of them) and its checklists, the
// enterprises in parallel, all through the API.
func seedLoad(b *testing.B, proc *process, transport *http.Transport) []*loadtest.Enterprise {
	ctx := context.Background()
	admin, customs := loadClient(proc, transport), loadClient(proc, transport)
	require.NoError(b, admin.Login(ctx, "admin", demoPassword))
	require.NoError(b, customs.Login(ctx, "customs", demoPassword))
	batches := demoBatches()
	qualified := []model.PrefilingData{batches[1], batches[2], batches[3], batches[5]}
	enterprises := make([]*loadtest.Enterprise, loadEnterprises)
	for i := range enterprises {
		e := &loadtest.Enterprise{ID: fmt.Sprintf("91320583LD%08d", i+1), SearchWords: []string{"咖啡", "耶加雪菲", "巴西", "罗布斯塔"}}
		require.NoError(b, admin.Post(ctx, "/api/v1/enterprises", map[string]string{"id": e.ID, "name": fmt.Sprintf("压测咖啡进口%02d有限公司", i+1), "kind": "importer"}, nil))
		for j := range loadUsersPerEnterprise {
			e.Usernames = append(e.Usernames, fmt.Sprintf("load%02d-%02d", i+1, j+1))
		}
		enterprises[i] = e
	}
	// Users are the zone admin's work (each password is an argon2id hash):
	// four at a time.
	parallel(b, loadEnterprises*loadUsersPerEnterprise, 4, func(k int) error {
		e := enterprises[k/loadUsersPerEnterprise]
		return admin.Post(ctx, "/api/v1/users", map[string]string{"username": e.Usernames[k%loadUsersPerEnterprise], "password": demoPassword,
			"displayName": "压测用户", "role": "enterprise", "enterpriseId": e.ID}, nil)
	})
	parallel(b, loadEnterprises, loadEnterprises, func(i int) error {
		e := enterprises[i]
		clerk := loadClient(proc, transport)
		if err := clerk.Login(ctx, e.Usernames[0], demoPassword); err != nil {
			return err
		}
		var err error
		e.PrefilingDraft, err = json.Marshal(map[string]any{"data": qualified[i%len(qualified)]})
		if err != nil {
			return err
		}
		approved := make([]model.Prefiling, 0, loadApprovedPerEnterprise)
		for k := range loadPrefilingsPerEnterprise {
			data := qualified[(i+k)%len(qualified)]
			var d struct {
				ID string `json:"id"`
			}
			if err := clerk.Post(ctx, "/api/v1/prefiling-drafts", map[string]any{"data": data}, &d); err != nil {
				return err
			}
			var pf model.Prefiling
			if err := clerk.Post(ctx, "/api/v1/prefiling-drafts/"+d.ID+"/declare", nil, &pf); err != nil {
				return err
			}
			e.Prefilings = append(e.Prefilings, pf.ID)
			if k < loadApprovedPerEnterprise {
				if err := customs.Post(ctx, "/api/v1/prefilings/"+pf.ID+"/review", map[string]string{"decision": "approve"}, &pf); err != nil {
					return err
				}
				approved = append(approved, pf)
				e.TraceCodes = append(e.TraceCodes, pf.TraceCode)
			}
		}
		head := model.DocumentHead{AccountBookNo: "T3223W000001", SupervisionMode: "5034", TransportMode: "2", PortCode: "2249", TradeCountry: "ET"}
		for k := range loadDocumentsPerEnterprise {
			pf := approved[k%len(approved)]
			const grams = 1_000
			line := model.DocumentLine{TraceCode: pf.TraceCode, ProductName: pf.Data.ProductName, HSCode: pf.Data.HSCode,
				Origin: pf.Data.Origin, WeightGrams: grams, UnitPriceFen: pf.Data.AvgPriceFen,
				ValueFen: grams / 1000 * pf.Data.AvgPriceFen, Currency: "CNY"}
			var d struct {
				ID string `json:"id"`
			}
			if err := clerk.Post(ctx, "/api/v1/document-drafts", map[string]any{"family": model.FamilyChecklist,
				"businessType": model.BusinessEntry, "head": head, "lines": []model.DocumentLine{line}}, &d); err != nil {
				return err
			}
			var doc model.Document
			if err := clerk.Post(ctx, "/api/v1/document-drafts/"+d.ID+"/declare", nil, &doc); err != nil {
				return err
			}
			e.Documents = append(e.Documents, doc.ID)
		}
		return nil
	})
	return enterprises
}

// loadUsers opens n sessions, the enterprises' accounts round robin, a few
// logins at a time (the hashing is bounded to the cores anyway).
func loadUsers(b *testing.B, proc *process, transport *http.Transport, enterprises []*loadtest.Enterprise, n int) []*loadtest.User {
	users := make([]*loadtest.User, n)
	parallel(b, n, 8, func(k int) error {
		e := enterprises[k%len(enterprises)]
		c := loadClient(proc, transport)
		users[k] = &loadtest.User{Client: c, Enterprise: e}
		return c.Login(context.Background(), e.Usernames[(k/len(enterprises))%len(e.Usernames)], demoPassword)
	})
	return users
}

// parallel runs do(0) … do(n-1) on workers goroutines and fails b on the
// first error.
func parallel(b *testing.B, n, workers int, do func(int) error) {
	next := make(chan int)
	var wg sync.WaitGroup
	var once sync.Once
	var first error
	for range workers {
		wg.Go(func() {
			for k := range next {
				if err := do(k); err != nil {
					once.Do(func() { first = fmt.Errorf("item %d: %w", k, err) })
				}
			}
		})
	}
	for k := range n {
		next <- k
	}
	close(next)
	wg.Wait()
	require.NoError(b, first)
}

// loadAverage is the machine's 1-, 5- and 15-minute load average.
func loadAverage(tb testing.TB) string {
	raw, err := os.ReadFile("/proc/loadavg")
	require.NoError(tb, err)
	return strings.Join(strings.Fields(string(raw))[:3], " ")
}

// nodesCPU is the user and system CPU time the processes have used.
func nodesCPU(tb testing.TB, procs []*process) time.Duration {
	var ticks int64
	for _, p := range procs {
		ticks += procStat(tb, p.cmd.Process.Pid, 14) + procStat(tb, p.cmd.Process.Pid, 15)
	}
	return time.Duration(ticks) * 10 * time.Millisecond
}

// selfCPU is the CPU time this process (the load generator) has used.
func selfCPU(tb testing.TB) time.Duration {
	var ru syscall.Rusage
	require.NoError(tb, syscall.Getrusage(syscall.RUSAGE_SELF, &ru))
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
