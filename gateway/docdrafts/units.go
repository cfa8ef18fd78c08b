package docdrafts

import (
	"fmt"
	"math/big"
	"strings"
)

// The Excel sheets show what the screens show: weights in kg with up to 3
// decimals and money in 元 with up to 2; lines store grams and fen.
const (
	kgDecimals   = 3
	yuanDecimals = 2
)

// parseScaled reads a cell holding a decimal with at most decimals places
// (kg, 元) as the integer it is worth in the stored unit (grams, fen), exactly:
// "1.5" kg is 1500 grams. Excel may write numbers in exponent form
// (1.92E7); any exact value is accepted and nothing passes through a float.
// tooPrecise says the number was readable but has more decimals than the
// unit takes.
func parseScaled(v string, decimals int) (n int64, tooPrecise, ok bool) {
	r, ok := new(big.Rat).SetString(strings.ReplaceAll(v, ",", ""))
	if !ok {
		return 0, false, false
	}
	r.Mul(r, new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(decimals)), nil)))
	if !r.IsInt() {
		return 0, true, false
	}
	if !r.Num().IsInt64() {
		return 0, false, false
	}
	return r.Num().Int64(), false, true
}

// formatScaled writes n stored units (grams, fen) as a decimal of the shown
// unit: 1500 grams with 3 decimals is "1.5", 9850 fen with 2 is "98.5".
func formatScaled(n int64, decimals int) string {
	if decimals == 0 {
		return fmt.Sprint(n)
	}
	r := new(big.Rat).SetFrac(big.NewInt(n), new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(decimals)), nil))
	s := r.FloatString(decimals)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}
