package main

import (
	"bufio"
	"context"
	"crypto/x509"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
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
	roots    *x509.CertPool // the node's dev TLS CA
	password string         // the first admin's one-time password, on first start
}

var (
	runningAt  = regexp.MustCompile(`ZoneTrace is running at (https://\S+)`)
	firstLogin = regexp.MustCompile(`First login: admin / (\S+)`)
)

func startProcess(t testing.TB, bin, dataDir, dbURL string, extraArgs ...string) *process {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"run", "--data", dataDir, "--db", dbURL, "--listen", "127.0.0.1:0"}, extraArgs...)...)
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	logPath := filepath.Join(t.TempDir(), "node.log")
	if os.Getenv("ZT_TEST_LOG") != "" {
		cmd.Stderr = os.Stderr
	} else {
		logFile, err := os.Create(logPath)
		require.NoError(t, err)
		t.Cleanup(func() { _ = logFile.Close() })
		cmd.Stderr = logFile
	}
	require.NoError(t, cmd.Start())
	p := &process{cmd: cmd}
	t.Cleanup(func() {
		p.kill()
		if t.Failed() {
			logErrors(t, logPath)
		}
	})

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
			if line == "Log in with your account." || strings.HasPrefix(line, "Demo logins") {
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
	caPEM, err := os.ReadFile(filepath.Join(devTLSDir(dataDir), "ca", "cert.pem"))
	require.NoError(t, err)
	p.roots = x509.NewCertPool()
	require.True(t, p.roots.AppendCertsFromPEM(caPEM))
	return p
}

// logErrors shows the node's error lines (and its 5xx answers) after a
// failed test: the node runs as its own process, so its log is otherwise
// lost with the test's temporary folder.
func logErrors(t testing.TB, path string) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return
	}
	shown := 0
	for line := range strings.Lines(string(raw)) {
		if shown < 50 && (strings.Contains(line, `"level":"ERROR"`) || strings.Contains(line, `"status":5`)) {
			t.Log("node: " + strings.TrimSpace(line))
			shown++
		}
	}
}

// client returns a client of the process's API trusting its dev TLS CA.
func (p *process) client() *apiclient.Client { return apiclient.NewTLS(p.url, p.roots) }

// buildBinary builds the zonetrace command into a temporary folder.
func buildBinary(t testing.TB) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "zonetrace")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Stderr = os.Stderr
	require.NoError(t, build.Run())
	return bin
}

// enterpriseClerk sets up a freshly started node as its first admin would
// (replace the printed password, register enterprise A and its clerk) and
// returns the clerk, logged in.
func (p *process) enterpriseClerk(t testing.TB) *apiclient.Client {
	t.Helper()
	ctx := context.Background()
	admin := p.client()
	require.NoError(t, admin.Login(ctx, "admin", p.password))
	require.NoError(t, admin.Post(ctx, "/api/v1/me/password", map[string]string{"currentPassword": p.password, "newPassword": demoPassword}, nil))
	require.NoError(t, admin.Post(ctx, "/api/v1/enterprises", map[string]string{"id": demoEnterpriseA, "name": "A", "kind": "importer"}, nil))
	require.NoError(t, admin.Post(ctx, "/api/v1/users", map[string]string{"username": "ent-a", "password": demoPassword, "displayName": "A", "role": "enterprise", "enterpriseId": demoEnterpriseA}, nil))
	clerk := p.client()
	require.NoError(t, clerk.Login(ctx, "ent-a", demoPassword))
	return clerk
}

// newDrafts has clerk save n prefiling drafts of one batch and returns
// their ids.
func newDrafts(t testing.TB, clerk *apiclient.Client, n int) []string {
	t.Helper()
	data := demoBatches()[1]
	drafts := make([]string, n)
	for i := range drafts {
		var d struct {
			ID string `json:"id"`
		}
		require.NoError(t, clerk.Post(context.Background(), "/api/v1/prefiling-drafts", map[string]any{"data": data}, &d))
		drafts[i] = d.ID
	}
	return drafts
}

func (p *process) kill() {
	if p.cmd.Process != nil {
		_ = p.cmd.Process.Signal(syscall.SIGKILL)
		_, _ = p.cmd.Process.Wait()
	}
}

func (p *process) stop(t testing.TB) {
	require.NoError(t, p.cmd.Process.Signal(syscall.SIGTERM))
	_, err := p.cmd.Process.Wait()
	require.NoError(t, err)
}

// TestRetryAfterKillDuringKeyedBurstAnswersOriginalSuccess kills the
// process with SIGKILL in the middle of 1,000 keyed declarations, restarts
// it, and retries every declaration that was not answered with its key, at
// once, while recovery re-drives what the killed run left pending. Every
// retry answers 201 with the one prefiling of its draft (a retry used to
// answer 409 "already declared" when the kill fell between the commit and
// the outbox), nothing is declared twice, every 2xx answered before the
// kill is kept, and the mirror equals a fresh rebuild from block 0.
func TestRetryAfterKillDuringKeyedBurstAnswersOriginalSuccess(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills the real binary")
	}
	ctx := context.Background()
	bin := buildBinary(t)

	dataDir, dbURL := t.TempDir(), pgtest.NewDatabase(t)
	proc := startProcess(t, bin, dataDir, dbURL)
	require.NotEmpty(t, proc.password, "first start prints the admin's password")

	clerk := proc.enterpriseClerk(t)

	const total = 1000
	drafts := newDrafts(t, clerk, total)
	declare := func(i int, wait bool) (string, error) {
		var pf model.Prefiling
		_, err := clerk.Do(ctx, apiclient.Request{Method: http.MethodPost, Path: "/api/v1/prefiling-drafts/" + drafts[i] + "/declare",
			IdempotencyKey: "burst-" + drafts[i], NoWait: !wait}, &pf)
		return pf.ID, err
	}

	// Declare all of them from 16 clients; kill the process once 300 are in.
	var (
		mu       sync.Mutex
		accepted = map[int]string{} // draft index → prefiling id answered 2xx
		done     atomic.Int64
		next     atomic.Int64
		killed   = make(chan struct{})
		once     sync.Once
	)
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= total {
					return
				}
				if id, err := declare(i, false); err == nil {
					mu.Lock()
					accepted[i] = id
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
		})
	}
	wg.Wait()
	select {
	case <-killed:
	default:
		t.Fatal("the burst finished before the kill")
	}
	require.GreaterOrEqual(t, len(accepted), 300)

	// Restart and retry every unanswered declaration with its key at once,
	// racing recovery of those the kill left pending.
	proc = startProcess(t, bin, dataDir, dbURL)
	clerk.BaseURL = proc.url
	require.NoError(t, clerk.Login(ctx, "ent-a", demoPassword))
	var unanswered []int
	for i := range total {
		if _, ok := accepted[i]; !ok {
			unanswered = append(unanswered, i)
		}
	}
	retried := make(map[int]string, len(unanswered))
	var failures []string
	work := make(chan int)
	for range 16 {
		wg.Go(func() {
			for i := range work {
				id, err := declare(i, false)
				mu.Lock()
				if err != nil {
					failures = append(failures, fmt.Sprintf("draft %s: %v", drafts[i], err))
				} else {
					retried[i] = id
				}
				mu.Unlock()
			}
		})
	}
	for _, i := range unanswered {
		work <- i
	}
	close(work)
	wg.Wait()
	require.Empty(t, failures, "every retry answers success")
	t.Logf("answered before the kill: %d; retried after the restart: %d", len(accepted), len(retried))

	pool, err := pgxpool.New(ctx, dbURL)
	require.NoError(t, err)
	defer pool.Close()
	require.Eventually(t, func() bool {
		var pending int
		require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM submissions WHERE status <> 'done'`).Scan(&pending))
		return pending == 0
	}, 60*time.Second, 200*time.Millisecond, "recovery finished every submission")
	var carriedOver int
	require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM submissions WHERE attempts > 1`).Scan(&carriedOver))
	t.Logf("submissions the killed run left unfinished, finished by a retry or recovery: %d", carriedOver)

	// Every draft is declared once, as the prefiling its answer named.
	declared := map[string]string{}
	rows, err := pool.Query(ctx, `SELECT id::text, declared_prefiling_id FROM prefiling_drafts WHERE declared_prefiling_id IS NOT NULL`)
	require.NoError(t, err)
	for rows.Next() {
		var draft, prefiling string
		require.NoError(t, rows.Scan(&draft, &prefiling))
		declared[draft] = prefiling
	}
	require.NoError(t, rows.Err())
	require.Len(t, declared, total)
	for i, id := range accepted {
		require.Equal(t, declared[drafts[i]], id, "answer before the kill for draft %s", drafts[i])
	}
	for i, id := range retried {
		require.Equal(t, declared[drafts[i]], id, "answer of the retry for draft %s", drafts[i])
	}

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

	for _, prefilingID := range declared {
		var pf model.Prefiling
		require.NoError(t, clerk.Get(ctx, "/api/v1/prefilings/"+prefilingID, &pf), "declaration %s lost", prefilingID)
		require.Len(t, pf.Steps, 1)
	}
	var prefilings, declareTxs, distinct int
	require.NoError(t, pool.QueryRow(ctx, `SELECT count(*), count(DISTINCT id) FROM prefilings`).Scan(&prefilings, &distinct))
	require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM ledger_transactions WHERE valid AND function = 'DeclarePrefiling'`).Scan(&declareTxs))
	require.Equal(t, total, prefilings, "one prefiling per draft, no duplicate")
	require.Equal(t, prefilings, distinct)
	require.Equal(t, prefilings, declareTxs, "every valid declaration is exactly one prefiling")

	// A repeat of any key, now asking to wait for the indexer, replays the
	// same success.
	for _, i := range []int{0, total / 2, total - 1, unanswered[0]} {
		id, err := declare(i, true)
		require.NoError(t, err)
		require.Equal(t, declared[drafts[i]], id)
	}

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
