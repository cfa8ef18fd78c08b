package warehouse

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/accounts"
)

// columnField is the record field of a header cell: a column's Chinese
// title or the field name itself ("重量(克)" with ASCII brackets too).
func columnField(cell string) (string, bool) {
	cell = strings.NewReplacer("(", "（", ")", "）").Replace(strings.TrimSpace(cell))
	for _, c := range model.WarehouseColumns {
		if cell == c.Title || cell == c.Field {
			return c.Field, true
		}
	}
	return "", false
}

// Import keeps the records of an uploaded file (.xlsx: the first sheet;
// .csv: UTF-8 or GBK), all or nothing like Feed: problems name the rows as
// "rows[n]" with n the row's number in the file less one, so 第n+1行 is
// the row the user sees. Blank rows are skipped.
func (s *Service) Import(ctx context.Context, u accounts.User, name string, r io.Reader) (FeedResult, error) {
	if _, err := s.operator(ctx, u); err != nil {
		return FeedResult{}, err
	}
	var (
		rows   [][]string
		source Source
		err    error
	)
	switch ext := strings.ToLower(name[strings.LastIndexByte(name, '.')+1:]); ext {
	case "xlsx":
		source = SourceXLSX
		rows, err = readXLSX(r)
	case "csv":
		source = SourceCSV
		rows, err = readCSV(r)
	default:
		return FeedResult{}, invalid(model.Problem{Field: "file", Rule: model.RuleUnknownValue})
	}
	switch {
	case errors.Is(err, errTooManyRows):
		return FeedResult{}, invalid(model.Problem{Field: "file", Rule: model.RuleTooMany, Params: model.Params{"max": model.MaxWarehouseRecords}})
	case err != nil:
		return FeedResult{}, invalid(model.Problem{Field: "file", Rule: model.RuleInvalid})
	}
	items, problems := parseRows(rows, s.now(), source == SourceXLSX)
	if len(problems) > 0 {
		return FeedResult{}, invalid(problems...)
	}
	if len(items) > model.MaxWarehouseRecords {
		return FeedResult{}, invalid(model.Problem{Field: "file", Rule: model.RuleTooMany, Params: model.Params{"max": model.MaxWarehouseRecords}})
	}
	return s.feed(ctx, u, "file", items, source)
}

// Bounds of an uploaded workbook: the upload limit caps the zip, these cap
// what it unpacks to (a zip bomb is refused before it is inflated) and the
// rows read. A full file of model.MaxWarehouseRecords rows is about 1 MB
// unpacked.
const (
	maxUnzipped     = 48 << 20
	maxPartUnzipped = 24 << 20
	// maxFileRows leaves room for blank rows between the records.
	maxFileRows = 2 * model.MaxWarehouseRecords
)

// errTooManyRows refuses a file of more than maxFileRows rows.
var errTooManyRows = errors.New("too many rows")

// readXLSX reads the first sheet's cells as stored (numbers unformatted,
// dates as serial numbers, which fileTime converts).
func readXLSX(r io.Reader) ([][]string, error) {
	f, err := excelize.OpenReader(r, excelize.Options{UnzipSizeLimit: maxUnzipped, UnzipXMLSizeLimit: maxPartUnzipped})
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, errors.New("no sheet")
	}
	rows, err := f.Rows(sheets[0])
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out [][]string
	for rows.Next() {
		if len(out) >= maxFileRows {
			return nil, errTooManyRows
		}
		row, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, err
		}
		out = append(out, row)
	}
	return out, rows.Error()
}

func readCSV(r io.Reader) ([][]string, error) {
	raw, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	raw = bytes.TrimPrefix(raw, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(raw) {
		// Excel in China saves CSV in GBK.
		if raw, err = simplifiedchinese.GB18030.NewDecoder().Bytes(raw); err != nil {
			return nil, err
		}
	}
	c := csv.NewReader(bytes.NewReader(raw))
	c.FieldsPerRecord = -1
	rows, err := c.ReadAll()
	if err == nil && len(rows) > maxFileRows {
		return nil, errTooManyRows
	}
	return rows, err
}

// parseRows reads the header and the rows. Problems found here are the
// header's and the numbers' and times' that do not parse; the model's
// checks find the rest in feed.
func parseRows(rows [][]string, now time.Time, serialDates bool) ([]item, []model.Problem) {
	if len(rows) == 0 {
		return nil, []model.Problem{{Field: "file", Rule: model.RuleRequired}}
	}
	columns := map[string]int{}
	for i, cell := range rows[0] {
		if field, ok := columnField(cell); ok {
			columns[field] = i
		}
	}
	var problems []model.Problem
	for _, f := range []string{"recordId", "kind", "location", "weightGrams", "at"} {
		if _, ok := columns[f]; !ok {
			problems = append(problems, model.Problem{Field: "header." + f, Rule: model.RuleRequired})
		}
	}
	_, code := columns["traceCode"]
	_, sku := columns["sku"]
	if !code && !sku {
		problems = append(problems, model.Problem{Field: "header.traceCode", Rule: model.RuleRequired})
	}
	if len(problems) > 0 {
		return nil, problems
	}
	var items []item
	for n, row := range rows[1:] {
		cell := func(f string) string {
			i, ok := columns[f]
			if !ok || i >= len(row) {
				return ""
			}
			return strings.TrimSpace(row[i])
		}
		if blank(row) {
			continue
		}
		field := fmt.Sprintf("rows[%d]", n+1) // the file's row n+2, shown as 第n+2行
		r := model.WarehouseRecord{RecordID: cell("recordId"), TraceCode: cell("traceCode"), SKU: cell("sku"),
			Location: cell("location"), Kind: model.WarehouseRecordKind(cell("kind"))}
		if k, ok := model.WarehouseKindTitles[string(r.Kind)]; ok {
			r.Kind = k
		}
		var bad bool
		for _, num := range []struct {
			name string
			dst  *int64
		}{{"packages", &r.Packages}, {"weightGrams", &r.WeightGrams}} {
			v := cell(num.name)
			if v == "" {
				continue
			}
			x, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				problems = append(problems, model.Problem{Field: field + "." + num.name, Rule: model.RuleInvalid})
				bad = true
				continue
			}
			*num.dst = x
		}
		r.At = fileTime(cell("at"), serialDates)
		if !bad {
			items = append(items, item{field: field, record: r})
		}
	}
	if len(items) == 0 && len(problems) == 0 {
		return nil, []model.Problem{{Field: "file", Rule: model.RuleRequired}}
	}
	// Rows whose numbers did not parse are left out of items; the other
	// rows' problems join theirs when any is refused.
	if len(problems) > 0 {
		checked, _ := checkItems(items, now)
		return nil, append(problems, checked...)
	}
	return items, nil
}

func blank(row []string) bool {
	for _, c := range row {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// fileTimeLayouts are the times a file may hold besides RFC 3339: the zone's
// civil time as spreadsheets show it.
var fileTimeLayouts = []string{time.DateTime, "2006-01-02 15:04", "2006/1/2 15:04:05", "2006/1/2 15:04", "2006-1-2 15:04:05", "2006-1-2 15:04"}

// fileTime is a file's time cell as RFC 3339, or as written when it is no
// time (the model's check then names it). A workbook's date cell is a
// serial number of days, in the zone's civil time.
func fileTime(v string, serialDates bool) string {
	if _, err := time.Parse(time.RFC3339, v); err == nil {
		return v
	}
	if serial, err := strconv.ParseFloat(v, 64); err == nil && serialDates && serial > 0 {
		if t, err := excelize.ExcelDateToTime(serial, false); err == nil {
			// ExcelDateToTime reads the civil time as UTC; it is the zone's.
			civil := time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, model.ZoneTime)
			return civil.Format(time.RFC3339)
		}
	}
	for _, layout := range fileTimeLayouts {
		if t, err := time.ParseInLocation(layout, v, model.ZoneTime); err == nil {
			return t.Format(time.RFC3339)
		}
	}
	return v
}

// WriteTemplate writes the import template: the header row and one sample
// row of each kind, every cell text so spreadsheets keep codes and times as
// typed.
func WriteTemplate(w io.Writer) error {
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "仓储记录"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return fmt.Errorf("warehouse template: %w", err)
	}
	text, err := f.NewStyle(&excelize.Style{NumFmt: 49})
	if err != nil {
		return fmt.Errorf("warehouse template: %w", err)
	}
	head := make([]any, len(model.WarehouseColumns))
	for i, c := range model.WarehouseColumns {
		head[i] = c.Title
	}
	rows := [][]any{head,
		{"IN-0001", "入库", "KSCF261126000421", "", "B-01-01", "10", "1200000", "2026-11-26 09:30:00"},
		{"OUT-0001", "出库", "", "SKU-1001", "B-01-01", "2", "240000", "2026-11-27 14:00:00"},
		{"ST-0001", "盘点", "KSCF261126000421", "", "B-01-01", "8", "960000", "2026-11-28 18:00:00"},
	}
	last, _ := excelize.CoordinatesToCellName(len(head), 1000)
	if err := f.SetCellStyle(sheet, "A1", last, text); err != nil {
		return fmt.Errorf("warehouse template: %w", err)
	}
	for i, row := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(sheet, cell, &row); err != nil {
			return fmt.Errorf("warehouse template: %w", err)
		}
	}
	if err := f.SetColWidth(sheet, "A", "H", 20); err != nil {
		return fmt.Errorf("warehouse template: %w", err)
	}
	return f.Write(w)
}
