package model

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// The thresholds fire strictly beyond their bound: just under and at it
// nothing fires, just over it does.
func TestRiskBoundaries(t *testing.T) {
	r := RiskParams{
		LongStorage:     LongStorageParams{Limits: []StorageLimit{{Commodity: "冻品", MaxDays: 90}}, DefaultMaxDays: 30},
		HighRisk:        HighRiskParams{Origins: []string{"BR"}, HSCodes: []CodeRange{{From: "0201", To: "0203"}}, ProductNames: []string{"牛腩"}},
		HighValue:       HighValueParams{PeriodDays: 30, ThresholdPermille: 200},
		PriceDifference: PriceDifferenceParams{HighPermille: 100, LowPermille: 50},
		Quarantine:      QuarantineParams{Unqualified: true, NoCertificate: true},
	}
	for days, want := range map[int]bool{89: false, 90: false, 91: true} {
		_, fired := r.StorageExceeded("冻品", days)
		require.Equal(t, want, fired, "冻品 %d days", days)
	}
	for days, want := range map[int]bool{29: false, 30: false, 31: true} {
		_, fired := r.StorageExceeded("水果", days)
		require.Equal(t, want, fired, "default limit %d days", days)
	}
	_, fired := DefaultRiskParams().StorageExceeded("冻品", 10_000)
	require.False(t, fired, "the defaults fire nothing")

	for hs, want := range map[string]string{"0200123456": "", "0201999999": "hsCode", "0203000000": "hsCode", "0204000000": ""} {
		field, _ := r.HighRiskMatch("AR", hs, "肉")
		require.Equal(t, want, field, hs)
	}
	field, listed := r.HighRiskMatch("BR", "0101", "肉")
	require.Equal(t, []string{"origin", "BR"}, []string{field, listed})
	field, _ = r.HighRiskMatch("AR", "0101", "牛腩")
	require.Equal(t, "productName", field)

	// reference 10000 fen, threshold 20%: 12000 is at the bound.
	for price, want := range map[int64]bool{11_999: false, 12_000: false, 12_001: true} {
		require.Equal(t, want, r.HighValueFired(price, 10_000), "price %d", price)
	}
	require.False(t, r.HighValueFired(1_000_000, 0), "no reference, no alert")

	// entry 10000 fen: +10% and −5%.
	for price, want := range map[int64]string{10_999: "", 11_000: "", 11_001: "high", 9_501: "", 9_500: "", 9_499: "low"} {
		side, _ := r.PriceDifferenceFired(price, 10_000)
		require.Equal(t, want, side, "price %d", price)
	}

	for _, c := range []struct {
		result QuarantineResult
		cert   bool
		want   string
	}{{QuarantineUnqualified, true, "unqualified"}, {QuarantineQualified, false, "no_certificate"},
		{QuarantineQualified, true, ""}, {QuarantinePending, false, ""}} {
		why, _ := r.QuarantineFired(c.result, c.cert)
		require.Equal(t, c.want, why, "%s %v", c.result, c.cert)
	}
}
