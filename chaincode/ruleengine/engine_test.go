package ruleengine

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
)

func TestCompileRefusesWithPosition(t *testing.T) {
	_, ps := Compile("rules[0].condition", "prefiling.weight > 10")
	require.Len(t, ps, 1)
	require.Equal(t, model.RuleConditionInvalid, ps[0].Rule)
	require.Equal(t, "rules[0].condition", ps[0].Field)
	require.Contains(t, ps[0].Params["detail"], "weight")

	_, ps = Compile("c", `prefiling.origin`)
	require.Len(t, ps, 1, "a condition must yield a boolean")
}

func TestDisabledBuiltinsDoNotCompile(t *testing.T) {
	for _, c := range []string{`now().Year() > 2000`, `len(keys({"a": 1})) == 1`, `date("2026-01-01") != nil`} {
		_, ps := Compile("c", c)
		require.Len(t, ps, 1, c)
		require.Equal(t, model.RuleConditionInvalid, ps[0].Rule, c)
	}
}

func TestCostLimit(t *testing.T) {
	_, ps := Compile("c", `any(lines, .weightGrams > 100)`)
	require.Empty(t, ps, "one pass over the lines is affordable")
	_, ps = Compile("c", `any(lines, {any(lines, .weightGrams > 100)})`)
	require.Len(t, ps, 1, "a nested pass is not")
	require.Equal(t, model.RuleCostTooHigh, ps[0].Rule)
	require.EqualValues(t, model.MaxRuleCost, ps[0].Params["max"])
}

func TestDecideFirstMatchByPriority(t *testing.T) {
	cfg := model.RuleConfig{Version: 4, RuleConfigDraft: model.RuleConfigDraft{Rules: []model.ReviewRule{
		{ID: "b", Kind: model.KindPrefiling, Priority: 2, Condition: `prefiling.origin == "ET"`, Outcome: model.OutcomePass, Enabled: true},
		{ID: "a", Kind: model.KindPrefiling, Priority: 1, Condition: `prefiling.weightGrams > 1000`, Outcome: model.OutcomeReturn, Opinion: "too heavy", Enabled: true},
		{ID: "off", Kind: model.KindPrefiling, Priority: 0, Condition: `true`, Outcome: model.OutcomeManual, Enabled: false},
		{ID: "late", Kind: model.KindPrefiling, Priority: 0, Condition: `true`, Outcome: model.OutcomeManual, Enabled: true, Start: "2027-01-01T00:00:00Z"},
	}}}
	at := time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)
	in := model.PrefilingRuleInput(&model.Prefiling{Data: model.PrefilingData{Origin: "ET", WeightGrams: 2000}})
	require.Equal(t, model.RuleDecision{ConfigVersion: 4, RuleID: "a", Outcome: model.OutcomeReturn, Opinion: "too heavy"}, Decide(cfg, model.KindPrefiling, at, &in))
	in.Prefiling.WeightGrams = 500
	require.Equal(t, model.RuleDecision{ConfigVersion: 4, RuleID: "b", Outcome: model.OutcomePass}, Decide(cfg, model.KindPrefiling, at, &in))
	in.Prefiling.Origin = "BR"
	require.Equal(t, model.RuleDecision{ConfigVersion: 4, Outcome: model.OutcomeNone}, Decide(cfg, model.KindPrefiling, at, &in))
	late := Decide(cfg, model.KindPrefiling, time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), &in)
	require.Equal(t, "late", late.RuleID, "in force from its start")
}

func TestRuntimeFailureGoesToManualReview(t *testing.T) {
	rules := []model.ReviewRule{{ID: "big", Kind: model.KindPrefiling, Condition: `len(1..200000) > 0`, Outcome: model.OutcomePass, Enabled: true}}
	in := model.PrefilingRuleInput(&model.Prefiling{})
	_, ps := Compile("c", rules[0].Condition)
	require.Empty(t, ps, "a constant range is within the static estimate")
	d := DecideRules(1, rules, &in)
	require.Equal(t, model.OutcomeManual, d.Outcome)
	require.Contains(t, d.Error, "memory budget")
}
