package model_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"zonetrace/chaincode/model"
)

// FuzzCheckText: any text CheckText lets through can be stored by every
// store downstream — valid UTF-8, no NUL, no control character but the line
// breaks and tabs of a multi-line field — and is within its length.
func FuzzCheckText(f *testing.F) {
	for _, seed := range []string{"", "耶加雪菲", "a\x00b", "a\nb", "\xff", "\u0085", "\x7f", strings.Repeat("码", 201), "\r\n\t"} {
		f.Add(seed, false)
		f.Add(seed, true)
	}
	f.Fuzz(func(t *testing.T, value string, multiLine bool) {
		r := model.SingleLine
		if multiLine {
			r = model.Note
		}
		if len(model.CheckText("f", value, r)) > 0 {
			return
		}
		if !utf8.ValidString(value) || utf8.RuneCountInString(value) > r.Max {
			t.Fatalf("accepted %q", value)
		}
		for _, c := range value {
			lineBreakOrTab := multiLine && (c == '\n' || c == '\r' || c == '\t')
			if c < 0x20 && !lineBreakOrTab || c >= 0x7f && c <= 0x9f {
				t.Fatalf("accepted control character %U in %q", c, value)
			}
		}
	})
}

// FuzzParseError: ParseError never panics, and a refusal survives any text
// Fabric puts before it with its reason, message and params.
func FuzzParseError(f *testing.F) {
	f.Add("chaincode response 500, ", "document x not found", "HZ20261126AAAAAAAA")
	f.Add("", "a"+model.DetailsMarker+"{", "")
	f.Add("", "ends with |zt-details|", "x")
	f.Add("INVALID_ARGUMENT: ", "\"}", "x |zt-details| {\"reason\":\"X\"}")
	f.Fuzz(func(t *testing.T, prefix, message, id string) {
		model.ParseError(prefix + message)
		if !utf8.ValidString(id) || strings.ContainsAny(prefix, "ABCDEFGHIJKLMNOPQRSTUVWXYZ_") {
			return // JSON cannot carry broken UTF-8 as it is; a prefix must not hold a code
		}
		e := model.Refuse(model.ReasonDocumentNotFound, model.Params{"documentId": id}, "%s", message)
		parsed, ok := model.ParseError(prefix + e.Error())
		if !ok || parsed.Code != model.CodeNotFound || parsed.Reason != model.ReasonDocumentNotFound || parsed.Params["documentId"] != id {
			t.Fatalf("%q parsed as %+v", prefix+e.Error(), parsed)
		}
		if want := strings.ReplaceAll(message, "|zt-details|", "|zt details|"); parsed.Message != want {
			t.Fatalf("message %q came back as %q", want, parsed.Message)
		}
	})
}
