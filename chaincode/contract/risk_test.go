package contract

import (
	"encoding/json"
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

func (tr *trade) traceCode() model.TraceCode {
	tr.t.Helper()
	var tc model.TraceCode
	require.NoError(tr.t, json.Unmarshal(tr.mustInvoke(tr.customs, "GetTraceCode", tr.code), &tc))
	return tc
}

// TestHighRiskMarkFollowsTheBatch: the mark is on the trace code, so it
// follows the goods from A through two transfers to C, stays while part of
// the batch is still in the zone and clears when the last of it leaves.
func TestHighRiskMarkFollowsTheBatch(t *testing.T) {
	tr := newTrade(t)
	const w = 19_200_000
	tr.enter(w)

	tr.refused(model.CodeForbidden, tr.entA, "MarkHighRisk", tr.req(), tr.code, "原产地为疫区", "0")
	e := tr.refusal(model.CodeInvalid, tr.customs, "MarkHighRisk", tr.req(), tr.code, "", "0")
	require.Equal(t, []string{"reason"}, problemFields(e))
	tr.refused(model.CodeNotFound, tr.customs, "MarkHighRisk", tr.req(), tr.code, "原产地为疫区", "1")
	tr.refused(model.CodeNotFound, tr.customs, "MarkHighRisk", tr.req(), "NO-SUCH-CODE", "原产地为疫区", "0")
	require.Nil(t, tr.traceCode().HighRisk, "refusals changed nothing")

	var marked model.TraceCode
	require.NoError(t, json.Unmarshal(tr.mustInvoke(tr.customs, "MarkHighRisk", tr.req(), tr.code, "原产地为疫区", "0"), &marked))
	require.Equal(t, model.EventTraceCodeChanged, tr.lastEvent.Events[0].Type)
	require.Equal(t, "原产地为疫区", marked.HighRisk.Reason)
	require.Equal(t, "officer-li", marked.HighRisk.MarkedBy.Name)

	// Bonded transfer A → B.
	out := tr.declareDoc(tr.entA, model.FamilyBondedTransfer, model.BusinessOut, model.DocumentHead{CounterpartyID: enterpriseB}, tr.line(w))
	tr.mustInvoke(tr.customs, "ReviewDocument", tr.req(), out.ID, "approve", "")
	in := tr.declareDoc(tr.entB, model.FamilyBondedTransfer, model.BusinessIn, model.DocumentHead{LinkedDocumentID: out.ID}, tr.line(w))
	tr.mustInvoke(tr.customs, "ReviewDocument", tr.req(), in.ID, "approve", "")
	require.NotNil(t, tr.traceCode().HighRisk, "after the first transfer")
	// B converts and transfers to C.
	conv := tr.declareDoc(tr.entB, model.FamilyChecklist, model.BusinessConversion, model.DocumentHead{}, tr.line(w))
	tr.receipt(conv.ID, "INV201", "5")
	nOut := tr.declareDoc(tr.entB, model.FamilyNonBondedTransfer, model.BusinessOut, model.DocumentHead{CounterpartyID: enterpriseC}, tr.line(w))
	tr.mustInvoke(tr.customs, "ReviewDocument", tr.req(), nOut.ID, "approve", "")
	release := tr.declareDoc(tr.entC, model.FamilyNonBondedTransfer, model.BusinessIn, model.DocumentHead{LinkedDocumentID: nOut.ID}, tr.line(w))
	tr.mustInvoke(tr.customs, "ReviewDocument", tr.req(), release.ID, "approve", "")
	require.Equal(t, int64(w), tr.stock(tr.customs, enterpriseC, false).WeightGrams)
	require.NotNil(t, tr.traceCode().HighRisk, "after the second transfer")

	exitPart := func(grams int64) {
		exit := tr.declareDoc(tr.entC, model.FamilyNonBondedApplication, model.BusinessExit, model.DocumentHead{}, tr.line(grams))
		tr.mustInvoke(tr.customs, "ReviewDocument", tr.req(), exit.ID, "approve", "")
		tr.mustInvoke(tr.admin, "RecordGatePass", tr.req(), exit.ID)
	}
	exitPart(w - 1_000_000)
	require.NotNil(t, tr.traceCode().HighRisk, "a tonne is still in the zone")
	exitPart(1_000_000)
	require.Nil(t, tr.traceCode().HighRisk, "cleared when the batch has left")
	var cleared bool
	for _, ev := range tr.lastEvent.Events {
		cleared = cleared || (ev.Type == model.EventTraceCodeChanged && ev.TraceCode.HighRisk == nil)
	}
	require.True(t, cleared, "the clearing is in the exit's event for the mirror")
}
