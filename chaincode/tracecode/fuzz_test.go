package tracecode_test

import (
	"testing"

	"zonetrace/chaincode/tracecode"
)

// FuzzValid: a code Valid accepts is 16 characters of [0-9A-Z] starting with
// the zone, and changing any one of its characters to another character of
// the alphabet makes it invalid (the check character catches every
// single-character substitution).
func FuzzValid(f *testing.F) {
	for _, seed := range []string{"KSCF261126000421", "KSCF261126000420", "", "KSCF26112600042", "ksCF261126000421",
		"KSCF26112600042\x00", "KSCF2611260004２1", "KSGD991231999999"} {
		f.Add(seed)
	}
	const alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	f.Fuzz(func(t *testing.T, code string) {
		if !tracecode.Valid(code) {
			return
		}
		if len(code) != tracecode.Length || code[:2] != tracecode.Zone {
			t.Fatalf("Valid accepted %q", code)
		}
		for i := range len(code) {
			for j := range len(alphabet) {
				if alphabet[j] == code[i] {
					continue
				}
				changed := code[:i] + alphabet[j:j+1] + code[i+1:]
				if tracecode.Valid(changed) {
					t.Fatalf("%q and %q differ in one character and are both valid", code, changed)
				}
			}
		}
	})
}
