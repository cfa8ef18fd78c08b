package gateway

import (
	"testing"

	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/customsmsg/send"
	"zonetrace/indexer/query"
	"zonetrace/internal/jobs"
)

func TestSendNationalMessages(t *testing.T) {
	t.Parallel()
	e := setup(t)
	ent, officer, other := e.login("ent-a"), e.login("officer"), e.login("ent-b")
	const id = "HZ20261126AB12CD34"
	e.reads.mu.Lock()
	a := e.reads.enterprises[entA]
	a.CustomsCode = "3223640001"
	e.reads.enterprises[entA] = a
	e.reads.documents[id] = query.DocumentView{Document: model.Document{ID: id, Family: model.FamilyChecklist, BusinessType: model.BusinessEntry,
		EnterpriseID: entA, Status: model.DocDeclared, DeclaredAt: "2026-11-26T02:00:00Z",
		Head: model.DocumentHead{AccountBookNo: "T2305W000012", SupervisionMode: "5034", TransportMode: "Y", PortCode: "2249", TradeCountry: "BR"},
		Lines: []model.DocumentLine{{Seq: 1, TraceCode: "TC2026112600000001", ProductName: "未焙炒咖啡豆", HSCode: "0901110000",
			Origin: "BR", WeightGrams: 60_000, UnitPriceFen: 5000, ValueFen: 300_000, Currency: "CNY"}}}}
	e.reads.mu.Unlock()
	path := "/api/v1/documents/" + id + "/national-message"

	t.Run("a node without a transport refuses to send", func(t *testing.T) {
		r := e.do(ent, "POST", path, nil, nil)
		require.Equal(t, 409, r.Code, r.Body.String())
	})

	// The sends are River jobs (internal/jobs runs them on a node).
	require.NoError(t, jobs.Migrate(t.Context(), e.cfg.Pool))
	cfg := e.cfg
	cfg.CustomsMessages = send.Config{Transport: send.Directory{Dir: t.TempDir()}, CustomsArea: "2305", SysID: "Z8"}
	var err error
	e.g, err = New(cfg)
	require.NoError(t, err)

	t.Run("the declaring enterprise and customs send; another enterprise cannot", func(t *testing.T) {
		r := e.do(ent, "POST", path, nil, nil)
		require.Equal(t, 202, r.Code, r.Body.String())
		require.Equal(t, "INV101", r.json(t)["messageType"])
		require.Equal(t, "queued", r.json(t)["status"])
		r = e.do(officer, "POST", path, map[string]string{}, nil)
		require.Equal(t, 202, r.Code, r.Body.String())
		r = e.do(other, "POST", path, nil, nil)
		require.Equal(t, 404, r.Code, r.Body.String())
		r = e.do(e.login("admin"), "POST", path, nil, nil)
		require.Equal(t, 403, r.Code, r.Body.String())
	})
	t.Run("the send log and the message as sent", func(t *testing.T) {
		r := e.do(officer, "GET", "/api/v1/national-messages?documentId="+id, nil, nil)
		require.Equal(t, 200, r.Code, r.Body.String())
		items := r.json(t)["items"].([]any)
		require.Len(t, items, 2)
		r = e.do(other, "GET", "/api/v1/national-messages", nil, nil)
		require.Empty(t, r.json(t)["items"])
		first := items[1].(map[string]any)
		xmlPath := "/api/v1/national-messages/" + jsonNumber(first["id"]) + "/xml"
		r = e.do(ent, "GET", xmlPath, nil, nil)
		require.Equal(t, 200, r.Code, r.Body.String())
		require.Equal(t, "application/xml; charset=utf-8", r.Header().Get("Content-Type"))
		require.Contains(t, r.Body.String(), "<EtpsInnerInvtNo>"+id+"</EtpsInnerInvtNo>")
		require.Equal(t, 404, e.do(other, "GET", xmlPath, nil, nil).Code)
		require.Equal(t, 400, e.do(officer, "GET", "/api/v1/national-messages?status=lost", nil, nil).Code)
	})
	t.Run("a document that cannot be written as a valid message changes nothing", func(t *testing.T) {
		e.reads.mu.Lock()
		a := e.reads.enterprises[entA]
		a.CustomsCode = ""
		e.reads.enterprises[entA] = a
		e.reads.mu.Unlock()
		r := e.do(ent, "POST", path, nil, nil)
		require.Equal(t, 422, r.Code, r.Body.String())
		require.Contains(t, r.Body.String(), "InvtHeadType.DclEtpsno")
		r = e.do(officer, "GET", "/api/v1/national-messages?documentId="+id, nil, nil)
		require.Len(t, r.json(t)["items"], 2)
		require.Equal(t, 400, e.do(ent, "POST", path, map[string]string{"sasDclNo": "x", "extra": "y"}, nil).Code)
	})
}

// Every receipt type of CUSTOMS_MESSAGES.md in its real shape is applied
// (issue 13: INV202 and INV211 used to answer 400, SAS224 422).
func TestExternalReceiptsOfEveryType(t *testing.T) {
	t.Parallel()
	e := setup(t)
	officer := e.login("officer")
	cc := e.applyReceipts("HZ20240730AB12CD34", "KK20240805GH56JK78", "JB20240802QW12ER34")
	post := func(name string) resp {
		return e.do(officer, "POST", "/api/v1/external-receipts", receiptSample(t, name), map[string]string{"Content-Type": "application/xml"})
	}
	applied := func(t *testing.T, r resp, doc string) {
		t.Helper()
		require.Equal(t, 202, r.Code, r.Body.String())
		require.Equal(t, []any{doc}, r.json(t)["applied"])
	}
	require.Equal(t, 202, post("Successed_import.xml").Code)
	r := post("INV200.xml")
	require.Equal(t, 202, r.Code, r.Body.String())
	require.Equal(t, "stored", r.json(t)["storage"], "a storage receipt goes to the send log, not the ledger")
	require.Empty(t, r.json(t)["applied"])
	r = post("SAS200_failed.xml")
	require.Equal(t, 202, r.Code, r.Body.String())
	require.Equal(t, "not_stored", r.json(t)["storage"])
	r = post("INV202.xml")
	applied(t, r, "HZ20240730AB12CD34")
	require.Equal(t, "INV202", cc.last.MessageType)
	require.Equal(t, "报关单统一编号 E20240001310229981", cc.last.Note)
	applied(t, post("INV211.xml"), "HZ20240730AB12CD34")
	require.Equal(t, "2", cc.last.ManageResult)

	require.Equal(t, 202, post("Successed_SAS121.xml").Code)
	applied(t, post("SAS221.xml"), "KK20240805GH56JK78")
	require.Equal(t, "Z2305E240805000000000007", cc.last.CustomsNo)
	applied(t, post("SAS224.xml"), "KK20240805GH56JK78")
	require.Equal(t, "3", cc.last.ManageResult)

	applied(t, post("SAS211_change.xml"), "JB20240802QW12ER34")
	require.Equal(t, model.DeclarationChange, cc.last.DeclarationType)
	require.Equal(t, []model.ReceiptLine{{Seq: 1, WeightGrams: 19_000_000}}, cc.last.Lines)
}
