package exporters

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/xuri/excelize/v2"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/accounts"
	"zonetrace/gateway/docdrafts"
	"zonetrace/gateway/validation"
)

// templateColumns are the import template's columns, in order; an import
// finds its columns by these titles (or the website's variants,
// columnTitles), in any order.
var templateColumns = []struct{ Field, Title string }{
	{"regNo", "在华注册编号"}, {"name", "企业名称"}, {"country", "国家(地区)"}, {"products", "产品类别"},
	{"registeredOn", "注册日期"}, {"expiresOn", "有效期至"}, {"status", "注册状态"},
}

// ImportResult says what an import did.
type ImportResult struct {
	Rows      int `json:"rows"`
	Added     int `json:"added"`
	Updated   int `json:"updated"`
	Unchanged int `json:"unchanged"`
}

// Import adds and corrects entries from a workbook of the template (the
// first sheet), all or nothing: problems name the rows as
// "exporterRows[n]" with n the row's number in the sheet less one, so
// 第n+1行 is the row the user sees. Blank rows are skipped. The entries
// it writes are held against the crawl, like manual edits.
func (s *Service) Import(ctx context.Context, u accounts.User, r io.Reader) (ImportResult, error) {
	f, release, err := docdrafts.OpenWorkbook(r)
	var refused *docdrafts.ImportError
	if errors.As(err, &refused) {
		var p validation.Problems
		for _, q := range refused.Problems {
			p = append(p, validation.Problem{Field: "file", Rule: model.RuleInvalid, Message: q.Message, MessageZh: q.MessageZh})
		}
		return ImportResult{}, p
	}
	if err != nil {
		return ImportResult{}, fmt.Errorf("read workbook: %w", err)
	}
	defer release()
	entries, problems, err := readEntries(f)
	if err != nil {
		return ImportResult{}, err
	}
	if len(problems) > 0 {
		var p validation.Problems
		p.AddModel(problems...)
		return ImportResult{}, p
	}
	out := ImportResult{Rows: len(entries)}
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		out = ImportResult{Rows: len(entries)}
		for _, e := range entries {
			o, err := s.merge(ctx, tx, e, model.ExporterFromImport, u.Username)
			if err != nil {
				return err
			}
			switch o {
			case added:
				out.Added++
			case updated:
				out.Updated++
			default:
				out.Unchanged++
			}
		}
		return nil
	})
	return out, err
}

// readEntries reads the first sheet: a header row naming the columns,
// then one entry a row.
func readEntries(f *excelize.File) ([]model.ExporterEntry, []model.Problem, error) {
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, []model.Problem{{Field: "file", Rule: model.RuleInvalid}}, nil
	}
	rows, err := f.Rows(sheets[0])
	if err != nil {
		return nil, []model.Problem{{Field: "file", Rule: model.RuleInvalid}}, nil
	}
	defer rows.Close()
	var (
		cols     map[int]string
		entries  []model.ExporterEntry
		problems []model.Problem
		seen     = map[string]bool{}
	)
	for n := 0; rows.Next(); n++ {
		cells, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, []model.Problem{{Field: "file", Rule: model.RuleInvalid}}, nil
		}
		if cols == nil {
			if blankRow(cells) {
				continue
			}
			var missing []model.Problem
			cols, missing = headerOf(n, cells)
			if len(missing) > 0 {
				return nil, missing, nil
			}
			continue
		}
		if blankRow(cells) {
			continue
		}
		if len(entries) >= model.MaxExporterRows {
			return nil, []model.Problem{{Field: "file", Rule: model.RuleTooMany, Params: model.Params{"max": model.MaxExporterRows}}}, nil
		}
		prefix := "exporterRows[" + strconv.Itoa(n) + "]"
		e, ps := rowEntry(prefix, cols, cells)
		if len(ps) == 0 && seen[e.RegNo] {
			ps = append(ps, model.Problem{Field: prefix + ".regNo", Rule: model.RuleDuplicate, Params: model.Params{"value": e.RegNo}})
		}
		seen[e.RegNo] = true
		problems = append(problems, ps...)
		entries = append(entries, e)
	}
	if err := rows.Error(); err != nil {
		return nil, []model.Problem{{Field: "file", Rule: model.RuleInvalid}}, nil
	}
	if cols == nil {
		return nil, []model.Problem{{Field: "exporterRows[0].regNo", Rule: model.RuleRequired}}, nil
	}
	return entries, problems, nil
}

// headerOf maps a header row's columns; the registration number and the
// name columns are required.
func headerOf(n int, cells []string) (map[int]string, []model.Problem) {
	cols := map[int]string{}
	has := map[string]bool{}
	for i, c := range cells {
		key := strings.ReplaceAll(cleanCell(c), " ", "")
		if field, ok := columnTitles[key]; ok {
			cols[i], has[field] = field, true
			continue
		}
		for _, t := range templateColumns {
			if key == t.Field {
				cols[i], has[t.Field] = t.Field, true
			}
		}
	}
	var missing []model.Problem
	for _, f := range []string{"regNo", "name", "country"} {
		if !has[f] {
			missing = append(missing, model.Problem{Field: "exporterRows[" + strconv.Itoa(n) + "]." + f, Rule: model.RuleRequired})
		}
	}
	return cols, missing
}

// rowEntry reads one row as an entry and checks it.
func rowEntry(prefix string, cols map[int]string, cells []string) (model.ExporterEntry, []model.Problem) {
	var e model.ExporterEntry
	var status string
	for i, raw := range cells {
		v := cleanCell(raw)
		switch cols[i] {
		case "regNo":
			e.RegNo = NormalizeRegNo(v)
		case "name":
			e.Name = v
		case "country":
			e.Country = countryCode(v)
		case "products":
			e.Products = v
		case "registeredOn":
			e.RegisteredOn = cellDate(v)
		case "expiresOn":
			e.ExpiresOn = cellDate(v)
		case "status":
			status = v
		}
	}
	e.Status = model.ExporterValid
	var ps []model.Problem
	if status != "" {
		if st, ok := statusWords[strings.ReplaceAll(status, " ", "")]; ok {
			e.Status = st
		} else {
			e.Status = model.ExporterStatus(status)
		}
	}
	ps = append(ps, model.CheckExporterEntry(prefix, e)...)
	return e, ps
}

// cellDate reads a date cell: text as the website writes dates, or an
// Excel serial number (a cell formatted as a date).
func cellDate(v string) string {
	if n, err := strconv.ParseFloat(v, 64); err == nil && n > 1 && n < 100000 && !strings.ContainsAny(v, "-/") {
		if t, err := excelize.ExcelDateToTime(n, false); err == nil {
			return t.Format(time.DateOnly)
		}
	}
	return date(v)
}

func blankRow(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// WriteTemplate writes the import template: the columns, text-formatted so
// that Excel keeps numbers and dates as typed, and a sheet of notes.
func WriteTemplate(w io.Writer) error {
	f := excelize.NewFile()
	defer f.Close()
	const sheet, notes = "境外出口商备案", "填写说明"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return fmt.Errorf("exporter template: %w", err)
	}
	text, err := f.NewStyle(&excelize.Style{NumFmt: 49})
	if err != nil {
		return fmt.Errorf("exporter template: %w", err)
	}
	head := make([]any, len(templateColumns))
	for i, c := range templateColumns {
		head[i] = c.Title
	}
	last, _ := excelize.CoordinatesToCellName(len(head), model.MaxExporterRows+1)
	if err := f.SetCellStyle(sheet, "A1", last, text); err != nil {
		return fmt.Errorf("exporter template: %w", err)
	}
	if err := f.SetSheetRow(sheet, "A1", &head); err != nil {
		return fmt.Errorf("exporter template: %w", err)
	}
	if err := f.SetColWidth(sheet, "A", "G", 22); err != nil {
		return fmt.Errorf("exporter template: %w", err)
	}
	if _, err := f.NewSheet(notes); err != nil {
		return fmt.Errorf("exporter template: %w", err)
	}
	lines := []string{
		"每行一个境外生产企业，第一行为列名，请勿修改列名；空行会被忽略。",
		"在华注册编号、企业名称、国家(地区)必填；国家(地区)填中文名称或两位字母代码（如 巴西 或 BR）。",
		"日期写作 2026-05-17；有效期至为空表示长期有效。",
		"注册状态填 有效、已过期、暂停 或 注销；为空按有效处理。",
		fmt.Sprintf("每次最多导入%d行；任一行有错误时整个文件不导入，并列出每个出错的行。", model.MaxExporterRows),
		"导入或手工维护的记录不会被定时爬取覆盖，直到备案网站显示相同内容。",
	}
	for i, l := range lines {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetCellValue(notes, cell, l); err != nil {
			return fmt.Errorf("exporter template: %w", err)
		}
	}
	return f.Write(w)
}
