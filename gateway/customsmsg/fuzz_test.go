package customsmsg

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// FuzzParseMessage feeds arbitrary bytes to the parser of customs' XML:
// nothing panics, every refusal is ErrMalformed (the inbox answers it with
// 4xx), and a single-pocket receipt that parses can be assembled or refused
// as malformed.
func FuzzParseMessage(f *testing.F) {
	files, err := filepath.Glob("testdata/*.xml")
	if err != nil || len(files) == 0 {
		f.Fatalf("no seed messages in testdata: %v", err)
	}
	for _, name := range files {
		raw, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(raw)
	}
	f.Add([]byte("<Package>\x00</Package>"))
	f.Add([]byte(`<?xml version="1.0" encoding="GB18030"?><CommonResponeMessage/>`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		m, err := Parse(raw)
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("Parse refused with an error that is not ErrMalformed: %v", err)
			}
			return
		}
		if m.Kind == KindReceipt && !m.Pocket.Split() {
			if _, err := Assemble([]Pocket{m.Pocket}); err != nil && !errors.Is(err, ErrMalformed) {
				t.Fatalf("Assemble refused with an error that is not ErrMalformed: %v", err)
			}
		}
	})
}
