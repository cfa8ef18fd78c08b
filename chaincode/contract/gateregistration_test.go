package contract

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
)

// Gate registrations (卡口登记) are synchronised to customs' system, as the
// tender's 便捷进出区申报 says, and approved there: customs does not review
// them on this platform, and their approval arrives as an SAS221 receipt.
func TestGateRegistrationApprovedByReceipt(t *testing.T) {
	tr := newTrade(t)
	tr.enter(5_000)
	conv := tr.declareDoc(tr.entA, model.FamilyChecklist, model.BusinessConversion, model.DocumentHead{}, tr.line(3_000))
	conv = tr.receipt(conv.ID, "INV201", "1")
	require.Equal(t, int64(3_000), tr.stock(tr.entA, enterpriseA, false).WeightGrams, "non-bonded stock to take out")

	d := tr.declareDoc(tr.entA, model.FamilyGateRegistration, model.BusinessExit,
		model.DocumentHead{VehiclePlate: "苏E12345", Carrier: "顺达物流"}, tr.line(2_000))
	require.Equal(t, model.DocDeclared, d.Status)
	require.Nil(t, d.AutoReview, "no platform review, so no review rules")
	e := tr.refusal(model.CodeConflict, tr.customs, "ReviewDocument", tr.req(), d.ID, "approve", "")
	require.Equal(t, model.ReasonReviewedElsewhere, e.Reason)
	tr.refused(model.CodeConflict, tr.entA, "RequestDeletion", tr.req(), d.ID, "不出区了")

	named := decodeDoc(t, tr.mustInvoke(tr.customs, "ApplyExternalReceipt", tr.req(), conv.ID,
		`{"id":"SAS221:x","messageType":"SAS221","customsNo":"Z3223E261126000000000001","manageResult":"1","manageDate":"2026-11-26 10:00:00"}`))
	require.Equal(t, conv.Status, named.Status, "SAS221 approves gate registrations only; a document the pass names only records it")
	require.Equal(t, "QD3223260I000000001", named.CustomsNo)
	require.Equal(t, "核放单Z3223E261126000000000001审核结果 1", named.Steps[len(named.Steps)-1].Reason)

	d = tr.receipt(d.ID, "SAS221", "1")
	require.Equal(t, model.DocApproved, d.Status)
	require.Equal(t, "SAS221", d.Steps[len(d.Steps)-1].Source)
	raw := tr.mustInvoke(tr.customs, "ApplyExternalReceipt", tr.req(), d.ID,
		`{"id":"SAS223:pass","messageType":"SAS223","manageResult":"1","manageDate":"2026-11-26 11:00:00"}`)
	require.Equal(t, model.DocEffective, decodeDoc(t, raw).Status)
	require.Equal(t, int64(1_000), tr.stock(tr.entA, enterpriseA, false).WeightGrams)

	returned := tr.declareDoc(tr.entA, model.FamilyGateRegistration, model.BusinessExit,
		model.DocumentHead{VehiclePlate: "苏E12345", Carrier: "顺达物流"}, tr.line(1_000))
	returned = tr.receipt(returned.ID, "SAS221", "3")
	require.Equal(t, model.DocReturned, returned.Status)
	require.Zero(t, tr.stock(tr.entA, enterpriseA, false).ReservedGrams, "a return releases the reservation")
}

// Review rules no longer name gate registrations: a new one is refused, and
// a stored version written before still decodes and never decides.
func TestGateRegistrationRulesRetired(t *testing.T) {
	tr := newTrade(t)
	z := tr.zone
	gate := model.ReviewRule{ID: "gate-pass", Kind: "gate_registration", Name: "卡口登记自动通过", Priority: 1,
		Condition: `true`, Outcome: model.OutcomePass, Enabled: true}
	e := z.refusal(model.CodeInvalid, z.customs, "PutRuleConfig", z.req(), "0", configJSON(t, ruleConfig(gate)))
	require.Equal(t, []string{"rules[0].kind"}, problemFields(e))

	// A version stored before the change: written with a kind the check
	// still accepted, then its stored bytes given the retired kind.
	legacy := gate
	legacy.Kind = model.KindBondedTransfer
	z.putRules(ruleConfig(legacy))
	for k, v := range z.state {
		if strings.Contains(k, model.KeyRuleConfig+"\x00") {
			z.state[k] = []byte(strings.Replace(string(v), `"kind":"bonded_transfer"`, `"kind":"gate_registration"`, 1))
			var head model.RuleConfigHead
			for hk, hv := range z.state {
				if strings.Contains(hk, model.KeyRuleConfigHead+"\x00") {
					require.NoError(t, json.Unmarshal(hv, &head))
					head.Digest = digest(z.state[k])
					z.state[hk], _ = json.Marshal(head)
				}
			}
		}
	}
	cfg := z.rulesAt("")
	require.Equal(t, model.DeclarationKind("gate_registration"), cfg.Rules[0].Kind)

	tr.enter(5_000)
	conv := tr.declareDoc(tr.entA, model.FamilyChecklist, model.BusinessConversion, model.DocumentHead{}, tr.line(3_000))
	tr.receipt(conv.ID, "INV201", "1")
	d := tr.declareDoc(tr.entA, model.FamilyGateRegistration, model.BusinessExit,
		model.DocumentHead{VehiclePlate: "苏E12345", Carrier: "顺达物流"}, tr.line(2_000))
	require.Equal(t, model.DocDeclared, d.Status, "the stored rule never runs")
}
