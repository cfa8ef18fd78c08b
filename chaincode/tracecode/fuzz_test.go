package tracecode

import (
	"testing"
	"time"
)

// FuzzTraceCode feeds arbitrary text to Valid and Sequence, and arbitrary
// days and sequences to Compose: nothing panics, Sequence stays in range,
// everything Compose builds is valid, and changing any one character of a
// valid code makes it invalid.
func FuzzTraceCode(f *testing.F) {
	f.Add("KSCF261126000421", "CF", int64(1764115200), 42)
	f.Add("", "GD", int64(0), 1)
	f.Add("KSCF26112600042\x00", "C\x00", int64(-1), 0)
	f.Add("ksc f261126000421", "TE", int64(4102444800), MaxSequence)
	f.Fuzz(func(t *testing.T, text, commodity string, unix int64, seq int) {
		if Valid(text) && len(text) != Length {
			t.Fatalf("Valid(%q) with length %d", text, len(text))
		}
		if s := Sequence(text, seq); s < 1 || s > MaxSequence {
			t.Fatalf("Sequence(%q, %d) = %d", text, seq, s)
		}
		code, err := Compose(commodity, time.Unix(unix, 0), seq)
		if err != nil {
			return
		}
		if !Valid(code) {
			t.Fatalf("Compose(%q, %d, %d) = %q is not valid", commodity, unix, seq, code)
		}
		for i := range len(code) {
			for j := range len(alphabet) {
				if alphabet[j] == code[i] {
					continue
				}
				changed := code[:i] + string(alphabet[j]) + code[i+1:]
				if Valid(changed) {
					t.Fatalf("%q with position %d changed to %c is still valid", code, i, alphabet[j])
				}
			}
		}
	})
}
