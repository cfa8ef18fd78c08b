package main

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"zonetrace/internal/platform"
	"zonetrace/network/pki"
)

// TestDatabaseTLSModes runs against a private PostgreSQL serving TLS with a
// certificate of a dev TLS CA: --db-sslmode verify-full with that CA as
// --db-sslrootcert connects over TLS (rebuild and verify included, the URL's
// own sslmode=disable overridden), and the same mode with another CA is
// refused before any query.
func TestDatabaseTLSModes(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a private PostgreSQL")
	}
	ctx := context.Background()
	cluster := startPrivateCluster(t)
	certDir := t.TempDir()
	ca, err := pki.OpenTLS(filepath.Join(certDir, "ca"))
	require.NoError(t, err)
	certPEM, keyPEM, err := ca.Server("postgres", []string{"127.0.0.1"})
	require.NoError(t, err)
	cluster.serveTLS(certPEM, keyPEM)
	caFile := filepath.Join(certDir, "root.pem")
	require.NoError(t, os.WriteFile(caFile, ca.CACertPEM(), 0o600))
	other, err := pki.OpenTLS(filepath.Join(certDir, "other"))
	require.NoError(t, err)
	otherFile := filepath.Join(certDir, "other.pem")
	require.NoError(t, os.WriteFile(otherFile, other.CACertPEM(), 0o600))

	node := &nodeConfig{DataDir: t.TempDir(), DatabaseURL: cluster.url("zonetrace"), Ledger: "embedded",
		DBSSLMode: "verify-full", DBSSLRootCert: caFile}
	dbURL, err := node.Database()
	require.NoError(t, err)
	conn, err := pgx.Connect(ctx, dbURL)
	require.NoError(t, err)
	var ssl bool
	var version string
	require.NoError(t, conn.QueryRow(ctx, `SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()`).Scan(&ssl, &version))
	require.NoError(t, conn.Close(ctx))
	require.True(t, ssl, "the connection must use TLS")
	require.Contains(t, []string{"TLSv1.2", "TLSv1.3"}, version)

	log := slog.New(slog.DiscardHandler)
	l, _, err := platform.OpenLedger(ctx, node.DataDir, log)
	require.NoError(t, err)
	require.NoError(t, l.Close())
	var out bytes.Buffer
	require.NoError(t, rebuild(ctx, log, node, &out))
	require.NoError(t, verify(ctx, log, node, &out))
	require.Contains(t, out.String(), "verified:")

	node.DBSSLRootCert = otherFile
	wrongURL, err := node.Database()
	require.NoError(t, err)
	_, err = pgx.Connect(ctx, wrongURL)
	require.ErrorContains(t, err, "certificate signed by unknown authority")
	require.Error(t, verify(ctx, log, node, &out))

	node.DBSSLMode = "prefer"
	_, err = node.Database()
	require.ErrorContains(t, err, "want one of")
}

// serveTLS installs the key pair in the cluster and turns TLS on (a reload
// is enough since PostgreSQL 10).
func (c *privateCluster) serveTLS(certPEM, keyPEM []byte) {
	c.t.Helper()
	crt, key := filepath.Join(c.dataDir, "server.crt"), filepath.Join(c.dataDir, "server.key")
	require.NoError(c.t, os.WriteFile(crt, certPEM, 0o644))
	require.NoError(c.t, os.WriteFile(key, keyPEM, 0o600))
	if os.Geteuid() == 0 {
		pg, err := user.Lookup("postgres")
		require.NoError(c.t, err)
		uid, _ := strconv.Atoi(pg.Uid)
		gid, _ := strconv.Atoi(pg.Gid)
		require.NoError(c.t, os.Chown(crt, uid, gid))
		require.NoError(c.t, os.Chown(key, uid, gid))
	}
	conn, err := pgx.Connect(context.Background(), c.url("postgres"))
	require.NoError(c.t, err)
	defer conn.Close(context.Background())
	for _, stmt := range []string{`ALTER SYSTEM SET ssl = on`, `ALTER SYSTEM SET ssl_min_protocol_version = 'TLSv1.2'`, `SELECT pg_reload_conf()`} {
		_, err := conn.Exec(context.Background(), stmt)
		require.NoError(c.t, err)
	}
}
