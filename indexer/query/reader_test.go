package query_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
	"zonetrace/indexer/query"
)

func TestReader(t *testing.T) {
	t.Parallel()
	w := newWorld(t)

	t.Run("a trace code is found by its code", func(t *testing.T) {
		t.Parallel()
		p := w.chain.Prefiling(pf(2))
		got, err := w.reader.TraceCode(t.Context(), p.TraceCode)
		require.NoError(t, err)
		require.Equal(t, p.TraceCode, got.Code)
		require.Equal(t, pf(2), got.PrefilingID)
		require.Equal(t, alpha, got.EnterpriseID)
		require.Equal(t, int64(60_000_000), got.WeightGrams)
		require.Equal(t, p.UpdatedAt, got.IssuedAt)
		require.Equal(t, model.TraceCodeActive, got.Status)

		_, err = w.reader.TraceCode(t.Context(), "TC-missing")
		require.ErrorIs(t, err, query.ErrNotFound)
	})

	t.Run("enterprises are listed by id and found one by one", func(t *testing.T) {
		t.Parallel()
		list, err := w.reader.Enterprises(t.Context())
		require.NoError(t, err)
		require.Equal(t, w.enterprises, list)
		got, err := w.reader.Enterprise(t.Context(), beta)
		require.NoError(t, err)
		require.Equal(t, w.enterprises[1], got)
		_, err = w.reader.Enterprise(t.Context(), "nobody")
		require.ErrorIs(t, err, query.ErrNotFound)
	})

	t.Run("identities are listed per enterprise", func(t *testing.T) {
		t.Parallel()
		got, err := w.reader.Identities(t.Context(), alpha)
		require.NoError(t, err)
		require.Equal(t, []model.IdentityBinding{w.binding}, got)
		got, err = w.reader.Identities(t.Context(), beta)
		require.NoError(t, err)
		require.Equal(t, []model.IdentityBinding{}, got)
		got, err = w.reader.Identities(t.Context(), "")
		require.NoError(t, err)
		require.Equal(t, []model.IdentityBinding{w.binding}, got)
	})

	t.Run("the indexed height is the ledger's height once caught up", func(t *testing.T) {
		t.Parallel()
		want, err := w.feed.Height(t.Context())
		require.NoError(t, err)
		got, err := w.reader.IndexedHeight(t.Context())
		require.NoError(t, err)
		require.Equal(t, want, got)
	})
}
