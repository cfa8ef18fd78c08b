package docdrafts_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/docdrafts"
	"zonetrace/gateway/schema"
	"zonetrace/internal/pgtest"
)

const ent, other = "91320583MA1AAAAA0A", "91320583MA1BBBBB0B"

func setup(t *testing.T) *docdrafts.Store {
	t.Helper()
	pool := pgtest.NewPool(t)
	require.NoError(t, schema.Migrate(context.Background(), pool))
	return docdrafts.New(pool)
}

func newID(t *testing.T) string {
	t.Helper()
	id, err := docdrafts.NewID("")
	require.NoError(t, err)
	return id
}

func TestStore(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := setup(t)
	id := newID(t)
	c := completeContent(t)
	c.Lines[1].TraceCode = ""
	d, err := s.Create(ctx, id, ent, "alice", c)
	require.NoError(t, err)
	require.Equal(t, []int{1, 2}, []int{d.Lines[0].Seq, d.Lines[1].Seq}, "lines are numbered from 1")

	t.Run("creating the same id again returns the first draft", func(t *testing.T) {
		again, err := s.Create(ctx, id, ent, "bob", completeContent(t))
		require.NoError(t, err)
		require.Equal(t, "alice", again.CreatedBy)
		require.Empty(t, again.Lines[1].TraceCode)
	})
	t.Run("another enterprise cannot see or change it", func(t *testing.T) {
		_, err := s.Get(ctx, other, id)
		require.ErrorIs(t, err, docdrafts.ErrNotFound)
		_, err = s.Update(ctx, other, id, "bob", c)
		require.ErrorIs(t, err, docdrafts.ErrNotFound)
		require.ErrorIs(t, s.Delete(ctx, other, id, "bob"), docdrafts.ErrNotFound)
	})
	t.Run("an impossible draft is refused", func(t *testing.T) {
		bad := completeContent(t)
		bad.BusinessType = model.BusinessEntry
		_, err := s.Create(ctx, newID(t), ent, "alice", bad)
		require.Error(t, err)
	})

	declared := newID(t)
	_, err = s.Create(ctx, declared, ent, "alice", docdrafts.Content{Family: model.FamilyChecklist, BusinessType: model.BusinessEntry,
		Lines: []model.DocumentLine{completeLine(t, 9)}})
	require.NoError(t, err)
	_, err = s.Reserve(ctx, ent, declared, "HZ20260301AAAAAAAA")
	require.NoError(t, err)
	require.NoError(t, s.MarkDeclared(ctx, ent, declared, "alice"))

	yes, no := true, false
	cases := []struct {
		name string
		f    docdrafts.Filter
		want []string
	}{
		{"no filter lists both, newest update first", docdrafts.Filter{}, []string{declared, id}},
		{"family filters", docdrafts.Filter{Family: model.FamilyBondedTransfer}, []string{id}},
		{"business type filters", docdrafts.Filter{BusinessType: model.BusinessEntry}, []string{declared}},
		{"declared filters", docdrafts.Filter{Declared: &yes}, []string{declared}},
		{"undeclared filters", docdrafts.Filter{Declared: &no}, []string{id}},
		{"missing trace code filters", docdrafts.Filter{MissingTraceCode: true}, []string{id}},
		{"q finds a document number prefix", docdrafts.Filter{Q: "HZ2026"}, []string{declared}},
		{"q finds a product name", docdrafts.Filter{Q: "yirga"}, []string{declared, id}},
		{"q finds a trace code", docdrafts.Filter{Q: traceCode(t, 9)}, []string{declared}},
		{"q escapes wildcards", docdrafts.Filter{Q: "%"}, []string{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.f.Page, tc.f.PageSize = 1, 20
			p, err := s.List(ctx, ent, tc.f)
			require.NoError(t, err)
			got := []string{}
			for _, d := range p.Items {
				got = append(got, d.ID)
			}
			require.Equal(t, tc.want, got)
			require.Equal(t, len(tc.want), p.Total)
		})
	}
	t.Run("a declared draft cannot change, be deleted or reserved again", func(t *testing.T) {
		_, err := s.Update(ctx, ent, declared, "alice", completeContent(t))
		require.ErrorIs(t, err, docdrafts.ErrDeclared)
		require.ErrorIs(t, s.Delete(ctx, ent, declared, "alice"), docdrafts.ErrDeclared)
		_, err = s.Reserve(ctx, ent, declared, "HZ20260301BBBBBBBB")
		require.ErrorIs(t, err, docdrafts.ErrDeclared)
		require.NoError(t, s.Unreserve(ctx, ent, declared, "HZ20260301AAAAAAAA"))
		got, err := s.Get(ctx, ent, declared)
		require.NoError(t, err)
		require.Equal(t, "HZ20260301AAAAAAAA", got.DocumentID, "a committed declaration keeps its number")
	})
	t.Run("a deleted draft is gone", func(t *testing.T) {
		require.NoError(t, s.Delete(ctx, ent, id, "carol"))
		_, err := s.Get(ctx, ent, id)
		require.ErrorIs(t, err, docdrafts.ErrNotFound)
		require.ErrorIs(t, s.Delete(ctx, ent, id, "carol"), docdrafts.ErrNotFound)
	})
}

func TestCreateIncoming(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := setup(t)
	c := completeContent(t)
	out := model.Document{ID: "BL20260301AAAAAAAA", Family: c.Family, BusinessType: model.BusinessOut, EnterpriseID: other, Head: c.Head, Lines: c.Lines}

	first, err := s.CreateIncoming(ctx, ent, "ent-a", out, "")
	require.NoError(t, err)
	require.Equal(t, docdrafts.IncomingID(out.ID), first.ID)
	require.Equal(t, out.ID, first.SourceDocumentID)
	require.Equal(t, out.ID, first.Head.LinkedDocumentID)

	t.Run("listing again keeps the transferee's edits", func(t *testing.T) {
		edited := first.Content
		edited.Head.AccountBookNo = "T2301W000009"
		_, err := s.Update(ctx, ent, first.ID, "ent-a", edited)
		require.NoError(t, err)
		again, err := s.CreateIncoming(ctx, ent, "ent-a", out, "")
		require.NoError(t, err)
		require.Equal(t, "T2301W000009", again.Head.AccountBookNo)
	})
	t.Run("a deleted in-draft is made again from the out leg", func(t *testing.T) {
		require.NoError(t, s.Delete(ctx, ent, first.ID, "ent-a"))
		again, err := s.CreateIncoming(ctx, ent, "ent-a", out, "")
		require.NoError(t, err)
		require.Equal(t, first.ID, again.ID)
		require.Empty(t, again.Head.AccountBookNo)
	})
}
