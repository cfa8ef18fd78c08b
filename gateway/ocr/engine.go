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
	"fmt"
	"image"
	_ "image/jpeg" // decoders of the accepted attachment types
	_ "image/png"
	"os"
	"path/filepath"
	"unicode"
)

// Sources of a result.
const (
	SourceTextLayer = "text_layer"
	SourceOCR       = "ocr"
)

// Result is what was read off one certificate.
type Result struct {
	Fields []Field `json:"fields"`
	Source string  `json:"source"`
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
			return Result{}, fmt.Errorf("ocr: read text layer: %w", err)
		}
		progress(20)
		if countLetters(string(text)) >= minTextLayer {
			if fields := Extract(kind, TextLines(string(text))); len(fields) > 0 {
				progress(100)
				return Result{Fields: fields, Source: SourceTextLayer}, nil
			}
		}
		// A scan: the first page as an image, at the resolution the page
		// is worked at.
		if _, err := e.Runner.run(ctx, nil, "pdftoppm", "-r", "200", "-f", "1", "-l", "1", "-png", "-singlefile", pdf, filepath.Join(dir, "page")); err != nil {
			return Result{}, fmt.Errorf("ocr: render PDF: %w", err)
		}
		raw, err := os.ReadFile(filepath.Join(dir, "page.png"))
		if err != nil {
			return Result{}, fmt.Errorf("ocr: render PDF: %w", err)
		}
		if page, _, err = image.Decode(bytes.NewReader(raw)); err != nil {
			return Result{}, fmt.Errorf("ocr: render PDF: %w", err)
		}
	case "image/png", "image/jpeg":
		var err error
		if page, _, err = image.Decode(bytes.NewReader(content)); err != nil {
			return Result{}, fmt.Errorf("ocr: decode image: %w", err)
		}
	default:
		return Result{}, fmt.Errorf("ocr: cannot read %s", contentType)
	}
	progress(30)
	clean := Preprocess(page)
	progress(40)
	lines, err := e.Runner.recognise(ctx, pgm(clean))
	if err != nil {
		return Result{}, fmt.Errorf("ocr: %w", err)
	}
	progress(100)
	return Result{Fields: Extract(kind, lines), Source: SourceOCR}, nil
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
