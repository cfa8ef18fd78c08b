package platform

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
	"zonetrace/indexer/query"
	"zonetrace/internal/apiclient"
)

const enterpriseC = "91320583MA3WWWWW3C"

// market is a running node with three enterprises, customs, the zone admin
// and one approved coffee batch of A.
type market struct {
	*node
	admin, customs, a, b, c *apiclient.Client
	code                    string
	batch                   model.PrefilingData
}

func newMarket(t testing.TB) *market {
	ctx := context.Background()
	m := &market{node: startNode(t)}
	m.admin = m.client("admin")
	for _, e := range []map[string]string{
		{"id": enterpriseA, "name": "昆山咖啡进口有限公司", "kind": "importer"},
		{"id": enterpriseB, "name": "综保仓储物流有限公司", "kind": "warehouse"},
		{"id": enterpriseC, "name": "丙咖啡贸易有限公司", "kind": "trader"},
	} {
		require.NoError(t, m.admin.Post(ctx, "/api/v1/enterprises", e, nil))
	}
	for _, u := range []map[string]string{
		{"username": "ent-a", "role": "enterprise", "enterpriseId": enterpriseA},
		{"username": "ent-b", "role": "enterprise", "enterpriseId": enterpriseB},
		{"username": "ent-c", "role": "enterprise", "enterpriseId": enterpriseC},
		{"username": "customs", "role": "customs_officer"},
	} {
		u["password"], u["displayName"] = testPassword, u["username"]
		require.NoError(t, m.admin.Post(ctx, "/api/v1/users", u, nil))
	}
	m.a, m.b, m.c, m.customs = m.client("ent-a"), m.client("ent-b"), m.client("ent-c"), m.client("customs")

	m.batch = coffee("耶加雪菲 G1 生豆")
	var d draftJSON
	require.NoError(t, m.a.Post(ctx, "/api/v1/prefiling-drafts", map[string]any{"data": m.batch}, &d))
	var pf model.Prefiling
	require.NoError(t, m.a.Post(ctx, "/api/v1/prefiling-drafts/"+d.ID+"/declare", nil, &pf))
	require.NoError(t, m.customs.Post(ctx, "/api/v1/prefilings/"+pf.ID+"/review", map[string]string{"decision": "approve"}, &pf))
	m.code = pf.TraceCode
	return m
}

func (m *market) line(grams int64) model.DocumentLine {
	return model.DocumentLine{TraceCode: m.code, ProductName: m.batch.ProductName, HSCode: m.batch.HSCode,
		Origin: m.batch.Origin, WeightGrams: grams, UnitPriceFen: m.batch.AvgPriceFen,
		ValueFen: grams / 1000 * m.batch.AvgPriceFen, Currency: "CNY"}
}

// heads carry what each template requires.
var heads = map[model.Family]model.DocumentHead{
	model.FamilyChecklist:            {AccountBookNo: "T3223W000001", SupervisionMode: "5034", TransportMode: "2", PortCode: "2249", TradeCountry: "ET"},
	model.FamilyBondedTransfer:       {AccountBookNo: "T3223W000001"},
	model.FamilyNonBondedApplication: {VehiclePlate: "苏E12345", PlannedDate: "2026-12-01"},
	model.FamilyNonBondedTransfer:    {},
	model.FamilyWarehouseReceipt:     {AccountBookNo: "T3223W000001"},
}

func (m *market) draft(c *apiclient.Client, family model.Family, bt model.BusinessType, head model.DocumentHead, lines ...model.DocumentLine) string {
	m.t.Helper()
	var d struct {
		ID string `json:"id"`
	}
	require.NoError(m.t, c.Post(context.Background(), "/api/v1/document-drafts",
		map[string]any{"family": family, "businessType": bt, "head": head, "lines": lines}, &d))
	return d.ID
}

func (m *market) declareDraft(c *apiclient.Client, draftID string) model.Document {
	m.t.Helper()
	var doc model.Document
	err := c.Post(context.Background(), "/api/v1/document-drafts/"+draftID+"/declare", nil, &doc)
	var apiErr *apiclient.Error
	if errors.As(err, &apiErr) {
		m.t.Logf("declare %s: %+v", draftID, apiErr.Details)
	}
	require.NoError(m.t, err)
	return doc
}

func (m *market) declare(c *apiclient.Client, family model.Family, bt model.BusinessType, head model.DocumentHead, lines ...model.DocumentLine) model.Document {
	m.t.Helper()
	if head == (model.DocumentHead{}) {
		head = heads[family]
	}
	return m.declareDraft(c, m.draft(c, family, bt, head, lines...))
}

// completeDraft edits the head of a draft.
func (m *market) completeDraft(c *apiclient.Client, draftID string, edit func(*model.DocumentHead)) {
	m.t.Helper()
	var d struct {
		Family       model.Family         `json:"family"`
		BusinessType model.BusinessType   `json:"businessType"`
		Head         model.DocumentHead   `json:"head"`
		Lines        []model.DocumentLine `json:"lines"`
	}
	require.NoError(m.t, c.Get(context.Background(), "/api/v1/document-drafts/"+draftID, &d))
	edit(&d.Head)
	_, err := c.Do(context.Background(), apiclient.Request{Method: http.MethodPut, Path: "/api/v1/document-drafts/" + draftID,
		Body: map[string]any{"family": d.Family, "businessType": d.BusinessType, "head": d.Head, "lines": d.Lines}}, nil)
	require.NoError(m.t, err)
}

func (m *market) review(id, decision string) {
	m.t.Helper()
	require.NoError(m.t, m.customs.Post(context.Background(), "/api/v1/documents/"+id+"/review", map[string]string{"decision": decision, "reason": "审核意见"}, nil))
}

func (m *market) customsReceipt(id, result string) {
	m.t.Helper()
	require.NoError(m.t, m.customs.Post(context.Background(), "/api/v1/external-receipts", map[string]string{
		"documentId": id, "messageType": "INV201", "customsNo": "QD223226I" + id[len(id)-9:], "manageResult": result,
		"manageDate": "2026-11-26 10:00:00"}, nil))
}

func (m *market) gatePass(id string) error {
	return m.admin.Post(context.Background(), "/api/v1/documents/"+id+"/gate-pass", map[string]any{}, nil)
}

// stock reads every balance of the batch as customs sees it.
func (m *market) stock() map[string]int64 {
	m.t.Helper()
	var out struct {
		Items []query.BalanceView `json:"items"`
	}
	require.NoError(m.t, m.customs.Get(context.Background(), "/api/v1/balances?traceCode="+m.code, &out))
	got := map[string]int64{}
	for _, b := range out.Items {
		if b.WeightGrams != 0 {
			got[holdingKey(b.EnterpriseID, b.Bonded)] = b.WeightGrams
		}
		require.GreaterOrEqual(m.t, b.WeightGrams, int64(0), "a balance went negative")
	}
	return got
}

func holdingKey(enterprise string, bonded bool) string {
	if bonded {
		return enterprise + "/bonded"
	}
	return enterprise + "/non-bonded"
}

func (m *market) document(c *apiclient.Client, id string) query.DocumentView {
	m.t.Helper()
	var d query.DocumentView
	require.NoError(m.t, c.Get(context.Background(), "/api/v1/documents/"+id, &d))
	return d
}

// TestGoodsThroughTheZone follows one batch through every document family
// that moves it, checking after each step the stock the test expects.
func TestGoodsThroughTheZone(t *testing.T) {
	ctx := context.Background()
	m := newMarket(t)
	w := m.batch.WeightGrams
	expect := map[string]int64{}
	check := func(step string) {
		t.Helper()
		require.Equal(t, expect, m.stock(), "stock after %s", step)
	}

	// Entry checklist, approved by customs' INV201 receipt, moves at the gate.
	entry := m.declare(m.a, model.FamilyChecklist, model.BusinessEntry, model.DocumentHead{}, m.line(w))
	require.Equal(t, model.DocDeclared, entry.Status)
	m.customsReceipt(entry.ID, "1")
	check("the checklist's approval")
	require.NoError(t, m.gatePass(entry.ID))
	expect[holdingKey(enterpriseA, true)] = w
	check("the gate pass")
	var receipts struct {
		Items []model.Receipt `json:"items"`
	}
	require.NoError(t, m.a.Get(ctx, "/api/v1/receipts?documentId="+entry.ID, &receipts))
	actions := map[string]bool{}
	for _, r := range receipts.Items {
		actions[r.Action] = true
	}
	require.True(t, actions[model.DocActionApprove] && actions[model.DocActionGatePass] && actions[model.DocActionEffective], "receipts of the entry: %v", actions)

	// Bonded transfer A → B with the handshake.
	out := m.declare(m.a, model.FamilyBondedTransfer, model.BusinessOut, model.DocumentHead{AccountBookNo: "T3223W000001", CounterpartyID: enterpriseB}, m.line(w))
	m.review(out.ID, "approve")
	check("the out leg's approval")
	var incoming struct {
		Items []struct {
			OutDocument model.Document `json:"outDocument"`
			InDraftID   string         `json:"inDraftId"`
		} `json:"items"`
	}
	require.NoError(t, m.b.Get(ctx, "/api/v1/transfers/incoming", &incoming))
	require.Len(t, incoming.Items, 1)
	require.Equal(t, out.ID, incoming.Items[0].OutDocument.ID)
	// The transferee completes the prepared in-draft with its own account book.
	m.completeDraft(m.b, incoming.Items[0].InDraftID, func(h *model.DocumentHead) { h.AccountBookNo = "T3223W000002" })
	in := m.declareDraft(m.b, incoming.Items[0].InDraftID)
	require.Equal(t, out.ID, in.Head.LinkedDocumentID)
	m.review(in.ID, "approve")
	delete(expect, holdingKey(enterpriseA, true))
	expect[holdingKey(enterpriseB, true)] = w
	check("the bonded transfer")
	require.Equal(t, model.DocEffective, m.document(m.a, out.ID).Status)

	// Conversion to non-bonded by B's checklist.
	conv := m.declare(m.b, model.FamilyChecklist, model.BusinessConversion, model.DocumentHead{AccountBookNo: "T3223W000002", SupervisionMode: "0110"}, m.line(w))
	m.customsReceipt(conv.ID, "1")
	delete(expect, holdingKey(enterpriseB, true))
	expect[holdingKey(enterpriseB, false)] = w
	check("the conversion")

	// Non-bonded transfer B → C; C's declaration is the formal release.
	nOut := m.declare(m.b, model.FamilyNonBondedTransfer, model.BusinessOut, model.DocumentHead{CounterpartyID: enterpriseC}, m.line(w))
	m.review(nOut.ID, "approve")
	require.NoError(t, m.c.Get(ctx, "/api/v1/transfers/incoming", &incoming))
	require.Len(t, incoming.Items, 1)
	release := m.declareDraft(m.c, incoming.Items[0].InDraftID)
	m.review(release.ID, "approve")
	delete(expect, holdingKey(enterpriseB, false))
	expect[holdingKey(enterpriseC, false)] = w
	check("the non-bonded transfer")

	// C takes the goods out of the zone.
	exit := m.declare(m.c, model.FamilyNonBondedApplication, model.BusinessExit, model.DocumentHead{}, m.line(w))
	m.review(exit.ID, "approve")
	check("the exit's approval")
	require.NoError(t, m.gatePass(exit.ID))
	delete(expect, holdingKey(enterpriseC, false))
	check("the exit")

	// The trace stays queryable: every movement of the batch, in order.
	var movements []model.Movement
	for _, id := range []string{entry.ID, out.ID, conv.ID, nOut.ID, exit.ID} {
		var d struct {
			Movements []model.Movement `json:"movements"`
		}
		require.NoError(t, m.customs.Get(ctx, "/api/v1/documents/"+id, &d))
		require.Len(t, d.Movements, 1, "document %s", id)
		movements = append(movements, d.Movements...)
	}
	kinds := []model.MovementKind{}
	for _, mv := range movements {
		kinds = append(kinds, mv.Kind)
	}
	require.Equal(t, []model.MovementKind{model.MoveZoneEntry, model.MoveTransfer, model.MoveConversion, model.MoveTransfer, model.MoveZoneExit}, kinds)
}

func TestDocumentDeletion(t *testing.T) {
	ctx := context.Background()
	m := newMarket(t)
	entry := m.declare(m.a, model.FamilyChecklist, model.BusinessEntry, model.DocumentHead{}, m.line(10_000))
	m.customsReceipt(entry.ID, "1")
	require.NoError(t, m.gatePass(entry.ID))

	t.Run("a transfer pending review is voided once the transferee confirms", func(t *testing.T) {
		out := m.declare(m.a, model.FamilyBondedTransfer, model.BusinessOut, model.DocumentHead{AccountBookNo: "T3223W000001", CounterpartyID: enterpriseB}, m.line(4_000))
		require.NoError(t, m.a.Post(ctx, "/api/v1/documents/"+out.ID+"/deletion", map[string]string{"reason": "数量填错"}, nil))
		require.Equal(t, model.DocDeletionAsked, m.document(m.a, out.ID).Status)
		m.refused(403, m.a, post("/api/v1/documents/"+out.ID+"/deletion/confirm", map[string]any{}))
		require.NoError(t, m.b.Post(ctx, "/api/v1/documents/"+out.ID+"/deletion/confirm", map[string]any{}, nil))
		voided := m.document(m.customs, out.ID)
		require.Equal(t, model.DocVoided, voided.Status)
		require.True(t, voided.DeletedOrModified)
	})
	t.Run("an approved application is voided once customs approves", func(t *testing.T) {
		app := m.declare(m.a, model.FamilyNonBondedApplication, model.BusinessEntry, model.DocumentHead{}, m.line(1_000))
		m.review(app.ID, "approve")
		require.NoError(t, m.a.Post(ctx, "/api/v1/documents/"+app.ID+"/deletion", map[string]string{"reason": "不进区了"}, nil))
		require.NoError(t, m.customs.Post(ctx, "/api/v1/documents/"+app.ID+"/deletion/review", map[string]string{"decision": "approve", "reason": "同意"}, nil))
		require.Equal(t, model.DocVoided, m.document(m.a, app.ID).Status)
	})
	t.Run("consolidated documents are refused and nothing changes", func(t *testing.T) {
		wr := m.declare(m.a, model.FamilyWarehouseReceipt, model.BusinessIn, model.DocumentHead{}, m.line(1_000))
		e := m.refused(409, m.a, post("/api/v1/documents/"+wr.ID+"/deletion", map[string]string{"reason": "x"}))
		require.Contains(t, e.Message, "offline")
	})
	t.Run("another enterprise cannot ask for a deletion", func(t *testing.T) {
		app := m.declare(m.a, model.FamilyNonBondedApplication, model.BusinessEntry, model.DocumentHead{}, m.line(1_000))
		m.refused(403, m.b, post("/api/v1/documents/"+app.ID+"/deletion", map[string]string{"reason": "x"}))
	})
	require.Equal(t, map[string]int64{holdingKey(enterpriseA, true): 10_000}, m.stock())
}

// TestConcurrentDeclarationsOnOneBatch declares 50 exits of the same batch
// at once: every reservation counts (no lost update), exactly the ones beyond
// the stock are tagged, and the gate lets out only what is there.
func TestConcurrentDeclarationsOnOneBatch(t *testing.T) {
	ctx := context.Background()
	m := newMarket(t)
	const stock, each, n = 40_000, 1_000, 50
	entry := m.declare(m.a, model.FamilyChecklist, model.BusinessEntry, model.DocumentHead{}, m.line(stock))
	m.customsReceipt(entry.ID, "1")
	require.NoError(t, m.gatePass(entry.ID))

	drafts := make([]string, n)
	for i := range drafts {
		drafts[i] = m.draft(m.a, model.FamilyChecklist, model.BusinessExit, heads[model.FamilyChecklist], m.line(each))
	}
	docs := make([]model.Document, n)
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range drafts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := m.a.Do(ctx, apiclient.Request{Method: http.MethodPost, Path: "/api/v1/document-drafts/" + drafts[i] + "/declare"}, &docs[i])
			if err != nil {
				errs <- fmt.Errorf("declare %d: %w", i, err)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}

	var balances struct {
		Items []query.BalanceView `json:"items"`
	}
	require.NoError(t, m.customs.Get(ctx, "/api/v1/balances?traceCode="+m.code+"&enterpriseId="+enterpriseA+"&bonded=true", &balances))
	require.Len(t, balances.Items, 1)
	require.Equal(t, int64(n*each), balances.Items[0].ReservedGrams, "every declaration's reservation counted")
	tagged := 0
	for _, d := range docs {
		if len(d.Tags) > 0 {
			require.Equal(t, model.TagWeightAnomaly, d.Tags[0].Code)
			tagged++
		}
	}
	require.Equal(t, n-stock/each, tagged, "exactly the declarations beyond the stock are tagged")

	var listed struct {
		Items []query.DocumentView `json:"items"`
	}
	require.NoError(t, m.customs.Get(ctx, "/api/v1/documents?family=checklist&businessType=exit&pageSize=100", &listed))
	require.Len(t, listed.Items, n)
	for i, d := range listed.Items {
		require.Equal(t, i < n-stock/each, d.Abnormal, "abnormal documents are listed first")
	}

	// All approved, all at the gate at once: only the stock leaves.
	for _, d := range docs {
		m.customsReceipt(d.ID, "1")
	}
	var passed sync.WaitGroup
	var mu sync.Mutex
	ok, conflict := 0, 0
	for _, d := range docs {
		passed.Add(1)
		go func() {
			defer passed.Done()
			err := m.gatePass(d.ID)
			mu.Lock()
			defer mu.Unlock()
			switch apiclient.StatusOf(err) {
			case 0:
				if err != nil {
					t.Errorf("gate pass of %s: %v", d.ID, err)
					return
				}
				ok++
			case 409:
				conflict++
			default:
				t.Errorf("gate pass of %s: %v", d.ID, err)
			}
		}()
	}
	passed.Wait()
	require.Equal(t, stock/each, ok)
	require.Equal(t, n-stock/each, conflict)
	require.Empty(t, m.stock(), "everything left, nothing below zero")
}
