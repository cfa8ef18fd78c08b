package gateway

import (
	"testing"

	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
	"zonetrace/indexer/query"
)

func TestLineDefaults(t *testing.T) {
	t.Parallel()
	e := setup(t)
	const code, pfID = "CF2501010001X", "PF20250101AAAAAAAA"
	data := completeData()
	data.MaterialNo = "M-0042"
	e.reads.traceCodes[code] = model.TraceCode{Code: code, PrefilingID: pfID, EnterpriseID: entA}
	e.reads.prefilings[pfID] = query.PrefilingView{Prefiling: model.Prefiling{ID: pfID, EnterpriseID: entA, Data: data}}
	a, b, officer := e.login("ent-a"), e.login("ent-b"), e.login("officer")
	url := "/api/v1/trace-codes/" + code + "/line-defaults"
	want := map[string]any{"traceCode": code, "productName": "Yirgacheffe G1", "hsCode": "0901110000", "origin": "ET",
		"materialNo": "M-0042", "unitPriceFen": float64(4500), "currency": "USD"}

	t.Run("the declarant gets the line facts of its prefiling", func(t *testing.T) {
		r := e.do(a, "GET", url, nil, nil)
		require.Equal(t, 200, r.Code, r.Body.String())
		require.Equal(t, want, r.json(t))
	})
	t.Run("customs sees every code", func(t *testing.T) {
		r := e.do(officer, "GET", url, nil, nil)
		require.Equal(t, 200, r.Code, r.Body.String())
		require.Equal(t, want, r.json(t))
	})
	t.Run("another enterprise learns nothing until it holds the batch", func(t *testing.T) {
		require.Equal(t, 404, e.do(b, "GET", url, nil, nil).Code, "as unknown as a code that does not exist")
		e.reads.mu.Lock()
		e.reads.balances = []query.BalanceView{{Balance: model.Balance{TraceCode: code, EnterpriseID: entB, Bonded: true}}}
		e.reads.mu.Unlock()
		require.Equal(t, 404, e.do(b, "GET", url, nil, nil).Code, "a holding emptied out is not holding it")
		e.reads.mu.Lock()
		e.reads.balances[0].WeightGrams = 3_000_000
		e.reads.mu.Unlock()
		r := e.do(b, "GET", url, nil, nil)
		require.Equal(t, 200, r.Code, r.Body.String())
		require.Equal(t, want, r.json(t))
	})
	t.Run("an unknown code is 404", func(t *testing.T) {
		require.Equal(t, 404, e.do(a, "GET", "/api/v1/trace-codes/CF2501019999X/line-defaults", nil, nil).Code)
	})
}

func TestCounterparties(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.reads.mu.Lock()
	for _, id := range []string{entA, entB} {
		ent := e.reads.enterprises[id]
		ent.Status = model.EnterpriseActive
		e.reads.enterprises[id] = ent
	}
	e.reads.enterprises["91320583MA1CCCCC0C"] = model.Enterprise{ID: "91320583MA1CCCCC0C", Name: "丙仓储物流", Status: model.EnterpriseActive, CustomsCode: "3205960001"}
	e.reads.enterprises["91320583MA1EEEEE0E"] = model.Enterprise{ID: "91320583MA1EEEEE0E", Name: "仓储联合有限公司", Status: model.EnterpriseActive}
	e.reads.enterprises["91320583MA1DDDDD0D"] = model.Enterprise{ID: "91320583MA1DDDDD0D", Name: "丁仓储", Status: model.EnterpriseDisabled}
	e.reads.mu.Unlock()
	a := e.login("ent-a")
	search := func(q string) []map[string]any {
		r := e.do(a, "GET", "/api/v1/counterparties?q="+q, nil, nil)
		require.Equal(t, 200, r.Code, r.Body.String())
		out := []map[string]any{}
		for _, it := range r.json(t)["items"].([]any) {
			out = append(out, it.(map[string]any))
		}
		return out
	}

	t.Run("a part of the name finds active enterprises, prefix matches first, id and name only", func(t *testing.T) {
		got := search("仓储")
		require.Equal(t, []map[string]any{
			{"id": "91320583MA1EEEEE0E", "name": "仓储联合有限公司"},
			{"id": "91320583MA1CCCCC0C", "name": "丙仓储物流"},
			{"id": entB, "name": "乙仓储"},
		}, got, "the disabled one is left out; only id and name are shown")
		require.Equal(t, []map[string]any{{"id": "91320583MA1CCCCC0C", "name": "丙仓储物流"}}, search("丙"))
	})
	t.Run("a credit code finds its enterprise, any case", func(t *testing.T) {
		require.Equal(t, []map[string]any{{"id": entB, "name": "乙仓储"}}, search("ma1bbbbb"))
	})
	t.Run("the own enterprise is no counterparty", func(t *testing.T) {
		require.Empty(t, search("甲咖啡"))
	})
}
