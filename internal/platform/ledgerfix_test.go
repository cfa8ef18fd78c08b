package platform

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
	"zonetrace/indexer/query"
	"zonetrace/internal/apiclient"
)

// TestLedgerCorrectionsThroughTheGateway drives the corrections of the
// ledger's readings through the API: customs' manual tags, the release of a
// stuck reservation, customs' change and deletion receipts, the out leg's
// shortfall named at its approval, and a consolidated transfer's deletion
// refused with the tender's reminder.
func TestLedgerCorrectionsThroughTheGateway(t *testing.T) {
	ctx := context.Background()
	m := newMarket(t)
	entry := m.declare(m.a, model.FamilyChecklist, model.BusinessEntry, model.DocumentHead{}, m.line(20_000))
	m.customsReceipt(entry.ID, "1")
	require.NoError(t, m.gatePass(entry.ID))
	reserved := func() int64 {
		t.Helper()
		var out struct {
			Items []query.BalanceView `json:"items"`
		}
		require.NoError(t, m.customs.Get(ctx, "/api/v1/balances?traceCode="+m.code+"&enterpriseId="+enterpriseA, &out))
		for _, b := range out.Items {
			if b.Bonded {
				return b.ReservedGrams
			}
		}
		return 0
	}
	lastStep := func(d query.DocumentView) model.DocumentStep { return d.Steps[len(d.Steps)-1] }

	t.Run("customs tags by hand and removes a tag with a reason", func(t *testing.T) {
		exit := m.declare(m.a, model.FamilyChecklist, model.BusinessExit, model.DocumentHead{}, m.line(1_000))
		path := "/api/v1/documents/" + exit.ID + "/tags"
		m.refused(http.StatusForbidden, m.a, post(path, map[string]string{"code": model.TagWeightAnomaly, "reason": "自查"}))
		m.refused(http.StatusUnprocessableEntity, m.customs, post(path, map[string]string{"code": "NOT_IN_CATALOGUE", "reason": "布控"}))
		m.refused(http.StatusUnprocessableEntity, m.customs, post(path, map[string]string{"code": model.TagWeightAnomaly}))

		var tagged, repeated query.DocumentView
		tag := apiclient.Request{Method: http.MethodPost, Path: path, IdempotencyKey: "tag-" + exit.ID,
			Body: map[string]string{"code": model.TagWeightAnomaly, "reason": "现场查验短少"}}
		_, err := m.customs.Do(ctx, tag, &tagged)
		require.NoError(t, err)
		_, err = m.customs.Do(ctx, tag, &repeated)
		require.NoError(t, err, "a retried tag is answered, not refused as a duplicate")
		require.Equal(t, tagged.Tags, repeated.Tags)
		require.Len(t, tagged.Tags, 1)
		require.Equal(t, "现场查验短少", tagged.Tags[0].Reason)
		require.NotNil(t, tagged.Tags[0].AddedBy)
		require.Equal(t, "customs", tagged.Tags[0].AddedBy.UserID)
		require.True(t, tagged.Abnormal)
		require.Equal(t, model.DocActionTag, lastStep(tagged).Action)
		// The declarant sees the tag on its document.
		require.Len(t, m.document(m.a, exit.ID).Tags, 1)

		e := m.refused(http.StatusConflict, m.customs, post(path, map[string]string{"code": model.TagWeightAnomaly, "reason": "再次"}))
		require.Contains(t, e.MessageZh, "不能重复打标")

		remove := apiclient.Request{Method: http.MethodDelete, Path: path + "/" + model.TagWeightAnomaly, Body: map[string]string{"reason": "复核无误"}}
		m.refused(http.StatusForbidden, m.a, remove)
		var untagged query.DocumentView
		_, err = m.customs.Do(ctx, remove, &untagged)
		require.NoError(t, err)
		require.Empty(t, untagged.Tags)
		require.False(t, untagged.Abnormal)
		require.Equal(t, "重量异常：复核无误", lastStep(untagged).Reason)
		m.refused(http.StatusConflict, m.customs, remove)
	})

	t.Run("a stuck exit's reservation is released by customs with a reason", func(t *testing.T) {
		before := reserved()
		exit := m.declare(m.a, model.FamilyChecklist, model.BusinessExit, model.DocumentHead{}, m.line(3_000))
		m.customsReceipt(exit.ID, "1")
		require.NoError(t, m.customs.Post(ctx, "/api/v1/external-receipts", map[string]string{
			"documentId": exit.ID, "messageType": "SAS223", "customsNo": "Z3223I261126000000000007", "manageResult": "2",
			"manageDate": "2026-11-26 15:00:00"}, nil))
		require.Equal(t, before+3_000, reserved())
		path := "/api/v1/documents/" + exit.ID + "/release"
		m.refused(http.StatusForbidden, m.a, post(path, map[string]string{"reason": "x"}))
		m.refused(http.StatusUnprocessableEntity, m.customs, post(path, map[string]string{"reason": ""}))
		var released query.DocumentView
		require.NoError(t, m.customs.Post(ctx, path, map[string]string{"reason": "卡口未放行，货物留区"}, &released))
		require.Equal(t, model.DocVoided, released.Status)
		require.Equal(t, "卡口未放行，货物留区", lastStep(released).Reason)
		require.Equal(t, before, reserved())
		m.refused(http.StatusConflict, m.customs, post(path, map[string]string{"reason": "再次"}))
	})

	t.Run("customs' change and deletion receipts amend or void an approved checklist", func(t *testing.T) {
		before := reserved()
		exit := m.declare(m.a, model.FamilyChecklist, model.BusinessExit, model.DocumentHead{}, m.line(5_000))
		m.customsReceipt(exit.ID, "1")
		// Passed on the day of the approval: a receipt of its own, not a resend.
		require.NoError(t, m.customs.Post(ctx, "/api/v1/external-receipts", map[string]any{
			"documentId": exit.ID, "messageType": "INV201", "customsNo": "QD223226I" + exit.ID[len(exit.ID)-9:], "manageResult": "1",
			"manageDate": "2026-11-26 10:00:00", "declarationType": "2", "lines": []map[string]int64{{"seq": 1, "weightGrams": 4_000}}}, nil))
		amended := m.document(m.a, exit.ID)
		require.Equal(t, int64(4_000), amended.Lines[0].WeightGrams)
		require.Equal(t, model.DocActionAmend, lastStep(amended).Action)
		require.True(t, amended.DeletedOrModified)
		require.Equal(t, before+4_000, reserved())

		require.NoError(t, m.customs.Post(ctx, "/api/v1/external-receipts", map[string]any{
			"documentId": exit.ID, "messageType": "INV201", "customsNo": "QD223226I" + exit.ID[len(exit.ID)-9:], "manageResult": "1",
			"manageDate": "2026-11-28 09:00:00", "declarationType": "3"}, nil))
		require.Equal(t, model.DocVoided, m.document(m.a, exit.ID).Status)
		require.Equal(t, before, reserved())
	})

	t.Run("an over-shipped out leg is refused at its approval, naming the shortfall", func(t *testing.T) {
		out := m.declare(m.a, model.FamilyBondedTransfer, model.BusinessOut,
			model.DocumentHead{AccountBookNo: "T3223W000001", CounterpartyID: enterpriseB}, m.line(25_000))
		require.NotEmpty(t, m.document(m.a, out.ID).Tags, "the declarant sees the weight tag")
		e := m.refused(http.StatusConflict, m.customs, post("/api/v1/documents/"+out.ID+"/review", map[string]string{"decision": "approve"}))
		require.Contains(t, e.MessageZh, "短缺 5000 克")
		require.NoError(t, m.customs.Post(ctx, "/api/v1/documents/"+out.ID+"/review",
			map[string]string{"decision": "return", "reason": e.MessageZh}, nil))
		returned := m.document(m.a, out.ID)
		require.Equal(t, model.DocReturned, returned.Status)
		require.Contains(t, returned.ReturnReason, "短缺 5000 克")
	})

	t.Run("a consolidated transfer cannot be deleted: the tender's reminder", func(t *testing.T) {
		out := m.declare(m.a, model.FamilyBondedTransfer, model.BusinessOut,
			model.DocumentHead{AccountBookNo: "T3223W000001", CounterpartyID: enterpriseB}, m.line(2_000))
		m.review(out.ID, "approve")
		checklist := m.declare(m.a, model.FamilyChecklist, model.BusinessConsolidated, model.DocumentHead{}, m.line(2_000))
		path := "/api/v1/documents/" + checklist.ID + "/consolidation"
		m.refused(http.StatusForbidden, m.customs, post(path, map[string]any{"transferIds": []string{out.ID}}))
		m.refused(http.StatusUnprocessableEntity, m.a, post(path, map[string]any{"transferIds": []string{"nonsense"}}))
		var linked query.DocumentView
		require.NoError(t, m.a.Post(ctx, path, map[string]any{"transferIds": []string{out.ID}}, &linked))
		require.Equal(t, []string{out.ID}, linked.Consolidates)
		require.Equal(t, checklist.ID, m.document(m.b, out.ID).ConsolidatedIn, "the transferee sees it too")
		var column string
		require.NoError(t, m.Pool.QueryRow(ctx, `SELECT consolidated_in FROM documents WHERE id = $1`, out.ID).Scan(&column))
		require.Equal(t, checklist.ID, column)

		e := m.refused(http.StatusConflict, m.a, post("/api/v1/documents/"+out.ID+"/deletion", map[string]string{"reason": "申报错误"}))
		require.Contains(t, e.MessageZh, "已集报")
		require.Contains(t, e.MessageZh, "不可进行删单操作，请走线下流程")
	})
}
