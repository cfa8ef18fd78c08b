package platform

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/excelunits"
	"zonetrace/gateway/reports"
	"zonetrace/gateway/service/accounting"
	"zonetrace/internal/apiclient"
)

// TestAccountExportsThroughTheNode exports the stock report and a period's
// figures of goods run through the real contract, indexer and gateway, as
// Excel (read back) and PDF (its text read back by pdftotext when
// installed).
func TestAccountExportsThroughTheNode(t *testing.T) {
	ctx := context.Background()
	m := newMarket(t)
	w := m.batch.WeightGrams
	entry := m.declare(m.a, model.FamilyChecklist, model.BusinessEntry, model.DocumentHead{}, m.line(w))
	m.customsReceipt(entry.ID, "1")
	require.NoError(t, m.gatePass(entry.ID))

	get := func(c *apiclient.Client, path string) *apiclient.Response {
		t.Helper()
		res, err := c.Do(ctx, apiclient.Request{Method: http.MethodGet, Path: path}, nil)
		require.NoError(t, err, path)
		require.Equal(t, http.StatusOK, res.Status)
		return res
	}
	sheetRows := func(body []byte, sheet string) [][]string {
		t.Helper()
		f, err := excelize.OpenReader(bytes.NewReader(body))
		require.NoError(t, err)
		rows, err := f.GetRows(sheet)
		require.NoError(t, err)
		return rows
	}
	kg := excelunits.Format(w, excelunits.KgDecimals)

	// The enterprise's stock: its batch, in kg as the screens show it.
	rows := sheetRows(get(m.a, "/api/v1/accounts/stock/export.xlsx?groupBy=holding&traceCode="+m.code).Body, "区内库存")
	require.Equal(t, "区内库存报表", rows[0][0])
	head := rows[reports.HeaderRow-1]
	code, stock := slices.Index(head, "溯源码"), slices.Index(head, "库存(千克)")
	require.True(t, code >= 0 && stock >= 0, "%q", head)
	require.Len(t, rows, reports.HeaderRow+2, "one holding and the totals")
	require.Equal(t, m.code, rows[reports.HeaderRow][code])
	require.Equal(t, kg, rows[reports.HeaderRow][stock])
	require.Equal(t, kg, rows[reports.HeaderRow+1][stock])

	// Another enterprise exports its own stock only, whatever it asks.
	rows = sheetRows(get(m.b, "/api/v1/accounts/stock/export.xlsx?enterpriseId="+enterpriseA+"&traceCode="+m.code).Body, "区内库存")
	require.Len(t, rows, reports.HeaderRow+1, "no rows, the totals only")

	pdf := get(m.customs, "/api/v1/accounts/stock/export.pdf?traceCode="+m.code)
	require.Equal(t, "application/pdf", pdf.Header.Get("Content-Type"))
	require.True(t, bytes.HasPrefix(pdf.Body, []byte("%PDF")))
	if text := pdfText(t, pdf.Body); text != "" {
		for _, want := range []string{"区内库存报表", m.code, kg, "第1页/共1页"} {
			require.Contains(t, text, want)
		}
	}

	// A period's figures: opening + in − out = closing, exported.
	require.NoError(t, m.a.Post(ctx, "/api/v1/accounts/periods", accounting.PeriodDefinition{PeriodID: "ALL", From: "2020-01-01", To: "2099-12-31"}, nil))
	rows = sheetRows(get(m.a, "/api/v1/accounts/periods/"+enterpriseA+"/ALL/figures.xlsx").Body, "周期核算")
	require.Equal(t, "周期核算报表", rows[0][0])
	require.Contains(t, rows[1][1], "状态：未结算")
	closing := slices.Index(rows[reports.HeaderRow-1], "期末(千克)")
	require.Equal(t, m.code, rows[reports.HeaderRow][0])
	require.Equal(t, kg, rows[reports.HeaderRow][closing])
	pdf = get(m.a, "/api/v1/accounts/periods/"+enterpriseA+"/ALL/figures.pdf")
	require.True(t, bytes.HasPrefix(pdf.Body, []byte("%PDF")))
	if text := pdfText(t, pdf.Body); text != "" {
		require.Contains(t, text, "周期核算报表")
		require.Contains(t, text, kg)
	}
	_, err := m.b.Do(ctx, apiclient.Request{Method: http.MethodGet, Path: "/api/v1/accounts/periods/" + enterpriseA + "/ALL/figures.pdf"}, nil)
	require.Equal(t, http.StatusForbidden, apiclient.StatusOf(err))
}

// pdfText is a PDF's text by pdftotext with runs of spaces folded, or ""
// (the test says why) when poppler-utils is not installed.
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Log("pdftotext (poppler-utils) not installed: the PDF's text is not checked")
		return ""
	}
	path := filepath.Join(t.TempDir(), "report.pdf")
	require.NoError(t, os.WriteFile(path, pdf, 0o600))
	out, err := exec.Command("pdftotext", "-layout", path, "-").Output()
	require.NoError(t, err)
	return strings.Join(strings.Fields(string(out)), " ")
}
