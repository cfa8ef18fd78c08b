package fabricledger_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"zonetrace/network/fabricledger"
	"zonetrace/network/ledger"
	"zonetrace/network/ledger/ledgertest"
	"zonetrace/network/pki"
)

// TestLedgerConformance runs the ledger contract's suite on the network
// scripts/test-fabric.sh started, the real chaincode on each fixture's own
// channel; make test runs the same suite on the embedded ledger.
func TestLedgerConformance(t *testing.T) {
	if os.Getenv("ZT_FABRIC_CONNECTION") == "" {
		t.Skip("needs a Fabric network: run make test-fabric (it starts one and sets ZT_FABRIC_CONNECTION; Fabric binaries from FABRIC_BIN or PATH)")
	}
	ledgertest.Run(t, openConformance)
}

func openConformance(t *testing.T, opts ledgertest.Options) *ledgertest.Fixture {
	conn, err := fabricledger.LoadConnection(newChannel(t))
	require.NoError(t, err)
	ca, err := pki.OpenCryptogen(conn.CryptoConfig, filepath.Join(t.TempDir(), "pki"))
	require.NoError(t, err)
	listener, err := ca.Issue(pki.CustomsMSP, "conformance-listener", pki.OUClient)
	require.NoError(t, err)
	cfg := fabricledger.Config{Connection: conn, Listener: listener}
	if opts.NoConflictRetries {
		cfg.MaxConflictRetries = -1
	}
	l, err := fabricledger.Open(context.Background(), cfg)
	require.NoError(t, err)
	current := l
	t.Cleanup(func() { require.NoError(t, current.Close()) })
	return &ledgertest.Fixture{
		Ledger: l,
		Issue: func(t *testing.T, mspID, name, ou string) ledger.Signer {
			id, err := ca.Issue(mspID, name, ou)
			require.NoError(t, err)
			return id
		},
		// A restart is the client's (the node's) restart: the chain lives in
		// the peers, whose own restarts TestFabricPeerAndOrdererFaults covers.
		Restart: func(t *testing.T) ledger.Ledger {
			require.NoError(t, current.Close())
			reopened, err := fabricledger.Open(context.Background(), cfg)
			require.NoError(t, err)
			current = reopened
			return reopened
		},
		Endorser: pki.CustomsMSP,
	}
}

// newChannel creates a channel of its own on the running network (so that
// nothing but the suite writes to it) and returns its connection
// description.
func newChannel(t *testing.T) string {
	t.Helper()
	suffix := make([]byte, 4)
	_, err := rand.Read(suffix)
	require.NoError(t, err)
	channel := "conformance-" + hex.EncodeToString(suffix)
	cmd := exec.CommandContext(t.Context(), "../fabric/channel.sh", channel)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	require.NoError(t, cmd.Run(), "create Fabric channel %s:\n%s", channel, stderr.String())
	return strings.TrimSpace(stdout.String())
}
