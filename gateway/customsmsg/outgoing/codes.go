package outgoing

import (
	"fmt"
	"strconv"
	"strings"
)

// The code tables of CUSTOMS_MESSAGES.md §9. 金关二期 messages carry the
// customs parameter tables' 3-digit numeric codes (cusCountry, cusCurr,
// cusUnit), where our documents carry ISO alpha codes and grams. Only the
// codes our documents can hold and that we could confirm are listed: a
// country or currency missing here makes the message fail to build, with
// the code named, rather than be declared under a guessed code.
var (
	// countryCodes maps ISO 3166-1 alpha-2 to the customs country code
	// (国别(地区)代码).
	countryCodes = map[string]string{
		"CN": "142", "HK": "110", "MO": "121", "TW": "143", "JP": "116", "KR": "133", "SG": "132", "VN": "141",
		"ID": "112", "IN": "111", "TH": "136", "MY": "122", "LA": "119", "PH": "129", "YE": "139",
		"ET": "217", "KE": "224",
		"BR": "410", "CO": "413", "CR": "415", "EC": "419", "GT": "423", "HN": "426", "JM": "427", "MX": "429",
		"NI": "431", "PA": "432", "PE": "434", "SV": "440",
		"BE": "301", "GB": "303", "DE": "304", "FR": "305", "IT": "307", "NL": "309",
		"CA": "501", "US": "502", "AU": "601", "NZ": "609",
	}
	// currencyCodes maps ISO 4217 to the customs currency code (币制代码).
	currencyCodes = map[string]string{
		"CNY": "142", "USD": "502", "EUR": "300", "JPY": "116", "HKD": "110", "GBP": "303",
		"CAD": "501", "AUD": "601", "SGD": "132", "CHF": "331",
	}
)

// UnitKilogram is the customs unit code of 千克 (cusUnit 035): our weights
// are declared in kilograms, as the samples of coffee do.
const UnitKilogram = "035"

// CountryChina is the customs code of 中国: the country of a movement that
// does not leave the customs territory (区内流转, 集报).
const CountryChina = "142"

// CountryCode returns the customs code of an ISO country code.
func CountryCode(iso string) (string, error) {
	if c, ok := countryCodes[iso]; ok {
		return c, nil
	}
	return "", fmt.Errorf("%w: country %q has no customs country code in the table", ErrUnmapped, iso)
}

// CurrencyCode returns the customs code of an ISO currency code.
func CurrencyCode(iso string) (string, error) {
	if c, ok := currencyCodes[iso]; ok {
		return c, nil
	}
	return "", fmt.Errorf("%w: currency %q has no customs currency code in the table", ErrUnmapped, iso)
}

// kilograms renders grams as the decimal kilograms of the message format
// dec(19,5), without trailing zeros ("19200", "0.5").
func kilograms(grams int64) string {
	return decimal(grams, 3)
}

// yuan renders fen as a decimal amount with at most 2 places (dclTotalAmt:
// the Single Window takes 2).
func yuan(fen int64) string {
	return decimal(fen, 2)
}

// decimal renders n / 10^places without trailing zeros.
func decimal(n int64, places int) string {
	sign := ""
	if n < 0 {
		sign, n = "-", -n
	}
	s := strconv.FormatInt(n, 10)
	if len(s) <= places {
		s = strings.Repeat("0", places-len(s)+1) + s
	}
	whole, frac := s[:len(s)-places], strings.TrimRight(s[len(s)-places:], "0")
	if frac == "" {
		return sign + whole
	}
	return sign + whole + "." + frac
}
