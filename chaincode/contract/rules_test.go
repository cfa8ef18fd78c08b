package contract

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
)

// ruleConfig is the default configuration with the given review rules.
func ruleConfig(rules ...model.ReviewRule) model.RuleConfigDraft {
	d := model.DefaultRuleConfig().RuleConfigDraft
	d.Rules = append([]model.ReviewRule{}, rules...)
	return d
}

func configJSON(t *testing.T, d model.RuleConfigDraft) string {
	raw, err := json.Marshal(d)
	require.NoError(t, err)
	return string(raw)
}

// putRules writes a configuration on top of the current version.
func (z *zone) putRules(d model.RuleConfigDraft) model.RuleConfig {
	z.t.Helper()
	current := z.rulesAt("")
	var cfg model.RuleConfig
	require.NoError(z.t, json.Unmarshal(z.mustInvoke(z.customs, "PutRuleConfig", z.req(), strconv.Itoa(current.Version), configJSON(z.t, d)), &cfg))
	return cfg
}

func (z *zone) rulesAt(version string) model.RuleConfig {
	z.t.Helper()
	var cfg model.RuleConfig
	require.NoError(z.t, json.Unmarshal(z.mustInvoke(z.customs, "GetRuleConfig", version), &cfg))
	return cfg
}

var heavyReturn = model.ReviewRule{ID: "heavy", Kind: model.KindPrefiling, Name: "超重退单", Priority: 10,
	Condition: `prefiling.weightGrams > 20000000`, Outcome: model.OutcomeReturn, Opinion: "单批重量超过20吨，请分批申报", Enabled: true}

var ethiopiaPass = model.ReviewRule{ID: "et-pass", Kind: model.KindPrefiling, Name: "埃塞俄比亚合格批次自动通过", Priority: 20,
	Condition: `prefiling.origin == "ET" && prefiling.quarantineResult == "qualified"`, Outcome: model.OutcomePass, Enabled: true}

var brazilManual = model.ReviewRule{ID: "br-manual", Kind: model.KindPrefiling, Name: "巴西批次人工审核", Priority: 30,
	Condition: `prefiling.origin == "BR"`, Outcome: model.OutcomeManual, Enabled: true}

func TestRuleConfigWrite(t *testing.T) {
	t.Run("only customs writes; customs and the zone admin read", func(t *testing.T) {
		z := newZone(t)
		body := configJSON(t, ruleConfig(heavyReturn))
		z.refused(model.CodeForbidden, z.entA, "PutRuleConfig", z.req(), "0", body)
		z.refused(model.CodeForbidden, z.admin, "PutRuleConfig", z.req(), "0", body)
		z.refused(model.CodeForbidden, z.entA, "GetRuleConfig", "")
		z.mustInvoke(z.admin, "GetRuleConfig", "")
	})

	t.Run("of customs' people only its administrators write", func(t *testing.T) {
		z := newZone(t)
		body := configJSON(t, ruleConfig(heavyReturn))
		officer := personal(t, model.CustomsMSP, "li.wei", model.UserCustomsOfficer)
		refusal := z.refusal(model.CodeForbidden, officer, "PutRuleConfig", z.req(), "0", body)
		require.Equal(t, model.ReasonUserRoleNotAllowed, refusal.Reason)
		require.Equal(t, model.UserCustomsOfficer, refusal.Params["userRole"])
		chief := personal(t, model.CustomsMSP, "wang.fang", model.UserCustomsAdmin)
		var cfg model.RuleConfig
		require.NoError(t, json.Unmarshal(z.mustInvoke(chief, "PutRuleConfig", z.req(), "0", body), &cfg))
		require.Equal(t, 1, cfg.Version)
		require.Equal(t, "wang.fang", cfg.ChangedBy.UserID)
	})

	t.Run("a condition that does not compile is refused with its position", func(t *testing.T) {
		z := newZone(t)
		bad := heavyReturn
		bad.Condition = `prefiling.weight > 20000000`
		e := z.refusal(model.CodeInvalid, z.customs, "PutRuleConfig", z.req(), "0", configJSON(t, ruleConfig(ethiopiaPass, bad)))
		require.Equal(t, []string{"rules[1].condition"}, problemFields(e))
		p := e.Problems[0]
		require.Equal(t, model.RuleConditionInvalid, p.Rule)
		require.Equal(t, "1", fmt.Sprint(p.Params["line"]))
		require.Equal(t, "11", fmt.Sprint(p.Params["column"]), "the column of the unknown field")
		require.Contains(t, p.Params["detail"], "weight")

		bad.Condition = `prefiling.origin` // not a boolean
		e = z.refusal(model.CodeInvalid, z.customs, "PutRuleConfig", z.req(), "0", configJSON(t, ruleConfig(bad)))
		require.Equal(t, model.RuleConditionInvalid, e.Problems[0].Rule)
	})

	t.Run("a condition over the cost limit is refused", func(t *testing.T) {
		z := newZone(t)
		costly := heavyReturn
		costly.Kind = model.KindBondedTransfer
		costly.Condition = `any(lines, {any(lines, .weightGrams > 1000)})`
		e := z.refusal(model.CodeInvalid, z.customs, "PutRuleConfig", z.req(), "0", configJSON(t, ruleConfig(costly)))
		require.Equal(t, model.RuleCostTooHigh, e.Problems[0].Rule)
		require.Equal(t, fmt.Sprint(model.MaxRuleCost), fmt.Sprint(e.Problems[0].Params["max"]))
	})

	t.Run("structure is checked: ids, kinds, tags, models, windows", func(t *testing.T) {
		z := newZone(t)
		d := ruleConfig(heavyReturn, heavyReturn)
		d.Rules[1].Kind = "checklist"
		d.Rules[1].Start, d.Rules[1].Stop = "2026-12-01T00:00:00Z", "2026-11-01T00:00:00Z"
		d.Bindings = append(d.Bindings, model.TagBinding{Tag: "NO_SUCH_TAG", Target: "prefiling", Enabled: true})
		d.Models[0].Params[0].Value = -1
		d.Tags[0].Colour = "red"
		e := z.refusal(model.CodeInvalid, z.customs, "PutRuleConfig", z.req(), "0", configJSON(t, d))
		require.ElementsMatch(t, []string{"tags[0].colour", "models[0].params[0].value", "bindings[6].tag",
			"rules[1].id", "rules[1].kind", "rules[1].stop"}, problemFields(e))
		ret := heavyReturn
		ret.Opinion = ""
		e = z.refusal(model.CodeInvalid, z.customs, "PutRuleConfig", z.req(), "0", configJSON(t, ruleConfig(ret)))
		require.Equal(t, []string{"rules[0].opinion"}, problemFields(e), "a return needs its opinion")
	})

	t.Run("each write increments the version and old versions stay readable", func(t *testing.T) {
		z := newZone(t)
		require.Equal(t, 0, z.rulesAt("").Version, "the built-in defaults before any write")
		v1 := z.putRules(ruleConfig(heavyReturn))
		require.Equal(t, 1, v1.Version)
		require.Equal(t, model.EventRuleConfigChanged, z.lastEvent.Events[0].Type)
		require.Equal(t, 1, z.lastEvent.Events[0].RuleConfig.Version)
		v2 := z.putRules(ruleConfig(heavyReturn, ethiopiaPass))
		require.Equal(t, 2, v2.Version)
		require.Equal(t, "officer-li", v2.ChangedBy.Name)
		require.Len(t, z.rulesAt("1").Rules, 1)
		require.Len(t, z.rulesAt("2").Rules, 2)
		require.Len(t, z.rulesAt("").Rules, 2)
		require.Empty(t, z.rulesAt("0").Rules)
		z.refused(model.CodeNotFound, z.customs, "GetRuleConfig", "3")

		var versions []model.RuleVersionSummary
		require.NoError(t, json.Unmarshal(z.mustInvoke(z.customs, "ListRuleVersions", "", "10"), &versions))
		require.Equal(t, []int{2, 1}, []int{versions[0].Version, versions[1].Version})
		require.Equal(t, 2, versions[0].RuleCount)
		require.NoError(t, json.Unmarshal(z.mustInvoke(z.customs, "ListRuleVersions", "2", "10"), &versions))
		require.Len(t, versions, 1)

		// An edit started from version 1 would silently drop version 2's change.
		e := z.refusal(model.CodeConflict, z.customs, "PutRuleConfig", z.req(), "1", configJSON(t, ruleConfig()))
		require.Equal(t, model.ReasonRuleConfigStale, e.Reason)
	})
}

func TestAutomaticPrefilingReview(t *testing.T) {
	t.Run("without rules a declaration waits for customs, under version 0", func(t *testing.T) {
		z := newZone(t)
		p := z.declare(z.entA, "PF20261126AAAAAAAA")
		require.Equal(t, model.PrefilingDeclared, p.Status)
		require.Equal(t, &model.RuleDecision{ConfigVersion: 0, Outcome: model.OutcomeNone}, p.AutoReview)
		require.Len(t, p.Steps, 1)
	})

	t.Run("pass approves and issues the trace code, by the rule", func(t *testing.T) {
		z := newZone(t)
		z.putRules(ruleConfig(heavyReturn, ethiopiaPass, brazilManual))
		p := z.declare(z.entA, "PF20261126AAAAAAAA")
		require.Equal(t, model.PrefilingApproved, p.Status)
		require.NotEmpty(t, p.TraceCode)
		require.Equal(t, &model.RuleDecision{ConfigVersion: 1, RuleID: "et-pass", Outcome: model.OutcomePass}, p.AutoReview)
		step := p.Steps[1]
		require.Equal(t, model.ActionApprove, step.Action)
		require.Equal(t, &model.RuleRef{RuleID: "et-pass", ConfigVersion: 1}, step.DecidedBy)
		require.Equal(t, "system rule et-pass v1", step.Actor.Name)
		require.Nil(t, p.Steps[0].DecidedBy, "the declaration itself is the enterprise's")
		require.Equal(t, enterpriseA, p.Steps[0].Actor.EnterpriseID)
		var types []model.EventType
		for _, e := range z.lastEvent.Events {
			types = append(types, e.Type)
		}
		require.Equal(t, []model.EventType{model.EventPrefilingDeclared, model.EventPrefilingApproved, model.EventTraceCodeIssued,
			model.EventReceiptIssued}, types)
		require.Equal(t, "预核申报 PF20261126AAAAAAAA：审核通过，溯源码 "+p.TraceCode+"；由审核规则 et-pass（第1版）自动审核",
			z.lastEvent.Events[3].Receipt.Message)
		require.Equal(t, sourceRule, z.lastEvent.Events[3].Receipt.Source)
		var tc model.TraceCode
		require.NoError(t, json.Unmarshal(z.mustInvoke(z.entA, "GetTraceCode", p.TraceCode), &tc))
		// Customs can no longer review what a rule approved.
		z.refused(model.CodeConflict, z.customs, "ReviewPrefiling", z.req(), p.ID, "approve", "")
	})

	t.Run("return sends the rule's opinion; the first rule by priority decides", func(t *testing.T) {
		z := newZone(t)
		z.putRules(ruleConfig(ethiopiaPass, heavyReturn))
		data := validData()
		data.WeightGrams = 20_000_001 // also Ethiopian: both match, heavy has priority 10
		p := decodePrefiling(t, z.mustInvoke(z.entA, "DeclarePrefiling", z.req(), "PF20261126AAAAAAAA", dataJSON(t, data)))
		require.Equal(t, model.PrefilingReturned, p.Status)
		require.Equal(t, heavyReturn.Opinion, p.ReturnReason)
		require.Equal(t, model.ActionReturn, p.Steps[1].Action)
		require.Equal(t, heavyReturn.Opinion, p.Steps[1].Reason)
		require.Equal(t, &model.RuleRef{RuleID: "heavy", ConfigVersion: 1}, p.Steps[1].DecidedBy)

		data.WeightGrams = 20_000_000 // at the threshold: not over it
		p = decodePrefiling(t, z.mustInvoke(z.entA, "DeclarePrefiling", z.req(), "PF20261126BBBBBBBB", dataJSON(t, data)))
		require.Equal(t, model.PrefilingApproved, p.Status)
	})

	t.Run("manual keeps it for customs with the rule named", func(t *testing.T) {
		z := newZone(t)
		z.putRules(ruleConfig(ethiopiaPass, brazilManual))
		data := validData()
		data.Origin = "BR"
		p := decodePrefiling(t, z.mustInvoke(z.entA, "DeclarePrefiling", z.req(), "PF20261126AAAAAAAA", dataJSON(t, data)))
		require.Equal(t, model.PrefilingDeclared, p.Status)
		require.Equal(t, model.ActionRuleManualReview, p.Steps[1].Action)
		require.Contains(t, p.Steps[1].Reason, "br-manual")
		require.Equal(t, &model.RuleRef{RuleID: "br-manual", ConfigVersion: 1}, p.Steps[1].DecidedBy)
		p = decodePrefiling(t, z.mustInvoke(z.customs, "ReviewPrefiling", z.req(), p.ID, "approve", ""))
		require.Equal(t, model.PrefilingApproved, p.Status)
		require.Nil(t, p.Steps[2].DecidedBy, "customs' own decision")
	})

	t.Run("a new version applies to the next declaration; earlier decisions keep theirs", func(t *testing.T) {
		z := newZone(t)
		z.putRules(ruleConfig(brazilManual))
		first := z.declare(z.entA, "PF20261126AAAAAAAA")
		require.Equal(t, model.OutcomeNone, first.AutoReview.Outcome)
		require.Equal(t, 1, first.AutoReview.ConfigVersion)
		z.putRules(ruleConfig(ethiopiaPass))
		second := z.declare(z.entA, "PF20261126BBBBBBBB")
		require.Equal(t, model.PrefilingApproved, second.Status)
		require.Equal(t, 2, second.AutoReview.ConfigVersion)
		var again model.Prefiling
		require.NoError(t, json.Unmarshal(z.mustInvoke(z.customs, "GetPrefiling", first.ID), &again))
		require.Equal(t, model.PrefilingDeclared, again.Status)
	})

	t.Run("start and stop are compared with the transaction time", func(t *testing.T) {
		z := newZone(t)
		windowed := ethiopiaPass
		start := z.clock.Add(time.Hour)
		windowed.Start = start.Format(time.RFC3339)
		windowed.Stop = start.Add(time.Hour).Format(time.RFC3339)
		z.putRules(ruleConfig(windowed))
		require.Equal(t, model.PrefilingDeclared, z.declare(z.entA, "PF20261126AAAAAAAA").Status, "before the start")
		z.clock = start.Add(-time.Second) // the next transaction is at the start
		require.Equal(t, model.PrefilingApproved, z.declare(z.entA, "PF20261126BBBBBBBB").Status, "at the start")
		z.clock = start.Add(time.Hour - 2*time.Second)
		require.Equal(t, model.PrefilingApproved, z.declare(z.entA, "PF20261126CCCCCCCC").Status, "just before the stop")
		require.Equal(t, model.PrefilingDeclared, z.declare(z.entA, "PF20261126DDDDDDDD").Status, "at the stop")
	})

	t.Run("a disabled rule decides nothing", func(t *testing.T) {
		z := newZone(t)
		off := ethiopiaPass
		off.Enabled = false
		z.putRules(ruleConfig(off))
		require.Equal(t, model.PrefilingDeclared, z.declare(z.entA, "PF20261126AAAAAAAA").Status)
	})

	t.Run("supplements are decided by their own rules", func(t *testing.T) {
		z := newZone(t)
		z.putRules(ruleConfig(ethiopiaPass, model.ReviewRule{ID: "unqualified", Kind: model.KindSupplement, Name: "不合格退回",
			Condition: `supplement.quarantineResult == "unqualified"`, Outcome: model.OutcomeReturn, Opinion: "检疫不合格", Enabled: true},
			model.ReviewRule{ID: "qualified", Kind: model.KindSupplement, Name: "合格通过", Priority: 1,
				Condition: `supplement.quarantineResult == "qualified" && "quarantine_certificate" in supplement.attachmentKinds`,
				Outcome:   model.OutcomePass, Enabled: true}))
		p := z.declare(z.entA, "PF20261126AAAAAAAA")
		s := model.SupplementData{QuarantineBatchNo: "Q2", QuarantineResult: model.QuarantineUnqualified, Attachments: []model.Attachment{}}
		raw, _ := json.Marshal(s)
		p = decodePrefiling(t, z.mustInvoke(z.entA, "DeclareSupplement", z.req(), p.ID, string(raw)))
		require.Equal(t, model.SupplementReturned, p.SupplementStatus)
		require.Equal(t, "unqualified", p.SupplementAutoReview.RuleID)
		s.QuarantineResult = model.QuarantineQualified
		s.Attachments = []model.Attachment{{Kind: model.AttachmentQuarantineCertificate, Name: "q.pdf", Size: 1, SHA256: validData().Attachments[0].SHA256}}
		raw, _ = json.Marshal(s)
		p = decodePrefiling(t, z.mustInvoke(z.entA, "DeclareSupplement", z.req(), p.ID, string(raw)))
		require.Equal(t, model.SupplementApproved, p.SupplementStatus)
		require.Equal(t, "Q2", p.Data.QuarantineBatchNo)
		require.Equal(t, &model.RuleRef{RuleID: "qualified", ConfigVersion: 1}, p.Steps[len(p.Steps)-1].DecidedBy)
	})
}

func TestAutomaticDocumentReview(t *testing.T) {
	t.Run("rules read lines and the tags the models set", func(t *testing.T) {
		tr := newTrade(t)
		tr.enter(1_000_000)
		z := tr.zone
		z.putRules(ruleConfig(
			model.ReviewRule{ID: "weight-manual", Kind: model.KindBondedTransfer, Name: "重量异常转人工", Priority: 1,
				Condition: `"WEIGHT_ANOMALY" in tags`, Outcome: model.OutcomeManual, Opinion: "重量异常，请人工核对", Enabled: true},
			model.ReviewRule{ID: "small-pass", Kind: model.KindBondedTransfer, Name: "小批量通过", Priority: 2,
				Condition: `all(lines, .weightGrams <= 500000)`, Outcome: model.OutcomePass, Enabled: true}))
		out := tr.declareDoc(tr.entA, model.FamilyBondedTransfer, model.BusinessOut, model.DocumentHead{CounterpartyID: enterpriseB}, tr.line(400_000))
		require.Equal(t, model.DocApproved, out.Status)
		require.Equal(t, &model.RuleRef{RuleID: "small-pass", ConfigVersion: 1}, out.Steps[1].DecidedBy)
		require.Equal(t, sourceRule, out.Steps[1].Source)

		over := tr.declareDoc(tr.entA, model.FamilyBondedTransfer, model.BusinessOut, model.DocumentHead{CounterpartyID: enterpriseB}, tr.line(700_000))
		require.Equal(t, model.DocManualReview, over.Status, "600 kg remain available")
		require.Equal(t, model.TagWeightAnomaly, over.Tags[0].Code)
		require.Equal(t, 1, over.Tags[0].ConfigVersion)
		require.Equal(t, "weight-manual", over.AutoReview.RuleID)
		require.Equal(t, "重量异常，请人工核对", over.Steps[1].Reason)

		// Would returning everything over 300 kg change these two?
		draft, _ := json.Marshal(model.ReviewRule{ID: "big-return", Kind: model.KindBondedTransfer, Name: "大批量退回",
			Condition: `document.totalWeightGrams > 300000`, Outcome: model.OutcomeReturn, Opinion: "请分批申报"})
		var r model.DryRunResult
		require.NoError(t, json.Unmarshal(z.mustInvoke(z.customs, "DryRunRule", string(draft), `["`+out.ID+`","`+over.ID+`"]`), &r))
		require.Equal(t, []bool{true, true}, []bool{r.Items[0].Changed, r.Items[1].Changed})
		require.Equal(t, model.OutcomeReturn, r.Items[0].Would.Outcome)
		e := z.refusal(model.CodeInvalid, z.customs, "DryRunRule", string(draft), `["`+tr.enter(1000).ID+`"]`)
		require.Equal(t, []string{"targets"}, problemFields(e), "a checklist is not a bonded transfer")
	})

	t.Run("the weight model's tolerance and its bindings are data", func(t *testing.T) {
		tr := newTrade(t)
		tr.enter(1_000_000)
		d := ruleConfig()
		d.Models[0].Params = []model.ModelParam{{Name: model.ParamToleranceGrams, Value: 1000}}
		d.Tags[0].NameZh = "重量超出理论库存"
		tr.putRules(d)
		at := tr.declareDoc(tr.entA, model.FamilyBondedTransfer, model.BusinessOut, model.DocumentHead{CounterpartyID: enterpriseB}, tr.line(1_001_000))
		require.Empty(t, at.Tags, "exactly the tolerance over")
		over := tr.declareDoc(tr.entA, model.FamilyBondedTransfer, model.BusinessOut, model.DocumentHead{CounterpartyID: enterpriseB}, tr.line(1000))
		require.Len(t, over.Tags, 1, "the first took all available stock")
		require.True(t, strings.HasPrefix(over.Tags[0].Reason, "重量超出理论库存："), "the catalogue names the tag: %s", over.Tags[0].Reason)

		d = ruleConfig()
		for i := range d.Bindings {
			if d.Bindings[i].Target == string(model.FamilyBondedTransfer) {
				d.Bindings[i].Enabled = false
			}
		}
		tr.putRules(d)
		off := tr.declareDoc(tr.entA, model.FamilyBondedTransfer, model.BusinessOut, model.DocumentHead{CounterpartyID: enterpriseB}, tr.line(1000))
		require.Empty(t, off.Tags, "disabled for bonded transfers")
	})
}

func TestDryRun(t *testing.T) {
	z := newZone(t)
	z.putRules(ruleConfig(brazilManual))
	brazil := validData()
	brazil.Origin = "BR"
	z.declare(z.entA, "PF20261126AAAAAAAA") // ET: no rule
	z.mustInvoke(z.entA, "DeclarePrefiling", z.req(), "PF20261126BBBBBBBB", dataJSON(t, brazil))
	heavy := validData()
	heavy.WeightGrams = 25_000_000
	z.mustInvoke(z.entA, "DeclarePrefiling", z.req(), "PF20261126CCCCCCCC", dataJSON(t, heavy))

	ruleRaw, _ := json.Marshal(heavyReturn)
	ids := `["PF20261126AAAAAAAA","PF20261126BBBBBBBB","PF20261126CCCCCCCC"]`
	before := z.snapshot()
	var r model.DryRunResult
	require.NoError(t, json.Unmarshal(z.mustInvoke(z.customs, "DryRunRule", string(ruleRaw), ids), &r))
	require.Equal(t, before, z.snapshot(), "a dry run writes nothing")
	require.Equal(t, 1, r.ConfigVersion)
	require.Equal(t, 1, r.Matched)
	require.Equal(t, 1, r.Changed)
	require.False(t, r.Items[0].Changed)
	require.Equal(t, model.OutcomeNone, r.Items[0].Would.Outcome)
	require.False(t, r.Items[1].Changed, "the Brazilian batch stays with br-manual")
	require.Equal(t, "br-manual", r.Items[1].Would.RuleID)
	require.True(t, r.Items[2].Changed)
	require.True(t, r.Items[2].DraftMatched)
	require.Equal(t, model.RuleDecision{ConfigVersion: 1, RuleID: "heavy", Outcome: model.OutcomeReturn, Opinion: heavyReturn.Opinion}, r.Items[2].Would)
	require.Equal(t, model.OutcomeNone, r.Items[2].Recorded.Outcome)

	bad := heavyReturn
	bad.Condition = "prefiling.nope"
	ruleRaw, _ = json.Marshal(bad)
	e := z.refusal(model.CodeInvalid, z.customs, "DryRunRule", string(ruleRaw), ids)
	require.Equal(t, []string{"rule.condition"}, problemFields(e))
	z.refused(model.CodeForbidden, z.admin, "DryRunRule", string(ruleRaw), ids)
	many, _ := json.Marshal(make([]string, model.MaxRuleDryRunTargets+1))
	ruleRaw, _ = json.Marshal(heavyReturn)
	e = z.refusal(model.CodeInvalid, z.customs, "DryRunRule", string(ruleRaw), string(many))
	require.Equal(t, []string{"targets"}, problemFields(e))
}
