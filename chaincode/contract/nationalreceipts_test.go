package contract

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
)

// applyReceipt applies r to docID as customs.
func (tr *trade) applyReceipt(docID string, r model.ExternalReceipt) ([]byte, error) {
	tr.t.Helper()
	return tr.invoke(tr.customs, "ApplyExternalReceipt", tr.req(), docID, receiptJSON(tr.t, r))
}

// receiptRefusal asserts applying r to docID is refused as invalid.
func (tr *trade) receiptRefusal(docID string, r model.ExternalReceipt) *model.Error {
	tr.t.Helper()
	return tr.refusal(model.CodeInvalid, tr.customs, "ApplyExternalReceipt", tr.req(), docID, receiptJSON(tr.t, r))
}

func receiptJSON(t *testing.T, r model.ExternalReceipt) string {
	raw, err := json.Marshal(r)
	require.NoError(t, err)
	return string(raw)
}

// The receipts of CUSTOMS_MESSAGES.md beyond the approvals: what each does
// to the document it is about.
func TestNationalReceipts(t *testing.T) {
	t.Run("INV202 and INV211 enter an approved checklist's history without changing it", func(t *testing.T) {
		tr := newTrade(t)
		d := tr.declareDoc(tr.entA, model.FamilyChecklist, model.BusinessEntry, model.DocumentHead{}, tr.line(3_000))
		tr.receipt(d.ID, "INV201", "1")
		raw, err := tr.applyReceipt(d.ID, model.ExternalReceipt{ID: "INV202:a", MessageType: "INV202", CustomsNo: "QD3223260I000000001",
			ManageResult: "1", ManageDate: "2026-11-26 10:05:00", Note: "报关单统一编号 E20260001310220743"})
		require.NoError(t, err)
		got := decodeDoc(t, raw)
		require.Equal(t, model.DocApproved, got.Status)
		last := got.Steps[len(got.Steps)-1]
		require.Equal(t, "INV202", last.Source)
		require.Equal(t, "核注清单生成报关单回执 处理结果 1（报关单统一编号 E20260001310220743）", last.Reason)

		raw, err = tr.applyReceipt(d.ID, model.ExternalReceipt{ID: "INV211:a", MessageType: "INV211", CustomsNo: "QD3223260I000000001",
			ManageResult: "2", ManageDate: "2026-11-27 09:00:00"})
		require.NoError(t, err)
		got = decodeDoc(t, raw)
		require.Equal(t, model.DocApproved, got.Status)
		require.Equal(t, "INV211", got.Steps[len(got.Steps)-1].Source)
	})
	t.Run("INV202 is refused on a document that is not a checklist", func(t *testing.T) {
		tr := newTrade(t)
		gate := tr.declareDoc(tr.entA, model.FamilyGateRegistration, model.BusinessEntry,
			model.DocumentHead{VehiclePlate: "苏E12345", Carrier: "顺达物流"}, tr.line(1_000))
		e := tr.receiptRefusal(gate.ID, model.ExternalReceipt{ID: "INV202:b", MessageType: "INV202", ManageResult: "1", ManageDate: "2026-11-26 10:05:00"})
		require.Equal(t, model.ReasonReceiptWrongFamily, e.Reason)
	})
	t.Run("SAS224 releases the goods at the gate (3) or records the refusal (2)", func(t *testing.T) {
		tr := newTrade(t)
		d := tr.declareDoc(tr.entA, model.FamilyChecklist, model.BusinessEntry, model.DocumentHead{}, tr.line(3_000))
		tr.receipt(d.ID, "INV201", "1")
		raw, err := tr.applyReceipt(d.ID, model.ExternalReceipt{ID: "SAS224:2", MessageType: "SAS224", ManageResult: "2", ManageDate: "2026-11-26 11:00:00", Note: "查验异常"})
		require.NoError(t, err)
		got := decodeDoc(t, raw)
		require.Equal(t, model.DocApproved, got.Status)
		require.Equal(t, "查验后拒绝过卡（查验异常）", got.Steps[len(got.Steps)-1].Reason)
		require.Zero(t, tr.stock(tr.customs, enterpriseA, true).WeightGrams)

		raw, err = tr.applyReceipt(d.ID, model.ExternalReceipt{ID: "SAS224:3", MessageType: "SAS224", ManageResult: "3", ManageDate: "2026-11-26 12:00:00"})
		require.NoError(t, err)
		require.Equal(t, model.DocEffective, decodeDoc(t, raw).Status)
		require.Equal(t, int64(3_000), tr.stock(tr.customs, enterpriseA, true).WeightGrams)

		e := tr.receiptRefusal(d.ID, model.ExternalReceipt{ID: "SAS224:1", MessageType: "SAS224", ManageResult: "1", ManageDate: "2026-11-26 12:00:00"})
		require.Equal(t, []string{"manageResult"}, problemFields(e), "1 is not an SAS224 result")
	})
	t.Run("an SAS211 deletion voids a warehouse receipt; an SAS221 作废 voids a gate registration", func(t *testing.T) {
		tr := newTrade(t)
		wr := tr.declareDoc(tr.entA, model.FamilyWarehouseReceipt, model.BusinessIn, model.DocumentHead{}, tr.line(2_000))
		tr.receipt(wr.ID, "SAS211", "1")
		raw, err := tr.applyReceipt(wr.ID, model.ExternalReceipt{ID: "SAS211:del", MessageType: "SAS211", ManageResult: "1",
			ManageDate: "2026-11-27 10:00:00", DeclarationType: model.DeclarationDeletion})
		require.NoError(t, err)
		require.Equal(t, model.DocVoided, decodeDoc(t, raw).Status)

		gate := tr.declareDoc(tr.entA, model.FamilyGateRegistration, model.BusinessEntry,
			model.DocumentHead{VehiclePlate: "苏E12345", Carrier: "顺达物流"}, tr.line(1_000))
		tr.receipt(gate.ID, "SAS221", "1")
		raw, err = tr.applyReceipt(gate.ID, model.ExternalReceipt{ID: "SAS221:void", MessageType: "SAS221", ManageResult: "1",
			ManageDate: "2026-11-27 10:00:00", DeclarationType: model.DeclarationDeletion})
		require.NoError(t, err)
		require.Equal(t, model.DocVoided, decodeDoc(t, raw).Status)
	})
	t.Run("a change or deletion on a receipt that answers none is refused", func(t *testing.T) {
		tr := newTrade(t)
		d := tr.declareDoc(tr.entA, model.FamilyChecklist, model.BusinessEntry, model.DocumentHead{}, tr.line(3_000))
		e := tr.receiptRefusal(d.ID, model.ExternalReceipt{ID: "SAS223:x", MessageType: "SAS223", ManageResult: "1",
			ManageDate: "2026-11-27 10:00:00", DeclarationType: model.DeclarationDeletion})
		require.Equal(t, []string{"declarationType"}, problemFields(e))
	})
}
