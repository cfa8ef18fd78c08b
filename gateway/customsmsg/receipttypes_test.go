package customsmsg

import (
	"testing"

	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
)

// Every receipt of CUSTOMS_MESSAGES.md in its real shape (issue 13): each
// maps to a receipt the ledger takes (model.CheckExternalReceipt passes).
func TestEveryReceiptType(t *testing.T) {
	t.Parallel()
	t.Run("INV202 carries its result in InvApprResult, not HdeApprResult", func(t *testing.T) {
		t.Parallel()
		r := whole(t, "INV202.xml")
		require.Equal(t, "202400000122717119", r.SeqNo, "invPreentNo")
		require.Equal(t, "QD311124E000098849", r.BusinessID)
		ext := r.External()
		require.Equal(t, model.ExternalReceipt{ID: "INV202:QD311124E000098849:1:2024-07-30 12:01:14", MessageType: "INV202",
			CustomsNo: "QD311124E000098849", ManageResult: "1", ManageDate: "2024-07-30 12:01:14",
			Note: "报关单统一编号 E20240001310229981"}, ext)
		require.Empty(t, model.CheckExternalReceipt(ext))
	})
	t.Run("INV211 has no result block: the posted head's 核扣标记 and formal posting time stand for it", func(t *testing.T) {
		t.Parallel()
		r := whole(t, "INV211.xml")
		require.Equal(t, []string{"202400000122717119"}, r.SeqNos)
		require.Equal(t, []string{"HZ20240730AB12CD34"}, r.InnerNos)
		ext := r.External()
		require.Equal(t, "INV211:QD311124E000098849:2:2024-08-01 09:30:01", ext.ID)
		require.Equal(t, "账册记账 2 项", ext.Note)
		require.Empty(t, ext.DeclarationType, "dclTypecd 1: the declaration itself")
		require.Empty(t, model.CheckExternalReceipt(ext))
	})
	t.Run("SAS221 keeps the gate pass number for the gate registration it approves", func(t *testing.T) {
		t.Parallel()
		ext := whole(t, "SAS221.xml").External()
		require.Equal(t, "Z2305E240805000000000007", ext.CustomsNo)
		require.Equal(t, "1", ext.ManageResult)
		require.Empty(t, ext.DeclarationType)
		require.Empty(t, model.CheckExternalReceipt(ext))
	})
	t.Run("SAS224 names the gate pass in the note, as SAS223 does", func(t *testing.T) {
		t.Parallel()
		r := whole(t, "SAS224.xml")
		ext := r.External()
		require.Empty(t, ext.CustomsNo)
		require.Equal(t, "核放单 Z2305E240805000000000007", ext.Note)
		require.Equal(t, "3", ext.ManageResult)
		require.Equal(t, []string{"202400000069450007"}, r.SeqNos)
		require.Empty(t, model.CheckExternalReceipt(ext))
	})
	t.Run("an SAS211 answering a change takes its type from SasStockBsc and its weights from SasStockDt", func(t *testing.T) {
		t.Parallel()
		ext := whole(t, "SAS211_change.xml").External()
		require.Equal(t, model.DeclarationChange, ext.DeclarationType)
		require.Equal(t, []model.ReceiptLine{{Seq: 1, WeightGrams: 19_000_000}}, ext.Lines)
		require.Equal(t, "SAS211:CK311124I000000123:1:2024-08-06 16:02:00:2", ext.ID)
		require.Empty(t, model.CheckExternalReceipt(ext))
	})
	t.Run("a receipt without any result block is malformed", func(t *testing.T) {
		t.Parallel()
		for _, typ := range []string{"INV202", "INV211", "SAS221"} {
			raw := []byte(`<Package><EnvelopInfo><message_type>` + typ + `</message_type></EnvelopInfo><DataInfo><BussinessData><` + typ +
				`><CheckInfo><note>x</note></CheckInfo></` + typ + `></BussinessData></DataInfo></Package>`)
			_, err := Assemble([]Pocket{parsePocket(t, raw)})
			require.ErrorIs(t, err, ErrMalformed, typ)
		}
	})
}
