package gateway

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"zonetrace/gateway/docdrafts"
	"zonetrace/gateway/submissions"
)

// importForm is the multipart body importing workbook as a bonded transfer
// out, and its content type (a retry resends the same bytes).
func importForm(t *testing.T, workbook []byte) ([]byte, string) {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	require.NoError(t, w.WriteField("family", "bonded_transfer"))
	require.NoError(t, w.WriteField("businessType", "out"))
	part, err := w.CreateFormFile("file", "草单.xlsx")
	require.NoError(t, err)
	_, err = part.Write(workbook)
	require.NoError(t, err)
	require.NoError(t, w.Close())
	return body.Bytes(), w.FormDataContentType()
}

func (e *env) upload(token string, body []byte, contentType, key string) resp {
	e.t.Helper()
	h := map[string]string{"Content-Type": contentType}
	if key != "" {
		h["Idempotency-Key"] = key
	}
	return e.do(token, "POST", "/api/v1/document-drafts/import", body, h)
}

// filledTemplate downloads the template and fills n lines; spoil changes
// cells afterwards.
func (e *env) filledTemplate(token string, n int, spoil func(*excelize.File)) []byte {
	t := e.t
	t.Helper()
	r := e.do(token, "GET", "/api/v1/document-drafts/template.xlsx?family=bonded_transfer&businessType=out", nil, nil)
	require.Equal(t, 200, r.Code, r.Body.String())
	require.Contains(t, r.Header().Get("Content-Disposition"), "attachment")
	f, err := excelize.OpenReader(bytes.NewReader(r.Body.Bytes()))
	require.NoError(t, err)
	defer f.Close()
	require.NoError(t, f.SetCellValue(docdrafts.HeadSheet, "B3", entB))
	require.NoError(t, f.SetCellValue(docdrafts.HeadSheet, "B5", "T2301W000001"))
	for i := 0; i < n; i++ {
		l := docLine(t, i+1)
		// The sheet counts kg and 元, as the screens do.
		row := []any{l.TraceCode, fmt.Sprintf("M%05d", i), l.ProductName, l.HSCode, l.Origin,
			float64(l.WeightGrams) / 1000, float64(l.UnitPriceFen) / 100, float64(l.ValueFen) / 100, l.Currency, l.Packages}
		require.NoError(t, f.SetSheetRow(docdrafts.LinesSheet, fmt.Sprintf("A%d", i+3), &row))
	}
	if spoil != nil {
		spoil(f)
	}
	var out bytes.Buffer
	require.NoError(t, f.Write(&out))
	return out.Bytes()
}

func TestDocumentDraftImport(t *testing.T) {
	t.Parallel()
	e := setup(t)
	a := e.login("ent-a")

	t.Run("5,000 lines with 3 bad rows report the 3 and import nothing", func(t *testing.T) {
		wb := e.filledTemplate(a, 5000, func(f *excelize.File) {
			require.NoError(t, f.SetCellValue(docdrafts.LinesSheet, "F100", "-5"))
			require.NoError(t, f.SetCellValue(docdrafts.LinesSheet, "E2500", "Ethiopia"))
			require.NoError(t, f.SetCellValue(docdrafts.LinesSheet, "G4999", "4,5"+"x"))
		})
		body, ct := importForm(t, wb)
		r := e.upload(a, body, ct, "")
		require.Equal(t, 422, r.Code, r.Body.String())
		refusal := r.json(t)["error"].(map[string]any)
		require.Equal(t, "IMPORT_FAILED", refusal["code"])
		var got []string
		for _, d := range refusal["details"].([]any) {
			p := d.(map[string]any)
			got = append(got, fmt.Sprintf("%v %s", p["row"], p["field"]))
			require.NotEmpty(t, p["message"])
			require.NotEmpty(t, p["messageZh"])
		}
		require.Equal(t, []string{"100 weightGrams", "2500 origin", "4999 unitPriceFen"}, got)
		r = e.do(a, "GET", "/api/v1/document-drafts", nil, nil)
		require.Zero(t, r.json(t)["total"], "nothing is half-imported")
	})
	t.Run("a good workbook becomes one draft, once per idempotency key", func(t *testing.T) {
		wb := e.filledTemplate(a, 3, nil)
		body, ct := importForm(t, wb)
		r := e.upload(a, body, ct, "import-1")
		require.Equal(t, 201, r.Code, r.Body.String())
		d := r.json(t)
		require.Len(t, d["lines"], 3)
		require.Empty(t, d["warnings"])
		require.Equal(t, "1200", d["head"].(map[string]any)["supervisionMode"])
		again := e.upload(a, body, ct, "import-1")
		require.Equal(t, 201, again.Code)
		require.Equal(t, d["id"], again.json(t)["id"])
		require.EqualValues(t, 1, e.do(a, "GET", "/api/v1/document-drafts", nil, nil).json(t)["total"])
	})
	t.Run("a missing file or template is a clear 400", func(t *testing.T) {
		r := e.do(a, "POST", "/api/v1/document-drafts/import", `{}`, nil)
		require.Equal(t, 400, r.Code)
		require.Equal(t, 400, e.do(a, "GET", "/api/v1/document-drafts/template.xlsx?family=checklist", nil, nil).Code)
	})
	t.Run("the export holds the drafts and their lines", func(t *testing.T) {
		r := e.do(a, "GET", "/api/v1/document-drafts/export.xlsx?family=bonded_transfer", nil, nil)
		require.Equal(t, 200, r.Code)
		f, err := excelize.OpenReader(bytes.NewReader(r.Body.Bytes()))
		require.NoError(t, err)
		defer f.Close()
		drafts, err := f.GetRows(docdrafts.DraftsSheet)
		require.NoError(t, err)
		require.Len(t, drafts, 2)
		lines, err := f.GetRows(docdrafts.LinesSheet)
		require.NoError(t, err)
		require.Len(t, lines, 4)
		require.Equal(t, testTraceCode(t, 3), lines[3][2])
	})
}

func TestPendingImportIsRedrivenAsMultipart(t *testing.T) {
	t.Parallel()
	e := setup(t)
	a := e.login("ent-a")
	body, ct := importForm(t, e.filledTemplate(a, 3, nil))

	// A crash right after the outbox kept the import leaves it pending.
	_, _, err := submissions.New(e.cfg.Pool).Claim(context.Background(), submissions.Request{
		Username: "ent-a", Key: "import-before-crash", Method: "POST", Path: "/api/v1/document-drafts/import",
		Body: body, ContentType: ct,
	}, time.Nanosecond, nil)
	require.NoError(t, err)
	time.Sleep(time.Millisecond) // let the lease lapse, as after a restart

	g := e.restart()
	redriveAll(t, g)
	r := doOn(t, g, a, "GET", "/api/v1/document-drafts?family=bonded_transfer", nil, nil)
	require.Equal(t, 200, r.Code, r.Body.String())
	require.EqualValues(t, 1, r.json(t)["total"], "the re-driven import created its draft")
}
