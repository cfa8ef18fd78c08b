package ocr_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/ocr"
	"zonetrace/gateway/ocr/corpus"
)

// engine returns an engine on the installed tesseract, or skips: the
// recognition tests need Debian's tesseract-ocr, tesseract-ocr-chi-sim,
// tesseract-ocr-eng and poppler-utils.
func engine(t testing.TB) *ocr.Engine {
	t.Helper()
	r := ocr.NewRunner("", 2)
	if err := r.Available(); err != nil {
		t.Skip("skipping certificate recognition: ", err)
	}
	if _, err := os.Stat(corpus.DefaultFont); err != nil {
		t.Skip("skipping certificate recognition: corpus font missing (fonts-droid-fallback): ", err)
	}
	return &ocr.Engine{Runner: r}
}

// truthFields are the fields a sample's certificate states.
func truthFields(tr corpus.Truth) map[string]string {
	if tr.Kind == model.AttachmentOriginCertificate {
		return map[string]string{ocr.FieldOrigin: tr.Origin}
	}
	return map[string]string{ocr.FieldQuarantineBatchNo: tr.BatchNo, ocr.FieldQuarantineResult: tr.Result, ocr.FieldQuarantineDate: tr.Date}
}

// score counts the fields of s read right, and reports the wrong ones.
func score(t testing.TB, s corpus.Sample, res ocr.Result) (right, total int) {
	got := map[string]ocr.Field{}
	for _, f := range res.Fields {
		got[f.Name] = f
	}
	for name, want := range truthFields(s.Truth) {
		total++
		if got[name].Value == want {
			right++
		} else {
			t.Logf("%s: %s = %q (text %q, confidence %d), want %q", s.Name, name, got[name].Value, got[name].Text, got[name].Confidence, want)
		}
	}
	return right, total
}

// TestRecognizeSamples reads one generated certificate of each kind in each
// file format: scans with a seal, skew, noise and JPEG artefacts, and PDFs
// with a text layer.
func TestRecognizeSamples(t *testing.T) {
	e := engine(t)
	samples, err := (&corpus.Generator{}).Generate(corpus.Tuning, 1, 2*len(corpus.Formats))
	require.NoError(t, err)
	for _, s := range samples {
		t.Run(s.Name, func(t *testing.T) {
			var progress []int
			res, err := e.Recognize(context.Background(), s.Truth.Kind, s.ContentType, s.Content, func(p int) { progress = append(progress, p) })
			require.NoError(t, err)
			right, total := score(t, s, res)
			require.Equal(t, total, right, "every field read right")
			require.Equal(t, 100, progress[len(progress)-1])
			want := ocr.SourceOCR
			if s.Format == corpus.FormatTextPDF {
				want = ocr.SourceTextLayer
			}
			require.Equal(t, want, res.Source)
			for _, f := range res.Fields {
				if f.Name == ocr.FieldOrigin {
					require.Equal(t, ocr.CountryZh(s.Truth.Origin), f.ValueZh, "the origin in Chinese")
				}
			}
		})
	}
}

// TestHeldOut measures field accuracy and time a page on ZT_OCR_HELDOUT
// held-out samples (docs/benchmarks.md, "Certificate OCR"); it is the one
// big run, so it runs only when asked.
func TestHeldOut(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("ZT_OCR_HELDOUT"))
	if n <= 0 {
		t.Skip("set ZT_OCR_HELDOUT=<samples> to measure the held-out set")
	}
	e := engine(t)
	g := &corpus.Generator{}
	right, total := 0, 0
	var spent time.Duration
	byFormat := map[string][2]int{}
	for i := range n {
		s, err := g.One(corpus.HeldOut, 2026, i)
		require.NoError(t, err)
		start := time.Now()
		res, err := e.Recognize(context.Background(), s.Truth.Kind, s.ContentType, s.Content, nil)
		spent += time.Since(start)
		require.NoError(t, err)
		r, tt := score(t, s, res)
		right += r
		total += tt
		f := byFormat[s.Format]
		byFormat[s.Format] = [2]int{f[0] + r, f[1] + tt}
	}
	for _, f := range corpus.Formats {
		t.Logf("%-9s %d/%d fields", f, byFormat[f][0], byFormat[f][1])
	}
	fmt.Printf("held-out: %d pages, %d/%d fields right (%.2f %%), %.0f ms a page\n",
		n, right, total, 100*float64(right)/float64(total), float64(spent.Milliseconds())/float64(n))
}
