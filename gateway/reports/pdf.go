package reports

import (
	"fmt"
	"io"

	"github.com/go-pdf/fpdf"
)

// Layout of the PDF: A4 landscape, millimetres and points.
const (
	margin    = 10.0
	rowHeight = 6.0
	fontSize  = 7.5
	titleSize = 14.0
	infoSize  = 8.5
	// cjkFamily is the configured CJK font; latinFamily, a core PDF font,
	// writes ASCII, which Droid Sans Fallback has no glyphs for.
	cjkFamily   = "cjk"
	latinFamily = "Helvetica"
)

// PDF writes r as an A4 landscape PDF in font: title, filters and
// generated-at on the first page, the table's header repeated on every
// page, page numbers, totals as the last row.
func PDF(w io.Writer, r Report, font *Font) error {
	data, err := font.bytes()
	if err != nil {
		return err
	}
	// The first pass counts the pages for "第n页/共m页": fpdf's page-count
	// alias would leave the width of its placeholder in the footer.
	pages, err := layout(r, data, 0).pages()
	if err != nil {
		return err
	}
	pdf := layout(r, data, pages)
	if err := pdf.Error(); err != nil {
		return fmt.Errorf("write PDF report: %w", err)
	}
	if err := pdf.Output(w); err != nil {
		return fmt.Errorf("write PDF report: %w", err)
	}
	return nil
}

type document struct{ *fpdf.Fpdf }

func (d document) pages() (int, error) {
	if err := d.Error(); err != nil {
		return 0, fmt.Errorf("write PDF report: %w", err)
	}
	return d.PageCount(), nil
}

// layout draws r; pages is the total the footers show.
func layout(r Report, font []byte, pages int) document {
	pdf := fpdf.New("L", "mm", "A4", "")
	pdf.SetTitle(r.Title, true)
	pdf.SetCreator("ZoneTrace", true)
	pdf.AddUTF8FontFromBytes(cjkFamily, "", font)
	pdf.SetMargins(margin, margin, margin)
	pdf.SetAutoPageBreak(false, margin)
	t := &texter{pdf: pdf}

	pageWidth, _ := pdf.GetPageSize()
	widths := columnWidths(r.Columns, pageWidth-2*margin)
	pdf.SetHeaderFuncMode(func() {
		if pdf.PageNo() == 1 {
			t.line(titleSize, 10, r.Title, "C")
			for _, l := range t.wrap(infoSize, "查询条件：", filterParts(r.Filters)) {
				t.line(infoSize, 5, l, "L")
			}
			t.line(infoSize, 5, "生成时间："+r.generated()+"；重量单位：千克，金额单位：元", "L")
			pdf.SetY(pdf.GetY() + 2)
		}
		pdf.SetFillColor(230, 236, 245)
		for i, c := range r.Columns {
			t.cell(widths[i], c.Title, "C", true)
		}
		t.nextRow()
	}, false)
	pdf.SetFooterFunc(func() {
		pdf.SetY(-margin - 4)
		t.line(fontSize, 5, fmt.Sprintf("第%d页/共%d页", pdf.PageNo(), pages), "C")
	})

	pdf.AddPage()
	for _, row := range r.Rows {
		writeRow(t, r.Columns, widths, row, false)
	}
	writeRow(t, r.Columns, widths, r.Totals(), true)
	return document{pdf}
}

func writeRow(t *texter, cols []Column, widths []float64, row []any, total bool) {
	if t.pdf.GetY()+rowHeight > t.pageBottom() {
		t.pdf.AddPage()
	}
	t.pdf.SetFillColor(245, 245, 245)
	for i, c := range cols {
		align := "L"
		if c.Kind != Text {
			align = "R"
		}
		t.cell(widths[i], c.text(row[i]), align, total)
	}
	t.nextRow()
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

// texter writes text mixing the CJK font (everything but ASCII) and a
// core Latin font (ASCII: digits, codes), each run in its own font.
type texter struct {
	pdf  *fpdf.Fpdf
	size float64
}

type run struct {
	text  string
	latin bool
}

func runs(s string) []run {
	var out []run
	for _, r := range s {
		latin := r < 0x7f
		if n := len(out); n > 0 && out[n-1].latin == latin {
			out[n-1].text += string(r)
		} else {
			out = append(out, run{string(r), latin})
		}
	}
	return out
}

func (t *texter) font(latin bool) {
	if latin {
		t.pdf.SetFont(latinFamily, "", t.size)
	} else {
		t.pdf.SetFont(cjkFamily, "", t.size)
	}
}

func (t *texter) width(s string) float64 {
	var w float64
	for _, r := range runs(s) {
		t.font(r.latin)
		w += t.pdf.GetStringWidth(r.text)
	}
	return w
}

// fit shortens s with "..." until it fits room, so a long product name
// does not run into the next column.
func (t *texter) fit(s string, room float64) string {
	if t.width(s) <= room {
		return s
	}
	rs := []rune(s)
	for len(rs) > 0 && t.width(string(rs)+"...") > room {
		rs = rs[:len(rs)-1]
	}
	return string(rs) + "..."
}

// draw writes s in the box at x, y of width w and height h.
func (t *texter) draw(x, y, w, h float64, s, align string) {
	pad := t.pdf.GetCellMargin()
	s = t.fit(s, w-2*pad)
	cx := x + pad
	switch align {
	case "R":
		cx = x + w - pad - t.width(s)
	case "C":
		cx = x + (w-t.width(s))/2
	}
	baseline := y + h/2 + t.size*0.3528/2*0.7
	for _, r := range runs(s) {
		t.font(r.latin)
		t.pdf.Text(cx, baseline, r.text)
		cx += t.pdf.GetStringWidth(r.text)
	}
}

// cell writes one bordered table cell at the current position and moves
// right.
func (t *texter) cell(w float64, s, align string, fill bool) {
	t.size = fontSize
	x, y := t.pdf.GetXY()
	style := "D"
	if fill {
		style = "FD"
	}
	t.pdf.Rect(x, y, w, rowHeight, style)
	t.draw(x, y, w, rowHeight, s, align)
	t.pdf.SetXY(x+w, y)
}

// line writes a line of text across the page and moves to the next line.
func (t *texter) line(size, h float64, s, align string) {
	t.size = size
	x, y := t.pdf.GetXY()
	pageWidth, _ := t.pdf.GetPageSize()
	t.draw(x, y, pageWidth-2*margin, h, s, align)
	t.pdf.SetXY(margin, y+h)
}

// wrap lays parts out after lead on as few lines as fit the page,
// breaking between parts (a filter is never cut).
func (t *texter) wrap(size float64, lead string, parts []string) []string {
	t.size = size
	pageWidth, _ := t.pdf.GetPageSize()
	room := pageWidth - 2*margin - 2*t.pdf.GetCellMargin()
	lines := []string{lead}
	for i, p := range parts {
		last := &lines[len(lines)-1]
		switch {
		case i == 0:
			*last += p
		case t.width(*last+"；"+p) <= room:
			*last += "；" + p
		default:
			lines = append(lines, "　　　　　"+p)
		}
	}
	return lines
}

// nextRow moves to the start of the next table row.
func (t *texter) nextRow() {
	t.pdf.SetXY(margin, t.pdf.GetY()+rowHeight)
}

func (t *texter) pageBottom() float64 {
	_, h := t.pdf.GetPageSize()
	return h - margin - 6
}
