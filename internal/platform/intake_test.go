package platform

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/docdrafts"
	"zonetrace/internal/apiclient"
)

type documentDraftJSON struct {
	ID           string               `json:"id"`
	Family       model.Family         `json:"family"`
	BusinessType model.BusinessType   `json:"businessType"`
	Head         model.DocumentHead   `json:"head"`
	Lines        []model.DocumentLine `json:"lines"`
}

type receiptJSON struct {
	model.Receipt
	Read bool `json:"read"`
}

type deliveryJSON struct {
	ReceiptID string `json:"receiptId"`
}

// prefile declares a prefiling of data for c and has customs decide it.
func (m *market) prefile(c *apiclient.Client, data model.PrefilingData, decision, reason string) model.Prefiling {
	m.t.Helper()
	ctx := context.Background()
	var d draftJSON
	require.NoError(m.t, c.Post(ctx, "/api/v1/prefiling-drafts", map[string]any{"data": data}, &d))
	var pf model.Prefiling
	require.NoError(m.t, c.Post(ctx, "/api/v1/prefiling-drafts/"+d.ID+"/declare", nil, &pf))
	require.NoError(m.t, m.customs.Post(ctx, "/api/v1/prefilings/"+pf.ID+"/review", map[string]string{"decision": decision, "reason": reason}, &pf))
	return pf
}

func (m *market) receiptsOf(c *apiclient.Client, id string) []receiptJSON {
	m.t.Helper()
	var page pageJSON[receiptJSON]
	require.NoError(m.t, c.Get(context.Background(), "/api/v1/receipts?documentId="+id, &page))
	return page.Items
}

func (m *market) documentDraft(c *apiclient.Client, id string) (documentDraftJSON, error) {
	var d documentDraftJSON
	err := c.Get(context.Background(), "/api/v1/document-drafts/"+id, &d)
	return d, err
}

// deliveries counts the webhook deliveries owed or made per receipt.
func (m *market) deliveries(c *apiclient.Client) map[string]int {
	m.t.Helper()
	var page pageJSON[deliveryJSON]
	require.NoError(m.t, c.Get(context.Background(), "/api/v1/webhook/deliveries?pageSize=100", &page))
	out := map[string]int{}
	for _, d := range page.Items {
		out[d.ReceiptID]++
	}
	return out
}

// TestPrefilingReceiptsAndEntryDrafts: a prefiling's approval and return
// reach the enterprise's receipt inbox and its webhook once each, and an
// approval fills the trace code into the entry draft the prefiling names
// (seed 2946) — or makes a prefilled one — also once across a restart.
func TestPrefilingReceiptsAndEntryDrafts(t *testing.T) {
	ctx := context.Background()
	m := newMarket(t)
	_, err := m.a.Do(ctx, apiclient.Request{Method: http.MethodPut, Path: "/api/v1/webhook",
		Body: map[string]string{"url": "https://a.example/hook", "secret": "0123456789abcdef"}}, nil)
	require.NoError(t, err)

	// A's entry draft has two lines still without trace codes, one per
	// batch it expects, told apart by material number.
	line := func(material string) model.DocumentLine {
		l := m.line(1_000)
		l.TraceCode, l.MaterialNo = "", material
		return l
	}
	entry := m.draft(m.a, model.FamilyChecklist, model.BusinessEntry, heads[model.FamilyChecklist], line("MAT-1"), line("MAT-2"))
	// A draft that is no zone entry is never filled, even when named.
	exit := m.draft(m.a, model.FamilyChecklist, model.BusinessExit, heads[model.FamilyChecklist], line("MAT-1"))

	first := coffee("耶加雪菲 批次一")
	first.MaterialNo, first.EntryDraftNo = "MAT-1", strings.ToUpper(entry)
	approved := m.prefile(m.a, first, "approve", "")
	require.NotEmpty(t, approved.TraceCode)

	// The receipt: in Chinese, with the decision and the trace code.
	rs := m.receiptsOf(m.a, approved.ID)
	require.Len(t, rs, 1)
	require.Equal(t, model.ReceiptFamilyPrefiling, rs[0].Family)
	require.Equal(t, model.ActionApprove, rs[0].Action)
	require.Equal(t, "预核申报 "+approved.ID+"：审核通过，溯源码 "+approved.TraceCode, rs[0].Message)
	require.False(t, rs[0].Read)
	require.Empty(t, m.receiptsOf(m.b, approved.ID), "only the declarant gets it")

	require.Eventually(t, func() bool {
		d, err := m.documentDraft(m.a, entry)
		require.NoError(t, err)
		return d.Lines[0].TraceCode != ""
	}, 30*time.Second, 100*time.Millisecond, "the trace code is filled into the entry draft")
	d, err := m.documentDraft(m.a, entry)
	require.NoError(t, err)
	require.Equal(t, approved.TraceCode, d.Lines[0].TraceCode)
	require.Empty(t, d.Lines[1].TraceCode, "the other batch's line waits for its own approval")
	require.Equal(t, m.line(1_000).ValueFen, d.Lines[0].ValueFen, "sealed values are untouched")

	// A prefiling naming customs' own draft number gets an entry draft
	// made for it; a returned one gets its receipt with the opinion.
	second := coffee("耶加雪菲 批次二")
	second.MaterialNo, second.EntryDraftNo = "MAT-9", "E3223260000012345"
	made := m.prefile(m.a, second, "approve", "同意")
	third := coffee("耶加雪菲 批次三")
	third.EntryDraftNo = exit
	returned := m.prefile(m.a, third, "return", "原产地证书与申报不符")
	rs = m.receiptsOf(m.a, returned.ID)
	require.Len(t, rs, 1)
	require.Equal(t, "预核申报 "+returned.ID+"：退单（意见：原产地证书与申报不符）", rs[0].Message)
	require.Equal(t, model.DocumentStatus("returned"), rs[0].Status)

	var created documentDraftJSON
	require.Eventually(t, func() bool {
		created, err = m.documentDraft(m.a, docdrafts.EntryDraftID(made.ID))
		return err == nil
	}, 30*time.Second, 100*time.Millisecond, "an entry draft is made")
	require.Equal(t, model.FamilyChecklist, created.Family)
	require.Equal(t, model.BusinessEntry, created.BusinessType)
	require.Len(t, created.Lines, 1)
	require.Equal(t, model.DocumentLine{Seq: 1, TraceCode: made.TraceCode, MaterialNo: "MAT-9", ProductName: second.ProductName,
		HSCode: second.HSCode, Origin: "ET", WeightGrams: 19_200_000, UnitPriceFen: 7200, ValueFen: 138_240_000, Currency: "CNY"}, created.Lines[0])
	require.Contains(t, created.Head.Note, "E3223260000012345")
	require.Equal(t, 404, apiclient.StatusOf(m.b.Get(ctx, "/api/v1/document-drafts/"+created.ID, nil)), "it is A's")

	// Every decision is owed to A's webhook once.
	decisions := map[string]bool{}
	for _, pf := range []model.Prefiling{approved, made, returned} {
		decisions[m.receiptsOf(m.a, pf.ID)[0].ID] = true
	}
	require.Eventually(t, func() bool {
		owed := m.deliveries(m.a)
		for id := range decisions {
			if owed[id] != 1 {
				return false
			}
		}
		return true
	}, 30*time.Second, 100*time.Millisecond, "webhook deliveries of the decisions")
	before := m.deliveries(m.a)

	// The user edits the made draft; a restart must not redo any fill.
	created.Lines[0].Packages = 320
	_, err = m.a.Do(ctx, apiclient.Request{Method: http.MethodPut, Path: "/api/v1/document-drafts/" + created.ID,
		Body: map[string]any{"family": created.Family, "businessType": created.BusinessType, "head": created.Head, "lines": created.Lines}}, nil)
	require.NoError(t, err)
	require.NoError(t, m.Close())
	m.start()
	m.a, m.customs = m.client("ent-a"), m.client("customs")

	// A later approval shows the follower has passed the earlier ones.
	fourth := coffee("耶加雪菲 批次四")
	fourth.MaterialNo, fourth.EntryDraftNo = "MAT-2", entry
	later := m.prefile(m.a, fourth, "approve", "")
	require.Eventually(t, func() bool {
		d, err := m.documentDraft(m.a, entry)
		require.NoError(t, err)
		return d.Lines[1].TraceCode == later.TraceCode
	}, 30*time.Second, 100*time.Millisecond)
	d, err = m.documentDraft(m.a, entry)
	require.NoError(t, err)
	require.Equal(t, approved.TraceCode, d.Lines[0].TraceCode)
	again, err := m.documentDraft(m.a, created.ID)
	require.NoError(t, err)
	require.Equal(t, int64(320), again.Lines[0].Packages, "the made draft was not made again")
	var count int
	require.NoError(t, m.Pool.QueryRow(ctx, `SELECT count(*) FROM document_drafts WHERE enterprise_id = $1`, enterpriseA).Scan(&count))
	require.Equal(t, 3, count, "entry, exit and the one made draft")
	require.Eventually(t, func() bool { return m.deliveries(m.a)[m.receiptsOf(m.a, later.ID)[0].ID] == 1 },
		30*time.Second, 100*time.Millisecond)
	after := m.deliveries(m.a)
	for id, n := range before {
		require.Equal(t, n, after[id], "receipt %s owed again after the restart", id)
	}
	ex, err := m.documentDraft(m.a, exit)
	require.NoError(t, err)
	require.Empty(t, ex.Lines[0].TraceCode)
}

// TestGateRegistrationThroughCustomsSystem: a gate registration is not
// reviewed on the platform; customs' SAS221 receipt approves it.
func TestGateRegistrationThroughCustomsSystem(t *testing.T) {
	ctx := context.Background()
	m := newMarket(t)
	doc := m.declare(m.a, model.FamilyGateRegistration, model.BusinessEntry,
		model.DocumentHead{VehiclePlate: "苏E12345", Carrier: "顺达物流"}, m.line(2_000))
	require.Equal(t, model.DocDeclared, doc.Status)
	err := m.customs.Post(ctx, "/api/v1/documents/"+doc.ID+"/review", map[string]string{"decision": "approve"}, nil)
	require.Equal(t, http.StatusConflict, apiclient.StatusOf(err), "%v", err)

	require.NoError(t, m.customs.Post(ctx, "/api/v1/external-receipts", map[string]string{
		"documentId": doc.ID, "messageType": "SAS221", "manageResult": "1", "manageDate": "2026-11-26 10:00:00"}, nil))
	require.Equal(t, model.DocApproved, m.document(m.a, doc.ID).Status)
	require.NoError(t, m.gatePass(doc.ID))
	require.Equal(t, int64(2_000), m.stock()[holdingKey(enterpriseA, false)])
}
