package receipts

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/schema"
	"zonetrace/internal/pgtest"
)

const (
	entA = "91320583MA1AAAAA0A"
	entB = "91320583MA1BBBBB0B"
)

// fakeSource stands in for the indexer's read model: receipts in ledger
// order, appended as a test goes.
type fakeSource struct {
	mu    sync.Mutex
	items []Positioned
	block uint64
}

func (f *fakeSource) add(enterpriseID string) model.Receipt {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.block++
	r := model.Receipt{
		ID: fmt.Sprintf("tx%d:HZ20240730AB12CD%02d", f.block, f.block), DocumentID: fmt.Sprintf("HZ20240730AB12CD%02d", f.block),
		Family: model.FamilyChecklist, EnterpriseID: enterpriseID, Status: model.DocumentStatus("approved"), Action: "approve",
		Message: "审核通过", Source: "INV201", TxID: fmt.Sprintf("tx%d", f.block), At: "2024-07-30T11:48:01Z",
	}
	f.items = append(f.items, Positioned{Position: Position{Block: f.block, Index: 1000}, Receipt: r})
	return r
}

func (f *fakeSource) ReceiptsAfter(_ context.Context, after Position, limit int) ([]Positioned, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []Positioned
	for _, p := range f.items {
		if p.Position.Block > after.Block || (p.Position.Block == after.Block && p.Position.Index > after.Index) {
			out = append(out, p)
			if len(out) == limit {
				break
			}
		}
	}
	return out, nil
}

func newStore(t *testing.T) (*Store, *pgxpool.Pool) {
	t.Helper()
	pool := pgtest.NewPool(t)
	require.NoError(t, schema.Migrate(context.Background(), pool))
	key, err := LoadOrCreateKey(t.TempDir() + "/webhook.key")
	require.NoError(t, err)
	sealer, err := NewSealer(key)
	require.NoError(t, err)
	return NewStore(pool, sealer), pool
}
