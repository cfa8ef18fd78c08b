package drafts_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"zonetrace/gateway/drafts"
	"zonetrace/gateway/schema"
	"zonetrace/internal/pgtest"
)

const ent, other = "91320583MA1AAAAA0A", "91320583MA1BBBBB0B"

func setup(t *testing.T) *drafts.Store {
	t.Helper()
	pool := pgtest.NewPool(t)
	require.NoError(t, schema.Migrate(context.Background(), pool))
	return drafts.New(pool)
}

func TestStore(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := setup(t)
	id, err := drafts.NewID("")
	require.NoError(t, err)
	d, err := s.Create(ctx, id, ent, "alice", completeData())
	require.NoError(t, err)
	require.Equal(t, "alice", d.CreatedBy)

	t.Run("creating the same id again returns the first draft", func(t *testing.T) {
		again, err := s.Create(ctx, id, ent, "alice", completeData())
		require.NoError(t, err)
		require.Equal(t, d.CreatedAt, again.CreatedAt)
	})
	t.Run("another enterprise cannot see it", func(t *testing.T) {
		_, err := s.Get(ctx, other, id)
		require.ErrorIs(t, err, drafts.ErrNotFound)
		_, err = s.Update(ctx, other, id, "bob", completeData())
		require.ErrorIs(t, err, drafts.ErrNotFound)
		require.ErrorIs(t, s.Delete(ctx, other, id, "bob"), drafts.ErrNotFound)
	})
	t.Run("a malformed id is simply not found", func(t *testing.T) {
		_, err := s.Get(ctx, ent, "'; DROP TABLE prefiling_drafts; --")
		require.ErrorIs(t, err, drafts.ErrNotFound)
	})
	t.Run("search finds by product name and escapes wildcards", func(t *testing.T) {
		p, err := s.List(ctx, ent, "yirga", 1, 20)
		require.NoError(t, err)
		require.Equal(t, 1, p.Total)
		p, err = s.List(ctx, ent, "%", 1, 20)
		require.NoError(t, err)
		require.Equal(t, 0, p.Total)
	})
	t.Run("an update changes the data and who updated", func(t *testing.T) {
		data := completeData()
		data.ProductName = "<script>alert(1)</script>"
		u, err := s.Update(ctx, ent, id, "carol", data)
		require.NoError(t, err)
		require.Equal(t, "carol", u.UpdatedBy)
		require.Equal(t, data.ProductName, u.Data.ProductName)
	})
	t.Run("a reserved draft can no longer change and keeps its id", func(t *testing.T) {
		r, err := s.Reserve(ctx, ent, id, "PF20250101ABCDEFGH")
		require.NoError(t, err)
		require.Equal(t, "PF20250101ABCDEFGH", r.PrefilingID)
		r, err = s.Reserve(ctx, ent, id, "PF20250101ZZZZZZZZ")
		require.NoError(t, err)
		require.Equal(t, "PF20250101ABCDEFGH", r.PrefilingID, "a resumed declaration keeps the first id")
		_, err = s.Update(ctx, ent, id, "carol", completeData())
		require.ErrorIs(t, err, drafts.ErrDeclared)
		require.ErrorIs(t, s.Delete(ctx, ent, id, "carol"), drafts.ErrDeclared)
	})
	t.Run("an unreserved draft can change again", func(t *testing.T) {
		require.NoError(t, s.Unreserve(ctx, ent, id, "PF20250101ABCDEFGH"))
		_, err := s.Update(ctx, ent, id, "carol", completeData())
		require.NoError(t, err)
		_, err = s.Reserve(ctx, ent, id, "PF20250101ABCDEFGH")
		require.NoError(t, err)
	})
	t.Run("a declared draft leaves the list and cannot be declared again", func(t *testing.T) {
		require.NoError(t, s.MarkDeclared(ctx, ent, id, "carol"))
		require.NoError(t, s.Unreserve(ctx, ent, id, "PF20250101ABCDEFGH"), "unreserving a declared draft does nothing")
		got, err := s.Get(ctx, ent, id)
		require.NoError(t, err)
		require.True(t, got.Declared())
		require.Equal(t, "PF20250101ABCDEFGH", got.PrefilingID)
		p, err := s.List(ctx, ent, "", 1, 20)
		require.NoError(t, err)
		require.Equal(t, 0, p.Total)
		_, err = s.Reserve(ctx, ent, id, "PF20250101ZZZZZZZZ")
		require.ErrorIs(t, err, drafts.ErrDeclared)
	})
	t.Run("a deleted draft is gone but its deletion is recorded", func(t *testing.T) {
		id2, err := drafts.NewID("")
		require.NoError(t, err)
		_, err = s.Create(ctx, id2, ent, "alice", completeData())
		require.NoError(t, err)
		require.NoError(t, s.Delete(ctx, ent, id2, "dave"))
		_, err = s.Get(ctx, ent, id2)
		require.ErrorIs(t, err, drafts.ErrNotFound)
		require.ErrorIs(t, s.Delete(ctx, ent, id2, "dave"), drafts.ErrNotFound)
	})
}
