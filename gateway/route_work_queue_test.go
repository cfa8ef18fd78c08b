package gateway

import (
	"bytes"
	"context"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/service/exports"
	"zonetrace/indexer/query"
)

// The fake mirror's queue holds its declared prefilings; the queue's SQL is
// tested on PostgreSQL in indexer/query and gateway/service/workqueue.
func (r *fakeReads) WorkQueue(_ context.Context, f query.QueueFilter) (query.QueuePage, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	page := query.QueuePage{Items: []query.QueueItem{}, Page: f.Page, PageSize: f.PageSize}
	for _, p := range r.prefilings {
		if p.Status == model.PrefilingDeclared {
			page.Items = append(page.Items, query.QueueItem{Kind: query.QueuePrefiling, ID: p.ID, EnterpriseID: p.EnterpriseID})
		}
	}
	page.Total = len(page.Items)
	return page, nil
}

func (r *fakeReads) WorkQueueCounts(ctx context.Context) (query.QueueCounts, error) {
	p, err := r.WorkQueue(ctx, query.QueueFilter{})
	counts := query.QueueCounts{}
	for _, k := range query.QueueKinds {
		counts[k] = 0
	}
	counts[query.QueuePrefiling] = p.Total
	return counts, err
}

func (r *fakeReads) EnterpriseCounts(ctx context.Context, enterpriseID string) (query.EnterpriseCounts, error) {
	incoming, err := r.IncomingTransfers(ctx, enterpriseID)
	if err != nil {
		return query.EnterpriseCounts{}, err
	}
	page, err := r.Receipts(ctx, query.ReceiptFilter{EnterpriseID: enterpriseID, Page: 1, PageSize: 1})
	return query.EnterpriseCounts{Receipts: page.Total, IncomingTransfers: len(incoming)}, err
}

func TestWorkQueueRoutes(t *testing.T) {
	t.Parallel()
	e := setup(t)
	officer, a, admin := e.login("officer"), e.login("ent-a"), e.login("admin")
	e.reads.prefilings["PF1"] = query.PrefilingView{Prefiling: model.Prefiling{ID: "PF1", EnterpriseID: entA, Status: model.PrefilingDeclared}}
	e.reads.prefilings["PF2"] = query.PrefilingView{Prefiling: model.Prefiling{ID: "PF2", EnterpriseID: entA, Status: model.PrefilingApproved}}

	t.Run("customs lists the queue", func(t *testing.T) {
		r := e.do(officer, "GET", "/api/v1/work-queue?kind=prefiling,deletion&pageSize=5", nil, nil)
		require.Equal(t, 200, r.Code, r.Body.String())
		m := r.json(t)
		require.EqualValues(t, 1, m["total"])
		require.EqualValues(t, 5, m["pageSize"])
		require.Equal(t, "PF1", m["items"].([]any)[0].(map[string]any)["id"])
	})
	t.Run("an unknown kind is refused on field kind", func(t *testing.T) {
		r := e.do(officer, "GET", "/api/v1/work-queue?kind=prefiling,bogus", nil, nil)
		require.Equal(t, 422, r.Code, r.Body.String())
		require.Equal(t, "VALIDATION_FAILED", r.code(t))
		details := r.json(t)["error"].(map[string]any)["details"].([]any)
		require.Equal(t, "kind", details[0].(map[string]any)["field"])
	})
	t.Run("counts name every kind", func(t *testing.T) {
		r := e.do(officer, "GET", "/api/v1/work-queue/counts", nil, nil)
		require.Equal(t, 200, r.Code, r.Body.String())
		m := r.json(t)
		require.EqualValues(t, 1, m["total"])
		require.Len(t, m["kinds"], len(query.QueueKinds))
	})
	t.Run("the queue is customs' only", func(t *testing.T) {
		require.Equal(t, 403, e.do(a, "GET", "/api/v1/work-queue", nil, nil).Code)
		require.Equal(t, 403, e.do(admin, "GET", "/api/v1/work-queue/counts", nil, nil).Code)
	})
	t.Run("customs' badges are the queue counts", func(t *testing.T) {
		r := e.do(officer, "GET", "/api/v1/badges", nil, nil)
		require.Equal(t, 200, r.Code, r.Body.String())
		m := r.json(t)
		require.EqualValues(t, 1, m["workQueue"].(map[string]any)["total"])
		require.EqualValues(t, 0, m["unreadReceipts"])
	})
	t.Run("an enterprise's badges count unread receipts and incoming transfers", func(t *testing.T) {
		r1 := e.addReceipt(entA, "HZ20240730AB12CD34")
		e.addReceipt(entA, "HZ20240730AB12CD34")
		e.addReceipt(entB, "KK20240805ZX98CV76")
		e.reads.documents["BL1"] = query.DocumentView{Document: model.Document{ID: "BL1", Family: model.FamilyBondedTransfer,
			BusinessType: model.BusinessOut, EnterpriseID: entB, Status: model.DocApproved, Head: model.DocumentHead{CounterpartyID: entA}}}
		r := e.do(a, "GET", "/api/v1/badges", nil, nil)
		require.Equal(t, 200, r.Code, r.Body.String())
		require.Equal(t, map[string]any{"unreadReceipts": 2.0, "incomingTransfers": 1.0}, r.json(t))

		require.Equal(t, 200, e.do(a, "POST", "/api/v1/receipts/"+r1.ID+"/read", nil, nil).Code)
		require.Equal(t, 200, e.do(a, "POST", "/api/v1/receipts/"+r1.ID+"/read", nil, nil).Code, "marked twice, counted once")
		r = e.do(a, "GET", "/api/v1/badges", nil, nil)
		require.Equal(t, map[string]any{"unreadReceipts": 1.0, "incomingTransfers": 1.0}, r.json(t))
	})
	t.Run("others get zero badges", func(t *testing.T) {
		r := e.do(admin, "GET", "/api/v1/badges", nil, nil)
		require.Equal(t, 200, r.Code, r.Body.String())
		require.Equal(t, map[string]any{"unreadReceipts": 0.0, "incomingTransfers": 0.0}, r.json(t))
	})
	t.Run("the document list exports to Excel", func(t *testing.T) {
		r := e.do(officer, "GET", "/api/v1/documents/export.xlsx", nil, nil)
		require.Equal(t, 200, r.Code, r.Body.String())
		require.Equal(t, xlsxType, r.Header().Get("Content-Type"))
		f, err := excelize.OpenReader(bytes.NewReader(r.Body.Bytes()))
		require.NoError(t, err)
		rows, err := f.GetRows(exports.DocumentsSheet)
		require.NoError(t, err)
		require.Len(t, rows, 2)
		require.Equal(t, "BL1", rows[1][0])
	})
	t.Run("the prefiling list exports to Excel, an enterprise its own", func(t *testing.T) {
		e.reads.prefilings["PF3"] = query.PrefilingView{Prefiling: model.Prefiling{ID: "PF3", EnterpriseID: entB, Status: model.PrefilingDeclared}}
		r := e.do(a, "GET", "/api/v1/prefilings/export.xlsx", nil, nil)
		require.Equal(t, 200, r.Code, r.Body.String())
		f, err := excelize.OpenReader(bytes.NewReader(r.Body.Bytes()))
		require.NoError(t, err)
		rows, err := f.GetRows(exports.PrefilingsSheet)
		require.NoError(t, err)
		var ids []string
		for _, row := range rows[1:] {
			ids = append(ids, row[0])
		}
		require.ElementsMatch(t, []string{"PF1", "PF2"}, ids)
	})
}
