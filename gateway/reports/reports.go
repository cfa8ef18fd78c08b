// Package reports renders the accounts' reports — a title, the filters
// that selected the rows, when it was generated, a table and its totals —
// as an Excel workbook (excelize) and as a PDF (fpdf with a CJK TrueType
// font). Weights and amounts are stored as grams and fen and shown, like
// the screens, in kg and 元 (excelunits).
package reports

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sync"
	"time"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/apierror"
	"zonetrace/gateway/excelunits"
)

// MaxRows bounds a report; a broader filter is refused (422) so the user
// narrows it rather than waits for a file no one reads.
const MaxRows = 5000

// DefaultFont is the CJK TrueType font of Debian's fonts-droid-fallback.
const DefaultFont = "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"

// Kind is how a column shows its values.
type Kind int

// Column kinds: Text holds strings; Kg grams shown in kg; Yuan fen shown
// in 元; Int a plain integer. Kg, Yuan and Int hold int64 and are summed
// into the totals row.
const (
	Text Kind = iota
	Kg
	Yuan
	Int
)

// Column is one column of a report.
type Column struct {
	Title string
	Kind  Kind
	// Width is the column's share of the PDF page's width (relative).
	Width float64
	// NoTotal leaves a numeric column out of the totals (storage age).
	NoTotal bool
}

// Filter is one filter the report was selected by, as the screen names it.
type Filter struct {
	Name, Value string
}

// Report is a table to render.
type Report struct {
	Title       string
	Filters     []Filter
	GeneratedAt time.Time
	Columns     []Column
	// Rows hold a string for Text columns and an int64 for the others.
	Rows [][]any
}

// TooMany refuses a report of more than MaxRows rows.
func TooMany(what string) error {
	return apierror.Newf(apierror.ValidationFailed,
		fmt.Sprintf("more than %d %s match; narrow the filters", MaxRows, what),
		fmt.Sprintf("符合条件的记录超过%d条，请缩小查询范围后再导出", MaxRows))
}

func (r Report) generated() string {
	return r.GeneratedAt.In(model.ZoneTime).Format("2006-01-02 15:04:05") + "（北京时间）"
}

// Totals sums the numeric columns; Text columns and NoTotal ones are nil
// but the first, which reads 合计.
func (r Report) Totals() []any {
	totals := make([]any, len(r.Columns))
	for i, c := range r.Columns {
		if c.Kind == Text || c.NoTotal {
			continue
		}
		var sum int64
		for _, row := range r.Rows {
			sum += row[i].(int64)
		}
		totals[i] = sum
	}
	if len(totals) > 0 && totals[0] == nil {
		totals[0] = "合计"
	}
	return totals
}

// heading is a column's title with its unit.
func (c Column) heading() string {
	switch c.Kind {
	case Kg:
		return c.Title + "(千克)"
	case Yuan:
		return c.Title + "(元)"
	}
	return c.Title
}

// text is a value as the PDF shows it.
func (c Column) text(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case int64:
		switch c.Kind {
		case Kg:
			return excelunits.Format(v, excelunits.KgDecimals)
		case Yuan:
			return excelunits.Format(v, excelunits.YuanDecimals)
		}
		return fmt.Sprint(v)
	}
	return fmt.Sprint(v)
}

// cell is a value as the workbook holds it.
func (c Column) cell(v any) any {
	n, ok := v.(int64)
	if !ok {
		return v
	}
	switch c.Kind {
	case Kg:
		return excelunits.Kg(n)
	case Yuan:
		return excelunits.Yuan(n)
	}
	return n
}

// Font is the TrueType font the PDFs are written with, read once.
type Font struct {
	Path string
	once sync.Once
	data []byte
	err  error
}

// bytes reads the font; a missing file is a clear error for the operator.
func (f *Font) bytes() ([]byte, error) {
	f.once.Do(func() {
		path := f.Path
		if path == "" {
			path = DefaultFont
		}
		f.data, f.err = os.ReadFile(path) //nolint:gosec // G304: the operator's --report-font, or DefaultFont
		if errors.Is(f.err, fs.ErrNotExist) {
			f.err = apierror.Newf(apierror.Internal,
				"the PDF font "+path+" is missing; install fonts-droid-fallback or set --report-font",
				"服务器缺少PDF中文字体文件（"+path+"），请安装fonts-droid-fallback或配置--report-font后再导出PDF").WithCause(f.err)
		} else if f.err != nil {
			f.err = fmt.Errorf("read PDF font %s: %w", path, f.err)
		}
	})
	return f.data, f.err
}
