package gateway

import (
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
	"zonetrace/chaincode/tracecode"
	"zonetrace/indexer/query"
	"zonetrace/network/ledger"
)

func testTraceCode(t testing.TB, seq int) string {
	t.Helper()
	c, err := tracecode.Compose("CF", time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), seq)
	require.NoError(t, err)
	return c
}

func docLine(t testing.TB, seq int) model.DocumentLine {
	return model.DocumentLine{TraceCode: testTraceCode(t, seq), ProductName: "Yirgacheffe G1", HSCode: "0901110000", Origin: "ET",
		WeightGrams: 1_000_000, UnitPriceFen: 4500, ValueFen: 4_500_000, Currency: "USD", Packages: 16}
}

// transferOut is a complete bonded transfer out draft from A to B.
func transferOut(t testing.TB, lines ...model.DocumentLine) map[string]any {
	return map[string]any{"family": "bonded_transfer", "businessType": "out",
		"head":  model.DocumentHead{CounterpartyID: entB, AccountBookNo: "T2301W000001"},
		"lines": lines}
}

// echoDocuments makes the fake chaincode answer DeclareDocument like the
// real one (as enterprise A), and GetDocument find what was declared; the
// declared documents appear in the fake read model as the indexer would
// mirror them.
func (e *env) echoDocuments() {
	var mu sync.Mutex
	declared := map[string][]byte{}
	e.ledger.on["DeclareDocument"] = func(args []string) ([]byte, error) {
		mu.Lock()
		defer mu.Unlock()
		var d model.Document
		if err := json.Unmarshal([]byte(args[1]), &d); err != nil {
			return nil, err
		}
		if _, ok := declared[d.ID]; ok {
			return nil, &ledger.ChaincodeError{Message: "CONFLICT: document " + d.ID + " already exists"}
		}
		d.EnterpriseID, d.Status, d.Version, d.Tags, d.Receipts = entA, model.DocDeclared, 1, []model.Tag{}, []string{}
		p, err := json.Marshal(d)
		declared[d.ID] = p
		e.reads.mu.Lock()
		e.reads.documents[d.ID] = query.DocumentView{Document: d, EnterpriseName: e.reads.enterprises[entA].Name}
		e.reads.mu.Unlock()
		return p, err
	}
	e.ledger.eval["GetDocument"] = func(args []string) ([]byte, error) {
		mu.Lock()
		defer mu.Unlock()
		if p, ok := declared[args[0]]; ok {
			return p, nil
		}
		return nil, &ledger.ChaincodeError{Message: "NOT_FOUND: document " + args[0] + " not found"}
	}
}

func TestDocumentDrafts(t *testing.T) {
	t.Parallel()
	e := setup(t)
	a, b := e.login("ent-a"), e.login("ent-b")

	incomplete := docLine(t, 1)
	incomplete.TraceCode = ""
	r := e.do(a, "POST", "/api/v1/document-drafts", transferOut(t, incomplete, docLine(t, 2)), nil)
	require.Equal(t, 201, r.Code, r.Body.String())
	draft := r.json(t)
	id := draft["id"].(string)
	require.Equal(t, entA, draft["enterpriseId"])
	require.EqualValues(t, 1, draft["missingTraceCodes"])
	require.Equal(t, "lines[0].traceCode", draft["warnings"].([]any)[0].(map[string]any)["field"], "a temp-save may be incomplete")

	t.Run("the templates list one per family and business type", func(t *testing.T) {
		r := e.do(a, "GET", "/api/v1/document-templates", nil, nil)
		require.Equal(t, 200, r.Code)
		items := r.json(t)["items"].([]any)
		require.Len(t, items, 15)
		first := items[0].(map[string]any)
		require.Equal(t, "集报入库单", first["nameZh"])
		require.Equal(t, "in", first["movesStock"])
	})
	t.Run("another enterprise gets 404 and customs 403", func(t *testing.T) {
		require.Equal(t, 404, e.do(b, "GET", "/api/v1/document-drafts/"+id, nil, nil).Code)
		require.Equal(t, 404, e.do(b, "DELETE", "/api/v1/document-drafts/"+id, nil, nil).Code)
		require.Equal(t, 403, e.do(e.login("officer"), "GET", "/api/v1/document-drafts", nil, nil).Code)
	})
	t.Run("an impossible draft is refused and a malformed one is 400", func(t *testing.T) {
		bad := transferOut(t)
		bad["businessType"] = "entry"
		r := e.do(a, "POST", "/api/v1/document-drafts", bad, nil)
		require.Equal(t, 422, r.Code)
		require.Contains(t, r.Body.String(), `"field":"businessType"`)
		r = e.do(a, "PUT", "/api/v1/document-drafts/"+id, `{"family":"checklist","lines":[{"weightGrams":"heavy"}]}`, nil)
		require.Equal(t, 400, r.Code)
	})
	t.Run("the list filters", func(t *testing.T) {
		other := map[string]any{"family": "checklist", "businessType": "entry", "lines": []model.DocumentLine{docLine(t, 3)}}
		require.Equal(t, 201, e.do(a, "POST", "/api/v1/document-drafts", other, nil).Code)
		cases := []struct {
			name, query string
			total       int
		}{
			{"without filters both", "", 2},
			{"by family", "?family=checklist", 1},
			{"by business type", "?businessType=out", 1},
			{"by missing trace code", "?missingTraceCode=true", 1},
			{"by undeclared", "?declared=false", 2},
			{"by declared", "?declared=true", 0},
			{"by trace code text", "?q=" + testTraceCode(t, 3), 1},
		}
		for _, tc := range cases {
			r := e.do(a, "GET", "/api/v1/document-drafts"+tc.query, nil, nil)
			require.Equal(t, 200, r.Code, tc.name)
			require.Equal(t, tc.total, int(r.json(t)["total"].(float64)), tc.name)
		}
		require.Equal(t, 400, e.do(a, "GET", "/api/v1/document-drafts?declared=maybe", nil, nil).Code)
		require.Equal(t, 422, e.do(a, "GET", "/api/v1/document-drafts?family=invoice", nil, nil).Code)
	})
	t.Run("a copy drops the trace codes", func(t *testing.T) {
		r := e.do(a, "POST", "/api/v1/document-drafts/"+id+"/copy", nil, nil)
		require.Equal(t, 201, r.Code)
		c := r.json(t)
		require.NotEqual(t, id, c["id"])
		require.EqualValues(t, 2, c["missingTraceCodes"])
		require.Equal(t, "Yirgacheffe G1", c["lines"].([]any)[1].(map[string]any)["productName"])
		require.Equal(t, 204, e.do(a, "DELETE", "/api/v1/document-drafts/"+c["id"].(string), nil, nil).Code)
		require.Equal(t, 404, e.do(a, "GET", "/api/v1/document-drafts/"+c["id"].(string), nil, nil).Code)
	})
	t.Run("an edit replaces the draft", func(t *testing.T) {
		r := e.do(a, "PUT", "/api/v1/document-drafts/"+id, transferOut(t, docLine(t, 1), docLine(t, 2)), nil)
		require.Equal(t, 200, r.Code, r.Body.String())
		require.Empty(t, r.json(t)["warnings"])
		require.Zero(t, r.json(t)["missingTraceCodes"])
	})
}

func TestPickableLines(t *testing.T) {
	t.Parallel()
	e := setup(t)
	a := e.login("ent-a")
	code := testTraceCode(t, 7)
	r := e.do(a, "POST", "/api/v1/document-drafts", map[string]any{"family": "checklist", "businessType": "entry",
		"lines": []model.DocumentLine{docLine(t, 7), docLine(t, 8)}}, nil)
	require.Equal(t, 201, r.Code)
	e.reads.documents["HZ20260301AAAAAAAA"] = query.DocumentView{Document: model.Document{ID: "HZ20260301AAAAAAAA",
		Family: model.FamilyChecklist, BusinessType: model.BusinessEntry, EnterpriseID: entA, Status: model.DocEffective,
		Lines: []model.DocumentLine{docLine(t, 7)}}}
	e.reads.documents["HZ20260301BBBBBBBB"] = query.DocumentView{Document: model.Document{ID: "HZ20260301BBBBBBBB",
		Family: model.FamilyChecklist, BusinessType: model.BusinessEntry, EnterpriseID: entB, Status: model.DocEffective,
		Lines: []model.DocumentLine{docLine(t, 7)}}}
	e.reads.balances = []query.BalanceView{
		{Balance: model.Balance{TraceCode: code, EnterpriseID: entA, Bonded: true, WeightGrams: 1_000_000, ReservedGrams: 250_000}},
		{Balance: model.Balance{TraceCode: code, EnterpriseID: entA, Bonded: false, WeightGrams: 40_000}},
		{Balance: model.Balance{TraceCode: code, EnterpriseID: entB, Bonded: true, WeightGrams: 9_000_000}},
	}

	get := func(query string) []map[string]any {
		r := e.do(a, "GET", "/api/v1/document-drafts/pickable-lines"+query, nil, nil)
		require.Equal(t, 200, r.Code, r.Body.String())
		var out []map[string]any
		for _, it := range r.json(t)["items"].([]any) {
			out = append(out, it.(map[string]any))
		}
		return out
	}
	t.Run("a batch on a draft and a document is listed once per holding with what is left", func(t *testing.T) {
		// Before, every line naming the batch was a row: the draft's and
		// the document's, both showing the same figure.
		items := get("?traceCode=" + code)
		require.Len(t, items, 2, "A's bonded and non-bonded holdings; B's is not A's to pick")
		require.Equal(t, true, items[0]["bonded"])
		require.EqualValues(t, 750_000, items[0]["availableGrams"], "weight less reserved, A's own")
		require.Equal(t, false, items[1]["bonded"])
		require.EqualValues(t, 40_000, items[1]["availableGrams"])
		require.Equal(t, "Yirgacheffe G1", items[0]["productName"], "product facts from A's document")
	})
	t.Run("a bonded target picks the bonded holding only", func(t *testing.T) {
		items := get("?family=checklist&businessType=exit&traceCode=" + code)
		require.Len(t, items, 1)
		require.EqualValues(t, 750_000, items[0]["availableGrams"])
	})
	t.Run("a non-bonded target shows the non-bonded stock", func(t *testing.T) {
		items := get("?family=nonbonded_application&businessType=exit&traceCode=" + code)
		require.Len(t, items, 1)
		require.EqualValues(t, 40_000, items[0]["availableGrams"])
	})
	t.Run("q matches the product name and a bad template is refused", func(t *testing.T) {
		require.Len(t, get("?q=yirga"), 2)
		require.Empty(t, get("?q=robusta"))
		require.Equal(t, 400, e.do(a, "GET", "/api/v1/document-drafts/pickable-lines?family=checklist&businessType=in", nil, nil).Code)
	})
}
