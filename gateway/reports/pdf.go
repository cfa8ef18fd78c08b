package reports

import (
	"fmt"
	"io"

	"github.com/go-pdf/fpdf"
)

// Layout of the PDF: A4 landscape, millimetres.
const (
	margin     = 10.0
	rowHeight  = 6.0
	fontSize   = 8.0
	titleSize  = 14.0
	fontFamily = "cjk"
)

// PDF writes r as an A4 landscape PDF in font: title, filters and
// generated-at on the first page, the table's header repeated on every
// page, page numbers, totals as the last row.
func PDF(w io.Writer, r Report, font *Font) error {
	data, err := font.bytes()
	if err != nil {
		return err
	}
	pdf := fpdf.New("L", "mm", "A4", "")
	pdf.SetTitle(r.Title, true)
	pdf.SetCreator("ZoneTrace", true)
	pdf.AddUTF8FontFromBytes(fontFamily, "", data)
	pdf.SetMargins(margin, margin, margin)
	pdf.SetAutoPageBreak(true, margin+6)
	pdf.AliasNbPages("{nb}")

	pageWidth, _ := pdf.GetPageSize()
	widths := columnWidths(r.Columns, pageWidth-2*margin)
	pdf.SetHeaderFuncMode(func() {
		if pdf.PageNo() == 1 {
			pdf.SetFont(fontFamily, "", titleSize)
			pdf.CellFormat(0, 9, r.Title, "", 1, "C", false, 0, "")
			pdf.SetFont(fontFamily, "", fontSize+1)
			pdf.MultiCell(0, 5, "查询条件："+filtersText(r.Filters), "", "L", false)
			pdf.CellFormat(0, 5, "生成时间："+r.generated(), "", 1, "L", false, 0, "")
			pdf.Ln(2)
		}
		pdf.SetFont(fontFamily, "", fontSize)
		pdf.SetFillColor(230, 236, 245)
		for i, c := range r.Columns {
			pdf.CellFormat(widths[i], rowHeight, fit(pdf, c.heading(), widths[i]), "1", 0, "C", true, 0, "")
		}
		pdf.Ln(-1)
	}, true)
	pdf.SetFooterFunc(func() {
		pdf.SetY(-margin - 2)
		pdf.SetFont(fontFamily, "", fontSize)
		pdf.CellFormat(0, 5, fmt.Sprintf("第%d页/共{nb}页", pdf.PageNo()), "", 0, "C", false, 0, "")
	})

	pdf.AddPage()
	pdf.SetFont(fontFamily, "", fontSize)
	for _, row := range r.Rows {
		writeRow(pdf, r.Columns, widths, row, false)
	}
	writeRow(pdf, r.Columns, widths, r.Totals(), true)
	if err := pdf.Error(); err != nil {
		return fmt.Errorf("write PDF report: %w", err)
	}
	if err := pdf.Output(w); err != nil {
		return fmt.Errorf("write PDF report: %w", err)
	}
	return nil
}

func writeRow(pdf *fpdf.Fpdf, cols []Column, widths []float64, row []any, total bool) {
	if total {
		pdf.SetFillColor(245, 245, 245)
	}
	for i, c := range cols {
		align := "L"
		if c.Kind != Text {
			align = "R"
		}
		pdf.CellFormat(widths[i], rowHeight, fit(pdf, c.text(row[i]), widths[i]), "1", 0, align, total, 0, "")
	}
	pdf.Ln(-1)
}

// columnWidths shares the page's width by the columns' relative widths.
func columnWidths(cols []Column, total float64) []float64 {
	var sum float64
	for _, c := range cols {
		sum += weight(c)
	}
	widths := make([]float64, len(cols))
	for i, c := range cols {
		widths[i] = total * weight(c) / sum
	}
	return widths
}

func weight(c Column) float64 {
	if c.Width > 0 {
		return c.Width
	}
	return 1
}

// fit shortens s with an ellipsis until it fits width (less the cell's
// padding), so a long product name does not run into the next column.
func fit(pdf *fpdf.Fpdf, s string, width float64) string {
	room := width - 2*pdf.GetCellMargin()
	if pdf.GetStringWidth(s) <= room {
		return s
	}
	runes := []rune(s)
	for len(runes) > 0 && pdf.GetStringWidth(string(runes)+"…") > room {
		runes = runes[:len(runes)-1]
	}
	return string(runes) + "…"
}
