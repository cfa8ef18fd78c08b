// Package excelunits is how quantities appear in the Excel files the
// gateway reads and writes: as the screens show them, weights in kg with up
// to 3 decimals and money in 元 with up to 2, while lines and prefilings
// store grams and fen. Conversions are exact (big.Rat), never through a
// float.
package excelunits

import (
	"math/big"
	"strconv"
	"strings"
)

// Decimals of the units shown: kg of grams, 元 of fen.
const (
	KgDecimals   = 3
	YuanDecimals = 2
)

// Parse reads a cell holding a decimal with at most decimals places (kg,
// 元) as the integer it is worth in the stored unit (grams, fen), exactly:
// "1.5" kg is 1500 grams. Excel may write numbers in exponent form
// (1.92E7); any exact value is accepted. tooPrecise says the number was
// readable but has more decimals than the unit takes; ok is false for
// anything else that is not a number fitting an int64.
func Parse(v string, decimals int) (n int64, tooPrecise, ok bool) {
	r, ok := new(big.Rat).SetString(strings.ReplaceAll(v, ",", ""))
	if !ok {
		return 0, false, false
	}
	r.Mul(r, new(big.Rat).SetInt(scale(decimals)))
	if !r.IsInt() {
		return 0, true, false
	}
	if !r.Num().IsInt64() {
		return 0, false, false
	}
	return r.Num().Int64(), false, true
}

// Format writes n stored units (grams, fen) as a decimal of the shown unit
// without trailing zeros: 1500 grams with 3 decimals is "1.5", 9850 fen
// with 2 is "98.5".
func Format(n int64, decimals int) string {
	s := new(big.Rat).SetFrac(big.NewInt(n), scale(decimals)).FloatString(decimals)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}

// Cell is the Excel cell of n stored units in the shown unit: a number
// when a float holds the exact decimal (Format) — its shortest form, what
// Excel shows and an import reads back, is that decimal again — and the
// decimal as text beyond a float's 15–17 digits (a line's value may reach
// model.MaxValueFen), which an import reads as exactly.
func Cell(n int64, decimals int) any {
	s := Format(n, decimals)
	if f, err := strconv.ParseFloat(s, 64); err == nil && strconv.FormatFloat(f, 'f', -1, 64) == s {
		return f
	}
	return s
}

// Kg is the cell of a weight in grams, shown in kg.
func Kg(grams int64) any { return Cell(grams, KgDecimals) }

// Yuan is the cell of an amount in fen, shown in 元.
func Yuan(fen int64) any { return Cell(fen, YuanDecimals) }

func scale(decimals int) *big.Int {
	return new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(decimals)), nil)
}
