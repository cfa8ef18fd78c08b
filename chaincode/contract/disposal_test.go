package contract

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
)

const testAlert = `{"kind":"high_risk","subjectType":"trace_code","subject":"KSCF261126000017","period":"PF20261126AAAAAAAA",` +
	`"enterpriseId":"91320583MA3WWWWW3C","configVersion":0,"alertId":7}`

func (z *zone) disposal(raw []byte) model.RiskDisposal {
	z.t.Helper()
	var d model.RiskDisposal
	require.NoError(z.t, json.Unmarshal(raw, &d))
	require.Equal(z.t, model.EventRiskDisposalChanged, z.lastEvent.Events[0].Type)
	require.Equal(z.t, d, *z.lastEvent.Events[0].RiskDisposal, "the event carries the record as stored")
	return d
}

func disposalKey() []string { return []string{"high_risk", "KSCF261126000017", "PF20261126AAAAAAAA"} }

func withKey(first string, rest ...string) []string {
	return append(append([]string{first}, disposalKey()...), rest...)
}

func TestRiskDisposalWorkflow(t *testing.T) {
	z := newZone(t)
	const evidence = `{"kind":"other","name":"查验记录.pdf","sha256":"` +
		`9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08","size":1024}`
	disposition := `{"type":"inspect","handler":"李关员","reason":"原产地为疫区","opinion":"布控查验，待结果","templateId":"",` +
		`"attachments":[` + evidence + `]}`

	t.Run("only customs takes a step, and nothing exists before the first assessment", func(t *testing.T) {
		z.refused(model.CodeForbidden, z.entA, "AssessRiskAlert", z.req(), testAlert, `{"probability":3,"impact":3,"urgency":3,"note":""}`)
		z.refused(model.CodeNotFound, z.customs, "DisposeRiskAlert", withKey(z.req(), disposition)...)
		z.refused(model.CodeNotFound, z.customs, "GetRiskDisposal", disposalKey()...)
	})

	t.Run("bad input is refused field by field", func(t *testing.T) {
		e := z.refusal(model.CodeInvalid, z.customs, "AssessRiskAlert", z.req(),
			`{"kind":"weather","subjectType":"trace_code","subject":"","period":"p","enterpriseId":"","configVersion":0,"alertId":0}`,
			`{"probability":0,"impact":4,"urgency":2,"note":""}`)
		require.ElementsMatch(t, []string{"alert.kind", "alert.subject", "alert.alertId", "probability", "impact"}, problemFields(e))
		z.refused(model.CodeInvalid, z.customs, "AssessRiskAlert", z.req(), testAlert, `{"probability":1,"extra":1}`)
	})

	t.Run("assessment levels by the default matrix, and may be repeated before disposal", func(t *testing.T) {
		d := z.disposal(z.mustInvoke(z.customs, "AssessRiskAlert", z.req(), testAlert, `{"probability":1,"impact":1,"urgency":2,"note":"初判"}`))
		require.Equal(t, model.DisposalAssessed, d.State)
		require.Equal(t, model.RiskLow, d.Assessment.Level)
		require.Equal(t, 0, d.Assessment.ConfigVersion)
		require.Equal(t, int64(7), d.Alert.AlertID)
		require.Equal(t, "officer-li", d.Assessment.By.Name)

		d = z.disposal(z.mustInvoke(z.customs, "AssessRiskAlert", z.req(), testAlert, `{"probability":3,"impact":3,"urgency":2,"note":"复判"}`))
		require.Equal(t, model.RiskHigh, d.Assessment.Level)
		require.Len(t, d.Reassessed, 1)
		require.Equal(t, "初判", d.Reassessed[0].Note)
	})

	t.Run("closing or revoking before disposal is refused", func(t *testing.T) {
		e := z.refusal(model.CodeConflict, z.customs, "CloseRiskAlert", withKey(z.req(), "")...)
		require.Equal(t, model.ReasonDisposalState, e.Reason)
		require.Equal(t, "assessed", e.Params["disposalState"])
		z.refused(model.CodeConflict, z.customs, "RevokeRiskDisposal", withKey(z.req(), "误报")...)
	})

	t.Run("disposal checks its fields and its template against the configuration", func(t *testing.T) {
		e := z.refusal(model.CodeInvalid, z.customs, "DisposeRiskAlert", withKey(z.req(),
			`{"type":"shrug","handler":"","reason":"","opinion":"ok","attachments":[{"kind":"other","name":"x","sha256":"nope","size":1}]}`)...)
		require.ElementsMatch(t, []string{"type", "handler", "reason", "attachments[0].sha256"}, problemFields(e))
		e = z.refusal(model.CodeInvalid, z.customs, "DisposeRiskAlert", withKey(z.req(),
			`{"type":"inspect","handler":"李关员","reason":"疫区","opinion":"查验","templateId":"no-such","attachments":[]}`)...)
		require.Equal(t, []string{"templateId"}, problemFields(e))
	})

	t.Run("dispose, close, revoke with a reason, dispose again", func(t *testing.T) {
		d := z.disposal(z.mustInvoke(z.customs, "DisposeRiskAlert", withKey(z.req(), disposition)...))
		require.Equal(t, model.DisposalDisposed, d.State)
		require.Equal(t, model.DisposalInspect, d.Disposition.Type)
		require.Len(t, d.Disposition.Attachments, 1)
		z.refused(model.CodeConflict, z.customs, "AssessRiskAlert", z.req(), testAlert, `{"probability":1,"impact":1,"urgency":1,"note":""}`)

		d = z.disposal(z.mustInvoke(z.customs, "CloseRiskAlert", withKey(z.req(), "查验无异常，办结")...))
		require.Equal(t, model.DisposalClosed, d.State)
		require.Equal(t, "查验无异常，办结", d.Disposition.Closing.Note)
		z.refused(model.CodeConflict, z.customs, "CloseRiskAlert", withKey(z.req(), "")...)

		e := z.refusal(model.CodeInvalid, z.customs, "RevokeRiskDisposal", withKey(z.req(), "")...)
		require.Equal(t, []string{"reason"}, problemFields(e))
		d = z.disposal(z.mustInvoke(z.customs, "RevokeRiskDisposal", withKey(z.req(), "处置类型录入错误")...))
		require.Equal(t, model.DisposalAssessed, d.State)
		require.Nil(t, d.Disposition)
		require.Len(t, d.Revoked, 1)
		require.Equal(t, "处置类型录入错误", d.Revoked[0].Revocation.Reason)
		require.NotNil(t, d.Revoked[0].Closing, "the revoked disposal keeps its closing")

		d = z.disposal(z.mustInvoke(z.customs, "DisposeRiskAlert", withKey(z.req(),
			`{"type":"release","handler":"李关员","reason":"复核无风险","opinion":"放行","attachments":[]}`)...))
		require.Equal(t, model.DisposalRelease, d.Disposition.Type)
		require.Len(t, d.Revoked, 1)

		var read model.RiskDisposal
		require.NoError(t, json.Unmarshal(z.mustInvoke(z.customs, "GetRiskDisposal", disposalKey()...), &read))
		require.Equal(t, d, read)
		z.refused(model.CodeForbidden, z.entA, "GetRiskDisposal", disposalKey()...)
	})
}

// TestDisposalParametersInRuleConfig: the matrix and the templates are
// versioned with the rules, checked, and every step names the version it
// used.
func TestDisposalParametersInRuleConfig(t *testing.T) {
	z := newZone(t)
	matrix := model.DefaultRiskMatrix()
	matrix[2][2][2] = model.RiskLow // graver than its neighbours, yet milder
	d := ruleConfig()
	d.Risk = &model.RiskParams{Disposal: &model.DisposalParams{Matrix: matrix, Templates: []model.OpinionTemplate{
		{ID: "release", Title: "排除风险", Text: "经核查无风险，予以放行", Kinds: []model.AlertKind{"weather"}},
		{ID: "release", Title: "", Text: "重复", Type: "shrug"},
	}}}
	e := z.refusal(model.CodeInvalid, z.customs, "PutRuleConfig", z.req(), "0", configJSON(t, d))
	require.ElementsMatch(t, []string{"risk.disposal.matrix[2][2][2]", "risk.disposal.templates[0].kinds[0]",
		"risk.disposal.templates[1].id", "risk.disposal.templates[1].title", "risk.disposal.templates[1].type"}, problemFields(e))

	all := model.DefaultRiskMatrix()
	for u := range all {
		for p := range all[u] {
			for i := range all[u][p] {
				all[u][p][i] = model.RiskMedium
			}
		}
	}
	d.Risk.Disposal = &model.DisposalParams{Matrix: all, Templates: []model.OpinionTemplate{
		{ID: "release", Title: "排除风险", Text: "经核查无风险，予以放行", Type: model.DisposalRelease},
	}}
	cfg := z.putRules(d)
	require.Equal(t, []model.AlertKind{}, cfg.Risk.Disposal.Templates[0].Kinds, "lists read back in their empty form")

	got := z.disposal(z.mustInvoke(z.customs, "AssessRiskAlert", z.req(), testAlert, `{"probability":1,"impact":1,"urgency":1,"note":""}`))
	require.Equal(t, model.RiskMedium, got.Assessment.Level, "the configured matrix, not the default")
	require.Equal(t, 1, got.Assessment.ConfigVersion)
	got = z.disposal(z.mustInvoke(z.customs, "DisposeRiskAlert", withKey(z.req(),
		`{"type":"release","handler":"李关员","reason":"核查","opinion":"经核查无风险，予以放行","templateId":"release","attachments":[]}`)...))
	require.Equal(t, "release", got.Disposition.TemplateID)
	require.Equal(t, 1, got.Disposition.ConfigVersion)
}
