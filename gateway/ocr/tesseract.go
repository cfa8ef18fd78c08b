package ocr

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// ErrNoEngine reports that the tesseract program is not installed.
var ErrNoEngine = errors.New("ocr: tesseract is not installed")

// Runner runs the external programs: tesseract for images, and poppler's
// pdftotext and pdftoppm for PDFs. Each run is a process of its own, bounded
// in time and in how many run at once: OCR is CPU-bound, and a burst of
// uploads must queue rather than starve the node.
type Runner struct {
	// Tesseract is the tesseract program; empty finds it on PATH.
	Tesseract string
	// Timeout bounds one process (default 30 s).
	Timeout time.Duration
	slots   chan struct{}
}

// NewRunner returns a Runner letting at most concurrency processes run at
// once (at least one).
func NewRunner(tesseract string, concurrency int) *Runner {
	return &Runner{Tesseract: tesseract, slots: make(chan struct{}, max(concurrency, 1))}
}

// Available reports whether tesseract can be run, and why not.
func (r *Runner) Available() error {
	if _, err := exec.LookPath(r.program()); err != nil {
		return fmt.Errorf("%w (%s): install Debian's tesseract-ocr, tesseract-ocr-chi-sim and tesseract-ocr-eng", ErrNoEngine, r.program())
	}
	return nil
}

func (r *Runner) program() string {
	if r.Tesseract != "" {
		return r.Tesseract
	}
	return "tesseract"
}

// run runs name with args, stdin as input, and returns its standard output.
func (r *Runner) run(ctx context.Context, stdin []byte, name string, args ...string) ([]byte, error) {
	select {
	case r.slots <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-r.slots }()
	timeout := r.Timeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...) //nolint:gosec // G204: name is tesseract (the operator's --tesseract), pdfimages or pdftoppm; no shell, args built here
	// One thread a process: concurrency is bounded by the slots, and
	// OpenMP threads on a busy machine only slow every run down.
	cmd.Env = append(os.Environ(), "OMP_THREAD_LIMIT=1")
	cmd.Stdin = bytes.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("%s: %w", filepath.Base(name), ctx.Err())
		}
		return nil, fmt.Errorf("%s: %w: %s", filepath.Base(name), err, strings.TrimSpace(stderr.String()))
	}
	return stdout.Bytes(), nil
}

// recognise runs tesseract with the language models langs ("chi_sim+eng")
// on an image (any format leptonica reads; the preprocessed pages are PGM)
// and returns its lines with word confidences.
func (r *Runner) recognise(ctx context.Context, image []byte, langs string) ([]Line, error) {
	// psm 6: a certificate is read as one block of lines, which keeps a
	// label and its value on the same line.
	out, err := r.run(ctx, image, r.program(), "stdin", "stdout", "-l", langs, "--psm", "6", "-c", "tessedit_do_invert=0", "tsv")
	if err != nil {
		return nil, err
	}
	return parseTSV(out)
}

// parseTSV reads tesseract's TSV output: level 5 rows are words, keyed to
// their line by (block, paragraph, line).
func parseTSV(out []byte) ([]Line, error) {
	var lines []Line
	lastKey := ""
	for i, row := range strings.Split(string(out), "\n") {
		if i == 0 || row == "" {
			continue
		}
		cols := strings.Split(row, "\t")
		if len(cols) < 12 || cols[0] != "5" {
			continue
		}
		text := strings.TrimSpace(cols[11])
		if text == "" {
			continue
		}
		conf, err := strconv.ParseFloat(cols[10], 64)
		if err != nil {
			return nil, fmt.Errorf("tesseract output: confidence %q: %w", cols[10], err)
		}
		key := cols[2] + "/" + cols[3] + "/" + cols[4]
		if key != lastKey || len(lines) == 0 {
			lines = append(lines, nil)
			lastKey = key
		}
		lines[len(lines)-1] = append(lines[len(lines)-1], Word{Text: text, Confidence: max(conf, 0) / 100})
	}
	return lines, nil
}
