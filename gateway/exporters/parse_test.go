package exporters

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
)

func TestParseReadsTheListingWithItsQuirks(t *testing.T) {
	t.Parallel()
	pages := site(sampleRows(), 4)
	require.Len(t, pages, 3)

	first, err := Parse(strings.NewReader(pages[1]))
	require.NoError(t, err)
	require.Equal(t, 3, first.Pages)
	require.Empty(t, first.Skipped)
	require.Equal(t, []model.ExporterEntry{
		{RegNo: "CBRA02001202300017", Name: "COOXUPE EXPORTADORA LTDA", Country: "BR", Products: "咖啡豆",
			RegisteredOn: "2023-05-17", ExpiresOn: "2028-05-16", Status: model.ExporterValid},
		{RegNo: "CCOL02001202200011", Name: "ALMACAFE S.A.", Country: "CO", Products: "咖啡豆",
			RegisteredOn: "2022-03-01", ExpiresOn: "2027-02-28", Status: model.ExporterValid},
		{RegNo: "CETH02001202400003", Name: "YIRGA CHEFFE COFFEE FARMERS COOPERATIVE UNION", Country: "ET", Products: "咖啡豆",
			RegisteredOn: "2024-01-09", ExpiresOn: "2029-01-08", Status: model.ExporterValid},
		{RegNo: "CVNM02001202100042", Name: "SIMEXCO DAKLAK LTD", Country: "VN", Products: "咖啡豆、咖啡制品",
			RegisteredOn: "2021-07-01", Status: model.ExporterValid},
	}, first.Entries)

	second, err := Parse(strings.NewReader(pages[2]))
	require.NoError(t, err)
	require.Equal(t, 3, second.Pages)
	require.Len(t, second.Entries, 2)
	require.Equal(t, model.ExporterExpired, second.Entries[0].Status)
	require.Equal(t, model.ExporterSuspended, second.Entries[1].Status)
	require.Equal(t, []Skip{
		{Row: 3, RegNo: "CXXX02001202300001", Field: "exporter.country", Rule: model.RulePattern},
		{Row: 4, Field: "exporter.regNo", Rule: model.RuleRequired},
	}, second.Skipped)

	third, err := Parse(strings.NewReader(pages[3]))
	require.NoError(t, err)
	require.Len(t, third.Entries, 2)
	require.Equal(t, model.ExporterCancelled, third.Entries[1].Status)
	require.Equal(t, "ID", third.Entries[1].Country)
}

func TestParseRefusesAPageWithoutTheListing(t *testing.T) {
	t.Parallel()
	_, err := Parse(strings.NewReader(`<html><body><h1>系统维护中</h1><table><tr><td>请稍后访问</td></tr></table></body></html>`))
	require.Error(t, err)
	// A listing of one page with no pager.
	l, err := Parse(strings.NewReader(`<table><tr><th>在华注册编号</th><th>企业名称</th><th>国家/地区</th></tr>
		<tr><td>cusa02001202500001</td><td>Blue Hill Roasters, Inc.</td><td>US</td></tr></table>`))
	require.NoError(t, err)
	require.Equal(t, 1, l.Pages)
	require.Equal(t, []model.ExporterEntry{{RegNo: "CUSA02001202500001", Name: "Blue Hill Roasters, Inc.", Country: "US",
		Status: model.ExporterValid}}, l.Entries)
	// An unknown status is skipped, not taken as valid.
	l, err = Parse(strings.NewReader(`<table><tr><th>在华注册编号</th><th>企业名称</th><th>国家/地区</th><th>注册状态</th></tr>
		<tr><td>CUSA02001202500001</td><td>X</td><td>US</td><td>待定</td></tr></table>`))
	require.NoError(t, err)
	require.Empty(t, l.Entries)
	require.Equal(t, model.RuleUnknownValue, l.Skipped[0].Rule)
}
