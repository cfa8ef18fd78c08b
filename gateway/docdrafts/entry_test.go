package docdrafts_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/docdrafts"
	"zonetrace/gateway/schema"
	"zonetrace/internal/pgtest"
	"zonetrace/internal/sealing/sealingtest"
)

func approvedPrefiling(t *testing.T, entryDraftNo, materialNo string) model.Prefiling {
	return model.Prefiling{ID: "PF20261126AAAAAAAA", EnterpriseID: ent, Status: model.PrefilingApproved, TraceCode: traceCode(t, 7),
		Data: model.PrefilingData{Commodity: "coffee", ProductName: "耶加雪菲", HSCode: "0901110000", Origin: "ET",
			AvgPriceFen: 3333, Currency: "CNY", WeightGrams: 2_999, MaterialNo: materialNo, EntryDraftNo: entryDraftNo}}
}

// TestFillEntry: the trace code of an approved prefiling goes into the
// lines of the zone-entry draft it names that lack one and carry its
// material number; nothing else changes, and doing it again changes
// nothing.
func TestFillEntry(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := pgtest.NewPool(t)
	require.NoError(t, schema.Migrate(ctx, pool))
	s := docdrafts.New(pool, docdrafts.WithSealer(sealingtest.New(t)))

	entry := completeContent(t)
	entry.Family, entry.BusinessType = model.FamilyChecklist, model.BusinessEntry
	entry.Lines = append(entry.Lines, completeLine(t, 3))
	entry.Lines[0].TraceCode, entry.Lines[0].MaterialNo = "", "MAT-1"
	entry.Lines[1].TraceCode, entry.Lines[1].MaterialNo = "", "MAT-2"
	entry.Lines[2].MaterialNo = "MAT-1" // has its own trace code
	id := newID(t)
	_, err := s.Create(ctx, id, ent, "alice", entry)
	require.NoError(t, err)

	p := approvedPrefiling(t, strings.ToUpper(id), "MAT-1")
	outcome, n, err := s.FillEntry(ctx, p)
	require.NoError(t, err)
	require.Equal(t, docdrafts.EntryFilled, outcome)
	require.Equal(t, 1, n)
	d, err := s.Get(ctx, ent, id)
	require.NoError(t, err)
	require.Equal(t, []string{p.TraceCode, "", traceCode(t, 3)}, []string{d.Lines[0].TraceCode, d.Lines[1].TraceCode, d.Lines[2].TraceCode})
	require.Equal(t, entry.Lines[0].ValueFen, d.Lines[0].ValueFen, "sealed values read back")
	require.Equal(t, docdrafts.EntryFiller, d.UpdatedBy)
	page, err := s.List(ctx, ent, docdrafts.Filter{MissingTraceCode: true})
	require.NoError(t, err)
	require.Equal(t, 1, page.Total, "one line still misses its trace code")

	_, n, err = s.FillEntry(ctx, p)
	require.NoError(t, err)
	require.Zero(t, n, "again: nothing left to fill")

	t.Run("another enterprise's prefiling makes its own draft instead", func(t *testing.T) {
		q := approvedPrefiling(t, id, "MAT-2")
		q.ID, q.EnterpriseID = "PF20261126BBBBBBBB", other
		outcome, _, err := s.FillEntry(ctx, q)
		require.NoError(t, err)
		require.Equal(t, docdrafts.EntryCreated, outcome)
		d, err := s.Get(ctx, ent, id)
		require.NoError(t, err)
		require.Empty(t, d.Lines[1].TraceCode)
	})

	t.Run("a declared or non-entry draft is left alone", func(t *testing.T) {
		exit := completeContent(t)
		exit.Lines[0].TraceCode = ""
		exitID := newID(t)
		_, err := s.Create(ctx, exitID, ent, "alice", exit)
		require.NoError(t, err)
		outcome, n, err := s.FillEntry(ctx, approvedPrefiling(t, exitID, ""))
		require.NoError(t, err)
		require.Equal(t, []any{docdrafts.EntrySkipped, 0}, []any{outcome, n})

		reservedID := newID(t)
		_, err = s.Create(ctx, reservedID, ent, "alice", entry)
		require.NoError(t, err)
		_, err = s.Reserve(ctx, ent, reservedID, "HZ2026112600000001")
		require.NoError(t, err)
		outcome, _, err = s.FillEntry(ctx, approvedPrefiling(t, reservedID, "MAT-1"))
		require.NoError(t, err)
		require.Equal(t, docdrafts.EntrySkipped, outcome)
		d, err := s.Get(ctx, ent, reservedID)
		require.NoError(t, err)
		require.Empty(t, d.Lines[0].TraceCode)
	})

	t.Run("a prefiling naming no draft of the enterprise gets a prefilled one, once", func(t *testing.T) {
		q := approvedPrefiling(t, "E3223260000012345", "MAT-9")
		q.ID = "PF20261126CCCCCCCC"
		outcome, _, err := s.FillEntry(ctx, q)
		require.NoError(t, err)
		require.Equal(t, docdrafts.EntryCreated, outcome)
		d, err := s.Get(ctx, ent, docdrafts.EntryDraftID(q.ID))
		require.NoError(t, err)
		require.Equal(t, []model.DocumentLine{{Seq: 1, TraceCode: q.TraceCode, MaterialNo: "MAT-9", ProductName: "耶加雪菲",
			HSCode: "0901110000", Origin: "ET", WeightGrams: 2_999, UnitPriceFen: 3333, ValueFen: 9996, Currency: "CNY"}}, d.Lines)
		require.Empty(t, model.CheckLineValue("lines[0]", d.Lines[0]), "the value agrees with weight × price")
		require.NoError(t, docdrafts.CheckShape(d.Family, d.BusinessType, d.Head, d.Lines))

		require.NoError(t, s.Delete(ctx, ent, d.ID, "alice"))
		outcome, _, err = s.FillEntry(ctx, q)
		require.NoError(t, err)
		require.Equal(t, docdrafts.EntrySkipped, outcome, "a deleted one stays deleted")
	})

	t.Run("a prefiling naming no entry draft is left alone", func(t *testing.T) {
		outcome, n, err := s.FillEntry(ctx, approvedPrefiling(t, "", "MAT-2"))
		require.NoError(t, err)
		require.Equal(t, []any{"", 0}, []any{outcome, n})
	})
}
