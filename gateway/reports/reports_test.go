package reports_test

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"zonetrace/gateway/apierror"
	"zonetrace/gateway/reports"
)

func sample(rows int) reports.Report {
	r := reports.Report{Title: "区内库存报表", Filters: []reports.Filter{{Name: "企业", Value: "测试企业"}},
		GeneratedAt: time.Date(2026, 11, 28, 2, 0, 0, 0, time.UTC),
		Columns: []reports.Column{{Title: "溯源码", Width: 2}, {Title: "品名", Width: 2}, {Title: "库存", Kind: reports.Kg},
			{Title: "货值", Kind: reports.Yuan}, {Title: "库龄(天)", Kind: reports.Int, NoTotal: true}}}
	for i := range rows {
		r.Rows = append(r.Rows, []any{"TC" + strings.Repeat("0", 3) + string(rune('A'+i%26)), "冷冻牛肉一个很长很长很长很长很长很长很长的品名",
			int64(1500 + i), int64(9850), int64(i)})
	}
	return r
}

func TestExcelShowsKgAndYuanWithTotals(t *testing.T) {
	var buf bytes.Buffer
	if err := reports.Excel(&buf, sample(3), "库存"); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := f.GetRows("库存")
	if err != nil {
		t.Fatal(err)
	}
	if rows[0][0] != "区内库存报表" || rows[1][1] != "企业：测试企业" || rows[2][1] != "2026-11-28 10:00:00（北京时间）" {
		t.Fatalf("head rows %q", rows[:3])
	}
	if got := rows[reports.HeaderRow-1]; got[2] != "库存(千克)" || got[3] != "货值(元)" {
		t.Fatalf("header %q", got)
	}
	first := rows[reports.HeaderRow]
	if first[2] != "1.5" || first[3] != "98.5" {
		t.Fatalf("first row %q, want 1.5 kg and 98.5 元", first)
	}
	total := rows[len(rows)-1]
	// 1500+1501+1502 g = 4.503 kg; 3 × 98.5 元; storage age is not summed.
	if total[0] != "合计" || total[2] != "4.503" || total[3] != "295.5" || len(total) > 4 && total[4] != "" {
		t.Fatalf("totals %q", total)
	}
}

func TestPDFHasPagesTitleAndFigures(t *testing.T) {
	var buf bytes.Buffer
	if err := reports.PDF(&buf, sample(80), &reports.Font{}); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("%PDF")) {
		t.Fatalf("not a PDF: %q", buf.Bytes()[:8])
	}
	text := pdfText(t, buf.Bytes())
	if text == "" {
		return
	}
	for _, want := range []string{"区内库存报表", "查询条件：企业：测试企业", "重量单位：千克，金额单位：元", "1.5", "合计", "第1页/共3页", "第3页/共3页"} {
		if !strings.Contains(text, want) {
			t.Errorf("PDF text lacks %q:\n%s", want, text)
		}
	}
	// The header is repeated on every page.
	if n := strings.Count(text, "库龄(天)"); n != 3 {
		t.Errorf("header on %d pages, want 3", n)
	}
}

func TestPDFWrapsLongFilters(t *testing.T) {
	r := sample(1)
	for _, name := range []string{"合计哈希", "溯源码", "料号", "核注清单号", "车牌号"} {
		r.Filters = append(r.Filters, reports.Filter{Name: name, Value: strings.Repeat("0123456789abcdef", 3) + "END" + name})
	}
	var buf bytes.Buffer
	if err := reports.PDF(&buf, r, &reports.Font{}); err != nil {
		t.Fatal(err)
	}
	text := pdfText(t, buf.Bytes())
	for _, f := range r.Filters {
		if text != "" && !strings.Contains(text, f.Name+"："+f.Value) {
			t.Errorf("filter %s：%s is cut:\n%s", f.Name, f.Value, text)
		}
	}
}

func TestPDFWithoutFontIsAClearError(t *testing.T) {
	err := reports.PDF(&bytes.Buffer{}, sample(1), &reports.Font{Path: filepath.Join(t.TempDir(), "none.ttf")})
	var e *apierror.Error
	if !errors.As(err, &e) || !strings.Contains(e.MessageZh, "缺少PDF中文字体") {
		t.Fatalf("error %v, want the missing-font error", err)
	}
}

// pdfText is the PDF's text by pdftotext, or "" (the test says why) when
// poppler-utils is not installed.
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Log("pdftotext (poppler-utils) not installed: the PDF's text is not checked")
		return ""
	}
	path := filepath.Join(t.TempDir(), "r.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-layout", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}
