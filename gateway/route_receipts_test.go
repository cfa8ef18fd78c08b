package gateway

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
	"zonetrace/indexer/query"
)

func (r *fakeReads) Receipts(_ context.Context, f query.ReceiptFilter) (query.ReceiptPage, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var match []model.Receipt
	for i := len(r.receipts) - 1; i >= 0; i-- { // newest first
		rc := r.receipts[i].Receipt
		if (f.EnterpriseID == "" || rc.EnterpriseID == f.EnterpriseID) && (f.DocumentID == "" || rc.DocumentID == f.DocumentID) {
			match = append(match, rc)
		}
	}
	page := query.ReceiptPage{Items: []model.Receipt{}, Total: len(match), Page: f.Page, PageSize: f.PageSize}
	if from := (f.Page - 1) * f.PageSize; from < len(match) {
		page.Items = match[from:min(from+f.PageSize, len(match))]
	}
	return page, nil
}

func (r *fakeReads) ReceiptsAfter(_ context.Context, after query.ReceiptPosition, limit int) ([]query.PositionedReceipt, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []query.PositionedReceipt
	for _, p := range r.receipts {
		if (p.Position.Block > after.Block || p.Position.Block == after.Block && p.Position.Index > after.Index) && len(out) < limit {
			out = append(out, p)
		}
	}
	return out, nil
}

// addReceipt mirrors a receipt as the indexer would.
func (e *env) addReceipt(enterpriseID, documentID string) model.Receipt {
	e.reads.mu.Lock()
	defer e.reads.mu.Unlock()
	n := len(e.reads.receipts) + 1
	rc := model.Receipt{ID: fmt.Sprintf("tx%d:%s", n, documentID), DocumentID: documentID, Family: model.FamilyChecklist,
		EnterpriseID: enterpriseID, Status: model.DocApproved, Action: model.DocActionApprove, Message: "审核通过", Source: "INV201",
		TxID: fmt.Sprintf("tx%d", n), At: "2024-07-30T11:48:01Z"}
	e.reads.receipts = append(e.reads.receipts, query.PositionedReceipt{Position: query.ReceiptPosition{Block: uint64(n), Index: 0}, Receipt: rc})
	return rc
}

func TestReceipts(t *testing.T) {
	t.Parallel()
	e := setup(t)
	a, b := e.login("ent-a"), e.login("ent-b")
	r1 := e.addReceipt(entA, "HZ20240730AB12CD34")
	r2 := e.addReceipt(entA, "HZ20240730AB12CD34")
	r3 := e.addReceipt(entA, "JB20240802QW12ER34")
	rb := e.addReceipt(entB, "KK20240805ZX98CV76")

	t.Run("an enterprise lists its own receipts newest first, all unread", func(t *testing.T) {
		r := e.do(a, "GET", "/api/v1/receipts", nil, nil)
		require.Equal(t, 200, r.Code, r.Body.String())
		m := r.json(t)
		require.EqualValues(t, 3, m["total"])
		items := m["items"].([]any)
		require.Equal(t, r3.ID, items[0].(map[string]any)["id"])
		require.Equal(t, false, items[0].(map[string]any)["read"])
	})
	t.Run("marking a receipt read shows in the list and the unread filter", func(t *testing.T) {
		r := e.do(a, "POST", "/api/v1/receipts/"+r2.ID+"/read", nil, nil)
		require.Equal(t, 200, r.Code, r.Body.String())
		require.Equal(t, true, r.json(t)["read"])

		r = e.do(a, "GET", "/api/v1/receipts?unread=true&pageSize=1&page=2", nil, nil)
		require.Equal(t, 200, r.Code, r.Body.String())
		m := r.json(t)
		require.EqualValues(t, 2, m["total"])
		require.Equal(t, r1.ID, m["items"].([]any)[0].(map[string]any)["id"])

		r = e.do(a, "GET", "/api/v1/receipts?documentId=HZ20240730AB12CD34", nil, nil)
		items := r.json(t)["items"].([]any)
		require.Len(t, items, 2)
		require.Equal(t, true, items[0].(map[string]any)["read"])
		require.Equal(t, false, items[1].(map[string]any)["read"])
	})
	t.Run("another enterprise's receipt cannot be marked", func(t *testing.T) {
		r := e.do(a, "POST", "/api/v1/receipts/"+rb.ID+"/read", nil, nil)
		require.Equal(t, 404, r.Code, r.Body.String())
		r = e.do(b, "GET", "/api/v1/receipts", nil, nil)
		require.EqualValues(t, 1, r.json(t)["total"])
	})
	t.Run("a bad unread flag is refused", func(t *testing.T) {
		r := e.do(a, "GET", "/api/v1/receipts?unread=yes", nil, nil)
		require.Equal(t, 400, r.Code)
	})
	t.Run("customs do not read enterprises' receipt inboxes", func(t *testing.T) {
		r := e.do(e.login("officer"), "GET", "/api/v1/receipts", nil, nil)
		require.Equal(t, 403, r.Code)
	})
}
