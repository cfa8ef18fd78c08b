// Package tracecode composes and checks trace codes (溯源码), the unique mark
// of a goods batch inside the zone.
//
// Composition, 16 characters, all of [0-9A-Z]:
//
//	KS CF 261126 00042 1
//	│  │  │      │     └ check character, ISO/IEC 7064 MOD 37,36 over the first 15
//	│  │  │      └ sequence within commodity and day, 00001–99999
//	│  │  └ approval date yyMMdd in China Standard Time (UTC+8, no DST)
//	│  └ commodity code (CF coffee, GD general goods; see Commodities)
//	└ zone: Kunshan Comprehensive Bonded Zone
//
// The sequence is not a counter: Sequence derives it from the batch's own
// unique key (the prefiling id), probing onward from there, so issuing a code
// touches no key shared with the approval of another batch. The issuer
// guards uniqueness on the code's own ledger key (chaincode/contract,
// issueTraceCode); docs/architecture.md "Trace codes" explains why that is
// safe under Fabric's MVCC. The check character catches every
// single-character substitution and every adjacent transposition when a code
// is typed by hand.
package tracecode

import (
	"crypto/sha256"
	"encoding/binary"
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

// MaxProbes bounds the sequences tried for one batch. Probing is linear, so
// with a fraction f of a commodity's day already issued an issuance reads
// about (1+1/(1-f)²)/2 code keys: ~1 at realistic volumes, 50 at f = 0.9;
// past that the issuer refuses rather than grow a transaction's read set.
const MaxProbes = 1000

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

// Sequence is the probe-th (from 0) sequence number to try for the batch
// whose unique ledger key is batchKey: a start derived from SHA-256 of the
// key, then the following numbers, wrapping after MaxSequence. It depends on
// its arguments only, so every endorser computes the same; successive probes
// of one batch are distinct for MaxSequence probes.
func Sequence(batchKey string, probe int) int {
	sum := sha256.Sum256([]byte(batchKey))
	start := int(binary.BigEndian.Uint64(sum[:8]) % MaxSequence)
	step := probe % MaxSequence
	if step < 0 {
		step += MaxSequence
	}
	return (start+step)%MaxSequence + 1
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
