package customsmsg

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
)

func TestChecklistCorrectionReceipts(t *testing.T) {
	t.Parallel()
	t.Run("a change receipt names its declaration type from the checklist head and carries the line weights it states", func(t *testing.T) {
		t.Parallel()
		r := whole(t, "INV201_change.xml")
		require.Equal(t, model.DeclarationChange, r.TypeCode, "typecd is empty; dclTypecd says 变更")
		ext := r.External()
		require.Equal(t, model.DeclarationChange, ext.DeclarationType)
		require.Equal(t, []model.ReceiptLine{{Seq: 1, WeightGrams: 18_000_001}}, ext.Lines,
			"18000.0005 kg rounds half up to whole grams; line 2 states no weight")
		require.Equal(t, "INV201:QD311124E000098849:1:2024-08-02 09:15:40:2", ext.ID, "not the key of the approval on the same day")
		require.Empty(t, model.CheckExternalReceipt(ext))
	})
	t.Run("a deletion receipt carries no lines", func(t *testing.T) {
		t.Parallel()
		raw := bytes.Replace(sample(t, "INV201_change.xml"), []byte("<typecd></typecd>"), []byte("<typecd>3</typecd>"), 1)
		r, err := Assemble([]Pocket{parsePocket(t, raw)})
		require.NoError(t, err)
		ext := r.External()
		require.Equal(t, model.DeclarationDeletion, ext.DeclarationType)
		require.Empty(t, ext.Lines)
	})
	t.Run("the approval of the declaration itself is unchanged", func(t *testing.T) {
		t.Parallel()
		ext := whole(t, "INV201.xml").External()
		require.Empty(t, ext.DeclarationType)
		require.Empty(t, ext.Lines)
	})
}

func TestKilogramsToGrams(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]int64{"1": 1000, "0.0015": 2, "0.00149": 1, "12.5": 12_500, "99999999999999.99999": 100_000_000_000_000_000} {
		got, ok := kilogramsToGrams(in)
		require.True(t, ok, in)
		require.Equal(t, want, got, in)
	}
	for _, in := range []string{"", "0", "0.0004", "-1", "1e3", "1.234567", "1,5", "123456789012345"} {
		_, ok := kilogramsToGrams(in)
		require.False(t, ok, in)
	}
}
