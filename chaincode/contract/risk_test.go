package contract

import (
	"testing"

	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
)

func TestRiskParametersInRuleConfig(t *testing.T) {
	t.Run("versioned with the rules; older versions read as the defaults", func(t *testing.T) {
		z := newZone(t)
		v1 := z.putRules(ruleConfig(heavyReturn))
		require.Nil(t, v1.Risk, "a configuration without the section stays without it")
		require.Equal(t, model.DefaultRiskParams(), z.rulesAt("1").RiskParams())

		d := ruleConfig(heavyReturn)
		d.Risk = &model.RiskParams{
			LongStorage: model.LongStorageParams{Limits: []model.StorageLimit{{Commodity: "冻品", MaxDays: 90}}, DefaultMaxDays: 180},
			HighRisk:    model.HighRiskParams{Origins: []string{"BR"}, HSCodes: []model.CodeRange{{From: "0201", To: "0203"}}},
			HighValue:   model.HighValueParams{PeriodDays: 30, ThresholdPermille: 200},
			Quarantine:  model.QuarantineParams{Unqualified: true, NoCertificate: true},
		}
		v2 := z.putRules(d)
		require.Equal(t, 2, v2.Version)
		got := z.rulesAt("2").RiskParams()
		require.Equal(t, 90, got.StorageLimitDays("冻品"))
		require.Equal(t, []string{}, got.HighRisk.ProductNames, "lists read back in their empty form")
		require.Equal(t, 180, z.rulesAt("").RiskParams().LongStorage.DefaultMaxDays)
		require.Equal(t, model.DefaultRiskParams(), z.rulesAt("1").RiskParams(), "version 1 keeps its meaning")
	})

	t.Run("bad parameters are refused with their fields and nothing is written", func(t *testing.T) {
		z := newZone(t)
		d := ruleConfig()
		d.Risk = &model.RiskParams{
			LongStorage:     model.LongStorageParams{Limits: []model.StorageLimit{{Commodity: "冻品", MaxDays: 0}, {Commodity: "冻品", MaxDays: 10}}},
			HighRisk:        model.HighRiskParams{HSCodes: []model.CodeRange{{From: "0203", To: "0201"}, {From: "02", To: "0301"}, {From: "x1", To: "x1"}}},
			HighValue:       model.HighValueParams{PeriodDays: -1},
			PriceDifference: model.PriceDifferenceParams{LowPermille: 1001},
		}
		e := z.refusal(model.CodeInvalid, z.customs, "PutRuleConfig", z.req(), "0", configJSON(t, d))
		require.ElementsMatch(t, []string{"risk.longStorage.limits[0].maxDays", "risk.longStorage.limits[1].commodity",
			"risk.highRisk.hsCodes[0].to", "risk.highRisk.hsCodes[1].to", "risk.highRisk.hsCodes[2].from", "risk.highRisk.hsCodes[2].to",
			"risk.highValue.periodDays", "risk.priceDifference.lowPermille"}, problemFields(e))
		require.Equal(t, 0, z.rulesAt("").Version)
	})
}
