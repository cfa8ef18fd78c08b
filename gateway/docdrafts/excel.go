package docdrafts

import (
	"fmt"
	"io"
	"time"

	"github.com/xuri/excelize/v2"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/excelunits"
)

// Sheet names of the Excel template, import and export.
const (
	HeadSheet   = "表头"
	LinesSheet  = "表体"
	DraftsSheet = "草单"
)

// The head sheet has one field a row: label, value and (hidden) key; the
// lines sheet has Chinese headers in row 1, the field keys in hidden row 2
// and lines from row 3. Import maps columns by the keys, or by the headers
// when a spreadsheet tool dropped the hidden row.
const (
	headKeyColumn  = "C"
	linesKeyRow    = 2
	linesFirstData = 3
)

// WriteTemplate writes the Excel template of t: its head with the
// template's defaults, required fields starred, and an empty lines sheet.
func WriteTemplate(w io.Writer, t Template) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", HeadSheet); err != nil {
		return fmt.Errorf("write template: %w", err)
	}
	required := map[string]bool{}
	for _, k := range t.RequiredHead {
		required[k] = true
	}
	rows := [][]any{{"字段", "内容", "key"}, {"单据", t.NameZh, ""}}
	for _, hf := range headFields {
		label := hf.zh
		if required[hf.key] {
			label = "*" + label
		}
		rows = append(rows, []any{label, *hf.ref(&t.Head), hf.key})
	}
	for i, r := range rows {
		if err := f.SetSheetRow(HeadSheet, fmt.Sprintf("A%d", i+1), &r); err != nil {
			return fmt.Errorf("write template head: %w", err)
		}
	}
	if err := f.SetColWidth(HeadSheet, "A", "B", 28); err != nil {
		return fmt.Errorf("write template head: %w", err)
	}
	if err := f.SetColVisible(HeadSheet, headKeyColumn, false); err != nil {
		return fmt.Errorf("write template head: %w", err)
	}
	if _, err := f.NewSheet(LinesSheet); err != nil {
		return fmt.Errorf("write template lines: %w", err)
	}
	labels, keys := make([]any, len(lineFields)), make([]any, len(lineFields))
	for i, lf := range lineFields {
		labels[i], keys[i] = lf.zh, lf.columnKey()
	}
	if err := f.SetSheetRow(LinesSheet, "A1", &labels); err != nil {
		return fmt.Errorf("write template lines: %w", err)
	}
	if err := f.SetSheetRow(LinesSheet, fmt.Sprintf("A%d", linesKeyRow), &keys); err != nil {
		return fmt.Errorf("write template lines: %w", err)
	}
	if err := f.SetRowVisible(LinesSheet, linesKeyRow, false); err != nil {
		return fmt.Errorf("write template lines: %w", err)
	}
	if err := f.SetColWidth(LinesSheet, "A", "J", 18); err != nil {
		return fmt.Errorf("write template lines: %w", err)
	}
	if err := f.Write(w); err != nil {
		return fmt.Errorf("write template: %w", err)
	}
	return nil
}

// WriteExport writes drafts to Excel: one row per draft on the drafts sheet
// and one row per line, with its draft's id, on the lines sheet.
func WriteExport(w io.Writer, drafts []Draft) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", DraftsSheet); err != nil {
		return fmt.Errorf("write export: %w", err)
	}
	if _, err := f.NewSheet(LinesSheet); err != nil {
		return fmt.Errorf("write export: %w", err)
	}
	if err := writeDraftRows(f, drafts); err != nil {
		return err
	}
	if err := writeLineRows(f, drafts); err != nil {
		return err
	}
	if err := f.Write(w); err != nil {
		return fmt.Errorf("write export: %w", err)
	}
	return nil
}

func writeDraftRows(f *excelize.File, drafts []Draft) error {
	sw, err := f.NewStreamWriter(DraftsSheet)
	if err != nil {
		return fmt.Errorf("write export drafts: %w", err)
	}
	header := []any{"草单编号", "草稿号", "单据类型", "业务类型", "单据名称", "申报单号", "是否已申报", "行数", "缺溯源码行数"}
	for _, hf := range headFields {
		header = append(header, hf.zh)
	}
	header = append(header, "更新时间", "更新人")
	if err := sw.SetRow("A1", header); err != nil {
		return fmt.Errorf("write export drafts: %w", err)
	}
	for i, d := range drafts {
		t, _ := TemplateFor(d.Family, d.BusinessType)
		declared := "否"
		if d.Declared() {
			declared = "是"
		}
		row := []any{d.ID, d.DisplayNo, string(d.Family), string(d.BusinessType), t.NameZh, d.DocumentID, declared, len(d.Lines), MissingTraceCodes(d.Lines)}
		for _, hf := range headFields {
			row = append(row, *hf.ref(&d.Head))
		}
		row = append(row, d.UpdatedAt.In(model.ZoneTime).Format(time.DateTime), d.UpdatedBy)
		if err := sw.SetRow(fmt.Sprintf("A%d", i+2), row); err != nil {
			return fmt.Errorf("write export drafts: %w", err)
		}
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("write export drafts: %w", err)
	}
	return nil
}

func writeLineRows(f *excelize.File, drafts []Draft) error {
	sw, err := f.NewStreamWriter(LinesSheet)
	if err != nil {
		return fmt.Errorf("write export lines: %w", err)
	}
	header := []any{"草单编号", "序号"}
	for _, lf := range lineFields {
		header = append(header, lf.zh)
	}
	if err := sw.SetRow("A1", header); err != nil {
		return fmt.Errorf("write export lines: %w", err)
	}
	n := 2
	for _, d := range drafts {
		for _, l := range d.Lines {
			row := []any{d.ID, l.Seq}
			for _, lf := range lineFields {
				if lf.text != nil {
					row = append(row, *lf.text(&l))
				} else {
					if lf.decimals > 0 {
						row = append(row, excelunits.Cell(*lf.number(&l), lf.decimals))
					} else {
						row = append(row, *lf.number(&l))
					}
				}
			}
			if err := sw.SetRow(fmt.Sprintf("A%d", n), row); err != nil {
				return fmt.Errorf("write export lines: %w", err)
			}
			n++
		}
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("write export lines: %w", err)
	}
	return nil
}
