// Command certgen writes generated certificates (gateway/ocr/corpus) and
// their labels, for the browser test and for looking at what the
// recognition is measured on:
//
//	go run ./gateway/ocr/corpus/certgen -set tuning -seed 1 -n 8 -out /tmp/certs
//
// Each sample is written as <name>.<ext> with <name>.json holding its truth.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"zonetrace/gateway/ocr/corpus"
)

func main() {
	set := flag.String("set", "tuning", "tuning or heldout")
	seed := flag.Uint64("seed", 1, "seed of the samples")
	from := flag.Int("from", 0, "first sample number")
	n := flag.Int("n", 8, "how many samples")
	out := flag.String("out", ".", "directory written to")
	flag.Parse()
	if err := run(*set, *seed, *from, *n, *out); err != nil {
		fmt.Fprintln(os.Stderr, "certgen:", err)
		os.Exit(1)
	}
}

var extensions = map[string]string{"image/png": ".png", "image/jpeg": ".jpg", "application/pdf": ".pdf"}

func run(set string, seed uint64, from, n int, out string) error {
	s := corpus.Tuning
	switch set {
	case "tuning":
	case "heldout":
		s = corpus.HeldOut
	default:
		return fmt.Errorf("unknown set %q: tuning or heldout", set)
	}
	// Synthetic samples to look at (fake names and numbers): readable by
	// all, like any generated test data.
	if err := os.MkdirAll(out, 0o755); err != nil { //nolint:gosec // G301: see above
		return err
	}
	g := &corpus.Generator{}
	for i := from; i < from+n; i++ {
		sample, err := g.One(s, seed, i)
		if err != nil {
			return err
		}
		base := filepath.Join(out, sample.Name)
		if err := os.WriteFile(base+extensions[sample.ContentType], sample.Content, 0o644); err != nil { //nolint:gosec // G306: a synthetic sample, readable by all
			return err
		}
		truth, err := json.MarshalIndent(map[string]any{"name": sample.Name, "format": sample.Format,
			"file": sample.Name + extensions[sample.ContentType], "truth": sample.Truth}, "", "  ")
		if err != nil {
			return err
		}
		if err := os.WriteFile(base+".json", truth, 0o644); err != nil { //nolint:gosec // G306: a synthetic sample's labels, readable by all
			return err
		}
		fmt.Println(base + extensions[sample.ContentType])
	}
	return nil
}
