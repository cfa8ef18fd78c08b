package query_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"zonetrace/indexer/query"
	"zonetrace/internal/sealing"
	"zonetrace/internal/sealing/sealingtest"
)

// The lists the API answers pass the stored documents through; each item
// must be what encoding the typed view gives, sealed prices opened, steps
// null, the view's members there — for pages by number and by cursor.
func TestJSONPagesEqualTheTypedViews(t *testing.T) {
	w := newTraceWorld(t, sealingtest.New(t))
	ctx := t.Context()
	same := func(typedItems any, info query.PageInfo, page query.JSONPage) {
		t.Helper()
		require.Equal(t, info, page.PageInfo)
		want, err := json.Marshal(typedItems)
		require.NoError(t, err)
		got, err := json.Marshal(page.Items)
		require.NoError(t, err)
		require.JSONEq(t, string(want), string(got))
	}
	for _, f := range []query.DocumentFilter{{}, {EnterpriseID: alpha}, {PageSize: 2}, {TraceCode: w.traced}} {
		typed, err := w.reader.SearchDocuments(ctx, f)
		require.NoError(t, err)
		require.NotEmpty(t, typed.Items)
		page, err := w.reader.SearchDocumentsJSON(ctx, f)
		require.NoError(t, err)
		same(typed.Items, typed.PageInfo, page)
		if typed.Next != "" {
			f.Cursor = typed.Next
			typed, err = w.reader.SearchDocuments(ctx, f)
			require.NoError(t, err)
			page, err = w.reader.SearchDocumentsJSON(ctx, f)
			require.NoError(t, err)
			same(typed.Items, typed.PageInfo, page)
		}
	}
	opened, err := w.reader.SearchDocumentsJSON(ctx, query.DocumentFilter{EnterpriseID: alpha})
	require.NoError(t, err)
	raw, err := json.Marshal(opened)
	require.NoError(t, err)
	require.Contains(t, string(raw), `"unitPriceFen":`)
	require.NotContains(t, string(raw), sealing.Prefix, "prices are opened")

	for _, f := range []query.PrefilingFilter{{}, {EnterpriseID: gamma}, {PageSize: 1}} {
		typed, err := w.reader.SearchPrefilings(ctx, f)
		require.NoError(t, err)
		require.NotEmpty(t, typed.Items)
		page, err := w.reader.SearchPrefilingsJSON(ctx, f)
		require.NoError(t, err)
		same(typed.Items, typed.PageInfo, page)
	}
	empty, err := w.reader.SearchPrefilingsJSON(ctx, query.PrefilingFilter{EnterpriseID: "nobody"})
	require.NoError(t, err)
	require.NotNil(t, empty.Items)
	require.Empty(t, empty.Items)
}
