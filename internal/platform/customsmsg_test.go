package platform

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/customsmsg"
	"zonetrace/gateway/customsmsg/send"
	"zonetrace/internal/apiclient"
	"zonetrace/internal/pgtest"
)

const enterpriseACustomsCode = "3223640001"

// newCustomsMarket is newMarket on a node that drops national messages
// into outbox, the Single Window client's import folder, and sends declared
// documents on its own.
func newCustomsMarket(t *testing.T, outbox string) *market {
	t.Helper()
	ctx := context.Background()
	n := &node{t: t, dbURL: pgtest.NewDatabase(t), dir: t.TempDir()}
	p, err := Start(ctx, Config{DataDir: n.dir, DatabaseURL: n.dbURL, Listen: "127.0.0.1:0", Logger: testLogger(),
		CustomsMessages:      send.Config{Transport: send.Directory{Dir: outbox}, CustomsArea: "2305", SysID: "Z8", Auto: true},
		CustomsMessagesEvery: 100 * time.Millisecond})
	require.NoError(t, err)
	n.Platform = p
	t.Cleanup(func() { _ = p.Close() })
	m := &market{node: n}
	m.admin = m.client("admin")
	require.NoError(t, m.admin.Post(ctx, "/api/v1/enterprises", map[string]string{"id": enterpriseA, "name": "昆山咖啡进口有限公司",
		"kind": "importer", "customsCode": enterpriseACustomsCode}, nil))
	for _, u := range []map[string]string{
		{"username": "ent-a", "role": "enterprise", "enterpriseId": enterpriseA},
		{"username": "customs", "role": "customs_officer"},
	} {
		u["password"], u["displayName"] = testPassword, u["username"]
		require.NoError(t, m.admin.Post(ctx, "/api/v1/users", u, nil))
	}
	m.a, m.customs = m.client("ent-a"), m.client("customs")
	m.batch = coffee("耶加雪菲 G1 生豆")
	var d draftJSON
	require.NoError(t, m.a.Post(ctx, "/api/v1/prefiling-drafts", map[string]any{"data": m.batch}, &d))
	var pf model.Prefiling
	require.NoError(t, m.a.Post(ctx, "/api/v1/prefiling-drafts/"+d.ID+"/declare", nil, &pf))
	require.NoError(t, m.customs.Post(ctx, "/api/v1/prefilings/"+pf.ID+"/review", map[string]string{"decision": "approve"}, &pf))
	m.code = pf.TraceCode
	return m
}

type sendLog struct {
	Items []send.Entry `json:"items"`
}

// sent waits for the send log to hold a sent message of documentID and
// returns it.
func (m *market) sent(c *apiclient.Client, documentID string) send.Entry {
	m.t.Helper()
	var got send.Entry
	require.Eventually(m.t, func() bool {
		var log sendLog
		require.NoError(m.t, c.Get(context.Background(), "/api/v1/national-messages?documentId="+documentID, &log))
		for _, e := range log.Items {
			if e.Status == "sent" {
				got = e
				return true
			}
		}
		return false
	}, 30*time.Second, 50*time.Millisecond)
	return got
}

// fixture is a receipt of gateway/customsmsg/testdata in its real shape,
// its numbers replaced by the ones customs gave our document.
func fixture(t *testing.T, name string, numbers ...string) []byte {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", "gateway", "customsmsg", "testdata", name))
	require.NoError(t, err)
	return []byte(strings.NewReplacer(numbers...).Replace(string(raw)))
}

// postReceipt posts a national XML message as customs.
func (m *market) postReceipt(raw []byte) {
	m.t.Helper()
	_, err := m.customs.Do(context.Background(), apiclient.Request{Method: http.MethodPost, Path: "/api/v1/external-receipts",
		Body: raw, ContentType: "application/xml"}, nil)
	require.NoError(m.t, err)
}

// importResult is the Single Window client's answer to an import file.
func importResult(seqNo, documentID string) []byte {
	return []byte(`<?xml version="1.0" encoding="UTF-8"?><CommonResponeMessage><SeqNo>` + seqNo + `</SeqNo><EtpsPreentNo>` +
		documentID + `</EtpsPreentNo><CheckInfo>申报服务调用成功</CheckInfo><DealFlag>0</DealFlag></CommonResponeMessage>`)
}

// TestNationalMessagesRoundTrip: a declared document goes out as its
// national message into the client's import folder; the import result and
// customs' receipts in their real shapes come back and move the document.
func TestNationalMessagesRoundTrip(t *testing.T) {
	ctx := context.Background()
	outbox := t.TempDir()
	m := newCustomsMarket(t, outbox)

	t.Run("checklist: INV101 out, import result and INV201 back, approved; INV202 and INV211 recorded", func(t *testing.T) {
		doc := m.declare(m.a, model.FamilyChecklist, model.BusinessEntry, heads[model.FamilyChecklist], m.line(19_200_000))
		e := m.sent(m.a, doc.ID)
		require.Equal(t, "INV101", e.MessageType)
		require.Equal(t, send.AutoRequester, e.RequestedBy, "sent on declaration")
		raw, err := os.ReadFile(e.Reference)
		require.NoError(t, err)
		p, err := customsmsg.Parse(raw)
		require.NoError(t, err)
		require.Equal(t, "INV101", p.Pocket.MessageType)
		require.Contains(t, string(raw), "<EtpsInnerInvtNo>"+doc.ID+"</EtpsInnerInvtNo>")
		require.Contains(t, string(raw), "<DclEtpsno>"+enterpriseACustomsCode+"</DclEtpsno>")
		require.Contains(t, string(raw), "<DclQty>19200</DclQty>")

		const seqNo, qd = "202600000122717119", "QD230526I000098849"
		numbers := []string{"HZ20240730AB12CD34", doc.ID, "202400000122717119", seqNo, "QD311124E000098849", qd}
		m.postReceipt(importResult(seqNo, doc.ID))
		m.postReceipt(fixture(t, "INV201.xml", numbers...))
		got := m.document(m.a, doc.ID)
		require.Equal(t, model.DocApproved, got.Status)
		require.Equal(t, qd, got.CustomsNo)

		m.postReceipt(fixture(t, "INV202.xml", numbers...))
		require.NoError(t, m.gatePass(doc.ID))
		m.postReceipt(fixture(t, "INV211.xml", numbers...))
		got = m.document(m.a, doc.ID)
		require.Equal(t, model.DocEffective, got.Status)
		var sources []string
		for _, s := range got.Steps {
			sources = append(sources, s.Source)
		}
		require.Subset(t, sources, []string{"INV201", "INV202", "INV211"})

		var log sendLog
		require.NoError(t, m.a.Get(ctx, "/api/v1/national-messages?documentId="+doc.ID, &log))
		require.Equal(t, seqNo, log.Items[0].SeqNo)
		require.Equal(t, "imported", log.Items[0].ImportResult)
		var types []string
		for _, r := range log.Items[0].Receipts {
			types = append(types, r.MessageType)
		}
		require.Equal(t, []string{"INV201", "INV202", "INV211"}, types)
	})
	t.Run("warehouse receipt: SAS111 waits for its business application, then SAS211 approves and changes it", func(t *testing.T) {
		doc := m.declare(m.a, model.FamilyWarehouseReceipt, model.BusinessIn, heads[model.FamilyWarehouseReceipt], m.line(1_000))
		require.Eventually(t, func() bool {
			var log sendLog
			require.NoError(t, m.a.Get(ctx, "/api/v1/national-messages?documentId="+doc.ID+"&status=failed", &log))
			return len(log.Items) == 1 && strings.Contains(log.Items[0].LastError, "SasDclNo")
		}, 30*time.Second, 50*time.Millisecond, "the automatic send records why it could not build the message")
		var e send.Entry
		require.NoError(t, m.a.Post(ctx, "/api/v1/documents/"+doc.ID+"/national-message", send.Request{SasDclNo: "SW2305260000001"}, &e))
		require.Equal(t, "SAS111", e.MessageType)
		e = m.sent(m.a, doc.ID)
		raw, err := os.ReadFile(e.Reference)
		require.NoError(t, err)
		require.Contains(t, string(raw), "<SasDclNo>SW2305260000001</SasDclNo>")

		const seqNo = "202600000133300001"
		numbers := []string{"202400000133300001", seqNo, "JB20240802QW12ER34", doc.ID}
		m.postReceipt(importResult(seqNo, doc.ID))
		// The approval of the declaration itself, in the shape of the
		// change receipt (declaration type 1), then customs' change.
		approval := strings.NewReplacer("<dclTypecd>2</dclTypecd>", "<dclTypecd>1</dclTypecd>", "变更审核通过", "审核通过",
			"2024-08-06 16:02:00", "2024-08-06 10:00:00").Replace(string(fixture(t, "SAS211_change.xml", numbers...)))
		m.postReceipt([]byte(approval))
		got := m.document(m.a, doc.ID)
		require.Equal(t, model.DocApproved, got.Status)
		require.Equal(t, "CK311124I000000123", got.CustomsNo)
		m.postReceipt(fixture(t, "SAS211_change.xml", numbers...))
		got = m.document(m.a, doc.ID)
		require.Equal(t, model.DocApproved, got.Status)
		require.Equal(t, int64(19_000_000), got.Lines[0].WeightGrams, "SAS211 变更 sets the weight it carries")
	})
	t.Run("gate registration: SAS121 out, SAS221 approves it with the pass number, SAS224 releases it at the gate", func(t *testing.T) {
		doc := m.declare(m.a, model.FamilyGateRegistration, model.BusinessEntry,
			model.DocumentHead{VehiclePlate: "苏E12345", Carrier: "顺达物流"}, m.line(600_000))
		e := m.sent(m.customs, doc.ID)
		require.Equal(t, "SAS121", e.MessageType)
		raw, err := os.ReadFile(e.Reference)
		require.NoError(t, err)
		require.Contains(t, string(raw), "<PassportTypecd>5</PassportTypecd>")

		numbers := []string{"KK20240805GH56JK78", doc.ID}
		m.postReceipt(fixture(t, "Successed_SAS121.xml", numbers...))
		m.postReceipt(fixture(t, "SAS221.xml", numbers...))
		got := m.document(m.a, doc.ID)
		require.Equal(t, model.DocApproved, got.Status)
		require.Equal(t, "Z2305E240805000000000007", got.CustomsNo)
		m.postReceipt(fixture(t, "SAS224.xml", numbers...))
		got = m.document(m.a, doc.ID)
		require.Equal(t, model.DocEffective, got.Status, "卡口放行 after inspection moves the goods")
		require.NotEmpty(t, got.GatePassed)
	})
	t.Run("a family customs reviews on this platform has no national message; an unknown document none either", func(t *testing.T) {
		doc := m.declare(m.a, model.FamilyNonBondedApplication, model.BusinessEntry, heads[model.FamilyNonBondedApplication], m.line(1_000))
		m.refused(http.StatusUnprocessableEntity, m.a, post("/api/v1/documents/"+doc.ID+"/national-message", nil))
		m.refused(http.StatusNotFound, m.a, post("/api/v1/documents/HZ20261126ZZZZZZZZ/national-message", nil))
		var log sendLog
		require.NoError(t, m.customs.Get(ctx, "/api/v1/national-messages?documentId="+doc.ID, &log))
		require.Empty(t, log.Items)
	})
}
