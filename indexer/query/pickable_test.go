package query_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"zonetrace/indexer/query"
)

func TestPickableBatches(t *testing.T) {
	t.Parallel()
	w := newDocWorld(t)
	pick := func(t *testing.T, f query.PickFilter) []query.PickableBatch {
		got, err := w.reader.PickableBatches(t.Context(), f)
		require.NoError(t, err)
		return got
	}
	yes, no := true, false

	t.Run("a batch named by three documents and two lines of one is listed once per holding", func(t *testing.T) {
		t.Parallel()
		// Beta's TC2 is on hz2 (entry), hz3 (conversion) and twice on fl1;
		// a join of balances with document_lines repeats it four times.
		got := pick(t, query.PickFilter{EnterpriseID: beta})
		require.Len(t, got, 2)
		bonded, free := got[0], got[1]
		require.Equal(t, []string{"TC2", "TC2"}, []string{bonded.TraceCode, free.TraceCode})
		require.True(t, bonded.Bonded)
		require.False(t, free.Bonded)
		require.Equal(t, int64(4_000_000), bonded.AvailableGrams, "nothing of the bonded holding is reserved")
		require.Equal(t, int64(1_000_000-700_000), free.AvailableGrams, "weight less what fl1 reserves")
		require.Equal(t, "Yirgacheffe G1", free.ProductName)
		require.Equal(t, "0901110000", free.HSCode)
		require.Equal(t, int64(38_00), free.UnitPriceFen)
	})
	t.Run("a holding reserved beyond its weight has none available", func(t *testing.T) {
		t.Parallel()
		got := pick(t, query.PickFilter{EnterpriseID: alpha})
		require.Len(t, got, 1)
		require.Equal(t, int64(10_000_000), got[0].WeightGrams)
		require.Equal(t, int64(23_000_000), got[0].ReservedGrams)
		require.Zero(t, got[0].AvailableGrams)
	})
	t.Run("filters: bonded status, trace code, product name", func(t *testing.T) {
		t.Parallel()
		require.Len(t, pick(t, query.PickFilter{EnterpriseID: beta, Bonded: &no}), 1)
		require.False(t, pick(t, query.PickFilter{EnterpriseID: beta, Bonded: &no})[0].Bonded)
		require.Len(t, pick(t, query.PickFilter{EnterpriseID: beta, Bonded: &yes, TraceCode: "TC2"}), 1)
		require.Empty(t, pick(t, query.PickFilter{EnterpriseID: beta, TraceCode: "TC1"}), "beta holds none of TC1")
		require.Len(t, pick(t, query.PickFilter{EnterpriseID: beta, Q: "yirga"}), 2)
		require.Empty(t, pick(t, query.PickFilter{EnterpriseID: beta, Q: "huila"}))
	})
	t.Run("an enterprise holding nothing picks nothing", func(t *testing.T) {
		t.Parallel()
		require.Empty(t, pick(t, query.PickFilter{EnterpriseID: gamma}))
	})
}
