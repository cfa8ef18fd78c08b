// Package ocr reads certificates of origin and quarantine certificates:
// the origin, quarantine batch number, result and date a prefiling needs.
// Text PDFs are read from their text layer (pdftotext); images and scanned
// PDFs (pdftoppm) are cleaned in Go (preprocess.go) and recognised by
// tesseract run as a process (tesseract.go). Every value carries a
// confidence; what a person must check is flagged, and nothing here writes
// to a draft (see gateway/ocr/recognitions).
package ocr

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	_ "image/jpeg" // decoders of the accepted attachment types
	_ "image/png"
	"os"
	"path/filepath"
	"slices"
	"unicode"

	"zonetrace/chaincode/model"
)

// ErrUnreadable reports a file that is not a readable image or PDF.
var ErrUnreadable = errors.New("ocr: file not readable")

// Sources of a result.
const (
	SourceTextLayer = "text_layer"
	SourceOCR       = "ocr"
)

// Result is what was read off one certificate.
type Result struct {
	Fields []Field `json:"fields"`
	Source string  `json:"source"`
	// Passes is how many recognition passes the page took (0 for a text
	// layer), for measuring.
	Passes int `json:"-"`
	// Lines are the text read, for diagnosis; never stored, as the
	// certificate itself is sealed at rest.
	Lines []Line `json:"-"`
}

// Engine recognises certificates.
type Engine struct {
	Runner *Runner
}

// minTextLayer is how many letters a PDF's text layer needs to be taken as
// the document's text rather than a scan with a stray caption.
const minTextLayer = 20

// Recognize reads the fields of a certificate of kind from content (PDF,
// PNG or JPEG, by contentType), reporting progress (0–100) as it goes.
func (e *Engine) Recognize(ctx context.Context, kind, contentType string, content []byte, progress func(int)) (Result, error) {
	if progress == nil {
		progress = func(int) {}
	}
	var page image.Image
	switch contentType {
	case "application/pdf":
		dir, err := os.MkdirTemp("", "zonetrace-ocr-*")
		if err != nil {
			return Result{}, fmt.Errorf("ocr: %w", err)
		}
		defer os.RemoveAll(dir)
		pdf := filepath.Join(dir, "in.pdf")
		if err := os.WriteFile(pdf, content, 0o600); err != nil {
			return Result{}, fmt.Errorf("ocr: %w", err)
		}
		text, err := e.Runner.run(ctx, nil, "pdftotext", "-layout", "-enc", "UTF-8", "-f", "1", "-l", "2", pdf, "-")
		if err != nil {
			if ctx.Err() != nil {
				return Result{}, err
			}
			// pdftotext refuses what is not a PDF.
			return Result{}, fmt.Errorf("%w: read text layer: %w", ErrUnreadable, err)
		}
		progress(20)
		if countLetters(string(text)) >= minTextLayer {
			if fields := Extract(kind, TextLines(string(text))); len(fields) > 0 {
				progress(100)
				return Result{Fields: fields, Source: SourceTextLayer}, nil
			}
		}
		if page, err = e.scannedPage(ctx, dir, pdf); err != nil {
			return Result{}, err
		}
	case "image/png", "image/jpeg":
		var err error
		if page, _, err = image.Decode(bytes.NewReader(content)); err != nil {
			return Result{}, fmt.Errorf("%w: decode image: %w", ErrUnreadable, err)
		}
	default:
		return Result{}, fmt.Errorf("%w: cannot read %s", ErrUnreadable, contentType)
	}
	progress(30)
	clean := pgm(Preprocess(page))
	progress(40)
	res := Result{Source: SourceOCR}
	passes := passLanguages(kind)
	for i, langs := range passes {
		lines, err := e.Runner.recognise(ctx, clean, langs)
		if err != nil {
			return Result{}, fmt.Errorf("ocr: %w", err)
		}
		res.Lines = append(res.Lines, lines...)
		res.Passes++
		res.Fields = merge(res.Fields, Extract(kind, lines))
		if allSure(kind, res.Fields) {
			break
		}
		progress(40 + 60*(i+1)/len(passes))
	}
	progress(100)
	return res, nil
}

// passLanguages are the language models of the recognition passes of a
// page of kind, tried in turn until every field is read surely. The first
// is the script the kind is printed in: one model alone is faster than two
// and does not read a Chinese label as Latin letters ("检疫批次号" as
// "HEIRS"). The second reads both scripts, for bilingual and unusual forms.
func passLanguages(kind string) []string {
	if kind == model.AttachmentOriginCertificate {
		return []string{"eng", "chi_sim+eng"}
	}
	return []string{"chi_sim", "chi_sim+eng"}
}

// allSure reports whether every field of kind was read and none needs a
// person.
func allSure(kind string, fields []Field) bool {
	want := FieldsOf(kind)
	if len(fields) != len(want) {
		return false
	}
	for _, f := range fields {
		if f.NeedsReview {
			return false
		}
	}
	return true
}

// merge combines the fields of two passes over one page: a field read by
// one pass only is taken; of two equal readings, or of a sure and an unsure
// one, the surer; two different sure readings give the surer one, flagged
// for a person as the passes disagree.
func merge(a, b []Field) []Field {
	out := slices.Clone(a)
	for _, f := range b {
		i := slices.IndexFunc(out, func(g Field) bool { return g.Name == f.Name })
		switch {
		case i < 0:
			out = append(out, f)
		case out[i].Value == f.Value || out[i].NeedsReview != f.NeedsReview:
			if f.Confidence > out[i].Confidence {
				out[i] = f
			}
		default:
			if f.Confidence > out[i].Confidence {
				out[i] = f
			}
			out[i].NeedsReview = true
		}
	}
	return out
}

// minScanWidth is the least width of an image taken as the scan of a
// whole page rather than a logo on it.
const minScanWidth = 1000

// scannedPage returns the first page of a scanned PDF as an image: the
// scan itself when the page is one image (pdfimages copies it out as it
// was scanned), else the page rendered (pdftoppm, as JPEG: compressing a
// noisy scan as PNG costs seconds).
func (e *Engine) scannedPage(ctx context.Context, dir, pdf string) (image.Image, error) {
	if _, err := e.Runner.run(ctx, nil, "pdfimages", "-f", "1", "-l", "1", "-j", "-png", pdf, filepath.Join(dir, "img")); err == nil {
		if files, _ := filepath.Glob(filepath.Join(dir, "img-*")); len(files) == 1 {
			if img, err := decodeFile(files[0]); err == nil && img.Bounds().Dx() >= minScanWidth {
				return img, nil
			}
		}
	}
	if _, err := e.Runner.run(ctx, nil, "pdftoppm", "-r", "200", "-f", "1", "-l", "1", "-jpeg", "-jpegopt", "quality=95",
		"-singlefile", pdf, filepath.Join(dir, "page")); err != nil {
		return nil, fmt.Errorf("ocr: render PDF: %w", err)
	}
	img, err := decodeFile(filepath.Join(dir, "page.jpg"))
	if err != nil {
		return nil, fmt.Errorf("ocr: render PDF: %w", err)
	}
	return img, nil
}

func decodeFile(path string) (image.Image, error) {
	raw, err := os.ReadFile(path) //nolint:gosec // G304: a file pdfimages or pdftoppm wrote into our own temporary folder
	if err != nil {
		return nil, err
	}
	img, _, err := image.Decode(bytes.NewReader(raw))
	return img, err
}

func countLetters(s string) int {
	n := 0
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			n++
		}
	}
	return n
}
