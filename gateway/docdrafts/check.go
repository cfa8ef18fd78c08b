package docdrafts

import (
	"regexp"
	"sort"
	"strings"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/drafts"
	"zonetrace/gateway/validation"
)

// CheckShape finds what makes a draft unacceptable even as a temp-save, by
// the chaincode's own check (model.CheckDocumentContent): an unknown family
// or business type, too many lines, oversized text, control characters and
// numbers no declaration could hold. Drafts may be incomplete; they may not
// be impossible.
func CheckShape(family model.Family, businessType model.BusinessType, head model.DocumentHead, lines []model.DocumentLine) error {
	var p validation.Problems
	for _, q := range model.CheckDocumentContent(family, businessType, head, lines) {
		if drafts.Impossible(q) {
			p.AddModel(q)
		}
	}
	sortProblems(p)
	return p.Err()
}

// lineShape is CheckShape of one line; prefix names it in problems.
func lineShape(prefix string, l *model.DocumentLine) validation.Problems {
	var p validation.Problems
	for _, q := range model.CheckLine(prefix, *l) {
		if drafts.Impossible(q) {
			p.AddModel(q)
		}
	}
	return p
}

// Warnings lists what declaring the draft would reject (信息不完整, format
// errors, lines without a trace code, values that disagree with weight ×
// price): exactly the problems DeclareDocument refuses before it looks at
// the ledger, from the same check. An empty list means it can be declared.
// Line problems name the line by its index: lines[3].traceCode.
func Warnings(family model.Family, businessType model.BusinessType, head model.DocumentHead, lines []model.DocumentLine) validation.Problems {
	p := validation.Problems{}
	p.AddModel(model.CheckDocumentContent(family, businessType, head, lines)...)
	sortProblems(p)
	return p
}

// lineWarnings are one line's problems a draft may hold (completeness and
// format); with lineShape they are all of the line's problems.
func lineWarnings(prefix string, l model.DocumentLine) validation.Problems {
	var p validation.Problems
	for _, q := range model.CheckLine(prefix, l) {
		if !drafts.Impossible(q) {
			p.AddModel(q)
		}
	}
	return p
}

// MissingTraceCodes counts the lines without a trace code.
func MissingTraceCodes(lines []model.DocumentLine) int {
	n := 0
	for _, l := range lines {
		if strings.TrimSpace(l.TraceCode) == "" {
			n++
		}
	}
	return n
}

// sortProblems orders problems by field, lines by their number, so answers
// are stable.
func sortProblems(p validation.Problems) {
	sort.SliceStable(p, func(i, j int) bool { return fieldLess(p[i].Field, p[j].Field) })
}

var lineIndex = regexp.MustCompile(`^lines\[(\d+)\]`)

func fieldLess(a, b string) bool {
	ma, mb := lineIndex.FindStringSubmatch(a), lineIndex.FindStringSubmatch(b)
	if ma != nil && mb != nil && ma[1] != mb[1] {
		return len(ma[1]) < len(mb[1]) || len(ma[1]) == len(mb[1]) && ma[1] < mb[1]
	}
	return a < b
}
