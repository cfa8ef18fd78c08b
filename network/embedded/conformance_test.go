package embedded

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/contract"
	"zonetrace/network/ledger"
	"zonetrace/network/ledger/ledgertest"
	"zonetrace/network/pki"
)

// TestLedgerConformance runs the ledger contract's suite on the embedded
// ledger with the real chaincode; make test-fabric runs it on Fabric.
func TestLedgerConformance(t *testing.T) {
	ledgertest.Run(t, openConformance)
}

func openConformance(t *testing.T, opts ledgertest.Options) *ledgertest.Fixture {
	dir := t.TempDir()
	ca, err := pki.Open(filepath.Join(dir, "pki"))
	require.NoError(t, err)
	cc, err := contract.NewChaincode()
	require.NoError(t, err)
	cfg := Config{Dir: filepath.Join(dir, "ledger"), ChannelID: testChannel, Chaincode: cc, Verifier: ca}
	if opts.NoConflictRetries {
		cfg.MaxConflictRetries = -1
	}
	l, err := Open(context.Background(), cfg)
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
		Restart: func(t *testing.T) ledger.Ledger {
			require.NoError(t, current.Close())
			reopened, err := Open(context.Background(), cfg)
			require.NoError(t, err)
			current = reopened
			return reopened
		},
	}
}
