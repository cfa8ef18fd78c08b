package drafts

import (
	"slices"
	"sort"
	"strings"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/validation"
)

// impossibleRules are the problems no draft may hold: a draft may be
// incomplete or mistyped (REQUIRED, PATTERN …), but never hold a value no
// declaration could (too long, too many, unknown, out of range, control
// characters).
var impossibleRules = []model.Rule{model.RuleInvalidUTF8, model.RuleControlCharacter, model.RuleTooLong,
	model.RuleTooMany, model.RuleUnknownValue, model.RuleOutOfRange}

// Impossible reports whether a problem of the chaincode's checks makes input
// unacceptable even as a draft. Attachment references are never typed by
// hand (uploads make them), so any problem with one is impossible too.
func Impossible(p model.Problem) bool {
	return slices.Contains(impossibleRules, p.Rule) || strings.HasPrefix(p.Field, "data.attachments")
}

// CheckShape finds what makes data unacceptable even as a draft, by the
// chaincode's own checks (model.CheckPrefilingData).
func CheckShape(d model.PrefilingData) error {
	var p validation.Problems
	for _, q := range model.CheckPrefilingData(d).Prefixed("data") {
		if Impossible(q) {
			p.AddModel(q)
		}
	}
	sortProblems(p)
	return p.Err()
}

// Warnings lists what declaring data would reject (信息不完整 and format
// errors): exactly the problems DeclarePrefiling refuses, from the same
// check. An empty list means the draft can be declared.
func Warnings(d model.PrefilingData) validation.Problems {
	p := validation.Problems{}
	p.AddModel(model.CheckPrefilingData(d).Prefixed("data")...)
	sortProblems(p)
	return p
}

// sortProblems orders problems by field so answers are stable.
func sortProblems(p validation.Problems) {
	sort.SliceStable(p, func(i, j int) bool { return p[i].Field < p[j].Field })
}

// CheckSupplement validates a supplement (补录入) before it is submitted,
// with the chaincode's check (model.CheckSupplement).
func CheckSupplement(s model.SupplementData) error {
	var p validation.Problems
	p.AddModel(model.CheckSupplement(s)...)
	sortProblems(p)
	return p.Err()
}
