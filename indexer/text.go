package indexer

import (
	"reflect"
	"strings"
	"unicode/utf8"
)

// NULReplacement stands in for U+0000 in stored text. PostgreSQL's text and
// jsonb cannot hold NUL (SQLSTATE 22021 / 22P05) nor invalid UTF-8 (22021),
// yet a block already on the chain may carry either (the chaincode refuses
// them only since schema checks were tightened). Refusing the block would
// stop the indexer for every tenant, so text is stored through StoreText:
// NUL becomes U+2400 SYMBOL FOR NULL and each run of invalid bytes becomes
// U+FFFD. The transform is deterministic, so an incremental run, a rebuild
// and the auditor's replay store the same rows; it is lossless except that a
// stored U+2400 may have been either character on the chain.
const NULReplacement = "\u2400"

// StoreText returns s in the form the read model stores it (see
// NULReplacement); it returns s itself when nothing needs replacing.
func StoreText(s string) string {
	if strings.IndexByte(s, 0) < 0 && utf8.ValidString(s) {
		return s
	}
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", NULReplacement)
}

// storeTexts rewrites, in place, every string reachable from v (a pointer)
// with StoreText: struct fields, pointers, slices, arrays and map entries.
// Walking the decoded event rather than listing fields keeps a field added to
// the model from reaching PostgreSQL unguarded.
func storeTexts(v any) {
	storeValue(reflect.ValueOf(v))
}

func storeValue(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			storeValue(v.Elem())
		}
	case reflect.Struct:
		for i := range v.NumField() {
			storeValue(v.Field(i))
		}
	case reflect.Slice, reflect.Array:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return // bytes are not text
		}
		for i := range v.Len() {
			storeValue(v.Index(i))
		}
	case reflect.String:
		if s := v.String(); v.CanSet() {
			if clean := StoreText(s); clean != s {
				v.SetString(clean)
			}
		}
	default:
		// Numbers and booleans need nothing. The model has no maps: their
		// keys could clean to the same text, and which entry survived would
		// depend on iteration order (TestStoreTextsCoversTheModel guards it).
	}
}
