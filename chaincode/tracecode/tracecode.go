// Package tracecode composes and checks trace codes (溯源码), the unique mark
// of a goods batch inside the zone.
//
// Composition, 16 characters, all of [0-9A-Z]:
//
//	KS CF 261126 00042 1
//	│  │  │      │     └ check character, ISO/IEC 7064 MOD 37,36 over the first 15
//	│  │  │      └ sequence of the commodity on that day, 00001–99999
//	│  │  └ approval date yyMMdd in China Standard Time (UTC+8, no DST)
//	│  └ commodity code (CF coffee, GD general goods; see Commodities)
//	└ zone: Kunshan Comprehensive Bonded Zone
//
// The sequence comes from a per-commodity, per-day counter on the ledger, so a
// code is never issued twice and never reused; the check character catches
// every single-character substitution and every adjacent transposition when a
// code is typed by hand.
package tracecode

import (
	"fmt"
	"strings"
	"time"
)

// Zone is the prefix of every code issued by this platform.
const Zone = "KS"

// Length is the number of characters of a trace code.
const Length = 16

// MaxSequence is the highest daily sequence number per commodity.
const MaxSequence = 99999

const alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"

// Commodities maps commodity names to their two-letter code. Commodities not
// listed get GeneralGoods until customs assigns them a code.
var Commodities = map[string]string{
	"coffee": "CF",
	"tea":    "TE",
	"cocoa":  "CC",
	"wine":   "WN",
}

// GeneralGoods is the code of commodities without their own.
const GeneralGoods = "GD"

// chinaStandardTime is fixed: China has had no daylight saving since 1991,
// and a fixed zone keeps the chaincode free of the host's tz database.
var chinaStandardTime = time.FixedZone("CST", 8*60*60)

// CommodityCode returns the two-letter code of a commodity name.
func CommodityCode(commodity string) string {
	if c, ok := Commodities[strings.ToLower(strings.TrimSpace(commodity))]; ok {
		return c
	}
	return GeneralGoods
}

// DayKey is the yyMMdd of t in China Standard Time, the counter's day.
func DayKey(t time.Time) string {
	return t.In(chinaStandardTime).Format("060102")
}

// Compose builds the trace code for the seq-th batch of a commodity code on
// the day of t.
func Compose(commodityCode string, t time.Time, seq int) (string, error) {
	if len(commodityCode) != 2 || !isAlnum(commodityCode) {
		return "", fmt.Errorf("compose trace code: bad commodity code %q", commodityCode)
	}
	if seq < 1 || seq > MaxSequence {
		return "", fmt.Errorf("compose trace code: sequence %d outside 1..%d", seq, MaxSequence)
	}
	body := fmt.Sprintf("%s%s%s%05d", Zone, commodityCode, DayKey(t), seq)
	return body + string(checkChar(body)), nil
}

// Valid reports whether code is a well-formed trace code with a correct
// check character.
func Valid(code string) bool {
	if len(code) != Length || !strings.HasPrefix(code, Zone) || !isAlnum(code) {
		return false
	}
	for _, c := range code[6:15] {
		if c < '0' || c > '9' {
			return false
		}
	}
	return checkChar(code[:Length-1]) == code[Length-1]
}

// checkChar computes the ISO/IEC 7064 MOD 37,36 hybrid check character.
func checkChar(s string) byte {
	const m = 36
	p := m
	for i := 0; i < len(s); i++ {
		v := strings.IndexByte(alphabet, s[i])
		sum := (p + v) % m
		if sum == 0 {
			sum = m
		}
		p = (2 * sum) % (m + 1)
	}
	return alphabet[(m+1-p)%m]
}

func isAlnum(s string) bool {
	for i := 0; i < len(s); i++ {
		if strings.IndexByte(alphabet, s[i]) < 0 {
			return false
		}
	}
	return true
}
