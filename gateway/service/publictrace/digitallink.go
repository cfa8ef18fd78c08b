package publictrace

import (
	"fmt"
	"net/url"
	"strings"

	"zonetrace/chaincode/tracecode"
)

// GS1 Digital Link form of a trace code (docs/architecture.md, "Public
// trace page"). A trace code names a batch (lot), and Digital Link needs a
// product key before the lot: https://<host>/01/<GTIN-14>/10/<lot>. Our
// goods carry no GTIN of their own, so every commodity of the zone gets a
// GS1 restricted-circulation number (prefix 20: numbers GS1 leaves to a
// company or organisation for internal use, never allocated to a brand):
//
//	0 20 000000 nnnn c
//	│ │  │      │    └ GS1 mod-10 check digit
//	│ │  │      └ the commodity's two trace-code letters read as a base-36 number (CF → 0447)
//	│ │  └ zero padding
//	│ └ restricted circulation prefix
//	└ GTIN-13 → GTIN-14 indicator digit 0
//
// The lot (AI 10, up to 20 characters of a set that includes [0-9A-Z]) is
// the 16-character trace code itself. The GTIN follows from the code, so the
// resolver checks that the two agree and answers nothing for a made-up pair.

// GTIN returns the GTIN-14 of the commodity of trace code code, which must
// be valid (tracecode.Valid).
func GTIN(code string) string {
	commodity := code[len(tracecode.Zone) : len(tracecode.Zone)+2]
	n := 0
	for i := 0; i < len(commodity); i++ {
		n = n*36 + strings.IndexByte("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", commodity[i])
	}
	body := fmt.Sprintf("020000000%04d", n)
	return body + string(rune('0'+gs1CheckDigit(body)))
}

// gs1CheckDigit is the GS1 mod-10 check digit of the digits in body: weights
// 3 and 1 alternating from the rightmost digit.
func gs1CheckDigit(body string) int {
	sum := 0
	for i := 0; i < len(body); i++ {
		d := int(body[len(body)-1-i] - '0')
		if i%2 == 0 {
			d *= 3
		}
		sum += d
	}
	return (10 - sum%10) % 10
}

// URI is the Digital Link URI of trace code code under base (the public
// base URL, no trailing slash): what the trace QR encodes.
func URI(base, code string) string {
	return base + "/01/" + GTIN(code) + "/10/" + url.PathEscape(code)
}

// Resolve returns the trace code a Digital Link path names, and false when
// the pair is not one URI ever encoded.
func Resolve(gtin, lot string) (string, bool) {
	if !tracecode.Valid(lot) || GTIN(lot) != gtin {
		return "", false
	}
	return lot, true
}
