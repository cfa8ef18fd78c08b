package gateway

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/apierror"
)

// fuzzBody has the shapes request bodies use: nested objects, arrays,
// strings, integers, booleans and free maps.
type fuzzBody struct {
	Data  model.PrefilingData `json:"data"`
	Lines []model.DocumentLine
	Note  string            `json:"note"`
	Flag  bool              `json:"flag"`
	Extra map[string]string `json:"extra"`
}

// FuzzDecodeJSON feeds arbitrary bytes to the strict JSON decoder every
// handler uses: nothing panics, a refusal is a 4xx API error, and what it
// accepts holds only text the ledger and PostgreSQL can store.
func FuzzDecodeJSON(f *testing.F) {
	f.Add([]byte(`{"data":{"productName":"耶加雪菲","weightGrams":19200000},"note":"a\nb"}`))
	f.Add([]byte(`{"note":"\u0000"}`))
	f.Add([]byte("{\"note\":\"\xff\"}"))
	f.Add([]byte(`{"extra":{"\u0000":"x"}}`))
	f.Add([]byte(`{"data":{"weightGrams":1e400}}`))
	f.Add([]byte(`{} {}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		var dst fuzzBody
		err := decodeStrict(body, &dst)
		if err != nil {
			var apiErr *apierror.Error
			if !errors.As(err, &apiErr) || apiErr.Status < 400 || apiErr.Status >= 500 {
				t.Fatalf("decodeStrict(%q) = %v, want a 4xx API error", body, err)
			}
			return
		}
		for _, s := range []string{dst.Note, dst.Data.ProductName, dst.Data.ExporterName} {
			if strings.ContainsRune(s, 0) || !utf8.ValidString(s) {
				t.Fatalf("decodeStrict accepted text the ledger refuses: %q", s)
			}
		}
		for k, v := range dst.Extra {
			if strings.ContainsRune(k+v, 0) {
				t.Fatalf("decodeStrict accepted a NUL in a map: %q: %q", k, v)
			}
		}
	})
}
