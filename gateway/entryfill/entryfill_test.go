package entryfill_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/entryfill"
	"zonetrace/gateway/schema"
	"zonetrace/gateway/validation"
	"zonetrace/indexer/query"
	"zonetrace/internal/pgtest"
)

// reads is a read model of a fixed list of receipts.
type reads struct{ receipts []query.PositionedReceipt }

func (r *reads) ReceiptsAfter(_ context.Context, after query.ReceiptPosition, limit int) ([]query.PositionedReceipt, error) {
	var out []query.PositionedReceipt
	for _, p := range r.receipts {
		if (p.Position.Block > after.Block || p.Position.Block == after.Block && p.Position.Index > after.Index) && len(out) < limit {
			out = append(out, p)
		}
	}
	return out, nil
}

func (r *reads) Prefiling(_ context.Context, id string) (query.PrefilingView, error) {
	return query.PrefilingView{Prefiling: model.Prefiling{ID: id, TraceCode: "code-of-" + id}}, nil
}

// drafts records the fills and fails those it is told to.
type drafts struct {
	filled []string
	fail   map[string]error
}

func (d *drafts) FillEntry(_ context.Context, p model.Prefiling) (string, int, error) {
	if err := d.fail[p.ID]; err != nil {
		return "", 0, err
	}
	d.filled = append(d.filled, p.ID)
	return "filled", 1, nil
}

func receipt(block uint64, index int, family model.Family, action, id string) query.PositionedReceipt {
	return query.PositionedReceipt{Position: query.ReceiptPosition{Block: block, Index: index},
		Receipt: model.Receipt{ID: id + ":" + action, DocumentID: id, Family: family, Action: action}}
}

// TestFollower: only prefiling approvals are filled, each once; a failed
// fill is retried from where it failed; a fill the draft checks refuse is
// passed.
func TestFollower(t *testing.T) {
	ctx := context.Background()
	pool := pgtest.NewPool(t)
	require.NoError(t, schema.Migrate(ctx, pool))
	r := &reads{receipts: []query.PositionedReceipt{
		receipt(1, 0, model.ReceiptFamilyPrefiling, model.ActionApprove, "PF1"),
		receipt(1, 1000, model.ReceiptFamilyPrefiling, model.ActionReturn, "PF2"),
		receipt(2, 0, model.FamilyChecklist, model.ActionApprove, "HZ1"),
		receipt(3, 0, model.ReceiptFamilyPrefiling, model.ActionSupplementApprove, "PF1"),
		receipt(3, 1000, model.ReceiptFamilyPrefiling, model.ActionApprove, "PF3"),
		receipt(4, 0, model.ReceiptFamilyPrefiling, model.ActionApprove, "PF4"),
		receipt(5, 0, model.ReceiptFamilyPrefiling, model.ActionApprove, "PF5"),
	}}
	d := &drafts{fail: map[string]error{
		"PF4": errors.New("database away"),
		"PF3": validation.Problems{{Field: "lines[0].hsCode", Rule: model.RuleInvalid}},
	}}
	f := entryfill.New(pool, r, d, nil)

	n, err := f.FillDue(ctx)
	require.ErrorContains(t, err, "database away")
	require.Equal(t, 2, n, "PF1 filled, PF3 passed")
	require.Equal(t, []string{"PF1"}, d.filled)

	delete(d.fail, "PF4")
	n, err = f.FillDue(ctx)
	require.NoError(t, err)
	require.Equal(t, 2, n, "PF4 again, then PF5")
	require.Equal(t, []string{"PF1", "PF4", "PF5"}, d.filled, "PF3 is passed, PF1 not filled twice")

	again := entryfill.New(pool, r, d, nil) // a restarted node
	n, err = again.FillDue(ctx)
	require.NoError(t, err)
	require.Zero(t, n)
}
