package model

import (
	"fmt"
	"strings"
)

// Rule is the stable code of a field problem; with the problem's Params it
// is all a client needs to explain it (chaincode/model/zh).
type Rule string

const (
	RuleRequired         Rule = "REQUIRED"          // {}
	RuleTooLong          Rule = "TOO_LONG"          // {max} characters
	RuleTooMany          Rule = "TOO_MANY"          // {max} items
	RuleTooFew           Rule = "TOO_FEW"           // {min} items
	RuleInvalidUTF8      Rule = "INVALID_UTF8"      // {}
	RuleControlCharacter Rule = "CONTROL_CHARACTER" // {position} (1-based, in characters)
	RulePattern          Rule = "PATTERN"           // {format} (Format* constants)
	RuleUnknownValue     Rule = "UNKNOWN_VALUE"     // {}
	RuleOutOfRange       Rule = "OUT_OF_RANGE"      // {min, max}
	// RuleValueMismatch: a line's value disagrees with weight × unit price
	// {expectedFen, toleranceFen} (CheckLineValue).
	RuleValueMismatch Rule = "VALUE_MISMATCH"
	// Problems only the ledger can find.
	RuleSameEnterprise    Rule = "SAME_ENTERPRISE"     // {}
	RuleNotRegistered     Rule = "NOT_REGISTERED"      // {enterpriseId}
	RuleTraceCodeInactive Rule = "TRACE_CODE_INACTIVE" // {traceCode}
	RuleTraceCodeOfOther  Rule = "TRACE_CODE_OF_OTHER" // {traceCode}
	RuleNotOutLeg         Rule = "NOT_OUT_LEG"         // {documentId}
	RuleLineCountMismatch Rule = "LINE_COUNT_MISMATCH" // {expected, documentId}
	RuleLineMismatch      Rule = "LINE_MISMATCH"       // {traceCode, weightGrams, lineSeq, documentId}
	// Problems of customs' rule configuration (rules.go).
	RuleDuplicate       Rule = "DUPLICATE"         // {value}
	RuleNotInCatalogue  Rule = "NOT_IN_CATALOGUE"  // {value}: a tag the catalogue lacks
	RuleStopBeforeStart Rule = "STOP_BEFORE_START" // {start}
	// RuleConditionInvalid: a condition does not compile {line, column, detail}
	// (detail is the expression compiler's own diagnostic).
	RuleConditionInvalid Rule = "CONDITION_INVALID"
	RuleCostTooHigh      Rule = "COST_TOO_HIGH" // {cost, max}
	// RuleInvalid is a problem without a more specific rule.
	RuleInvalid Rule = "INVALID"
)

// Rules lists every rule, for catalogues and their tests.
var Rules = []Rule{RuleRequired, RuleTooLong, RuleTooMany, RuleTooFew, RuleInvalidUTF8, RuleControlCharacter,
	RulePattern, RuleUnknownValue, RuleOutOfRange, RuleValueMismatch, RuleSameEnterprise, RuleNotRegistered,
	RuleTraceCodeInactive, RuleTraceCodeOfOther, RuleNotOutLeg, RuleLineCountMismatch,
	RuleLineMismatch, RuleDuplicate, RuleNotInCatalogue, RuleStopBeforeStart, RuleConditionInvalid, RuleCostTooHigh,
	RuleInvalid}

// Problem is one thing wrong with one field. Field is a JSON path of the
// checked value: "hsCode", "head.plannedDate", "lines[3].traceCode".
type Problem struct {
	Field  string `json:"field"`
	Rule   Rule   `json:"rule"`
	Params Params `json:"params,omitempty"`
}

var formatEnglish = map[string]string{
	FormatHSCode: "8 or 10 digits", FormatCountry: "an ISO 3166-1 alpha-2 country code",
	FormatCurrency: "a supported ISO 4217 currency code", FormatSHA256: "64 lower-case hex characters",
	FormatDate: "a date YYYY-MM-DD", FormatPrefilingID: "PF, 8 digits of date and 8 characters of [0-9A-Z]",
	FormatDocumentID: "the family prefix, 8 digits of date and 8 characters of [0-9A-Z]",
	FormatTraceCode:  "a valid trace code", FormatUSCC: "an 18-character unified social credit code",
	FormatRequestID: "1-64 characters of [A-Za-z0-9._:-]", FormatCertificate: "one PEM CERTIFICATE block",
	FormatBoolean: "true or false", FormatRuleID: "1-40 characters of [A-Za-z0-9_-]",
	FormatTagCode: "2-40 characters of [A-Z0-9_] starting with a letter", FormatColour: "a colour #RRGGBB",
	FormatTime: "an RFC 3339 time",
}

// English describes the problem for logs and English clients.
func (p Problem) English() string {
	v := func(k string) any { return p.Params[k] }
	var text string
	switch p.Rule {
	case RuleRequired:
		text = "is required"
	case RuleTooLong:
		text = fmt.Sprintf("must be at most %v characters", v("max"))
	case RuleTooMany:
		text = fmt.Sprintf("at most %v", v("max"))
	case RuleTooFew:
		text = fmt.Sprintf("at least %v", v("min"))
	case RuleInvalidUTF8:
		text = "is not valid UTF-8"
	case RuleControlCharacter:
		text = fmt.Sprintf("must not contain control characters (character %v)", v("position"))
	case RulePattern:
		text = "must be " + formatEnglish[fmt.Sprint(v("format"))]
	case RuleUnknownValue:
		text = "has an unknown value"
	case RuleOutOfRange:
		text = fmt.Sprintf("must be between %v and %v", v("min"), v("max"))
	case RuleValueMismatch:
		text = fmt.Sprintf("must agree with weight × unit price: %v fen ± %v", v("expectedFen"), v("toleranceFen"))
	case RuleSameEnterprise:
		text = "a transfer needs another enterprise"
	case RuleNotRegistered:
		text = fmt.Sprintf("enterprise %v is not registered", v("enterpriseId"))
	case RuleTraceCodeInactive:
		text = fmt.Sprintf("%v is not an active trace code", v("traceCode"))
	case RuleTraceCodeOfOther:
		text = fmt.Sprintf("%v was issued to another enterprise", v("traceCode"))
	case RuleNotOutLeg:
		text = fmt.Sprintf("%v is not an out leg of this family", v("documentId"))
	case RuleLineCountMismatch:
		text = fmt.Sprintf("the in leg must receive the %v lines of %v", v("expected"), v("documentId"))
	case RuleLineMismatch:
		text = fmt.Sprintf("must receive %v %v g as line %v of %v", v("traceCode"), v("weightGrams"), v("lineSeq"), v("documentId"))
	case RuleDuplicate:
		text = fmt.Sprintf("%v appears twice", v("value"))
	case RuleNotInCatalogue:
		text = fmt.Sprintf("tag %v is not in the catalogue", v("value"))
	case RuleStopBeforeStart:
		text = fmt.Sprintf("must be after the start %v", v("start"))
	case RuleConditionInvalid:
		text = fmt.Sprintf("does not compile at line %v column %v: %v", v("line"), v("column"), v("detail"))
	case RuleCostTooHigh:
		text = fmt.Sprintf("estimated cost %v exceeds %v", v("cost"), v("max"))
	default:
		text = "is invalid"
		if english, ok := basicDataEnglish[p.Rule]; ok {
			text = english(v)
		}
	}
	return p.Field + ": " + text
}

// Problems collects every problem of an input, so the declarant sees them
// all at once instead of one per attempt.
type Problems []Problem

// Add appends a problem.
func (ps *Problems) Add(field string, rule Rule, params Params) {
	*ps = append(*ps, Problem{Field: field, Rule: rule, Params: params})
}

// maxReportedProblems bounds the problems one refusal carries (a 5,000-line
// document could have tens of thousands); ParamProblemCount says how many
// there were.
const maxReportedProblems = 200

// ParamProblemCount is the param of a FIELD_INVALID refusal that counts all
// its problems, reported or not.
const ParamProblemCount = "problemCount"

// Err is nil without problems, else a FIELD_INVALID refusal carrying them.
func (ps Problems) Err() error {
	if len(ps) == 0 {
		return nil
	}
	shown := ps[:min(len(ps), maxReportedProblems)]
	parts := make([]string, len(shown))
	for i, p := range shown {
		parts[i] = p.English()
	}
	return &Error{Code: CodeInvalid, Reason: ReasonFieldInvalid, Message: strings.Join(parts, "; "),
		Params: Params{ParamProblemCount: len(ps)}, Problems: append([]Problem(nil), shown...)}
}

// Prefixed returns the problems with prefix+"." before their fields.
func (ps Problems) Prefixed(prefix string) Problems {
	out := make(Problems, len(ps))
	for i, p := range ps {
		p.Field = prefix + "." + p.Field
		out[i] = p
	}
	return out
}
