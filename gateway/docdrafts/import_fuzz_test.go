package docdrafts_test

import (
	"bytes"
	"errors"
	"testing"

	"github.com/xuri/excelize/v2"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/docdrafts"
)

// FuzzImport feeds arbitrary bytes, and workbooks with arbitrary cell text,
// to the Excel import: nothing panics, and every refusal is an
// *ImportError, which the gateway answers with a row-level 422 report.
func FuzzImport(f *testing.F) {
	tpl, ok := docdrafts.TemplateFor(model.FamilyBondedTransfer, model.BusinessOut)
	if !ok {
		f.Fatal("no bonded transfer out template")
	}
	var blank bytes.Buffer
	if err := docdrafts.WriteTemplate(&blank, tpl); err != nil {
		f.Fatal(err)
	}
	f.Add(blank.Bytes(), "", "")
	f.Add(workbook(f, 2, nil), "C3", "\x00")
	f.Add(workbook(f, 1, nil), "F3", "-1")
	f.Add([]byte("PK\x03\x04 not really a zip"), "A1", "x")
	f.Fuzz(func(t *testing.T, raw []byte, cell, text string) {
		// Writing a far cell makes excelize fill every row before it, which
		// would spend the fuzzing time building inputs; the import's own
		// limits are fuzzed through raw instead.
		if col, row, err := excelize.CellNameToCoordinates(cell); err == nil && col <= 64 && row <= 200 {
			if book, err := excelize.OpenReader(bytes.NewReader(raw)); err == nil {
				if book.SetCellValue(docdrafts.LinesSheet, cell, text) == nil {
					var out bytes.Buffer
					if book.Write(&out) == nil {
						raw = out.Bytes()
					}
				}
				_ = book.Close()
			}
		}
		_, err := docdrafts.Import(bytes.NewReader(raw), model.FamilyBondedTransfer, model.BusinessOut)
		var refused *docdrafts.ImportError
		if err != nil && !errors.As(err, &refused) {
			t.Fatalf("Import refused with an error that is not an *ImportError: %v", err)
		}
	})
}
