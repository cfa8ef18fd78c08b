package platform

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"zonetrace/gateway/accounts"
	"zonetrace/gateway/schema"
	"zonetrace/indexer"
	"zonetrace/indexer/migrations"
	"zonetrace/internal/apiclient"
	"zonetrace/internal/jobs"
	"zonetrace/internal/pgtest"
)

const testPassword = "node-pass-4471"

// node is a running platform on a fresh database and data folder.
type node struct {
	*Platform
	t     testing.TB
	dbURL string
	dir   string
	// fabricConnection is the connection description of the node's own
	// Fabric channel when ZT_LEDGER=fabric.
	fabricConnection string
	// configure completes the node's configuration (startNodeWith).
	configure func(*Config)
}

// nodeTables is the template of a node's database: the indexer's, the
// gateway's and the job queue's tables, migrated once for every node the
// tests start (the node's own migration then finds nothing to do).
var nodeTables = pgtest.Template{
	Name:    "node",
	Sources: []fs.FS{migrations.FS, schema.Migrations},
	Version: jobs.SchemaVersion(),
	Prepare: func(ctx context.Context, url string) error {
		pool, err := pgxpool.New(ctx, url)
		if err != nil {
			return err
		}
		defer pool.Close()
		for _, migrate := range []func(context.Context, *pgxpool.Pool) error{indexer.Migrate, schema.Migrate, jobs.Migrate} {
			if err := migrate(ctx, pool); err != nil {
				return err
			}
		}
		return nil
	},
}

func startNode(t testing.TB) *node {
	t.Helper()
	return startNodeWith(t, nil)
}

// startNodeWith starts a node whose configuration configure completes
// (integrations such as the exporter registry or basic data), on the
// embedded ledger or, with ZT_LEDGER=fabric, on its own Fabric channel.
func startNodeWith(t testing.TB, configure func(*Config)) *node {
	t.Helper()
	n := &node{t: t, dbURL: nodeTables.Database(t), dir: t.TempDir(), configure: configure}
	if os.Getenv("ZT_LEDGER") == LedgerFabric {
		n.fabricConnection = newFabricChannel(t)
	}
	n.start()
	return n
}

func (n *node) start() {
	n.t.Helper()
	cfg := Config{
		DataDir:     n.dir,
		DatabaseURL: n.dbURL,
		Listen:      "127.0.0.1:0",
		Logger:      testLogger(),
	}
	if n.fabricConnection != "" {
		cfg.Ledger, cfg.FabricConnection = LedgerFabric, n.fabricConnection
	}
	if n.configure != nil {
		n.configure(&cfg)
	}
	p, err := Start(context.Background(), cfg)
	require.NoError(n.t, err)
	n.Platform = p
	n.t.Cleanup(func() { _ = p.Close() })
}

// client logs in as username, creating the zone admin account on first use.
func (n *node) client(username string) *apiclient.Client {
	n.t.Helper()
	ctx := context.Background()
	if username == "admin" {
		_, err := accounts.New(n.Pool).CreateUser(ctx, accounts.NewUser{Username: "admin", Password: testPassword, DisplayName: "Zone Admin", Role: accounts.RoleZoneAdmin})
		if err != nil && !errors.Is(err, accounts.ErrUsernameTaken) {
			require.NoError(n.t, err)
		}
	}
	c := apiclient.New(n.URL)
	require.NoError(n.t, c.Login(ctx, username, testPassword))
	return c
}

// staffEnterpriseA registers enterprise A as the zone admin, creates its
// clerk ent-a and the further users (username, displayName, role; password
// testPassword) and returns the admin's client.
func (n *node) staffEnterpriseA(users []map[string]string) *apiclient.Client {
	n.t.Helper()
	ctx := context.Background()
	admin := n.client("admin")
	require.NoError(n.t, admin.Post(ctx, "/api/v1/enterprises", map[string]string{"id": enterpriseA, "name": "昆山咖啡进口有限公司", "kind": "importer"}, nil))
	clerk := map[string]string{"username": "ent-a", "displayName": "A clerk", "role": "enterprise", "enterpriseId": enterpriseA}
	for _, u := range append([]map[string]string{clerk}, users...) {
		u["password"] = testPassword
		require.NoError(n.t, admin.Post(ctx, "/api/v1/users", u, nil))
	}
	return admin
}

// mirrorState is everything an action could have changed: the ledger height
// and a digest of every indexer table.
type mirrorState struct {
	height uint64
	tables map[string]string
}

func (n *node) state() mirrorState { return n.stateFor(n.t) }

// stateFor is state reported to t, for callers such as fuzz targets whose
// node outlives the test that asks.
func (n *node) stateFor(t testing.TB) mirrorState {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	h, err := n.Ledger.Height(ctx)
	require.NoError(t, err)
	require.NoError(t, n.waitIndexed(ctx, h))
	d, err := indexer.TableDigest(ctx, n.Pool)
	require.NoError(t, err)
	return mirrorState{height: h, tables: d}
}

func (n *node) waitIndexed(ctx context.Context, height uint64) error {
	if height == 0 {
		return nil
	}
	return n.Reads.WaitForBlock(ctx, height-1)
}

// refused runs a request that must fail with status and proves it changed
// neither the ledger nor PostgreSQL.
func (n *node) refused(status int, c *apiclient.Client, r apiclient.Request) *apiclient.Error {
	n.t.Helper()
	before := n.state()
	_, err := c.Do(context.Background(), r, nil)
	require.Error(n.t, err, "%s %s should be refused", r.Method, r.Path)
	var apiErr *apiclient.Error
	require.ErrorAs(n.t, err, &apiErr)
	require.Equal(n.t, status, apiErr.Status, "%s %s: %v", r.Method, r.Path, err)
	require.NotEmpty(n.t, apiErr.Code)
	require.NotEmpty(n.t, apiErr.Message)
	require.Equal(n.t, before, n.state(), "%s %s changed the ledger or the mirror", r.Method, r.Path)
	return apiErr
}

func post(path string, body any) apiclient.Request {
	return apiclient.Request{Method: http.MethodPost, Path: path, Body: body}
}

func urlQuery(s string) string { return url.QueryEscape(s) }

// testLogger discards the node's logs unless ZT_TEST_LOG is set, when they
// go to stderr for debugging a failing run.
func testLogger() *slog.Logger {
	if os.Getenv("ZT_TEST_LOG") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}
