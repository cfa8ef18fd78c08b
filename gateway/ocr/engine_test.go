package ocr_test

import (
	"context"
	"flag"
	"fmt"
	"math"
	"slices"
	"strings"
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
	// The shared 2-core machine, loaded by other builds, can stretch a
	// run's wall time tenfold; the time a page takes is measured, not
	// bounded, here.
	r.Timeout = 5 * time.Minute
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

// The benchmark's set and seed: the held-out seed 2027 by default; tuning
// runs name a tuning seed (go test -bench CertificateOCR -args
// -ocr.set=tuning -ocr.seed=11) and never the held-out set.
var (
	benchSet  = flag.String("ocr.set", "heldout", "corpus set of BenchmarkCertificateOCR: heldout or tuning")
	benchSeed = flag.Uint64("ocr.seed", 2027, "corpus seed of BenchmarkCertificateOCR")
)

// BenchmarkCertificateOCR reads b.N held-out certificates (new values,
// layouts jittered further than the tuning set's), cycling through PNG,
// JPEG, scanned PDF and text PDF, one at a time as the job queue does, and
// reports the share of fields read right and the CPU time a page (this
// process and the tesseract and poppler processes it ran); ns/op is the
// wall time a page. The samples are generated before the clock starts. It
// logs the fields right by field, kind, format and distortion (-v).
// Figures: docs/benchmarks.md, "Certificate OCR".
func BenchmarkCertificateOCR(b *testing.B) {
	e := engine(b)
	set := corpus.HeldOut
	if *benchSet == "tuning" {
		set = corpus.Tuning
	}
	g := &corpus.Generator{}
	samples := make([]corpus.Sample, b.N)
	for i := range samples {
		s, err := g.One(set, *benchSeed, i)
		require.NoError(b, err)
		samples[i] = s
	}
	var bd breakdown
	cpu0 := cpuTime()
	b.ResetTimer()
	for i := range b.N {
		s := samples[i]
		res, err := e.Recognize(context.Background(), s.Truth.Kind, s.ContentType, s.Content, nil)
		require.NoError(b, err)
		score(b, s, res)
		bd.add(s, res)
	}
	b.StopTimer()
	b.ReportMetric(float64((cpuTime()-cpu0).Milliseconds())/float64(b.N), "cpu-ms/page")
	right, total := bd.count("all")
	b.ReportMetric(100*float64(right)/float64(total), "fields-right-%")
	if right, total := bd.count("scans"); total > 0 {
		b.ReportMetric(100*float64(right)/float64(total), "scan-fields-right-%")
	}
	b.ReportMetric(100*float64(bd.flagged)/float64(total), "flagged-%")
	b.ReportMetric(100*float64(bd.wrongUnflagged)/float64(total), "wrong-unflagged-%")
	b.ReportMetric(float64(bd.passes)/float64(b.N), "passes/page")
	b.Log("\n" + bd.String())
}

// breakdown counts the fields read right by field, kind, format and
// distortion, and how the wrong ones went wrong.
type breakdown struct {
	right, total            map[string]int
	keys                    []string
	flagged, wrongUnflagged int
	missing, wrongValue     int
	passes                  int
}

func (bd *breakdown) count(key string) (int, int) { return bd.right[key], bd.total[key] }

func (bd *breakdown) add(s corpus.Sample, res ocr.Result) {
	if bd.right == nil {
		bd.right, bd.total = map[string]int{}, map[string]int{}
	}
	bd.passes += res.Passes
	got := map[string]ocr.Field{}
	for _, f := range res.Fields {
		got[f.Name] = f
		if f.NeedsReview {
			bd.flagged++
		}
	}
	for name, want := range truthFields(s.Truth) {
		f, found := got[name]
		ok := f.Value == want
		switch {
		case !found:
			bd.missing++
		case !ok:
			bd.wrongValue++
			if !f.NeedsReview {
				bd.wrongUnflagged++
			}
		}
		keys := []string{"all", "field " + name, "kind " + s.Truth.Kind, "format " + s.Format}
		if s.Format != corpus.FormatTextPDF {
			sc := s.Scan
			keys = append(keys, "scans",
				fmt.Sprintf("skew |°| %s", bucket(math.Abs(sc.SkewDeg), []float64{1, 2}, "<1", "1–2", "2–3")),
				fmt.Sprintf("blur %v", sc.Blur),
				fmt.Sprintf("noise σ %s", bucket(sc.NoiseSigma, []float64{9}, "4–9", "9–14")),
				fmt.Sprintf("seal over value %v", slices.Contains(sc.SealOver, name)))
			if sc.JPEGQuality == 0 {
				keys = append(keys, "jpeg none (png)")
			} else {
				keys = append(keys, "jpeg q "+bucket(float64(sc.JPEGQuality), []float64{50, 65}, "35–49", "50–64", "65–74"))
			}
		}
		for _, k := range keys {
			if _, seen := bd.total[k]; !seen {
				bd.keys = append(bd.keys, k)
			}
			bd.total[k]++
			if ok {
				bd.right[k]++
			}
		}
	}
}

func bucket(v float64, bounds []float64, names ...string) string {
	for i, b := range bounds {
		if v < b {
			return names[i]
		}
	}
	return names[len(bounds)]
}

// String is the breakdown as a table, one key a line.
func (bd *breakdown) String() string {
	keys := slices.Clone(bd.keys)
	slices.Sort(keys)
	var sb strings.Builder
	fmt.Fprintf(&sb, "missing %d, wrong value %d (unflagged %d), flagged %d\n", bd.missing, bd.wrongValue, bd.wrongUnflagged, bd.flagged)
	for _, k := range keys {
		fmt.Fprintf(&sb, "%-32s %4d/%-4d %6.2f %%\n", k, bd.right[k], bd.total[k], 100*float64(bd.right[k])/float64(bd.total[k]))
	}
	return sb.String()
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
