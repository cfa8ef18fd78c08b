package model

import (
	"fmt"
	"regexp"
	"slices"
	"time"
)

// Customs' rule configuration (规则配置): the tag catalogue, the parameters
// of the validation models, which tag applies to which declaration kind,
// and the review rules that decide a declaration automatically. It is data on
// chain, edited by customs as a whole and versioned: every write stores a
// new version (1, 2, …) next to the old ones, and every automatic decision
// and every tag names the version it was made under, so a replay of the
// ledger reproduces them without evaluating anything again.

// DeclarationKind is what a review rule decides: a prefiling, its
// supplement, or a document family customs reviews on this platform.
type DeclarationKind string

const (
	KindPrefiling            DeclarationKind = "prefiling"  // 预核申报
	KindSupplement           DeclarationKind = "supplement" // 补录入
	KindBondedTransfer                       = DeclarationKind(FamilyBondedTransfer)
	KindNonBondedApplication                 = DeclarationKind(FamilyNonBondedApplication)
	KindNonBondedTransfer                    = DeclarationKind(FamilyNonBondedTransfer)
)

// DeclarationKinds lists the kinds review rules may name, in a fixed order:
// the families whose review customs' own systems do (checklists, warehouse
// receipts, gate registrations) have no platform review to automate. A
// stored configuration may still hold a rule of kind gate_registration
// (written before gate registrations left the platform's review): it
// decodes and replays unchanged but never runs, and the next write of the
// configuration must drop it (rules[i].kind is refused as unknown).
var DeclarationKinds = []DeclarationKind{KindPrefiling, KindSupplement, KindBondedTransfer,
	KindNonBondedApplication, KindNonBondedTransfer}

// TagTargets lists what a tag may be applied to: the prefiling and every
// document family.
var TagTargets = append([]string{string(KindPrefiling)}, familyStrings()...)

func familyStrings() []string {
	out := make([]string, len(Families))
	for i, f := range Families {
		out[i] = string(f)
	}
	return out
}

// RuleOutcome is what a matching review rule does with a declaration.
type RuleOutcome string

const (
	OutcomePass   RuleOutcome = "pass"   // 自动审核通过
	OutcomeReturn RuleOutcome = "return" // 自动退单，附规则的审核意见
	OutcomeManual RuleOutcome = "manual" // 转人工审核，列入海关待办
	// OutcomeNone is recorded when no rule matched: the declaration waits
	// for customs as before rules existed. A rule cannot have it.
	OutcomeNone RuleOutcome = "none"
)

// RuleOutcomes lists the outcomes a rule may have.
var RuleOutcomes = []RuleOutcome{OutcomePass, OutcomeReturn, OutcomeManual}

// TagDef is one entry of the tag catalogue (标签).
type TagDef struct {
	Code        string `json:"code"`
	NameZh      string `json:"nameZh"`
	Category    string `json:"category"`
	Colour      string `json:"colour"` // #RRGGBB
	Description string `json:"description,omitempty" metadata:",optional"`
}

// ModelParam is one parameter of a validation model; quantities are integers
// in the model's units (grams, fen, permille).
type ModelParam struct {
	Name  string `json:"name"`
	Value int64  `json:"value"`
}

// ValidationModel is a validation model computed in the chaincode at
// declaration, with the tag it sets and its parameters.
type ValidationModel struct {
	Code    string       `json:"code"`
	Tag     string       `json:"tag"`
	Enabled bool         `json:"enabled"`
	Params  []ModelParam `json:"params"`
}

// TagBinding enables or disables a tag for one declaration kind or family
// (TagTargets). A tag applies only where a binding enables it.
type TagBinding struct {
	Tag     string `json:"tag"`
	Target  string `json:"target"`
	Enabled bool   `json:"enabled"`
}

// ReviewRule decides declarations of one kind automatically: when its
// condition holds, within its validity window, its outcome applies. Rules of
// a kind are tried by Priority (lower first, then ID) and the first matching
// one decides.
type ReviewRule struct {
	ID       string          `json:"id"`
	Kind     DeclarationKind `json:"kind"`
	Name     string          `json:"name"`
	Priority int             `json:"priority"`
	// Condition is an expression over RuleInput (docs/architecture.md
	// "Review rules") that yields true or false.
	Condition string      `json:"condition"`
	Outcome   RuleOutcome `json:"outcome"`
	// Opinion is the review opinion sent with a return, or the note shown
	// to customs with a manual review.
	Opinion string `json:"opinion,omitempty" metadata:",optional"`
	Enabled bool   `json:"enabled"`
	// Start and Stop bound the validity (RFC 3339, Stop exclusive), compared
	// with the transaction time; empty means unbounded.
	Start string `json:"start,omitempty" metadata:",optional"`
	Stop  string `json:"stop,omitempty" metadata:",optional"`
}

// RuleConfigDraft is what customs writes; the ledger adds the version and
// who changed it when.
type RuleConfigDraft struct {
	Tags     []TagDef          `json:"tags"`
	Models   []ValidationModel `json:"models"`
	Bindings []TagBinding      `json:"bindings"`
	Rules    []ReviewRule      `json:"rules"`
	// Risk holds the thresholds of the risk alerts (risk.go); nil in a
	// version written before they existed, meaning DefaultRiskParams.
	Risk *RiskParams `json:"risk,omitempty" metadata:",optional"`
	Note string      `json:"note,omitempty" metadata:",optional"`
}

// RuleConfig is one stored version of the configuration.
type RuleConfig struct {
	RuleConfigDraft
	Version   int    `json:"version"`
	ChangedAt string `json:"changedAt,omitempty" metadata:",optional"`
	ChangedTx string `json:"changedTx,omitempty" metadata:",optional"`
	ChangedBy Actor  `json:"changedBy"`
}

// RuleConfigHead points at the current version (key KeyRuleConfigHead).
// Digest is the hex SHA-256 of the version's stored bytes: a declaration
// reads only this small record and finds the decoded configuration in the
// chaincode's cache by it.
type RuleConfigHead struct {
	Version int    `json:"version"`
	Digest  string `json:"digest,omitempty" metadata:",optional"`
}

// RuleVersionSummary lists one version without its content.
type RuleVersionSummary struct {
	Version   int    `json:"version"`
	ChangedAt string `json:"changedAt"`
	ChangedTx string `json:"changedTx"`
	ChangedBy Actor  `json:"changedBy"`
	Note      string `json:"note,omitempty" metadata:",optional"`
	RuleCount int    `json:"ruleCount"`
	TagCount  int    `json:"tagCount"`
}

// RuleDecision is what the review rules decided about a declaration, under
// which configuration version. RuleID is empty when no rule matched
// (OutcomeNone).
type RuleDecision struct {
	ConfigVersion int         `json:"configVersion"`
	RuleID        string      `json:"ruleId,omitempty" metadata:",optional"`
	Outcome       RuleOutcome `json:"outcome"`
	Opinion       string      `json:"opinion,omitempty" metadata:",optional"`
	// Error is set when the rule's condition failed at run time (a memory
	// budget exceeded): the declaration then goes to manual review.
	Error string `json:"error,omitempty" metadata:",optional"`
}

// RuleRef names the rule and configuration version that made a review step.
type RuleRef struct {
	RuleID        string `json:"ruleId"`
	ConfigVersion int    `json:"configVersion"`
}

// SystemActorName is the actor name of a step a review rule made.
func SystemActorName(r RuleRef) string {
	return fmt.Sprintf("system rule %s v%d", r.RuleID, r.ConfigVersion)
}

// DryRunItem compares, for one earlier declaration, the decision recorded
// on chain with the one the configuration with the draft rule would make.
type DryRunItem struct {
	ID       string        `json:"id"`
	Recorded *RuleDecision `json:"recorded,omitempty" metadata:",optional"`
	Would    RuleDecision  `json:"would"`
	// DraftMatched says the draft rule's condition held.
	DraftMatched bool `json:"draftMatched"`
	Changed      bool `json:"changed"`
}

// DryRunResult is the answer of a dry run.
type DryRunResult struct {
	ConfigVersion int          `json:"configVersion"`
	Rule          ReviewRule   `json:"rule"`
	Items         []DryRunItem `json:"items"`
	Matched       int          `json:"matched"`
	Changed       int          `json:"changed"`
}

// Limits of a configuration and of a rule's cost. A condition is compiled
// once per distinct text; its estimated cost counts each expression node
// once and a node inside a predicate over a list (all, any, filter …)
// MaxLines times, so a rule over a document's lines stays linear.
const (
	MaxRuleTags          = 100
	MaxRuleBindings      = 1000
	MaxReviewRules       = 200
	MaxConditionLength   = 2000
	MaxRulePriority      = 1_000_000
	MaxRuleDryRunTargets = 100
	// MaxRuleCost bounds a condition's estimated cost (one pass over 5,000
	// lines with a predicate of 40 nodes).
	MaxRuleCost = 200_000
	// RuleMemoryBudget bounds what one evaluation may allocate, in the
	// expression VM's units (elements of built lists and maps).
	RuleMemoryBudget = 100_000
)

// Validation models and their parameters (docs/architecture.md
// "Validation models"). Parameters are integers in the unit their name
// ends with: grams, fen (per kilogram) or permille.
const (
	// ModelWeight tags 重量异常: a line takes more of a batch than the
	// declarant's theoretical stock of it.
	ModelWeight = "weight"
	// ParamToleranceGrams is how much a declaration may exceed the available
	// theoretical stock before it is tagged 重量异常.
	ParamToleranceGrams = "toleranceGrams"
	// ParamWeightBasis chooses the theoretical stock: WeightBasisDeclared
	// (the tender's: declared inbound minus declared outbound documents) or
	// WeightBasisEffective (what effective documents moved, minus what
	// declared ones will take).
	ParamWeightBasis = "basis"

	// ModelPrice tags 价格异常: the lines' weight-weighted declared unit
	// price is below the weight-weighted unit price their batches were
	// prefiled with, less ParamTolerancePermille.
	ModelPrice             = "price"
	ParamTolerancePermille = "tolerancePermille"

	// ModelOrigin tags 原产地不一致: a line's origin differs from the one
	// recorded on its trace code.
	ModelOrigin = "origin"

	// ModelQuarantined tags 已检疫, ModelNotQuarantined 未检疫 and
	// ModelQuarantineBatch 申报批次号与实货不一致, from the quarantine
	// record of each line's batch.
	ModelQuarantined     = "quarantined"
	ModelNotQuarantined  = "not_quarantined"
	ModelQuarantineBatch = "quarantine_batch"

	// ModelHighValue tags 有高价值: a line's unit price is strictly above
	// ParamThresholdFen (fen per kilogram).
	ModelHighValue    = "high_value"
	ParamThresholdFen = "thresholdFen"

	// ModelFlow tags 流向异常: goods are declared to leave a holding that no
	// gate-crossed entry, received transfer or conversion ever brought them
	// into.
	ModelFlow = "flow"

	// ModelTax tags 税款征收异常: goods are declared to move as non-bonded
	// while the declarant still holds them bonded (their conversion, where
	// the tax is collected, has not taken effect).
	ModelTax = "tax"
)

// Values of ParamWeightBasis.
const (
	WeightBasisDeclared  = 0
	WeightBasisEffective = 1
)

// ParamSpec is a parameter a validation model accepts, with its Chinese
// name and unit for the rule editor.
type ParamSpec struct {
	Name    string `json:"name"`
	NameZh  string `json:"nameZh"`
	Unit    string `json:"unit"` // 克, 分/千克, ‰, or "" for a choice
	Min     int64  `json:"min"`
	Max     int64  `json:"max"`
	Default int64  `json:"default"`
}

// ModelSpec is what the chaincode computes for a model code: its Chinese
// name, the tag it sets by default and its parameters.
type ModelSpec struct {
	NameZh string      `json:"nameZh"`
	Tag    string      `json:"tag"`
	Params []ParamSpec `json:"params"`
}

// ModelSpecs lists every validation model the chaincode computes
// (chaincode/contract/models.go).
var ModelSpecs = map[string]ModelSpec{
	ModelWeight: {NameZh: "重量校验", Tag: TagWeightAnomaly, Params: []ParamSpec{
		{Name: ParamToleranceGrams, NameZh: "允许超出重量", Unit: "克", Min: 0, Max: MaxWeightGrams, Default: 0},
		{Name: ParamWeightBasis, NameZh: "理论库存口径（0 已申报入库减已申报出库，1 已生效库存）",
			Min: WeightBasisDeclared, Max: WeightBasisEffective, Default: WeightBasisDeclared}}},
	ModelPrice: {NameZh: "价格校验", Tag: TagPriceAnomaly, Params: []ParamSpec{
		{Name: ParamTolerancePermille, NameZh: "允许低于加权平均价格", Unit: "‰", Min: 0, Max: 1000, Default: 0}}},
	ModelOrigin:          {NameZh: "原产地校验", Tag: TagOriginMismatch, Params: []ParamSpec{}},
	ModelQuarantined:     {NameZh: "已检疫校验", Tag: TagQuarantined, Params: []ParamSpec{}},
	ModelNotQuarantined:  {NameZh: "未检疫校验", Tag: TagNotQuarantined, Params: []ParamSpec{}},
	ModelQuarantineBatch: {NameZh: "检疫批次号校验", Tag: TagQuarantineBatchMismatch, Params: []ParamSpec{}},
	ModelHighValue: {NameZh: "高价值校验", Tag: TagHighValue, Params: []ParamSpec{
		{Name: ParamThresholdFen, NameZh: "高价值单价阈值", Unit: "分/千克", Min: 0, Max: MaxPriceFen, Default: 100_000}}},
	ModelFlow: {NameZh: "流向校验", Tag: TagFlowAnomaly, Params: []ParamSpec{}},
	ModelTax:  {NameZh: "税款征收校验", Tag: TagTaxAnomaly, Params: []ParamSpec{}},
}

// ModelCodes lists the model codes in a fixed order, for editors and tests.
var ModelCodes = []string{ModelWeight, ModelPrice, ModelOrigin, ModelQuarantined, ModelNotQuarantined,
	ModelQuarantineBatch, ModelHighValue, ModelFlow, ModelTax}

var (
	// RuleIDPattern is a review rule id: letters, digits, '_' and '-'.
	RuleIDPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,40}$`)
	// TagCodePattern is a tag code: upper-case letters, digits and '_'.
	TagCodePattern = regexp.MustCompile(`^[A-Z][A-Z0-9_]{1,39}$`)
	// ColourPattern is an RGB colour #RRGGBB.
	ColourPattern = regexp.MustCompile(`^#[0-9A-Fa-f]{6}$`)
)

// Formats of the rule configuration's patterns.
const (
	FormatRuleID  = "RULE_ID"
	FormatTagCode = "TAG_CODE"
	FormatColour  = "COLOUR"
	FormatTime    = "RFC3339_TIME"
)

// DefaultRuleConfig is version 0, in force until customs writes one: the
// weight model without tolerance on the effective-stock basis it always
// had, on every document family, and no review rules. The other models are
// customs' to enable: a ledger that never wrote a configuration keeps
// tagging exactly as before they existed.
func DefaultRuleConfig() RuleConfig {
	cfg := RuleConfig{RuleConfigDraft: RuleConfigDraft{
		Tags: []TagDef{{Code: TagWeightAnomaly, NameZh: "重量异常", Category: "重量", Colour: "#D4380D",
			Description: "申报重量超过理论库存可用重量"}},
		Models: []ValidationModel{{Code: ModelWeight, Tag: TagWeightAnomaly, Enabled: true,
			Params: []ModelParam{{Name: ParamToleranceGrams, Value: 0}, {Name: ParamWeightBasis, Value: WeightBasisEffective}}}},
		Bindings: []TagBinding{},
		Rules:    []ReviewRule{},
	}}
	for _, f := range Families {
		cfg.Bindings = append(cfg.Bindings, TagBinding{Tag: TagWeightAnomaly, Target: string(f), Enabled: true})
	}
	return cfg
}

// Param returns a model's parameter, or its default when not set.
func (m ValidationModel) Param(name string) int64 {
	for _, p := range m.Params {
		if p.Name == name {
			return p.Value
		}
	}
	for _, s := range ModelSpecs[m.Code].Params {
		if s.Name == name {
			return s.Default
		}
	}
	return 0
}

// Runs reports whether a model of the configuration runs for target: it is
// enabled and a binding enables its tag there.
func (c RuleConfig) Runs(m ValidationModel, target string) bool {
	return m.Enabled && c.TagApplies(m.Tag, target)
}

// TagName is the Chinese name the catalogue gives a tag, or its code.
func (c RuleConfig) TagName(code string) string {
	for _, t := range c.Tags {
		if t.Code == code {
			return t.NameZh
		}
	}
	return code
}

// TagApplies reports whether a binding enables tag for target.
func (c RuleConfig) TagApplies(tag, target string) bool {
	for _, b := range c.Bindings {
		if b.Tag == tag && b.Target == target {
			return b.Enabled
		}
	}
	return false
}

// ActiveRules returns the enabled rules of kind in force at `at`, in the
// order they are tried.
func (c RuleConfig) ActiveRules(kind DeclarationKind, at time.Time) []ReviewRule {
	out := make([]ReviewRule, 0, len(c.Rules))
	for _, r := range c.Rules {
		if r.Kind == kind && r.Enabled && r.InForce(at) {
			out = append(out, r)
		}
	}
	SortRules(out)
	return out
}

// SortRules orders rules by priority, then id.
func SortRules(rs []ReviewRule) {
	slices.SortStableFunc(rs, func(a, b ReviewRule) int {
		if a.Priority != b.Priority {
			return a.Priority - b.Priority
		}
		switch {
		case a.ID < b.ID:
			return -1
		case a.ID > b.ID:
			return 1
		}
		return 0
	})
}

// InForce reports whether at lies in the rule's validity window. Times were
// checked on write; an unreadable one counts as unbounded.
func (r ReviewRule) InForce(at time.Time) bool {
	if r.Start != "" {
		if t, err := time.Parse(time.RFC3339, r.Start); err == nil && at.Before(t) {
			return false
		}
	}
	if r.Stop != "" {
		if t, err := time.Parse(time.RFC3339, r.Stop); err == nil && !at.Before(t) {
			return false
		}
	}
	return true
}

// CheckRuleConfig checks a configuration's structure: everything but the
// conditions, which only the expression compiler can check
// (chaincode/ruleengine).
func CheckRuleConfig(d RuleConfigDraft) Problems {
	var ps Problems
	ps = append(ps, CheckText("note", d.Note, Note)...)
	if len(d.Tags) > MaxRuleTags {
		ps.Add("tags", RuleTooMany, Params{"max": MaxRuleTags})
	}
	if len(d.Bindings) > MaxRuleBindings {
		ps.Add("bindings", RuleTooMany, Params{"max": MaxRuleBindings})
	}
	if len(d.Rules) > MaxReviewRules {
		ps.Add("rules", RuleTooMany, Params{"max": MaxReviewRules})
	}
	if len(ps) > 0 {
		return ps
	}
	tags := map[string]bool{}
	for i, t := range d.Tags {
		f := fmt.Sprintf("tags[%d]", i)
		checkPattern(&ps, f+".code", t.Code, FormatTagCode, TagCodePattern.MatchString)
		if tags[t.Code] {
			ps.Add(f+".code", RuleDuplicate, Params{"value": t.Code})
		}
		tags[t.Code] = true
		ps = append(ps, CheckText(f+".nameZh", t.NameZh, RequiredSingleLine)...)
		ps = append(ps, CheckText(f+".category", t.Category, RequiredSingleLine)...)
		checkPattern(&ps, f+".colour", t.Colour, FormatColour, ColourPattern.MatchString)
		ps = append(ps, CheckText(f+".description", t.Description, Note)...)
	}
	models := map[string]bool{}
	for i, m := range d.Models {
		f := fmt.Sprintf("models[%d]", i)
		spec, known := ModelSpecs[m.Code]
		switch {
		case !known:
			ps.Add(f+".code", RuleUnknownValue, nil)
			continue
		case models[m.Code]:
			ps.Add(f+".code", RuleDuplicate, Params{"value": m.Code})
		}
		models[m.Code] = true
		if !tags[m.Tag] {
			ps.Add(f+".tag", RuleNotInCatalogue, Params{"value": m.Tag})
		}
		seen := map[string]bool{}
		for j, p := range m.Params {
			pf := fmt.Sprintf("%s.params[%d]", f, j)
			k := slices.IndexFunc(spec.Params, func(s ParamSpec) bool { return s.Name == p.Name })
			switch {
			case k < 0:
				ps.Add(pf+".name", RuleUnknownValue, nil)
			case seen[p.Name]:
				ps.Add(pf+".name", RuleDuplicate, Params{"value": p.Name})
			case p.Value < spec.Params[k].Min || p.Value > spec.Params[k].Max:
				ps.Add(pf+".value", RuleOutOfRange, Params{"min": spec.Params[k].Min, "max": spec.Params[k].Max})
			}
			seen[p.Name] = true
		}
	}
	bound := map[string]bool{}
	for i, b := range d.Bindings {
		f := fmt.Sprintf("bindings[%d]", i)
		if !tags[b.Tag] {
			ps.Add(f+".tag", RuleNotInCatalogue, Params{"value": b.Tag})
		}
		if !slices.Contains(TagTargets, b.Target) {
			ps.Add(f+".target", RuleUnknownValue, nil)
		}
		if bound[b.Tag+"\x00"+b.Target] {
			ps.Add(f+".target", RuleDuplicate, Params{"value": b.Target})
		}
		bound[b.Tag+"\x00"+b.Target] = true
	}
	ids := map[string]bool{}
	for i, r := range d.Rules {
		f := fmt.Sprintf("rules[%d]", i)
		checkPattern(&ps, f+".id", r.ID, FormatRuleID, RuleIDPattern.MatchString)
		if ids[r.ID] {
			ps.Add(f+".id", RuleDuplicate, Params{"value": r.ID})
		}
		ids[r.ID] = true
		ps = append(ps, CheckReviewRule(f, r)...)
	}
	if d.Risk != nil {
		ps = append(ps, CheckRiskParams(*d.Risk)...)
	}
	return ps
}

// CheckReviewRule checks one rule's fields but its condition's meaning.
func CheckReviewRule(f string, r ReviewRule) Problems {
	var ps Problems
	if f != "" {
		f += "."
	}
	if !slices.Contains(DeclarationKinds, r.Kind) {
		ps.Add(f+"kind", RuleUnknownValue, nil)
	}
	ps = append(ps, CheckText(f+"name", r.Name, RequiredSingleLine)...)
	if r.Priority < 0 || r.Priority > MaxRulePriority {
		ps.Add(f+"priority", RuleOutOfRange, Params{"min": 0, "max": MaxRulePriority})
	}
	ps = append(ps, CheckText(f+"condition", r.Condition, TextRule{Max: MaxConditionLength, Required: true, MultiLine: true})...)
	if !slices.Contains(RuleOutcomes, r.Outcome) {
		ps.Add(f+"outcome", RuleUnknownValue, nil)
	}
	opinion := Note
	if r.Outcome == OutcomeReturn {
		opinion = RequiredNote
	}
	ps = append(ps, CheckText(f+"opinion", r.Opinion, opinion)...)
	var start, stop time.Time
	var err error
	if r.Start != "" {
		if start, err = time.Parse(time.RFC3339, r.Start); err != nil {
			ps.Add(f+"start", RulePattern, Params{"format": FormatTime})
		}
	}
	if r.Stop != "" {
		if stop, err = time.Parse(time.RFC3339, r.Stop); err != nil {
			ps.Add(f+"stop", RulePattern, Params{"format": FormatTime})
		}
	}
	if !start.IsZero() && !stop.IsZero() && !stop.After(start) {
		ps.Add(f+"stop", RuleStopBeforeStart, Params{"start": r.Start})
	}
	return ps
}
