package gateway

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
	"zonetrace/indexer/query"
)

// TraceHistory of the fake knows the trace code and nothing more; the
// history's content is tested on the real chain in service/traces.
func (r *fakeReads) TraceHistory(_ context.Context, code string) (query.TraceHistory, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	tc, ok := r.traceCodes[code]
	if !ok {
		return query.TraceHistory{}, query.ErrNotFound
	}
	return query.TraceHistory{TraceCode: tc, Documents: []query.DocumentView{}, Movements: []model.Movement{},
		GateEvents: []query.GateEvent{}, Holders: []query.TraceHolder{}, Path: []string{}, Enterprises: map[string]string{}}, nil
}

// SearchTraces of the fake answers with the filter it was given in the
// page's only item's trace code (HolderID|PartyID), so tests see the scope.
func (r *fakeReads) SearchTraces(_ context.Context, f query.TraceFilter) (query.TracePage, error) {
	return query.TracePage{Items: []query.TraceSummary{{TraceCode: model.TraceCode{Code: f.HolderID + "|" + f.PartyID},
		Tags: []string{}}}, Total: 1, Page: f.Page, PageSize: f.PageSize}, nil
}

func TestTraceRoutes(t *testing.T) {
	t.Parallel()
	e := setup(t)
	const code = "CF2501010002X"
	e.reads.traceCodes[code] = model.TraceCode{Code: code, PrefilingID: "PF20250101BBBBBBBB", EnterpriseID: entA}
	a, b := e.login("ent-a"), e.login("ent-b")

	t.Run("the issuer reads the history, another enterprise is forbidden", func(t *testing.T) {
		r := e.do(a, "GET", "/api/v1/trace-codes/"+code+"/history", nil, nil)
		require.Equal(t, 200, r.Code)
		require.Equal(t, code, r.json(t)["traceCode"].(map[string]any)["code"])
		require.Equal(t, 403, e.do(b, "GET", "/api/v1/trace-codes/"+code+"/history", nil, nil).Code)
		require.Equal(t, 404, e.do(a, "GET", "/api/v1/trace-codes/CF2501010009X/history", nil, nil).Code)
	})
	t.Run("an unknown view is 422", func(t *testing.T) {
		require.Equal(t, 422, e.do(a, "GET", "/api/v1/trace-codes/"+code+"/history?view=teleport", nil, nil).Code)
		require.Equal(t, 200, e.do(a, "GET", "/api/v1/trace-codes/"+code+"/history?view=transfers", nil, nil).Code)
	})
	t.Run("an enterprise's search is scoped to itself", func(t *testing.T) {
		r := e.do(b, "GET", "/api/v1/traces?grade=G1&highRisk=true&nearExpiryDays=30&since=2025-01-01", nil, nil)
		require.Equal(t, 200, r.Code)
		item := r.json(t)["items"].([]any)[0].(map[string]any)
		require.Equal(t, entB+"|"+entB, item["traceCode"].(map[string]any)["code"])
	})
	t.Run("bad parameters name their field", func(t *testing.T) {
		for _, q := range []string{"highRisk=maybe", "nearExpiryDays=soon", "minPriceFen=-1", "since=yesterday", "pageSize=0"} {
			r := e.do(a, "GET", "/api/v1/traces?"+q, nil, nil)
			require.Equal(t, 422, r.Code, q)
		}
	})
}
