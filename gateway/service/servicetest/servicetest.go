// Package servicetest gives service tests what the running node has: the
// gateway's PostgreSQL schema on the shared test server, and the embedded
// ledger running the real chaincode with identities from a dev PKI.
package servicetest

import (
	"context"
	"log/slog"
	"path/filepath"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/contract"
	"zonetrace/gateway/identities"
	"zonetrace/gateway/schema"
	"zonetrace/internal/pgtest"
	"zonetrace/internal/sealing"
	"zonetrace/internal/sealing/sealingtest"
	"zonetrace/network/embedded"
	"zonetrace/network/ledger"
	"zonetrace/network/pki"
)

// Node is a database and a ledger for one test.
type Node struct {
	Pool       *pgxpool.Pool
	Ledger     ledger.Ledger
	Identities *identities.Resolver
	// PKI issued every identity; the ledger trusts what it vouches for.
	PKI *pki.PKI
	// DataDir is a fresh directory for files (attachments).
	DataDir string
	// Sealer holds the database's data keys (attachments are sealed).
	Sealer *sealing.Sealer
}

// New opens a migrated database and an empty embedded ledger, both gone
// after the test.
func New(t *testing.T) *Node {
	t.Helper()
	ctx := context.Background()
	pool := pgtest.NewPool(t)
	require.NoError(t, schema.Migrate(ctx, pool))
	dir := t.TempDir()
	ca, err := pki.Open(filepath.Join(dir, "pki"))
	require.NoError(t, err)
	cc, err := contract.NewChaincode()
	require.NoError(t, err)
	l, err := embedded.Open(ctx, embedded.Config{Dir: filepath.Join(dir, "ledger"), ChannelID: "zonetrace", Chaincode: cc,
		Verifier: ca, Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	t.Cleanup(func() { _ = l.Close() })
	return &Node{Pool: pool, Ledger: l, Identities: identities.New(identities.PKI(ca)), PKI: ca, DataDir: filepath.Join(dir, "data"),
		Sealer: sealingtest.New(t)}
}

// Height is the ledger's height now.
func (n *Node) Height(t *testing.T) uint64 {
	t.Helper()
	h, err := n.Ledger.Height(context.Background())
	require.NoError(t, err)
	return h
}
