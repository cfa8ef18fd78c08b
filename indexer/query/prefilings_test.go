package query_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
	"zonetrace/indexer/query"
)

func TestSearchPrefilings(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	traceCode := w.chain.Prefiling(pf(2)).TraceCode
	require.NotEmpty(t, traceCode)

	tests := []struct {
		name   string
		filter query.PrefilingFilter
		want   []string
		total  int
	}{
		{"no criterion lists the first default page newest first", query.PrefilingFilter{}, newest(25, 6), 25},
		{"the second page continues where the first stopped", query.PrefilingFilter{Page: 2}, newest(5, 1), 25},
		{"a small page size cuts pages accordingly", query.PrefilingFilter{Page: 2, PageSize: 3}, newest(22, 20), 25},
		{"a page past the end is empty but keeps the total", query.PrefilingFilter{Page: 9}, []string{}, 25},
		{"an enterprise sees only its own", query.PrefilingFilter{EnterpriseID: alpha}, pfs(5, 2, 1), 3},
		{"an unknown enterprise sees nothing", query.PrefilingFilter{EnterpriseID: "nobody"}, []string{}, 0},
		{"product name matches a case-insensitive substring", query.PrefilingFilter{ProductName: "SANTOS"}, pfs(4, 2), 2},
		{"LIKE wildcards in a product name are literal", query.PrefilingFilter{ProductName: "0%_b"}, pfs(5), 1},
		{"a lone percent sign matches only names containing it", query.PrefilingFilter{ProductName: "%"}, pfs(5), 1},
		{"exporter matches a case-insensitive substring", query.PrefilingFilter{Exporter: "ADDIS green"}, pfs(5, 1), 2},
		{"trace code matches exactly", query.PrefilingFilter{TraceCode: traceCode}, pfs(2), 1},
		{"origin matches exactly", query.PrefilingFilter{Origin: "BR"}, pfs(4, 2), 2},
		{"status approved", query.PrefilingFilter{Status: model.PrefilingApproved}, pfs(4, 2), 2},
		{"status returned", query.PrefilingFilter{Status: model.PrefilingReturned}, pfs(3), 1},
		{"supplement status declared", query.PrefilingFilter{SupplementStatus: model.SupplementDeclared}, pfs(4), 1},
		{"needs review is the customs queue: declared prefilings and declared supplements",
			query.PrefilingFilter{NeedsReview: true, PageSize: 200}, append(newest(25, 4), pf(1)), 23},
		{"criteria combine with AND", query.PrefilingFilter{EnterpriseID: beta, Origin: "BR", Status: model.PrefilingApproved}, pfs(4), 1},
		{"an enterprise's scope applies to text criteria", query.PrefilingFilter{EnterpriseID: alpha, ProductName: "santos"}, pfs(2), 1},
		{"combined criteria can exclude everything", query.PrefilingFilter{EnterpriseID: alpha, ProductName: "santos", NeedsReview: true}, []string{}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			page, err := w.reader.SearchPrefilings(t.Context(), tt.filter)
			require.NoError(t, err)
			got := make([]string, len(page.Items))
			for i, item := range page.Items {
				got[i] = item.ID
			}
			require.Equal(t, tt.want, got)
			require.Equal(t, tt.total, page.Total)
		})
	}

	t.Run("items carry the enterprise name and no steps", func(t *testing.T) {
		t.Parallel()
		page, err := w.reader.SearchPrefilings(t.Context(), query.PrefilingFilter{EnterpriseID: alpha})
		require.NoError(t, err)
		require.Equal(t, 1, page.Page)
		require.Equal(t, query.DefaultPageSize, page.PageSize)
		for _, item := range page.Items {
			require.Equal(t, "Alpha Coffee", item.EnterpriseName)
			require.Nil(t, item.Steps)
			want := w.chain.Prefiling(item.ID)
			want.Steps = nil
			require.Equal(t, want, item.Prefiling)
		}
	})

	t.Run("a page size above the maximum is capped", func(t *testing.T) {
		t.Parallel()
		page, err := w.reader.SearchPrefilings(t.Context(), query.PrefilingFilter{PageSize: 5000})
		require.NoError(t, err)
		require.Equal(t, query.MaxPageSize, page.PageSize)
		require.Len(t, page.Items, 25)
	})

	invalid := []struct {
		name   string
		filter query.PrefilingFilter
	}{
		{"an unknown status is refused", query.PrefilingFilter{Status: "pending"}},
		{"an unknown supplement status is refused", query.PrefilingFilter{SupplementStatus: "maybe"}},
		{"a negative page is refused", query.PrefilingFilter{Page: -1}},
		{"a negative page size is refused", query.PrefilingFilter{PageSize: -5}},
	}
	for _, tt := range invalid {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := w.reader.SearchPrefilings(t.Context(), tt.filter)
			require.ErrorIs(t, err, query.ErrInvalidFilter)
		})
	}
}

func TestPrefiling(t *testing.T) {
	t.Parallel()
	w := newWorld(t)

	t.Run("detail equals the chain's prefiling with its steps in order", func(t *testing.T) {
		t.Parallel()
		for _, id := range pfs(1, 2, 3, 4) {
			got, err := w.reader.Prefiling(t.Context(), id)
			require.NoError(t, err)
			require.Equal(t, w.chain.Prefiling(id), got.Prefiling)
		}
		got, err := w.reader.Prefiling(t.Context(), pf(4))
		require.NoError(t, err)
		require.Equal(t, "Beta Trading", got.EnterpriseName)
		actions := []string{}
		for _, s := range got.Steps {
			actions = append(actions, s.Action)
		}
		require.Equal(t, []string{model.ActionDeclare, model.ActionApprove, model.ActionSupplement}, actions)
		require.Equal(t, "Q-4", got.Steps[2].Supplement.QuarantineBatchNo)
		require.Nil(t, got.Steps[1].Supplement)
	})

	t.Run("an unknown id is ErrNotFound", func(t *testing.T) {
		t.Parallel()
		_, err := w.reader.Prefiling(t.Context(), "PF-missing")
		require.ErrorIs(t, err, query.ErrNotFound)
	})
}
