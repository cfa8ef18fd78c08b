package main

import (
	"bufio"
	"context"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
	"zonetrace/indexer"
	"zonetrace/internal/apiclient"
	"zonetrace/internal/pgtest"
)

// process is the zonetrace binary running as a child process.
type process struct {
	cmd      *exec.Cmd
	url      string
	password string // the first admin's one-time password, on first start
}

var (
	runningAt  = regexp.MustCompile(`ZoneTrace is running at (http://\S+)`)
	firstLogin = regexp.MustCompile(`First login: admin / (\S+)`)
)

func startProcess(t *testing.T, bin, dataDir, dbURL string) *process {
	t.Helper()
	cmd := exec.Command(bin, "run", "--data", dataDir, "--db", dbURL, "--listen", "127.0.0.1:0")
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	cmd.Stderr = nil
	require.NoError(t, cmd.Start())
	p := &process{cmd: cmd}
	t.Cleanup(func() { p.kill() })

	found := make(chan struct{})
	go func() {
		scanner := bufio.NewScanner(stdout)
		for scanner.Scan() {
			line := scanner.Text()
			if m := firstLogin.FindStringSubmatch(line); m != nil {
				p.password = m[1]
				close(found)
			}
			if m := runningAt.FindStringSubmatch(line); m != nil {
				p.url = m[1]
			}
			if line == "Log in with your account." {
				close(found)
			}
		}
	}()
	select {
	case <-found:
	case <-time.After(60 * time.Second):
		t.Fatal("zonetrace did not start within 60s")
	}
	require.NotEmpty(t, p.url)
	return p
}

func (p *process) kill() {
	if p.cmd.Process != nil {
		_ = p.cmd.Process.Signal(syscall.SIGKILL)
		_, _ = p.cmd.Process.Wait()
	}
}

func (p *process) stop(t *testing.T) {
	require.NoError(t, p.cmd.Process.Signal(syscall.SIGTERM))
	_, err := p.cmd.Process.Wait()
	require.NoError(t, err)
}

// TestKillDuringBurst kills the process with SIGKILL in the middle of 1,000
// declarations, restarts it, and checks that every declaration that was
// answered 2xx is on the ledger exactly once and that the mirror equals a
// fresh rebuild from block 0.
func TestKillDuringBurst(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills the real binary")
	}
	ctx := context.Background()
	bin := filepath.Join(t.TempDir(), "zonetrace")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Stderr = os.Stderr
	require.NoError(t, build.Run())

	dataDir, dbURL := t.TempDir(), pgtest.NewDatabase(t)
	proc := startProcess(t, bin, dataDir, dbURL)
	require.NotEmpty(t, proc.password, "first start prints the admin's password")

	admin := apiclient.New(proc.url)
	require.NoError(t, admin.Login(ctx, "admin", proc.password))
	require.NoError(t, admin.Post(ctx, "/api/v1/enterprises", map[string]string{"id": demoEnterpriseA, "name": "A", "kind": "importer"}, nil))
	require.NoError(t, admin.Post(ctx, "/api/v1/users", map[string]string{"username": "ent-a", "password": demoPassword, "displayName": "A", "role": "enterprise", "enterpriseId": demoEnterpriseA}, nil))
	clerk := apiclient.New(proc.url)
	require.NoError(t, clerk.Login(ctx, "ent-a", demoPassword))

	const total = 1000
	drafts := make([]string, total)
	data := demoBatches()[1]
	for i := range drafts {
		var d struct {
			ID string `json:"id"`
		}
		require.NoError(t, clerk.Post(ctx, "/api/v1/prefiling-drafts", map[string]any{"data": data}, &d))
		drafts[i] = d.ID
	}

	// Declare all of them from 16 clients; kill the process once 300 are in.
	var (
		mu       sync.Mutex
		accepted = map[string]string{} // draft id → prefiling id answered 2xx
		done     atomic.Int64
		next     atomic.Int64
		killed   = make(chan struct{})
		once     sync.Once
	)
	var wg sync.WaitGroup
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= total {
					return
				}
				var pf model.Prefiling
				_, err := clerk.Do(ctx, apiclient.Request{Method: http.MethodPost, Path: "/api/v1/prefiling-drafts/" + drafts[i] + "/declare", IdempotencyKey: "burst-" + drafts[i], NoWait: true}, &pf)
				if err == nil {
					mu.Lock()
					accepted[drafts[i]] = pf.ID
					mu.Unlock()
					if done.Add(1) == 300 {
						once.Do(func() { proc.kill(); close(killed) })
					}
				}
				select {
				case <-killed:
					return
				default:
				}
			}
		}()
	}
	wg.Wait()
	select {
	case <-killed:
	default:
		t.Fatal("the burst finished before the kill")
	}
	require.GreaterOrEqual(t, len(accepted), 300)

	// Restart: pending submissions are re-driven, the indexer catches up.
	proc = startProcess(t, bin, dataDir, dbURL)
	clerk.BaseURL = proc.url
	require.NoError(t, clerk.Login(ctx, "ent-a", demoPassword))

	pool, err := pgxpool.New(ctx, dbURL)
	require.NoError(t, err)
	defer pool.Close()
	require.Eventually(t, func() bool {
		var pending int
		require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM submissions WHERE status = 'pending'`).Scan(&pending))
		return pending == 0
	}, 60*time.Second, 200*time.Millisecond, "pending submissions were not re-driven")

	var ready struct {
		Ledger struct {
			Height uint64 `json:"height"`
		} `json:"ledger"`
		Indexer struct {
			IndexedHeight uint64 `json:"indexedHeight"`
		} `json:"indexer"`
	}
	require.Eventually(t, func() bool {
		return clerk.Get(ctx, "/readyz", &ready) == nil && ready.Ledger.Height > 0 && ready.Indexer.IndexedHeight == ready.Ledger.Height
	}, 60*time.Second, 200*time.Millisecond)

	for draftID, prefilingID := range accepted {
		var pf model.Prefiling
		require.NoError(t, clerk.Get(ctx, "/api/v1/prefilings/"+prefilingID, &pf), "accepted declaration of draft %s lost", draftID)
		require.Len(t, pf.Steps, 1)
	}
	var prefilings, declareTxs, distinct int
	require.NoError(t, pool.QueryRow(ctx, `SELECT count(*), count(DISTINCT id) FROM prefilings`).Scan(&prefilings, &distinct))
	require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM ledger_transactions WHERE valid AND function = 'DeclarePrefiling'`).Scan(&declareTxs))
	require.Equal(t, prefilings, distinct)
	require.Equal(t, prefilings, declareTxs, "every valid declaration is exactly one prefiling")
	var declaredDrafts int
	require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM prefiling_drafts WHERE declared_prefiling_id IS NOT NULL AND declared_prefiling_id IN (SELECT id FROM prefilings)`).Scan(&declaredDrafts))
	require.Equal(t, prefilings, declaredDrafts, "each prefiling is linked back to exactly one draft")
	t.Logf("accepted before the kill: %d; prefilings on the ledger after restart: %d", len(accepted), prefilings)

	live, err := indexer.TableDigest(ctx, pool)
	require.NoError(t, err)
	proc.stop(t)

	// A rebuild from block 0 into an empty database gives identical tables.
	rebuiltURL := pgtest.NewDatabase(t)
	rebuild := exec.Command(bin, "rebuild", "--data", dataDir, "--db", rebuiltURL)
	out, err := rebuild.CombinedOutput()
	require.NoError(t, err, "%s", out)
	rebuiltPool, err := pgxpool.New(ctx, rebuiltURL)
	require.NoError(t, err)
	defer rebuiltPool.Close()
	rebuilt, err := indexer.TableDigest(ctx, rebuiltPool)
	require.NoError(t, err)
	require.Equal(t, live, rebuilt, "rebuild differs from the live mirror (%s)", out)
}
