package docdrafts_test

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/docdrafts"
)

// workbook fills the template of bonded transfer out with n complete lines
// and lets change spoil some of them (row numbers are Excel's).
func workbook(t testing.TB, n int, change func(f *excelize.File)) []byte {
	t.Helper()
	tpl, ok := docdrafts.TemplateFor(model.FamilyBondedTransfer, model.BusinessOut)
	require.True(t, ok)
	var buf bytes.Buffer
	require.NoError(t, docdrafts.WriteTemplate(&buf, tpl))
	f, err := excelize.OpenReader(&buf)
	require.NoError(t, err)
	defer f.Close()
	require.NoError(t, f.SetCellValue(docdrafts.HeadSheet, "B3", "91320583MA1BBBBB0B")) // counterpartyId
	for i := 0; i < n; i++ {
		l := completeLine(t, i%99999+1)
		// As a clerk types them: kg and 元, Excel numbers.
		row := []any{l.TraceCode, fmt.Sprintf("M%05d", i), l.ProductName, l.HSCode, l.Origin, 19200, 45, 864000, l.Currency, l.Packages}
		require.NoError(t, f.SetSheetRow(docdrafts.LinesSheet, fmt.Sprintf("A%d", i+3), &row))
	}
	if change != nil {
		change(f)
	}
	var out bytes.Buffer
	require.NoError(t, f.Write(&out))
	return out.Bytes()
}

func TestImport(t *testing.T) {
	t.Parallel()
	t.Run("a filled template imports head defaults and lines", func(t *testing.T) {
		c, err := docdrafts.Import(bytes.NewReader(workbook(t, 3, nil)), model.FamilyBondedTransfer, model.BusinessOut)
		require.NoError(t, err)
		require.Equal(t, "91320583MA1BBBBB0B", c.Head.CounterpartyID)
		require.Equal(t, "1200", c.Head.SupervisionMode, "the template's default")
		require.Len(t, c.Lines, 3)
		require.Equal(t, int64(19_200_000), c.Lines[2].WeightGrams)
		require.Equal(t, "M00002", c.Lines[2].MaterialNo)
	})
	t.Run("5,000 lines with 3 bad rows report exactly those 3 and nothing else", func(t *testing.T) {
		raw := workbook(t, 5000, func(f *excelize.File) {
			require.NoError(t, f.SetCellValue(docdrafts.LinesSheet, "F12", "twelve kilos")) // line 10: weight
			require.NoError(t, f.SetCellValue(docdrafts.LinesSheet, "A2001", "KSCF26030100001X"))
			require.NoError(t, f.SetCellValue(docdrafts.LinesSheet, "D5002", "0901")) // the last line: HS code
		})
		_, err := docdrafts.Import(bytes.NewReader(raw), model.FamilyBondedTransfer, model.BusinessOut)
		var ie *docdrafts.ImportError
		require.ErrorAs(t, err, &ie)
		got, columns := []string{}, []string{}
		for _, p := range ie.Problems {
			got = append(got, fmt.Sprintf("%s %d %s", p.Sheet, p.Row, p.Field))
			columns = append(columns, p.Column)
			require.NotEmpty(t, p.MessageZh)
		}
		require.Equal(t, []string{"表体 12 weightGrams", "表体 2001 traceCode", "表体 5002 hsCode"}, got)
		require.Equal(t, []string{"重量（千克）", "溯源码", "商品编码（HS）"}, columns, "the report names the template's Chinese columns")
	})
	t.Run("missing trace codes are allowed, other gaps are not", func(t *testing.T) {
		raw := workbook(t, 2, func(f *excelize.File) {
			require.NoError(t, f.SetCellValue(docdrafts.LinesSheet, "A3", ""))
			require.NoError(t, f.SetCellValue(docdrafts.LinesSheet, "C4", ""))
		})
		_, err := docdrafts.Import(bytes.NewReader(raw), model.FamilyBondedTransfer, model.BusinessOut)
		var ie *docdrafts.ImportError
		require.ErrorAs(t, err, &ie)
		require.Len(t, ie.Problems, 1)
		require.Equal(t, 4, ie.Problems[0].Row)
		require.Equal(t, "productName", ie.Problems[0].Field)
	})
	t.Run("a sheet without the hidden key row maps by its headers", func(t *testing.T) {
		raw := workbook(t, 2, func(f *excelize.File) { require.NoError(t, f.RemoveRow(docdrafts.LinesSheet, 2)) })
		c, err := docdrafts.Import(bytes.NewReader(raw), model.FamilyBondedTransfer, model.BusinessOut)
		require.NoError(t, err)
		require.Len(t, c.Lines, 2)
		require.Equal(t, "USD", c.Lines[0].Currency)
	})
	t.Run("a bad head value is reported with its row", func(t *testing.T) {
		raw := workbook(t, 1, func(f *excelize.File) { require.NoError(t, f.SetCellValue(docdrafts.HeadSheet, "B13", "next week")) })
		_, err := docdrafts.Import(bytes.NewReader(raw), model.FamilyBondedTransfer, model.BusinessOut)
		var ie *docdrafts.ImportError
		require.ErrorAs(t, err, &ie)
		require.Equal(t, []docdrafts.ImportProblem{{Sheet: docdrafts.HeadSheet, Row: 13, Field: "head.plannedDate", Column: "计划日期（YYYY-MM-DD）",
			Message: "must be a date YYYY-MM-DD", MessageZh: "计划日期格式错误，须为年-月-日格式的日期（如 2026-03-12）"}}, ie.Problems)
	})
	t.Run("a file that is not a workbook is refused", func(t *testing.T) {
		_, err := docdrafts.Import(bytes.NewReader([]byte("name,weight\n")), model.FamilyBondedTransfer, model.BusinessOut)
		var ie *docdrafts.ImportError
		require.ErrorAs(t, err, &ie)
		require.Equal(t, "file", ie.Problems[0].Field)
	})
}

func TestExport(t *testing.T) {
	t.Parallel()
	c := completeContent(t)
	d := docdrafts.Draft{Content: c, ID: "d-1", DisplayNo: "2026-000001", DocumentID: "BL20260301AAAAAAAA"}
	var buf bytes.Buffer
	require.NoError(t, docdrafts.WriteExport(&buf, []docdrafts.Draft{d}))
	f, err := excelize.OpenReader(&buf)
	require.NoError(t, err)
	defer f.Close()
	drafts, err := f.GetRows(docdrafts.DraftsSheet)
	require.NoError(t, err)
	require.Len(t, drafts, 2)
	require.Equal(t, []string{"d-1", "2026-000001", "bonded_transfer", "out", "保税区内流转出库单", "BL20260301AAAAAAAA", "否", "2", "0"}, drafts[1][:9])
	lines, err := f.GetRows(docdrafts.LinesSheet)
	require.NoError(t, err)
	require.Len(t, lines, 3)
	require.Equal(t, []string{"d-1", "0", c.Lines[0].TraceCode}, lines[1][:3])
	require.Equal(t, []string{"重量（千克）", "单价（元/千克）", "总价（元）"}, lines[0][7:10])
	require.Equal(t, []string{"19200", "45", "864000"}, lines[1][7:10], "grams and fen leave as kg and 元")
}

// TestUnitsRoundTrip: the lines sheet counts kg (3 decimals) and 元 (2
// decimals); an import converts them exactly to grams and fen, refuses a
// finer value per cell in Chinese, and an export reads back as it was.
func TestUnitsRoundTrip(t *testing.T) {
	t.Parallel()
	importRow := func(t *testing.T, weight, price, value any) (docdrafts.Content, *docdrafts.ImportError) {
		raw := workbook(t, 1, func(f *excelize.File) {
			require.NoError(t, f.SetCellValue(docdrafts.LinesSheet, "F3", weight))
			require.NoError(t, f.SetCellValue(docdrafts.LinesSheet, "G3", price))
			require.NoError(t, f.SetCellValue(docdrafts.LinesSheet, "H3", value))
		})
		c, err := docdrafts.Import(bytes.NewReader(raw), model.FamilyBondedTransfer, model.BusinessOut)
		if err == nil {
			return c, nil
		}
		var ie *docdrafts.ImportError
		require.ErrorAs(t, err, &ie)
		return c, ie
	}
	t.Run("three decimals of kg and two of 元 are exact", func(t *testing.T) {
		// 0.001 kg and 0.01 元 are the smallest steps; as floats neither is
		// exact, so a float conversion would be off by one here and there.
		c, ie := importRow(t, 1234.567, 0.29, "358.02")
		require.Nil(t, ie)
		require.Equal(t, int64(1_234_567), c.Lines[0].WeightGrams)
		require.Equal(t, int64(29), c.Lines[0].UnitPriceFen)
		require.Equal(t, int64(35_802), c.Lines[0].ValueFen)
		c, _ = importRow(t, "0.001", "1.10", "0.00")
		require.Equal(t, int64(1), c.Lines[0].WeightGrams)
		require.Equal(t, int64(110), c.Lines[0].UnitPriceFen)
	})
	t.Run("one decimal too many is refused per cell in Chinese", func(t *testing.T) {
		_, ie := importRow(t, "1.2345", "45.001", "0.005")
		require.NotNil(t, ie)
		var got []string
		for _, p := range ie.Problems {
			got = append(got, p.Field+" "+p.MessageZh)
		}
		require.Equal(t, []string{
			"weightGrams 重量（千克）“1.2345”最多3位小数",
			"unitPriceFen 单价（元/千克）“45.001”最多2位小数",
			"valueFen 总价（元）“0.005”最多2位小数",
		}, got)
	})
	t.Run("a cell that is no number says so", func(t *testing.T) {
		_, ie := importRow(t, "twelve", "45", "864000")
		require.NotNil(t, ie)
		require.Equal(t, "重量（千克）“twelve”不是数字", ie.Problems[0].MessageZh)
	})
	t.Run("a sheet of the old template counting grams is not read as kg", func(t *testing.T) {
		raw := workbook(t, 1, func(f *excelize.File) {
			row := []any{"traceCode", "materialNo", "productName", "hsCode", "origin", "weightGrams", "unitPriceFen", "valueFen", "currency", "packages"}
			require.NoError(t, f.SetSheetRow(docdrafts.LinesSheet, "A2", &row))
		})
		_, err := docdrafts.Import(bytes.NewReader(raw), model.FamilyBondedTransfer, model.BusinessOut)
		var ie *docdrafts.ImportError
		require.ErrorAs(t, err, &ie)
		require.Equal(t, "weightGrams", ie.Problems[0].Field, "the gram column is not recognised, so the weight is missing")
	})
	t.Run("an export imports back to the same grams and fen", func(t *testing.T) {
		c := completeContent(t)
		c.Lines[0].WeightGrams, c.Lines[0].UnitPriceFen, c.Lines[0].ValueFen = 1, 1, 1
		c.Lines[1].WeightGrams, c.Lines[1].UnitPriceFen, c.Lines[1].ValueFen = 123_456_789, 99_999, 12_345_666_654
		var buf bytes.Buffer
		require.NoError(t, docdrafts.WriteExport(&buf, []docdrafts.Draft{{Content: c, ID: "d-1"}}))
		f, err := excelize.OpenReader(&buf)
		require.NoError(t, err)
		defer f.Close()
		lines, err := f.GetRows(docdrafts.LinesSheet, excelize.Options{RawCellValue: true})
		require.NoError(t, err)
		require.Equal(t, []string{"0.001", "0.01", "0.01"}, lines[1][7:10])
		require.Equal(t, []string{"123456.789", "999.99", "123456666.54"}, lines[2][7:10])
	})
}

// sheetXML is a worksheet part: its declared dimension and rows rows of
// cellsPerRow numeric cells each.
func sheetXML(dimension string, rows, cellsPerRow int) []byte {
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
		`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`)
	fmt.Fprintf(&b, `<dimension ref="%s"/><sheetData>`, dimension)
	for r := 1; r <= rows; r++ {
		fmt.Fprintf(&b, `<row r="%d">`, r)
		for c := 1; c <= cellsPerRow; c++ {
			name, _ := excelize.CoordinatesToCellName(c, r)
			fmt.Fprintf(&b, `<c r="%s"><v>1</v></c>`, name)
		}
		b.WriteString(`</row>`)
	}
	b.WriteString(`</sheetData></worksheet>`)
	return b.Bytes()
}

// withPart rewrites the template workbook with one part replaced (or
// added), compressed as hard as zip can: a small file that unpacks large.
func withPart(t testing.TB, name string, content []byte) []byte {
	t.Helper()
	base := workbook(t, 1, nil)
	zr, err := zip.NewReader(bytes.NewReader(base), int64(len(base)))
	require.NoError(t, err)
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) { return flate.NewWriter(w, flate.BestCompression) })
	write := func(n string, data []byte) {
		w, err := zw.Create(n)
		require.NoError(t, err)
		_, err = w.Write(data)
		require.NoError(t, err)
	}
	replaced := false
	for _, zf := range zr.File {
		if zf.Name == name {
			write(name, content)
			replaced = true
			continue
		}
		rc, err := zf.Open()
		require.NoError(t, err)
		data, err := io.ReadAll(rc)
		require.NoError(t, err)
		require.NoError(t, rc.Close())
		write(zf.Name, data)
	}
	if !replaced {
		write(name, content)
	}
	require.NoError(t, zw.Close())
	return out.Bytes()
}

// excelBombs are small workbooks that would unpack to a lot: the lines
// sheet (xl/worksheets/sheet2.xml) or the head sheet declaring or holding
// far too many rows or cells, and a plain zip bomb.
func excelBombs(t testing.TB) map[string][]byte {
	return map[string][]byte{
		"a declared million rows":             withPart(t, "xl/worksheets/sheet2.xml", sheetXML("A1:J1000000", 3, 10)),
		"a declared far column":               withPart(t, "xl/worksheets/sheet1.xml", sheetXML("A1:XFD20", 3, 3)),
		"200,000 rows, dimension lies":        withPart(t, "xl/worksheets/sheet2.xml", sheetXML("A1:A1", 200_000, 1)),
		"a head sheet of 60,000 rows":         withPart(t, "xl/worksheets/sheet1.xml", sheetXML("A1:C3", 60_000, 3)),
		"a row of 100,000 cells":              withPart(t, "xl/worksheets/sheet2.xml", sheetXML("A1:A1", 1, 100_000)),
		"a 64 MiB zip bomb of shared strings": withPart(t, "xl/sharedStrings.xml", bytes.Repeat([]byte{' '}, 64<<20)),
	}
}

// TestExcelBombIsRefusedCheaply: each bomb is refused as too big, and the
// refusal allocates less than 100 MiB in all (the bound on the memory it
// can add); how fast is BenchmarkImportExcelBomb's to say. (TestImport's
// 5,000 lines show a full template is within the limits.)
func TestExcelBombIsRefusedCheaply(t *testing.T) {
	for name, raw := range excelBombs(t) {
		t.Run(name, func(t *testing.T) {
			require.Less(t, len(raw), 2<<20, "the bomb itself is small")
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			_, err := docdrafts.Import(bytes.NewReader(raw), model.FamilyBondedTransfer, model.BusinessOut)
			runtime.ReadMemStats(&after)
			var ie *docdrafts.ImportError
			require.ErrorAs(t, err, &ie)
			require.Equal(t, "file", ie.Problems[0].Field)
			require.NotEmpty(t, ie.Problems[0].MessageZh)
			allocated := after.TotalAlloc - before.TotalAlloc
			require.Less(t, allocated, uint64(100<<20), "allocated %d MiB", allocated>>20)
			t.Logf("%d KiB file, %d MiB allocated", len(raw)>>10, allocated>>20)
		})
	}
}

func BenchmarkImportExcelBomb(b *testing.B) {
	for name, raw := range excelBombs(b) {
		b.Run(strings.ReplaceAll(name, " ", "_"), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := docdrafts.Import(bytes.NewReader(raw), model.FamilyBondedTransfer, model.BusinessOut); err == nil {
					b.Fatal("the bomb was imported")
				}
			}
		})
	}
}
