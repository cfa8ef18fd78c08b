package ocr_test

import (
	"context"
	"syscall"
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
	if err := (&corpus.Generator{}).Check(); err != nil {
		t.Skip("skipping certificate recognition: corpus fonts missing (fonts-droid-fallback, fonts-dejavu-core): ", err)
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

// BenchmarkCertificateOCR reads b.N held-out certificates (new values,
// layouts jittered further than the tuning set's), cycling through PNG,
// JPEG, scanned PDF and text PDF, one at a time as the job queue does, and
// reports the share of fields read right and the CPU time a page (this
// process and the tesseract and poppler processes it ran); ns/op is the
// wall time a page. The samples are generated before the clock starts.
// Figures: docs/benchmarks.md, "Certificate OCR".
func BenchmarkCertificateOCR(b *testing.B) {
	e := engine(b)
	g := &corpus.Generator{}
	samples := make([]corpus.Sample, b.N)
	for i := range samples {
		s, err := g.One(corpus.HeldOut, 2027, i)
		require.NoError(b, err)
		samples[i] = s
	}
	var right, total, scanRight, scanTotal, review int
	cpu0 := cpuTime()
	b.ResetTimer()
	for i := range b.N {
		s := samples[i]
		res, err := e.Recognize(context.Background(), s.Truth.Kind, s.ContentType, s.Content, nil)
		require.NoError(b, err)
		r, t := score(b, s, res)
		right, total = right+r, total+t
		if s.Format != corpus.FormatTextPDF {
			scanRight, scanTotal = scanRight+r, scanTotal+t
		}
		for _, f := range res.Fields {
			if f.NeedsReview {
				review++
			}
		}
	}
	b.StopTimer()
	b.ReportMetric(float64((cpuTime()-cpu0).Milliseconds())/float64(b.N), "cpu-ms/page")
	b.ReportMetric(100*float64(right)/float64(total), "fields-right-%")
	if scanTotal > 0 {
		b.ReportMetric(100*float64(scanRight)/float64(scanTotal), "scan-fields-right-%")
	}
	b.ReportMetric(100*float64(review)/float64(total), "flagged-%")
}

// cpuTime is the CPU time (user and system) of this process and of its
// waited-for children so far.
func cpuTime() time.Duration {
	var self, children syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &self)
	_ = syscall.Getrusage(syscall.RUSAGE_CHILDREN, &children)
	d := func(t syscall.Timeval) time.Duration { return time.Duration(t.Nano()) }
	return d(self.Utime) + d(self.Stime) + d(children.Utime) + d(children.Stime)
}
