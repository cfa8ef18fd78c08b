package exporters

import (
	"slices"
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
	"golang.org/x/text/width"
)

// legalSuffixes are the company forms dropped from the end of a name: the
// registry and the enterprises write the same exporter with and without
// them ("ALMACAFE S.A." and "Almacafé"). Each is a sequence of tokens as
// Normalize splits them, so "S.A." is {"S", "A"}.
var legalSuffixes = [][]string{
	{"LIMITED"}, {"LTD"}, {"LTDA"}, {"CO"}, {"COMPANY"}, {"CORP"}, {"CORPORATION"}, {"INC"}, {"INCORPORATED"},
	{"LLC"}, {"PLC"}, {"PTE"}, {"PTY"}, {"GMBH"}, {"AG"}, {"KG"}, {"BV"}, {"B", "V"}, {"NV"}, {"N", "V"},
	{"SA"}, {"S", "A"}, {"SAS"}, {"S", "A", "S"}, {"SAC"}, {"S", "A", "C"}, {"SRL"}, {"S", "R", "L"},
	{"SL"}, {"S", "L"}, {"SPA"}, {"S", "P", "A"}, {"SARL"}, {"CIA"}, {"CA"}, {"C", "A"}, {"EIRELI"},
	{"JSC"}, {"PLT"}, {"BHD"}, {"SDN"}, {"TBK"}, {"PT"}, {"CV"}, {"C", "V"}, {"DE"},
}

// foldAccents returns a transformer taking accents off letters: "Café" and
// "CAFE" are one name. A chain keeps its buffers between calls, so each
// call needs its own: one shared by concurrent declarations corrupted its
// state and panicked.
func foldAccents() transform.Transformer {
	return transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
}

// Normalize is the form of an exporter's name that claims are matched and
// ranked on: full-width characters made half-width, accents dropped, upper
// case, every run of punctuation and white space one space, and trailing
// legal forms (Ltd, Limited, S.A., Ltda, GmbH, Co., …) dropped while a name
// remains. "Café Nicaragüense, S.A." and "CAFE NICARAGUENSE SA" normalise
// alike.
func Normalize(name string) string {
	s := width.Fold.String(name)
	if folded, _, err := transform.String(foldAccents(), s); err == nil {
		s = folded
	}
	s = strings.ToUpper(s)
	tokens := strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	for trimmed := true; trimmed; {
		trimmed = false
		for _, suffix := range legalSuffixes {
			if len(tokens) > len(suffix) && slices.Equal(tokens[len(tokens)-len(suffix):], suffix) {
				tokens = tokens[:len(tokens)-len(suffix)]
				trimmed = true
			}
		}
	}
	return strings.Join(tokens, " ")
}

// NormalizeRegNo is a registration number as the registry keys it: half
// width, upper case, without spaces.
func NormalizeRegNo(regNo string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return unicode.ToUpper(r)
	}, width.Fold.String(regNo))
}

// Similarity of two normalised names from 0 (nothing shared) to 1 (equal):
// the Dice coefficient of their sets of character trigrams, each word
// padded so that word starts and ends weigh. Trigrams forgive a typo, a
// missing word or words in another order, which is what the enterprises'
// spellings of an exporter differ by.
func Similarity(a, b string) float64 {
	if a == b {
		if a == "" {
			return 0
		}
		return 1
	}
	ta, tb := trigrams(a), trigrams(b)
	if len(ta) == 0 || len(tb) == 0 {
		return 0
	}
	shared := 0
	for t := range ta {
		if _, ok := tb[t]; ok {
			shared++
		}
	}
	return 2 * float64(shared) / float64(len(ta)+len(tb))
}

func trigrams(s string) map[string]struct{} {
	out := map[string]struct{}{}
	for _, word := range strings.Fields(s) {
		r := []rune("  " + word + " ")
		for i := 0; i+3 <= len(r); i++ {
			out[string(r[i:i+3])] = struct{}{}
		}
	}
	return out
}
