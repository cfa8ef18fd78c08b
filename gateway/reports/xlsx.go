package reports

import (
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"
)

// HeaderRow is the workbook row of the column titles: the title, the
// filters and the generated-at come first.
const HeaderRow = 5

// Excel writes r as a one-sheet workbook named sheet: title, filters,
// generated-at, then the table from HeaderRow and a totals row.
func Excel(w io.Writer, r Report, sheet string) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	head := make([]any, len(r.Columns))
	for i, c := range r.Columns {
		head[i] = c.heading()
	}
	rows := [][]any{{r.Title}, {"查询条件", filtersText(r.Filters)}, {"生成时间", r.generated()}, {}, head}
	for _, row := range append(r.Rows, r.Totals()) {
		cells := make([]any, len(row))
		for i, v := range row {
			cells[i] = r.Columns[i].cell(v)
		}
		rows = append(rows, cells)
	}
	for i, row := range rows {
		if err := sw.SetRow(fmt.Sprintf("A%d", i+1), row); err != nil {
			return fmt.Errorf("write report row %d: %w", i+1, err)
		}
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	if err := f.Write(w); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	return nil
}

// filtersText is the filters on one line; 全部 when there are none.
func filtersText(fs []Filter) string {
	return strings.Join(filterParts(fs), "；")
}

// filterParts are the filters as "name：value"; 全部 when there are none.
func filterParts(fs []Filter) []string {
	if len(fs) == 0 {
		return []string{"全部"}
	}
	parts := make([]string, len(fs))
	for i, f := range fs {
		parts[i] = f.Name + "：" + f.Value
	}
	return parts
}
