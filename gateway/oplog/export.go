package oplog

import (
	"encoding/csv"
	"encoding/hex"
	"fmt"
	"io"
	"strconv"

	"github.com/xuri/excelize/v2"

	"zonetrace/chaincode/model"
	"zonetrace/chaincode/model/zh"
)

// exportColumns are the export's columns, named in Chinese by the model's
// labels.
var exportColumns = []string{"seq", "at", "username", "role", "enterpriseId", "command", "commandName", "objectType",
	"objectId", "ip", "userAgent", "rows", "bytes", "httpStatus", "errorCode", "requestId", "hash"}

func exportHeader() []string {
	out := make([]string, len(exportColumns))
	for i, c := range exportColumns {
		label, ok := zh.Label(c)
		if !ok {
			panic("oplog: no Chinese label for export column " + c) // a test exports every column
		}
		out[i] = label
	}
	return out
}

func exportRow(r Record, names map[string]string) []string {
	return []string{strconv.FormatInt(r.Seq, 10), r.At.In(model.ZoneTime).Format("2006-01-02 15:04:05"), r.Username, r.Role,
		r.EnterpriseID, r.Command, names[r.Command], r.ObjectType, r.ObjectID, r.IP, r.UserAgent,
		strconv.FormatInt(r.Rows, 10), strconv.FormatInt(r.Bytes, 10), strconv.Itoa(r.Status), r.ErrorCode, r.RequestID,
		hex.EncodeToString(r.Hash)}
}

// WriteCSV writes records as CSV (UTF-8 with a byte order mark, so Excel
// reads the Chinese right), times in China Standard Time.
func WriteCSV(w io.Writer, records []Record) error {
	if _, err := io.WriteString(w, "\uFEFF"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(exportHeader()); err != nil {
		return err
	}
	names := CommandNames()
	for _, r := range records {
		if err := cw.Write(exportRow(r, names)); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// ExportSheet is the XLSX export's sheet.
const ExportSheet = "操作日志"

// WriteXLSX writes records as an Excel workbook.
func WriteXLSX(w io.Writer, records []Record) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", ExportSheet); err != nil {
		return fmt.Errorf("write export: %w", err)
	}
	sw, err := f.NewStreamWriter(ExportSheet)
	if err != nil {
		return fmt.Errorf("write export: %w", err)
	}
	row := func(n int, cells []string) error {
		values := make([]any, len(cells))
		for i, c := range cells {
			values[i] = c
		}
		cell, err := excelize.CoordinatesToCellName(1, n)
		if err != nil {
			return err
		}
		return sw.SetRow(cell, values)
	}
	if err := row(1, exportHeader()); err != nil {
		return fmt.Errorf("write export: %w", err)
	}
	names := CommandNames()
	for i, r := range records {
		if err := row(i+2, exportRow(r, names)); err != nil {
			return fmt.Errorf("write export: %w", err)
		}
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("write export: %w", err)
	}
	if err := f.Write(w); err != nil {
		return fmt.Errorf("write export: %w", err)
	}
	return nil
}
