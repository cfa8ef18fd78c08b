package query_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
	"zonetrace/indexer/query"
)

func TestSearchDocuments(t *testing.T) {
	t.Parallel()
	w := newDocWorld(t)

	cases := []struct {
		name   string
		filter query.DocumentFilter
		want   []string
	}{
		{"no filter lists every document, the tagged one first, then newest update",
			query.DocumentFilter{}, []string{bl2, fl1, hz3, fs1, bl1, hz2, hz1}},
		{"an enterprise sees what it declared and what names it as counterparty",
			query.DocumentFilter{EnterpriseID: alpha}, []string{bl2, fl1, bl1, hz1}},
		{"the transferee of an out leg sees it",
			query.DocumentFilter{EnterpriseID: beta}, []string{fl1, hz3, bl1, hz2}},
		{"an enterprise's scope combines with other criteria",
			query.DocumentFilter{EnterpriseID: gamma, Family: model.FamilyBondedTransfer}, []string{bl2}},
		{"family selects one family", query.DocumentFilter{Family: model.FamilyChecklist}, []string{hz3, hz2, hz1}},
		{"business type selects within families",
			query.DocumentFilter{BusinessType: model.BusinessOut}, []string{bl2, fl1, bl1}},
		{"status selects one status", query.DocumentFilter{Status: model.DocReturned}, []string{fs1}},
		{"tag selects documents carrying it", query.DocumentFilter{Tag: model.TagWeightAnomaly}, []string{bl2}},
		{"an unknown tag matches nothing", query.DocumentFilter{Tag: "NOPE"}, []string{}},
		{"trace code matches any line, once per document",
			query.DocumentFilter{TraceCode: "TC2"}, []string{fl1, hz3, hz2}},
		{"q matches an id prefix", query.DocumentFilter{Q: "BL2025"}, []string{bl2, bl1}},
		{"q matches a product name substring case-insensitively",
			query.DocumentFilter{Q: "yirgaCHEFFE"}, []string{fl1, hz3, hz2}},
		{"q takes LIKE wildcards literally", query.DocumentFilter{Q: "100%_"}, []string{fs1}},
		{"q does not match the middle of an id", query.DocumentFilter{Q: "2025030100000001"}, []string{}},
		{"deleted or modified selects documents a deletion touched",
			query.DocumentFilter{DeletedOrModified: true}, []string{fl1}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			page, err := w.reader.SearchDocuments(t.Context(), tc.filter)
			require.NoError(t, err)
			require.Equal(t, tc.want, ids(page.Items))
			require.Equal(t, len(tc.want), page.Total)
			require.Equal(t, 1, page.Page)
			require.Equal(t, query.DefaultPageSize, page.PageSize)
		})
	}

	t.Run("pages hold page size items and the total counts all matches", func(t *testing.T) {
		t.Parallel()
		page, err := w.reader.SearchDocuments(t.Context(), query.DocumentFilter{Page: 2, PageSize: 2})
		require.NoError(t, err)
		require.Equal(t, []string{hz3, fs1}, ids(page.Items))
		require.Equal(t, 7, page.Total)
		page, err = w.reader.SearchDocuments(t.Context(), query.DocumentFilter{Page: 9, PageSize: 2})
		require.NoError(t, err)
		require.Empty(t, page.Items)
		require.Equal(t, 7, page.Total)
	})

	t.Run("items carry names and flags but no steps", func(t *testing.T) {
		t.Parallel()
		page, err := w.reader.SearchDocuments(t.Context(), query.DocumentFilter{EnterpriseID: alpha})
		require.NoError(t, err)
		byID := map[string]query.DocumentView{}
		for _, v := range page.Items {
			require.Nil(t, v.Steps)
			byID[v.ID] = v
		}
		require.Equal(t, "Alpha Coffee", byID[bl1].EnterpriseName)
		require.Equal(t, "Beta Trading", byID[bl1].CounterpartyName)
		require.Empty(t, byID[hz1].CounterpartyName)
		require.True(t, byID[bl2].Abnormal)
		require.False(t, byID[bl1].Abnormal)
		require.True(t, byID[fl1].DeletedOrModified)
		require.False(t, byID[bl1].DeletedOrModified)
		want := w.chain.Document(bl1)
		want.Steps = nil
		require.Equal(t, want, byID[bl1].Document)
	})

	invalid := []struct {
		name   string
		filter query.DocumentFilter
	}{
		{"an unknown family", query.DocumentFilter{Family: "invoice"}},
		{"an unknown business type", query.DocumentFilter{BusinessType: "sideways"}},
		{"an unknown status", query.DocumentFilter{Status: "lost"}},
		{"a negative page", query.DocumentFilter{Page: -1}},
		{"a negative page size", query.DocumentFilter{PageSize: -5}},
	}
	for _, tc := range invalid {
		t.Run(tc.name+" is an invalid filter", func(t *testing.T) {
			t.Parallel()
			_, err := w.reader.SearchDocuments(t.Context(), tc.filter)
			require.ErrorIs(t, err, query.ErrInvalidFilter)
		})
	}
}

func TestDocument(t *testing.T) {
	t.Parallel()
	w := newDocWorld(t)

	t.Run("detail equals the chain's document with its steps in order", func(t *testing.T) {
		t.Parallel()
		for _, id := range []string{hz1, hz2, hz3, bl1, bl2, fs1, fl1} {
			got, err := w.reader.Document(t.Context(), id)
			require.NoError(t, err)
			require.Equal(t, w.chain.Document(id), got.Document)
		}
		got, err := w.reader.Document(t.Context(), fl1)
		require.NoError(t, err)
		require.Equal(t, "Beta Trading", got.EnterpriseName)
		require.Equal(t, "Alpha Coffee", got.CounterpartyName)
		require.True(t, got.DeletedOrModified)
		require.Equal(t, []model.DocumentStatus{model.DocDeclared, model.DocDeletionAsked},
			[]model.DocumentStatus{got.Steps[0].Status, got.Steps[1].Status})
		require.Equal(t, "数量错误", got.Steps[1].Reason)
		require.Equal(t, "platform", got.Steps[1].Source)
	})

	t.Run("an unknown id is ErrNotFound", func(t *testing.T) {
		t.Parallel()
		_, err := w.reader.Document(t.Context(), "HZ-missing")
		require.ErrorIs(t, err, query.ErrNotFound)
	})

	t.Run("incoming transfers are approved out legs naming the enterprise, without an in leg", func(t *testing.T) {
		t.Parallel()
		got, err := w.reader.IncomingTransfers(t.Context(), beta)
		require.NoError(t, err)
		want := w.chain.Document(bl1)
		want.Steps = nil
		require.Equal(t, []model.Document{want}, got)
		for _, e := range []string{alpha, gamma, ""} {
			got, err := w.reader.IncomingTransfers(t.Context(), e)
			require.NoError(t, err)
			require.Empty(t, got, "%q has nothing approved to receive", e)
		}
	})
}
