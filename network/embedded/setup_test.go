package embedded

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"
	"github.com/stretchr/testify/require"

	"zonetrace/network/ledger"
	"zonetrace/network/pki"
)

const testChannel = "zonetrace"

type fixture struct {
	dir      string
	pki      *pki.PKI
	contract *testContract
	cfg      Config
	ledger   *Ledger
	customs  *pki.Identity
}

// setup opens a ledger in a fresh directory; edit may change the config.
func setup(t testing.TB, edit ...func(*Config)) *fixture {
	t.Helper()
	dir := t.TempDir()
	p, err := pki.Open(dir + "/pki")
	require.NoError(t, err)
	contract := &testContract{}
	cc, err := contractapi.NewChaincode(contract)
	require.NoError(t, err)
	cfg := Config{Dir: dir + "/ledger", ChannelID: testChannel, Chaincode: cc, Verifier: p}
	for _, e := range edit {
		e(&cfg)
	}
	l, err := Open(context.Background(), cfg)
	require.NoError(t, err)
	customs, err := p.Issue(pki.CustomsMSP, "officer", pki.OUClient)
	require.NoError(t, err)
	f := &fixture{dir: dir, pki: p, contract: contract, cfg: cfg, ledger: l, customs: customs}
	t.Cleanup(func() { require.NoError(t, f.ledger.Close()) })
	return f
}

// reopen closes the ledger and opens it again on the same directory.
func (f *fixture) reopen(t *testing.T) {
	t.Helper()
	require.NoError(t, f.ledger.Close())
	l, err := Open(context.Background(), f.cfg)
	require.NoError(t, err)
	f.ledger = l
}

// blocks returns every committed block via Listen.
func (f *fixture) blocks(t *testing.T) []ledger.Block {
	t.Helper()
	ctx := context.Background()
	height, err := f.ledger.Height(ctx)
	require.NoError(t, err)
	var out []ledger.Block
	if height == 0 {
		return out
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	err = f.ledger.Listen(ctx, 0, func(b ledger.Block) error {
		out = append(out, b)
		if b.Number == height-1 {
			cancel()
		}
		return nil
	})
	require.ErrorIs(t, err, context.Canceled)
	return out
}

// txByID finds a transaction in blocks.
func txByID(blocks []ledger.Block, id string) (ledger.Transaction, bool) {
	for _, b := range blocks {
		for _, tx := range b.Transactions {
			if tx.ID == id {
				return tx, true
			}
		}
	}
	return ledger.Transaction{}, false
}

// gate pauses the first simulation of one function until released.
type gate struct {
	function string
	taken    atomic.Bool
	reached  chan struct{}
	release  chan struct{}
}

func newGate(function string) *gate {
	return &gate{function: function, reached: make(chan struct{}), release: make(chan struct{})}
}

func (g *gate) pause(function string) {
	if function != g.function {
		return
	}
	// Only the first caller waits; sync.Once would also block the others
	// until the first returns.
	if g.taken.CompareAndSwap(false, true) {
		close(g.reached)
		<-g.release
	}
}
