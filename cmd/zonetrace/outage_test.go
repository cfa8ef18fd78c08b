package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
	"zonetrace/internal/apiclient"
)

// pgBin holds the PostgreSQL server programs.
const pgBin = "/usr/lib/postgresql/15/bin"

// privateCluster is a PostgreSQL server of this test alone, which it may
// stop and start (the shared test server must never be stopped).
type privateCluster struct {
	t       *testing.T
	dataDir string
	port    int
}

func startPrivateCluster(t *testing.T) *privateCluster {
	t.Helper()
	if _, err := os.Stat(filepath.Join(pgBin, "initdb")); err != nil {
		t.Skip("needs the PostgreSQL 15 server programs in " + pgBin)
	}
	// Owned by postgres and outside t.TempDir (root-only) when run as root.
	root, err := os.MkdirTemp("", "zt-pg-")
	require.NoError(t, err)
	require.NoError(t, os.Chmod(root, 0o755))
	t.Cleanup(func() { _ = os.RemoveAll(root) })
	c := &privateCluster{t: t, dataDir: filepath.Join(root, "data"), port: freePort(t)}
	if os.Geteuid() == 0 {
		pg, err := user.Lookup("postgres")
		require.NoError(t, err)
		uid, _ := strconv.Atoi(pg.Uid)
		gid, _ := strconv.Atoi(pg.Gid)
		require.NoError(t, os.Chown(root, uid, gid))
	}
	c.run("initdb", "-D", c.dataDir, "-U", "postgres", "--auth=trust", "--no-sync")
	c.start()
	t.Cleanup(func() { _ = c.command("pg_ctl", "-D", c.dataDir, "stop", "-m", "immediate", "-w").Run() })

	conn, err := pgx.Connect(context.Background(), c.url("postgres"))
	require.NoError(t, err)
	defer conn.Close(context.Background())
	_, err = conn.Exec(context.Background(), `CREATE DATABASE zonetrace`)
	require.NoError(t, err)
	return c
}

func (c *privateCluster) url(db string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", c.port, db)
}

func (c *privateCluster) command(program string, args ...string) *exec.Cmd {
	path := filepath.Join(pgBin, program)
	if os.Geteuid() == 0 {
		return exec.Command("runuser", append([]string{"-u", "postgres", "--", path}, args...)...)
	}
	return exec.Command(path, args...)
}

func (c *privateCluster) run(program string, args ...string) {
	c.t.Helper()
	out, err := c.command(program, args...).CombinedOutput()
	require.NoError(c.t, err, "%s: %s", program, out)
}

func (c *privateCluster) start() {
	c.t.Helper()
	c.run("pg_ctl", "-D", c.dataDir, "-l", filepath.Join(filepath.Dir(c.dataDir), "server.log"), "-w", "start",
		"-o", fmt.Sprintf("-p %d -c listen_addresses=127.0.0.1 -k %s -c fsync=off", c.port, filepath.Dir(c.dataDir)))
}

func (c *privateCluster) stop() {
	c.t.Helper()
	c.run("pg_ctl", "-D", c.dataDir, "stop", "-m", "fast", "-w")
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// TestDatabaseOutageUnderWritesAnswers503 stops PostgreSQL for 30 s while
// clients keep declaring. Every answer in the outage is a 503 with
// Retry-After (a database outage used to answer 500); every declaration
// answered 2xx is kept; every one refused is then retried with its key and
// succeeds; and the node recovers by itself, without a restart.
func TestDatabaseOutageUnderWritesAnswers503(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the real binary and stops a private PostgreSQL")
	}
	ctx := context.Background()
	cluster := startPrivateCluster(t)
	bin := buildBinary(t)
	proc := startProcess(t, bin, t.TempDir(), cluster.url("zonetrace"))

	clerk := proc.enterpriseClerk(t)

	const total = 800
	drafts := newDrafts(t, clerk, total)
	declare := func(i int) (string, *apiclient.Response, error) {
		var pf model.Prefiling
		res, err := clerk.Do(ctx, apiclient.Request{Method: http.MethodPost, Path: "/api/v1/prefiling-drafts/" + drafts[i] + "/declare",
			IdempotencyKey: "outage-" + drafts[i], NoWait: true}, &pf)
		return pf.ID, res, err
	}

	var (
		mu       sync.Mutex
		accepted = map[int]string{}
		refused  []int
		wrong    []string
		next     = 0
		stopped  = make(chan struct{})
	)
	// Writers declare at a steady pace (about 20 a second, so the drafts
	// last through the outage); each answer is either a success or a 503
	// with Retry-After.
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for {
				select {
				case <-stopped:
					return
				case <-time.After(200 * time.Millisecond):
				}
				mu.Lock()
				if next == total {
					mu.Unlock()
					return
				}
				i := next
				next++
				mu.Unlock()
				id, res, err := declare(i)
				mu.Lock()
				switch {
				case err == nil:
					accepted[i] = id
				case apiclient.StatusOf(err) == http.StatusServiceUnavailable && res.Header.Get("Retry-After") != "":
					refused = append(refused, i)
				default:
					wrong = append(wrong, fmt.Sprintf("draft %d: %v", i, err))
				}
				mu.Unlock()
			}
		})
	}
	time.Sleep(2 * time.Second)
	cluster.stop()
	t.Log("PostgreSQL stopped")
	time.Sleep(30 * time.Second)
	mu.Lock()
	inOutage := len(refused)
	mu.Unlock()
	cluster.start()
	restarted := time.Now()
	t.Log("PostgreSQL started")
	time.Sleep(5 * time.Second)
	close(stopped)
	wg.Wait()
	require.Empty(t, wrong, "every answer is a success or a 503 with Retry-After")
	require.NotZero(t, inOutage, "writes were refused during the outage")
	t.Logf("accepted: %d, refused with 503: %d (during the outage: %d)", len(accepted), len(refused), inOutage)

	// Each refused write, retried with its key, succeeds; a 503 again
	// (the node reconnecting) may be retried, nothing else is allowed.
	for _, i := range refused {
		require.Eventually(t, func() bool {
			id, _, err := declare(i)
			if err == nil {
				accepted[i] = id
				return true
			}
			require.Equal(t, http.StatusServiceUnavailable, apiclient.StatusOf(err), "retry of draft %d: %v", i, err)
			return false
		}, 30*time.Second, 500*time.Millisecond)
	}

	// Nothing answered 2xx is lost, and nothing is declared twice.
	pool, err := pgxpool.New(ctx, cluster.url("zonetrace"))
	require.NoError(t, err)
	defer pool.Close()
	require.Eventually(t, func() bool {
		var owed int
		require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM submissions WHERE status <> 'done'`).Scan(&owed))
		return owed == 0
	}, 60*time.Second, 200*time.Millisecond, "the outbox recovers by itself: %v", owedSubmissions(t, pool))
	require.Eventually(t, func() bool {
		var rounds int
		require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM river_job WHERE kind = 'outbox_redrive' AND state = 'completed'
			AND finalized_at > $1`, restarted).Scan(&rounds))
		return rounds > 0
	}, 60*time.Second, 500*time.Millisecond, "the job queue runs recovery rounds again by itself")
	var ready struct {
		Ready  bool `json:"ready"`
		Ledger struct {
			Height uint64 `json:"height"`
		} `json:"ledger"`
		Indexer struct {
			IndexedHeight uint64 `json:"indexedHeight"`
		} `json:"indexer"`
	}
	require.Eventually(t, func() bool {
		return clerk.Get(ctx, "/readyz", &ready) == nil && ready.Indexer.IndexedHeight == ready.Ledger.Height
	}, 60*time.Second, 200*time.Millisecond, "the indexer catches up by itself")
	for i, id := range accepted {
		var declared string
		require.NoError(t, pool.QueryRow(ctx, `SELECT declared_prefiling_id FROM prefiling_drafts WHERE id = $1`, drafts[i]).Scan(&declared))
		require.Equal(t, id, declared, "draft %d", i)
		var pf model.Prefiling
		require.NoError(t, clerk.Get(ctx, "/api/v1/prefilings/"+id, &pf), "accepted declaration %s lost", id)
	}
	var prefilings, declareTxs int
	require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM prefilings`).Scan(&prefilings))
	require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM ledger_transactions WHERE valid AND function = 'DeclarePrefiling'`).Scan(&declareTxs))
	require.Equal(t, len(accepted), prefilings, "one prefiling per accepted declaration, no duplicate")
	require.Equal(t, prefilings, declareTxs)
}

// owedSubmissions describes the submissions not done, for a failure message.
func owedSubmissions(t *testing.T, pool *pgxpool.Pool) []string {
	rows, err := pool.Query(context.Background(), `SELECT idempotency_key || ' ' || path || ' ' || status || ' attempts ' || attempts
		|| ' lease ' || lease_until || ' next ' || next_attempt_at || ' ' || last_error FROM submissions WHERE status <> 'done' LIMIT 10`)
	require.NoError(t, err)
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	require.NoError(t, err)
	return out
}
