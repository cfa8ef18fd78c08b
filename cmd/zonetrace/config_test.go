package main

import (
	"context"
	"flag"
	"log/slog"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"zonetrace/gateway/accounts"
	"zonetrace/internal/apiclient"
	"zonetrace/internal/pgtest"
	"zonetrace/internal/platform"
)

func TestNodeFlags(t *testing.T) {
	t.Parallel()
	parse := func(env map[string]string, args ...string) *nodeConfig {
		flags := flag.NewFlagSet("test", flag.ContinueOnError)
		c := nodeFlags(flags, func(k string) string { return env[k] })
		require.NoError(t, flags.Parse(args))
		return c
	}
	t.Run("defaults", func(t *testing.T) {
		t.Parallel()
		c := parse(nil)
		require.Equal(t, nodeConfig{DataDir: ".data/node", DatabaseURL: "postgres://postgres@127.0.0.1:54329/zonetrace?sslmode=disable",
			Ledger: platform.LedgerEmbedded, FabricConnection: ".data/fabric/connection-zonetrace.json"}, *c)
	})
	t.Run("ZT_PG_PORT sets the default database's port", func(t *testing.T) {
		t.Parallel()
		require.Equal(t, "postgres://postgres@127.0.0.1:6543/zonetrace?sslmode=disable",
			parse(map[string]string{"ZT_PG_PORT": "6543"}).DatabaseURL)
	})
	t.Run("ZT_DB_URL beats ZT_PG_PORT and a flag beats both", func(t *testing.T) {
		t.Parallel()
		env := map[string]string{"ZT_PG_PORT": "6543", "ZT_DB_URL": "postgres://x@db/zt", "ZT_DATA": "/srv/zt",
			"ZT_LEDGER": "fabric", "ZT_FABRIC_CONNECTION": "/srv/conn.json"}
		require.Equal(t, nodeConfig{DataDir: "/srv/zt", DatabaseURL: "postgres://x@db/zt", Ledger: "fabric",
			FabricConnection: "/srv/conn.json"}, *parse(env))
		require.Equal(t, "postgres://y@db/other", parse(env, "--db", "postgres://y@db/other").DatabaseURL)
		require.Equal(t, "/elsewhere", parse(env, "--data", "/elsewhere").DataDir)
	})
	t.Run("the database TLS settings replace the URL's", func(t *testing.T) {
		t.Parallel()
		c := parse(map[string]string{"ZT_DB_SSLMODE": "verify-full"}, "--db-sslrootcert", "/etc/zt/db-ca.pem")
		u, err := c.Database()
		require.NoError(t, err)
		require.Equal(t, "postgres://postgres@127.0.0.1:54329/zonetrace?sslmode=verify-full&sslrootcert=%2Fetc%2Fzt%2Fdb-ca.pem", u)
		u, err = parse(nil).Database()
		require.NoError(t, err)
		require.Equal(t, "postgres://postgres@127.0.0.1:54329/zonetrace?sslmode=disable", u, "nothing set keeps the URL")
		_, err = parse(nil, "--db", "host=db dbname=zt", "--db-sslmode", "require").Database()
		require.ErrorContains(t, err, "postgres:// URL")
	})
}

// TestVerifyAndRebuildReadRunConfig is the finding "verify and rebuild ignore
// ZT_PG_PORT and do not read the same configuration as run": both commands,
// given no flags, find the node through the environment run reads.
func TestVerifyAndRebuildReadRunConfig(t *testing.T) {
	ctx := t.Context()
	log := slog.New(slog.DiscardHandler)
	dataDir := t.TempDir()
	p, err := platform.Start(ctx, platform.Config{DataDir: dataDir, DatabaseURL: pgtest.NewDatabase(t), Listen: "127.0.0.1:0", Logger: log})
	require.NoError(t, err)
	_, err = accounts.New(p.Pool).CreateUser(ctx, accounts.NewUser{Username: "admin", Password: demoPassword, DisplayName: "管理员", Role: accounts.RoleZoneAdmin})
	require.NoError(t, err)
	admin := apiclient.New(p.URL)
	require.NoError(t, admin.Login(ctx, "admin", demoPassword))
	require.NoError(t, admin.Post(ctx, "/api/v1/enterprises", map[string]string{"id": demoEnterpriseA, "name": "昆山咖啡进口有限公司", "kind": "importer"}, nil))
	require.NoError(t, p.Close())

	t.Setenv("ZT_DATA", dataDir)
	t.Run("ZT_PG_PORT is honoured", func(t *testing.T) {
		t.Setenv("ZT_DB_URL", "")
		t.Setenv("ZT_PG_PORT", "1")
		quick, cancel := context.WithTimeout(ctx, 60*time.Second)
		defer cancel()
		err := verifyCommand(quick, log, nil)
		require.ErrorContains(t, err, "127.0.0.1:1")
		err = rebuildCommand(quick, log, nil)
		require.ErrorContains(t, err, "127.0.0.1:1")
	})
	t.Run("rebuild then verify the database ZT_DB_URL names", func(t *testing.T) {
		mirrorURL := pgtest.NewDatabase(t)
		t.Setenv("ZT_DB_URL", mirrorURL)
		require.NoError(t, rebuildCommand(ctx, log, nil))
		pool, err := pgxpool.New(ctx, mirrorURL)
		require.NoError(t, err)
		defer pool.Close()
		var enterprises int
		require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM enterprises WHERE id = $1`, demoEnterpriseA).Scan(&enterprises))
		require.Equal(t, 1, enterprises, "rebuild wrote to the database of ZT_DB_URL from the ledger in ZT_DATA")
		require.NoError(t, verifyCommand(ctx, log, nil))
	})
}

func TestFirstPasswordPassesThePolicy(t *testing.T) {
	for range 200 {
		p, err := firstPassword()
		require.NoError(t, err)
		msg, _ := accounts.CheckPassword(p, "admin")
		require.Empty(t, msg, "first password %q", p)
	}
}
