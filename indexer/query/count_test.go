package query_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"zonetrace/indexer"
	"zonetrace/indexer/query"
	"zonetrace/internal/pgtest"
)

func TestTotalsStopAtTheCap(t *testing.T) {
	t.Parallel()
	pool := pgtest.NewPool(t)
	require.NoError(t, indexer.Migrate(t.Context(), pool))
	_, err := pool.Exec(t.Context(), benchLoadSQL, query.CountCap+50)
	require.NoError(t, err)
	r := query.New(pool)

	t.Run("a broad search says there are more than the cap", func(t *testing.T) {
		page, err := r.SearchPrefilings(t.Context(), query.PrefilingFilter{})
		require.NoError(t, err)
		require.Equal(t, query.CountCap, page.Total)
		require.True(t, page.TotalCapped)
		require.Len(t, page.Items, query.DefaultPageSize)
	})
	t.Run("a narrow search counts exactly", func(t *testing.T) {
		page, err := r.SearchPrefilings(t.Context(), query.PrefilingFilter{EnterpriseID: benchEnterprise(7)})
		require.NoError(t, err)
		require.False(t, page.TotalCapped)
		require.Equal(t, (query.CountCap+50)/50, page.Total) // enterprise g % 50 == 7
	})
}
