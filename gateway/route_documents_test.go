package gateway

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
	"zonetrace/indexer/query"
	"zonetrace/network/ledger"
)

const outLeg = "BL20260301OUTLEG01"

// seedTransfer puts an approved bonded transfer A→B into the read model
// and lets GetDocument find it.
func (e *env) seedTransfer(t *testing.T) model.Document {
	d := model.Document{ID: outLeg, Family: model.FamilyBondedTransfer, BusinessType: model.BusinessOut, EnterpriseID: entA,
		Status: model.DocApproved, Head: model.DocumentHead{CounterpartyID: entB, AccountBookNo: "T2301W000001", SupervisionMode: "1200"},
		Lines: []model.DocumentLine{docLine(t, 1), docLine(t, 2)}, Tags: []model.Tag{}, Receipts: []string{}}
	d.Lines[0].Seq, d.Lines[1].Seq = 1, 2
	e.reads.documents[d.ID] = query.DocumentView{Document: d, EnterpriseName: "甲咖啡进口有限公司", CounterpartyName: "乙仓储"}
	e.reads.movements[d.ID] = []model.Movement{{ID: "tx9:" + d.ID + ":1", Kind: model.MoveTransfer, DocumentID: d.ID, LineSeq: 1,
		TraceCode: d.Lines[0].TraceCode, WeightGrams: d.Lines[0].WeightGrams}}
	e.reads.documents["HZ20260301OTHER001"] = query.DocumentView{Document: model.Document{ID: "HZ20260301OTHER001",
		Family: model.FamilyChecklist, BusinessType: model.BusinessEntry, EnterpriseID: entB, Status: model.DocDeclared}}
	raw, err := json.Marshal(d)
	require.NoError(t, err)
	e.ledger.eval["GetDocument"] = func([]string) ([]byte, error) { return raw, nil }
	return d
}

func TestDocuments(t *testing.T) {
	t.Parallel()
	e := setup(t)
	out := e.seedTransfer(t)
	a, b, officer, admin := e.login("ent-a"), e.login("ent-b"), e.login("officer"), e.login("admin")

	t.Run("enterprises see what they declared or are counterparty of", func(t *testing.T) {
		total := func(token, query string) int {
			r := e.do(token, "GET", "/api/v1/documents"+query, nil, nil)
			require.Equal(t, 200, r.Code, r.Body.String())
			return int(r.json(t)["total"].(float64))
		}
		require.Equal(t, 1, total(a, ""))
		require.Equal(t, 1, total(a, "?enterpriseId="+entB), "an enterprise cannot widen its scope")
		require.Equal(t, 2, total(b, ""))
		require.Equal(t, 2, total(officer, ""))
		require.Equal(t, 1, total(officer, "?family=checklist"))
		require.Equal(t, 422, e.do(officer, "GET", "/api/v1/documents?status=lost", nil, nil).Code)
	})
	t.Run("the list pages by cursor; one the API did not issue is 400 CURSOR_INVALID", func(t *testing.T) {
		r := e.do(officer, "GET", "/api/v1/documents?cursor=c7", nil, nil)
		require.Equal(t, 200, r.Code, r.Body.String())
		require.Equal(t, "before-c7", r.json(t)["prev"])
		r = e.do(a, "GET", "/api/v1/documents?status=approved&cursor=bogus", nil, nil)
		require.Equal(t, 400, r.Code)
		require.Equal(t, "CURSOR_INVALID", r.json(t)["error"].(map[string]any)["reason"])
	})
	t.Run("the detail carries movements; another's document is 403", func(t *testing.T) {
		r := e.do(b, "GET", "/api/v1/documents/"+out.ID, nil, nil)
		require.Equal(t, 200, r.Code)
		d := r.json(t)
		require.Equal(t, "乙仓储", d["counterpartyName"])
		require.Len(t, d["movements"], 1)
		require.Equal(t, 403, e.do(a, "GET", "/api/v1/documents/HZ20260301OTHER001", nil, nil).Code)
		require.Equal(t, 404, e.do(a, "GET", "/api/v1/documents/BL20260301NOSUCH00", nil, nil).Code)
	})
	t.Run("a review is validated, then submitted as ReviewDocument", func(t *testing.T) {
		r := e.do(officer, "POST", "/api/v1/documents/"+out.ID+"/review", map[string]string{"decision": "return"}, nil)
		require.Equal(t, 422, r.Code)
		require.Contains(t, r.Body.String(), `"field":"reason"`)
		var got []string
		e.ledger.on["ReviewDocument"] = func(args []string) ([]byte, error) {
			got = args[1:]
			return json.Marshal(out)
		}
		r = e.do(officer, "POST", "/api/v1/documents/"+out.ID+"/review", map[string]string{"decision": "manual_review", "reason": "抽查"}, nil)
		require.Equal(t, 200, r.Code, r.Body.String())
		require.Equal(t, []string{out.ID, "manual_review", "抽查"}, got)
		require.Equal(t, "甲咖啡进口有限公司", r.json(t)["enterpriseName"])
		require.Equal(t, 403, e.do(a, "POST", "/api/v1/documents/"+out.ID+"/review", map[string]string{"decision": "approve"}, nil).Code)
	})
	t.Run("the chaincode's state rules answer 409 with its message", func(t *testing.T) {
		e.ledger.on["RecordGatePass"] = func([]string) ([]byte, error) {
			return nil, &ledger.ChaincodeError{Message: "CONFLICT: bonded_transfer out does not cross the zone gate"}
		}
		r := e.do(admin, "POST", "/api/v1/documents/"+out.ID+"/gate-pass", nil, nil)
		require.Equal(t, 409, r.Code)
		require.Equal(t, "bonded_transfer out does not cross the zone gate", r.json(t)["error"].(map[string]any)["message"])
		require.Equal(t, 403, e.do(officer, "POST", "/api/v1/documents/"+out.ID+"/gate-pass", `{}`, nil).Code)
	})
	t.Run("deletion is requested with a reason, confirmed and reviewed", func(t *testing.T) {
		require.Equal(t, 422, e.do(a, "POST", "/api/v1/documents/"+out.ID+"/deletion", map[string]string{"reason": ""}, nil).Code)
		calls := map[string][]string{}
		for _, fn := range []string{"RequestDeletion", "ConfirmDeletion", "ReviewDeletion"} {
			e.ledger.on[fn] = func(args []string) ([]byte, error) {
				calls[fn] = args[1:]
				return json.Marshal(out)
			}
		}
		require.Equal(t, 200, e.do(a, "POST", "/api/v1/documents/"+out.ID+"/deletion", map[string]string{"reason": "重量录错"}, nil).Code)
		require.Equal(t, 200, e.do(b, "POST", "/api/v1/documents/"+out.ID+"/deletion/confirm", nil, nil).Code)
		require.Equal(t, 422, e.do(officer, "POST", "/api/v1/documents/"+out.ID+"/deletion/review", map[string]string{"decision": "reject"}, nil).Code)
		require.Equal(t, 200, e.do(officer, "POST", "/api/v1/documents/"+out.ID+"/deletion/review", map[string]string{"decision": "approve"}, nil).Code)
		require.Equal(t, map[string][]string{"RequestDeletion": {out.ID, "重量录错"}, "ConfirmDeletion": {out.ID},
			"ReviewDeletion": {out.ID, "approve", ""}}, calls)
		require.Equal(t, 400, e.do(b, "POST", "/api/v1/documents/"+out.ID+"/deletion/confirm", `{"x":1}`, nil).Code)
	})
}

func TestIncomingTransfers(t *testing.T) {
	t.Parallel()
	e := setup(t)
	out := e.seedTransfer(t)
	b := e.login("ent-b")

	r := e.do(b, "GET", "/api/v1/transfers/incoming", nil, nil)
	require.Equal(t, 200, r.Code, r.Body.String())
	items := r.json(t)["items"].([]any)
	require.Len(t, items, 1)
	item := items[0].(map[string]any)
	require.Equal(t, out.ID, item["outDocument"].(map[string]any)["id"])
	require.Equal(t, true, item["accountBookMissing"], "no basic data, no account book: the transferee picks one")
	draftID := item["inDraftId"].(string)

	t.Run("the in-draft receives the out leg's lines", func(t *testing.T) {
		d := e.do(b, "GET", "/api/v1/document-drafts/"+draftID, nil, nil).json(t)
		require.Equal(t, "in", d["businessType"])
		require.Equal(t, out.ID, d["sourceDocumentId"])
		require.Equal(t, out.ID, d["head"].(map[string]any)["linkedDocumentId"])
		lines := d["lines"].([]any)
		require.Len(t, lines, 2)
		require.Equal(t, out.Lines[1].TraceCode, lines[1].(map[string]any)["traceCode"])
		require.EqualValues(t, out.Lines[1].WeightGrams, lines[1].(map[string]any)["weightGrams"])
	})
	t.Run("listing again makes no second draft", func(t *testing.T) {
		r := e.do(b, "GET", "/api/v1/transfers/incoming", nil, nil)
		require.Equal(t, draftID, r.json(t)["items"].([]any)[0].(map[string]any)["inDraftId"])
		require.EqualValues(t, 1, e.do(b, "GET", "/api/v1/document-drafts", nil, nil).json(t)["total"])
	})
	t.Run("the transferor has nothing incoming", func(t *testing.T) {
		r := e.do(e.login("ent-a"), "GET", "/api/v1/transfers/incoming", nil, nil)
		require.Empty(t, r.json(t)["items"])
	})
}

func TestBalances(t *testing.T) {
	t.Parallel()
	e := setup(t)
	code := testTraceCode(t, 1)
	e.reads.balances = []query.BalanceView{
		{Balance: model.Balance{TraceCode: code, EnterpriseID: entA, Bonded: true, WeightGrams: 10}},
		{Balance: model.Balance{TraceCode: code, EnterpriseID: entB, Bonded: true, WeightGrams: 20}},
		{Balance: model.Balance{TraceCode: code, EnterpriseID: entB, Bonded: false, WeightGrams: 30}},
	}
	count := func(token, query string) int {
		r := e.do(token, "GET", "/api/v1/balances"+query, nil, nil)
		require.Equal(t, 200, r.Code, r.Body.String())
		return len(r.json(t)["items"].([]any))
	}
	cases := []struct {
		name, user, query string
		want              int
	}{
		{"customs sees every holding", "officer", "", 3},
		{"customs filters by enterprise and status", "officer", "?enterpriseId=" + entB + "&bonded=false", 1},
		{"an enterprise sees its own only", "ent-a", "", 1},
		{"an enterprise cannot ask for another's", "ent-a", "?enterpriseId=" + entB, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, count(e.login(tc.user), tc.query))
		})
	}
	t.Run("a bad bonded flag is 400", func(t *testing.T) {
		require.Equal(t, 400, e.do(e.login("auditor"), "GET", "/api/v1/balances?bonded=yes", nil, nil).Code)
	})
}
