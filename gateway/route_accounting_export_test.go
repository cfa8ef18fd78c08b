package gateway

import (
	"bytes"
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
	"zonetrace/indexer"
	"zonetrace/indexer/query"
)

func TestAccountExports(t *testing.T) {
	t.Parallel()
	e := setup(t)
	officer, entUser := e.login("officer"), e.login("ent-a")
	yes := true
	e.reads.mu.Lock()
	e.reads.accounting.stockRows = []query.StockRow{
		{Key: "TC1|A|B", TraceCode: "TC1", EnterpriseID: entA, EnterpriseName: "甲企业", Bonded: &yes, MaterialNo: "M1", ProductName: "冷冻牛肉",
			EntryGrams: 2500500, ExitGrams: 500, StockGrams: 2500000, ValueFen: 12345678, StorageAgeDays: 12},
		{Key: "TC2|A|B", TraceCode: "TC2", EnterpriseID: entA, EnterpriseName: "甲企业", Bonded: &yes, EntryGrams: 1000, StockGrams: 1000, ValueFen: 50},
	}
	e.reads.mu.Unlock()

	t.Run("stock Excel: the JSON route's filters and scope, kg and 元, totals", func(t *testing.T) {
		r := e.do(entUser, "GET", "/api/v1/accounts/stock/export.xlsx?enterpriseId="+entB+"&materialNo=M1&bonded=true&limit=1&after=7", nil, nil)
		require.Equal(t, 200, r.Code, r.Body.String())
		require.Equal(t, xlsxType, r.Header().Get("Content-Type"))
		require.Contains(t, r.Header().Get("Content-Disposition"), "filename*=UTF-8''")
		e.reads.mu.Lock()
		asked := e.reads.accounting.stock[len(e.reads.accounting.stock)-1]
		e.reads.mu.Unlock()
		require.Equal(t, entA, asked.EnterpriseID, "an enterprise exports its own stock")
		require.Equal(t, "M1", asked.MaterialNo)
		require.Equal(t, query.MaxAccountPage, asked.Limit, "an export walks whole pages, not the screen's")

		f, err := excelize.OpenReader(bytes.NewReader(r.Body.Bytes()))
		require.NoError(t, err)
		rows, err := f.GetRows("区内库存")
		require.NoError(t, err)
		require.Equal(t, "区内库存报表", rows[0][0])
		require.Contains(t, rows[1][1], "企业："+entA)
		require.Contains(t, rows[1][1], "料号：M1")
		require.Contains(t, rows[1][1], "保税状态：保税")
		head := rows[reports.HeaderRow-1]
		col := func(title string) int {
			i := slices.Index(head, title)
			require.GreaterOrEqual(t, i, 0, "no column %s in %q", title, head)
			return i
		}
		first := rows[reports.HeaderRow]
		require.Equal(t, "TC1", first[col("溯源码")])
		require.Equal(t, "2500.5", first[col("入区(千克)")])
		require.Equal(t, "2500", first[col("库存(千克)")])
		require.Equal(t, "123456.78", first[col("货值(元)")])
		require.Equal(t, "12", first[col("库龄(天)")])
		total := rows[len(rows)-1]
		require.Equal(t, "合计", total[0])
		require.Equal(t, "2501", total[col("库存(千克)")])
		require.Equal(t, "123457.28", total[col("货值(元)")])
	})

	t.Run("stock PDF: title, page numbers, a figure", func(t *testing.T) {
		r := e.do(officer, "GET", "/api/v1/accounts/stock/export.pdf?groupBy=holding", nil, nil)
		require.Equal(t, 200, r.Code, r.Body.String())
		require.Equal(t, "application/pdf", r.Header().Get("Content-Type"))
		require.True(t, bytes.HasPrefix(r.Body.Bytes(), []byte("%PDF")))
		if text := pdfText(t, r.Body.Bytes()); text != "" {
			for _, want := range []string{"区内库存报表", "汇总方式：批次/企业/状态", "TC1", "2500.5", "123456.78", "合计", "第1页/共1页"} {
				require.Contains(t, text, want)
			}
		}
	})

	t.Run("more rows than a report holds is 422", func(t *testing.T) {
		e.reads.mu.Lock()
		saved := e.reads.accounting.stockRows
		big := make([]query.StockRow, reports.MaxRows+1)
		for i := range big {
			big[i] = query.StockRow{Key: "k", TraceCode: "TC"}
		}
		e.reads.accounting.stockRows = big
		e.reads.mu.Unlock()
		defer func() {
			e.reads.mu.Lock()
			e.reads.accounting.stockRows = saved
			e.reads.mu.Unlock()
		}()
		for _, ext := range []string{"xlsx", "pdf"} {
			r := e.do(officer, "GET", "/api/v1/accounts/stock/export."+ext, nil, nil)
			require.Equal(t, 422, r.Code, r.Body.String())
			require.Contains(t, r.Body.String(), "请缩小查询范围")
		}
	})

	t.Run("bad filters are 400 as on the JSON route", func(t *testing.T) {
		require.Equal(t, 400, e.do(officer, "GET", "/api/v1/accounts/stock/export.xlsx?bonded=maybe", nil, nil).Code)
		require.Equal(t, 400, e.do(officer, "GET", "/api/v1/accounts/stock/export.pdf?asOf=tomorrow", nil, nil).Code)
	})

	t.Run("movements: the drill-down's filters and scope, China time, totals", func(t *testing.T) {
		const legs = 3
		e.reads.mu.Lock()
		for i := range legs {
			e.reads.accounting.movementRows = append(e.reads.accounting.movementRows, query.AccountMovement{Flow: indexer.FlowEntry,
				TraceCode: "TC1", EnterpriseID: entA, Bonded: true, WeightGrams: int64(i + 1), ValueFen: 1, At: "2026-03-01T16:30:00Z", DocumentID: "D1"})
		}
		e.reads.mu.Unlock()
		r := e.do(entUser, "GET", "/api/v1/accounts/movements/export.xlsx?enterpriseId="+entB+"&traceCode=TC1&flow=entry,exit&from=2026-03-01&to=2026-03-31", nil, nil)
		require.Equal(t, 200, r.Code, r.Body.String())
		e.reads.mu.Lock()
		asked := e.reads.accounting.movements
		e.reads.mu.Unlock()
		require.Equal(t, entA, asked[0].EnterpriseID)
		require.Equal(t, query.MaxAccountPage, asked[0].Limit)
		require.Equal(t, []indexer.Flow{indexer.FlowEntry, indexer.FlowExit}, asked[0].Flows)
		f, err := excelize.OpenReader(bytes.NewReader(r.Body.Bytes()))
		require.NoError(t, err)
		rows, err := f.GetRows("核算明细")
		require.NoError(t, err)
		require.Contains(t, rows[1][1], "类别：入区、出区")
		require.Contains(t, rows[1][1], "起始日期：2026-03-01；截止日期：2026-03-31")
		require.Len(t, rows, reports.HeaderRow+legs+1)
		first := rows[reports.HeaderRow]
		require.Equal(t, []string{"2026-03-02 00:30:00", "入区", "TC1"}, first[:3], "China time")
		require.Equal(t, excelunits.Format(1+2+3, excelunits.KgDecimals), rows[len(rows)-1][7])

		r = e.do(officer, "GET", "/api/v1/accounts/movements/export.pdf?traceCode=TC1", nil, nil)
		require.Equal(t, 200, r.Code, r.Body.String())
		require.True(t, bytes.HasPrefix(r.Body.Bytes(), []byte("%PDF")))
		require.Equal(t, 400, e.do(officer, "GET", "/api/v1/accounts/movements/export.pdf?flow=sideways", nil, nil).Code)

		e.reads.mu.Lock()
		e.reads.accounting.movementRows = make([]query.AccountMovement, reports.MaxRows+1)
		e.reads.mu.Unlock()
		require.Equal(t, 422, e.do(officer, "GET", "/api/v1/accounts/movements/export.xlsx", nil, nil).Code)
	})

	t.Run("period figures: Excel and PDF, an enterprise its own only", func(t *testing.T) {
		p := model.AccountPeriod{EnterpriseID: entA, PeriodID: "2026Q1", From: "2026-01-01", To: "2026-03-31", Status: model.PeriodClosed}
		e.reads.mu.Lock()
		e.reads.accounting.periods = append(e.reads.accounting.periods, p,
			model.AccountPeriod{EnterpriseID: entB, PeriodID: "2026Q1", From: "2026-01-01", To: "2026-03-31", Status: model.PeriodOpen})
		e.reads.accounting.figures = []model.PeriodFigure{{TraceCode: "TC1", Bonded: true, OpeningGrams: 1000, EntryGrams: 2000, ExitGrams: 500, ClosingGrams: 2500}}
		e.reads.mu.Unlock()
		require.Equal(t, 403, e.do(entUser, "GET", "/api/v1/accounts/periods/"+entB+"/2026Q1/figures.xlsx", nil, nil).Code)
		require.Equal(t, 404, e.do(officer, "GET", "/api/v1/accounts/periods/"+entA+"/none/figures.pdf", nil, nil).Code)

		r := e.do(entUser, "GET", "/api/v1/accounts/periods/"+entA+"/2026Q1/figures.xlsx", nil, nil)
		require.Equal(t, 200, r.Code, r.Body.String())
		f, err := excelize.OpenReader(bytes.NewReader(r.Body.Bytes()))
		require.NoError(t, err)
		rows, err := f.GetRows("周期核算")
		require.NoError(t, err)
		require.Equal(t, "周期核算报表", rows[0][0])
		require.Contains(t, rows[1][1], "核算周期：2026Q1（2026-01-01 至 2026-03-31）")
		require.Contains(t, rows[1][1], "状态：已结算")
		require.Contains(t, rows[1][1], model.PeriodTotalsHash(p, e.reads.accounting.figures))
		require.Equal(t, []string{"TC1", "保税", "1", "2", "0", "0", "0.5", "0", "0", "2.5", "是"}, rows[reports.HeaderRow])

		r = e.do(officer, "GET", "/api/v1/accounts/periods/"+entA+"/2026Q1/figures.pdf", nil, nil)
		require.Equal(t, 200, r.Code, r.Body.String())
		require.True(t, bytes.HasPrefix(r.Body.Bytes(), []byte("%PDF")))
		if text := pdfText(t, r.Body.Bytes()); text != "" {
			for _, want := range []string{"周期核算报表", "重量单位：千克", "期初", "2.5", "第1页/共1页"} {
				require.Contains(t, text, want)
			}
		}
	})
}

// pdfText is a PDF's text by pdftotext, or "" (the test says why) when
// poppler-utils is not installed.
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
