package excelunits_test

import (
	"math"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/excelunits"
)

func TestParse(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in         string
		decimals   int
		want       int64
		tooPrecise bool
		ok         bool
	}{
		{"1.5", excelunits.KgDecimals, 1500, false, true},
		{"0.001", excelunits.KgDecimals, 1, false, true},     // the smallest kg step, one gram
		{"0.0005", excelunits.KgDecimals, 0, true, false},    // half a gram
		{"1.2345", excelunits.KgDecimals, 0, true, false},    // one decimal too many
		{"1.2340", excelunits.KgDecimals, 1234, false, true}, // a trailing zero is no precision
		{"19200", excelunits.KgDecimals, 19_200_000, false, true},
		{"1.92E4", excelunits.KgDecimals, 19_200_000, false, true}, // Excel's exponent form
		{"1,234.5", excelunits.KgDecimals, 1_234_500, false, true},
		{"0.29", excelunits.YuanDecimals, 29, false, true}, // 0.29 × 100 as a float is 28.999…
		{"0.01", excelunits.YuanDecimals, 1, false, true},
		{"0.005", excelunits.YuanDecimals, 0, true, false},
		{"-3.2", excelunits.YuanDecimals, -320, false, true}, // the sign is the domain checks' to refuse
		{"9223372036854775.807", excelunits.KgDecimals, math.MaxInt64, false, true},
		{"9223372036854775.808", excelunits.KgDecimals, 0, false, false}, // beyond int64
		{"twelve", excelunits.KgDecimals, 0, false, false},
		{"", excelunits.KgDecimals, 0, false, false},
	}
	for _, tc := range cases {
		n, tooPrecise, ok := excelunits.Parse(tc.in, tc.decimals)
		require.Equal(t, tc.want, n, tc.in)
		require.Equal(t, tc.tooPrecise, tooPrecise, tc.in)
		require.Equal(t, tc.ok, ok, tc.in)
	}
}

func TestFormatAndCell(t *testing.T) {
	t.Parallel()
	require.Equal(t, "1.5", excelunits.Format(1500, excelunits.KgDecimals))
	require.Equal(t, "0.001", excelunits.Format(1, excelunits.KgDecimals))
	require.Equal(t, "19200", excelunits.Format(19_200_000, excelunits.KgDecimals))
	require.Equal(t, "98.5", excelunits.Format(9850, excelunits.YuanDecimals))
	require.Equal(t, "-0.01", excelunits.Format(-1, excelunits.YuanDecimals))
	require.Equal(t, "0", excelunits.Format(0, excelunits.YuanDecimals))
	// Every amount up to the model's limits survives the trip through the
	// cell Excel stores: a number while a float holds it, text beyond.
	for _, n := range []int64{1, 29, 999, 1001, 123_456_789, 12_345_666_654, 1<<53 - 1,
		model.MaxWeightGrams, model.MaxPriceFen, model.MaxValueFen, model.MaxValueFen - 1} {
		for _, d := range []int{excelunits.KgDecimals, excelunits.YuanDecimals} {
			back, _, ok := excelunits.Parse(stored(excelunits.Cell(n, d)), d)
			require.True(t, ok)
			require.Equal(t, n, back, "%d with %d decimals", n, d)
		}
	}
	require.IsType(t, float64(0), excelunits.Kg(19_200_000), "an ordinary weight is a number cell")
	require.Equal(t, "9999999999999999.99", excelunits.Yuan(model.MaxValueFen-1), "beyond a float's digits, text")
}

// stored is a cell value as excelize writes it: a float in its shortest
// form, text as is.
func stored(v any) string {
	if f, ok := v.(float64); ok {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	return v.(string)
}
