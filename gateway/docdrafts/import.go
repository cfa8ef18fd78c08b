package docdrafts

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math/big"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/excelunits"
)

// Limits of an uploaded workbook, checked by prescan before excelize reads
// it, so that a small file cannot cost much memory or time (an 873 KB
// workbook declaring a million rows used to cost 0.7 GiB and 18 s to
// refuse). A full template of model.MaxLines lines is about 1 MB unzipped.
const (
	// maxUnzipped bounds the declared size of all parts together, and
	// maxPartUnzipped that of any one part (archive/zip refuses a part
	// that inflates beyond its declared size).
	maxUnzipped     = 48 << 20
	maxPartUnzipped = 24 << 20
	maxParts        = 200
	// maxSheetRows and maxRowCells bound a worksheet, declared (in its
	// <dimension>) and actual: the lines sheet holds two header rows and
	// model.MaxLines lines, with room for trailing formatted blank rows.
	maxSheetRows = model.MaxLines + 100
	maxRowCells  = 64
	maxCells     = maxSheetRows * 16
	// maxConcurrentImports bounds how many workbooks are read at once.
	maxConcurrentImports = 2
)

// importSlots bounds concurrent imports, so their memory adds up to at most
// maxConcurrentImports workbooks within the limits above.
var importSlots = make(chan struct{}, maxConcurrentImports)

// ImportProblem is one thing wrong in an imported workbook: the sheet and
// row (as Excel numbers them, from 1; 0 for the file as a whole), the field
// key and the reason.
type ImportProblem struct {
	Sheet string `json:"sheet,omitempty"`
	Row   int    `json:"row"`
	Field string `json:"field"`
	// Column is the field's name as the template shows it (the lines
	// sheet's Chinese column header, the head sheet's label), for the
	// report the user reads.
	Column    string `json:"column,omitempty"`
	Message   string `json:"message"`
	MessageZh string `json:"messageZh"`
}

// ImportError is an import refused as a whole: nothing was created, and
// Problems lists every bad row.
type ImportError struct {
	Problems []ImportProblem
}

func (e *ImportError) Error() string {
	return fmt.Sprintf("import refused: %d problems, first: %s row %d %s: %s",
		len(e.Problems), e.Problems[0].Sheet, e.Problems[0].Row, e.Problems[0].Field, e.Problems[0].Message)
}

// Import reads a workbook made from the template of family × businessType.
// It is all or nothing: every row is checked and any bad one refuses the
// whole workbook with an *ImportError listing all of them. The head may be
// incomplete (as a temp-save may); each line must be complete except for
// its trace code, which may be picked later, but a trace code given must be
// valid. Blank rows are skipped.
func Import(r io.Reader, family model.Family, businessType model.BusinessType) (Content, error) {
	t, ok := TemplateFor(family, businessType)
	if !ok {
		return Content{}, &ImportError{Problems: []ImportProblem{{Field: "businessType", Column: "业务类型",
			Message: fmt.Sprintf("family %q has no business type %q", family, businessType), MessageZh: "单据类型或业务类型无效"}}}
	}
	importSlots <- struct{}{}
	defer func() { <-importSlots }()
	raw, err := io.ReadAll(r)
	if err != nil {
		return Content{}, fmt.Errorf("read workbook: %w", err)
	}
	if err := prescan(raw); err != nil {
		return Content{}, err
	}
	f, err := excelize.OpenReader(bytes.NewReader(raw), excelize.Options{UnzipSizeLimit: maxUnzipped, UnzipXMLSizeLimit: maxPartUnzipped})
	if err != nil {
		return Content{}, unreadable()
	}
	defer f.Close()
	c := Content{Family: family, BusinessType: businessType}
	var problems []ImportProblem
	head, hp, err := importHead(f)
	if err != nil {
		return Content{}, err
	}
	c.Head = t.WithDefaults(head)
	problems = append(problems, hp...)
	lines, lp, err := importLines(f)
	if err != nil {
		return Content{}, err
	}
	c.Lines = lines
	problems = append(problems, lp...)
	if len(problems) > 0 {
		return Content{}, &ImportError{Problems: problems}
	}
	return c, nil
}

// OpenWorkbook opens another uploaded workbook (the exporter registry's
// import) within the same limits as a draft's: prescan first, and one of
// the import slots held until release is called. Refusals are
// *ImportError.
func OpenWorkbook(r io.Reader) (*excelize.File, func(), error) {
	importSlots <- struct{}{}
	free := func() { <-importSlots }
	raw, err := io.ReadAll(r)
	if err == nil {
		err = prescan(raw)
	}
	var f *excelize.File
	if err == nil {
		if f, err = excelize.OpenReader(bytes.NewReader(raw), excelize.Options{UnzipSizeLimit: maxUnzipped, UnzipXMLSizeLimit: maxPartUnzipped}); err != nil {
			err = unreadable()
		}
	}
	if err != nil {
		free()
		return nil, nil, err
	}
	return f, func() { _ = f.Close(); free() }, nil
}

func unreadable() *ImportError {
	return &ImportError{Problems: []ImportProblem{{Field: "file", Column: "文件",
		Message: "not a readable .xlsx workbook", MessageZh: "文件不是可读取的Excel（.xlsx）工作簿"}}}
}

// unreadableSheet refuses a workbook whose sheet (at row, 0 for the sheet
// as a whole) is not well-formed spreadsheet XML, such as a cell holding
// bytes that are not UTF-8: the uploaded file is at fault, not the node.
func unreadableSheet(sheet string, row int) *ImportError {
	return &ImportError{Problems: []ImportProblem{{Sheet: sheet, Row: row, Field: "file", Column: "文件",
		Message: "the sheet is not readable spreadsheet XML", MessageZh: "工作表“" + sheet + "”内容无法读取（文件已损坏或含有非法字符）"}}}
}

func tooBig(sheet, message, messageZh string) *ImportError {
	return &ImportError{Problems: []ImportProblem{{Sheet: sheet, Field: "file", Column: "文件", Message: message, MessageZh: messageZh}}}
}

// prescan refuses a workbook beyond the limits before anything reads it as
// a whole: it checks the zip directory's declared sizes, then streams each
// worksheet's XML, refusing at once a declared dimension beyond the limits
// and stopping as soon as the rows or cells counted pass them. Its cost is
// bounded by the limits, not by the size the file claims or contains.
func prescan(raw []byte) error {
	zr, err := zip.NewReader(bytes.NewReader(raw), int64(len(raw)))
	if err != nil {
		return unreadable()
	}
	if len(zr.File) > maxParts {
		return tooBig("", fmt.Sprintf("the workbook has more than %d parts", maxParts), fmt.Sprintf("工作簿内部文件超过%d个", maxParts))
	}
	var total uint64
	for _, zf := range zr.File {
		total += zf.UncompressedSize64
		if zf.UncompressedSize64 > maxPartUnzipped || total > maxUnzipped {
			return tooBig("", fmt.Sprintf("the workbook unpacks to more than %d MiB", maxUnzipped>>20),
				fmt.Sprintf("工作簿解压后超过%d MiB，请只保留模板中的数据", maxUnzipped>>20))
		}
	}
	for _, zf := range zr.File {
		if !strings.HasPrefix(zf.Name, "xl/worksheets/") || !strings.HasSuffix(zf.Name, ".xml") {
			continue
		}
		if err := scanSheet(zf); err != nil {
			return err
		}
	}
	return nil
}

// scanSheet streams one worksheet part, counting rows and cells.
func scanSheet(zf *zip.File) error {
	rc, err := zf.Open()
	if err != nil {
		return unreadable()
	}
	defer rc.Close()
	sheetTooBig := tooBig("", fmt.Sprintf("a sheet may hold at most %d rows of at most %d cells", maxSheetRows, maxRowCells),
		fmt.Sprintf("工作表不得超过%d行、每行不得超过%d个单元格", maxSheetRows, maxRowCells))
	dec := xml.NewDecoder(io.LimitReader(rc, maxPartUnzipped))
	rows, cells, rowCells := 0, 0, 0
	for {
		tok, err := dec.RawToken()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return unreadable()
		}
		start, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch start.Name.Local {
		case "dimension":
			for _, a := range start.Attr {
				if a.Name.Local != "ref" {
					continue
				}
				_, last, _ := strings.Cut(a.Value, ":")
				if last == "" {
					last = a.Value
				}
				col, row, err := excelize.CellNameToCoordinates(strings.ReplaceAll(last, "$", ""))
				if err != nil || row > maxSheetRows || col > maxRowCells {
					return sheetTooBig
				}
			}
		case "row":
			rows, rowCells = rows+1, 0
			for _, a := range start.Attr {
				// A row number beyond the limit is refused even when the
				// rows before it are missing.
				if n, err := strconv.Atoi(a.Value); a.Name.Local == "r" && (err != nil || n > maxSheetRows) {
					return sheetTooBig
				}
			}
			if rows > maxSheetRows {
				return sheetTooBig
			}
		case "c":
			cells, rowCells = cells+1, rowCells+1
			if cells > maxCells || rowCells > maxRowCells {
				return sheetTooBig
			}
			for _, a := range start.Attr {
				// A far column would make every row read that wide.
				if a.Name.Local == "r" {
					if col, _, err := excelize.CellNameToCoordinates(a.Value); err != nil || col > maxRowCells {
						return sheetTooBig
					}
				}
			}
		}
	}
}

func missingSheet(name string) *ImportError {
	return &ImportError{Problems: []ImportProblem{{Sheet: name, Field: "file", Column: "文件",
		Message: "sheet " + name + " is missing; start from the template", MessageZh: "缺少工作表“" + name + "”，请使用下载的模板"}}}
}

func importHead(f *excelize.File) (model.DocumentHead, []ImportProblem, error) {
	var h model.DocumentHead
	if idx, _ := f.GetSheetIndex(HeadSheet); idx < 0 {
		return h, nil, missingSheet(HeadSheet)
	}
	rows, err := f.GetRows(HeadSheet, excelize.Options{RawCellValue: true})
	if err != nil {
		return h, nil, unreadableSheet(HeadSheet, 0)
	}
	var problems []ImportProblem
	for i, row := range rows {
		cell := func(n int) string {
			if n < len(row) {
				return strings.TrimSpace(row[n])
			}
			return ""
		}
		hf, ok := headFieldByKey(cell(2))
		if !ok {
			hf, ok = headFieldByLabel(strings.TrimPrefix(cell(0), "*"))
		}
		if !ok {
			continue // the title rows and anything the user added beside the fields
		}
		*hf.ref(&h) = cell(1)
		for _, p := range headProblems(hf, cell(1)) {
			problems = append(problems, ImportProblem{Sheet: HeadSheet, Row: i + 1, Field: "head." + hf.key, Column: hf.zh, Message: p.Message, MessageZh: p.MessageZh})
		}
	}
	return h, problems, nil
}

func headFieldByLabel(label string) (headField, bool) {
	for _, f := range headFields {
		if f.zh == label {
			return f, true
		}
	}
	return headField{}, false
}

// headProblems checks one head value's size and format (not its presence:
// the head of a draft may be incomplete).
func headProblems(hf headField, value string) []ImportProblem {
	var h model.DocumentHead
	*hf.ref(&h) = value
	var out []ImportProblem
	for _, p := range Warnings(model.FamilyChecklist, model.BusinessTransfer, h, nil) {
		if p.Field == "head."+hf.key && value != "" {
			out = append(out, ImportProblem{Message: p.Message, MessageZh: p.MessageZh})
		}
	}
	return out
}

// columnMap is, for each column of the lines sheet, the line field it holds
// (nil for columns the import ignores).
type columnMap []*lineField

func mapColumns(keys, labels []string) (columnMap, bool) {
	m := make(columnMap, max(len(keys), len(labels)))
	found := false
	for i := range m {
		for j := range lineFields {
			lf := &lineFields[j]
			if i < len(keys) && strings.TrimSpace(keys[i]) == lf.columnKey() || i < len(labels) && strings.TrimSpace(labels[i]) == lf.zh {
				m[i], found = lf, true
			}
		}
	}
	return m, found
}

func importLines(f *excelize.File) ([]model.DocumentLine, []ImportProblem, error) {
	if idx, _ := f.GetSheetIndex(LinesSheet); idx < 0 {
		return nil, nil, missingSheet(LinesSheet)
	}
	rows, err := f.Rows(LinesSheet)
	if err != nil {
		return nil, nil, unreadableSheet(LinesSheet, 0)
	}
	defer func() { _ = rows.Close() }()
	var (
		lines     []model.DocumentLine
		problems  []ImportProblem
		labels    []string
		cols      columnMap
		firstData = linesFirstData
	)
	for n := 1; rows.Next(); n++ {
		row, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, nil, unreadableSheet(LinesSheet, n)
		}
		switch n {
		case 1:
			labels = row
			continue
		case linesKeyRow:
			var byKey bool
			if cols, byKey = mapColumns(row, nil); !byKey {
				// No key row: the headers map the columns, and this
				// row already holds a line.
				cols, firstData = nil, linesKeyRow
			}
		}
		if cols == nil {
			var ok bool
			if cols, ok = mapColumns(nil, labels); !ok {
				return nil, nil, &ImportError{Problems: []ImportProblem{{Sheet: LinesSheet, Row: 1, Field: "file", Column: "文件",
					Message: "no known column headers; start from the template", MessageZh: "表体没有可识别的列标题，请使用下载的模板"}}}
			}
		}
		if n < firstData || blank(row) {
			continue
		}
		if len(lines) == model.MaxLines {
			problems = append(problems, ImportProblem{Sheet: LinesSheet, Row: n, Field: "lines", Column: "表体",
				Message: fmt.Sprintf("at most %d lines", model.MaxLines), MessageZh: fmt.Sprintf("表体不得超过%d行", model.MaxLines)})
			break
		}
		l, lp := parseLine(cols, row, n)
		lines = append(lines, l)
		problems = append(problems, lp...)
	}
	if err := rows.Error(); err != nil {
		return nil, nil, unreadableSheet(LinesSheet, 0)
	}
	if len(lines) == 0 && len(problems) == 0 {
		problems = append(problems, ImportProblem{Sheet: LinesSheet, Row: firstData, Field: "lines", Column: "表体",
			Message: "the lines sheet holds no line", MessageZh: "表体没有数据行"})
	}
	return lines, problems, nil
}

// lineColumn is the Chinese column header of a line field key.
func lineColumn(key string) string {
	for _, lf := range lineFields {
		if lf.key == key {
			return lf.zh
		}
	}
	return "表体"
}

func blank(row []string) bool {
	for _, v := range row {
		if strings.TrimSpace(v) != "" {
			return false
		}
	}
	return true
}

// parseLine reads row n into a line and lists its problems: unreadable
// numbers, then everything declaring would refuse except a missing trace
// code.
func parseLine(cols columnMap, row []string, n int) (model.DocumentLine, []ImportProblem) {
	var l model.DocumentLine
	var out []ImportProblem
	add := func(field, message, messageZh string) {
		out = append(out, ImportProblem{Sheet: LinesSheet, Row: n, Field: field, Column: lineColumn(field), Message: message, MessageZh: messageZh})
	}
	unreadable := map[string]bool{}
	for i, lf := range cols {
		if lf == nil || i >= len(row) {
			continue
		}
		v := strings.TrimSpace(row[i])
		if lf.text != nil {
			*lf.text(&l) = v
			continue
		}
		if v == "" {
			continue
		}
		num, ok := parseWhole(v)
		if lf.decimals > 0 {
			var tooPrecise bool
			num, tooPrecise, ok = excelunits.Parse(v, lf.decimals)
			if tooPrecise {
				unreadable[lf.key] = true
				add(lf.key, fmt.Sprintf("%q has more than %d decimals", v, lf.decimals),
					fmt.Sprintf("%s“%s”最多%d位小数", lf.zh, v, lf.decimals))
				continue
			}
		}
		if !ok {
			unreadable[lf.key] = true
			if lf.decimals > 0 {
				add(lf.key, fmt.Sprintf("%q is not a number", v), fmt.Sprintf("%s“%s”不是数字", lf.zh, v))
			} else {
				add(lf.key, fmt.Sprintf("%q is not a whole number", v), fmt.Sprintf("%s“%s”不是整数", lf.zh, v))
			}
			continue
		}
		*lf.number(&l) = num
	}
	problems := append(lineShape("", &l), lineWarnings("", l)...)
	sortProblems(problems)
	seen := map[string]bool{}
	for _, p := range problems {
		key := strings.TrimPrefix(p.Field, ".")
		// A value cannot be checked against a price or weight that was unreadable.
		mismatch := p.Rule == model.RuleValueMismatch && (unreadable["unitPriceFen"] || unreadable["weightGrams"])
		if key == "traceCode" && l.TraceCode == "" || unreadable[key] || seen[key] || mismatch {
			continue
		}
		seen[key] = true
		add(key, p.Message, p.MessageZh)
	}
	return l, out
}

// parseWhole reads an integer cell. Excel stores numbers as decimals and
// may write large ones in exponent form (1.92E7); any exact whole number
// that fits an int64 is accepted, and nothing passes through a float.
func parseWhole(v string) (int64, bool) {
	r, ok := new(big.Rat).SetString(strings.ReplaceAll(v, ",", ""))
	if !ok || !r.IsInt() || !r.Num().IsInt64() {
		return 0, false
	}
	return r.Num().Int64(), true
}
