package docdrafts

import (
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"zonetrace/chaincode/model"
	"zonetrace/chaincode/tracecode"
	"zonetrace/gateway/drafts"
	"zonetrace/gateway/validation"
)

// Bounds of a draft, the chaincode's (chaincode/contract/validate.go), so
// that nothing a draft may hold is refused by the ledger for its size.
const (
	MaxLines       = 5000
	MaxTextLength  = 200
	MaxNoteLength  = 1000
	MaxWeightGrams = 1_000_000_000_000 // one million tonnes
	MaxPriceFen    = 10_000_000_000    // 100 million per kilogram
)

var countryPattern = regexp.MustCompile(`^[A-Z]{2}$`)

// CheckShape finds what makes a draft unacceptable even as a temp-save: an
// unknown family or business type, too many lines, oversized text and
// numbers no declaration could hold. Drafts may be incomplete; they may not
// be impossible.
func CheckShape(family model.Family, businessType model.BusinessType, head model.DocumentHead, lines []model.DocumentLine) error {
	var p validation.Problems
	if _, ok := TemplateFor(family, businessType); !ok {
		p.Add("businessType", fmt.Sprintf("family %q has no business type %q", family, businessType), "单据类型或业务类型无效")
	}
	for _, f := range headFields {
		limit := MaxTextLength
		if f.key == "note" {
			limit = MaxNoteLength
		}
		if utf8.RuneCountInString(*f.ref(&head)) > limit {
			p.Add("head."+f.key, fmt.Sprintf("must be at most %d characters", limit), fmt.Sprintf("%s不得超过%d个字符", f.zh, limit))
		}
	}
	if len(lines) > MaxLines {
		p.Add("lines", fmt.Sprintf("at most %d lines", MaxLines), fmt.Sprintf("表体不得超过%d行", MaxLines))
	}
	for i := range lines {
		p = append(p, lineShape(fmt.Sprintf("lines[%d]", i), &lines[i])...)
	}
	sortProblems(p)
	return p.Err()
}

// lineShape checks one line's sizes and signs; prefix names it in problems.
func lineShape(prefix string, l *model.DocumentLine) validation.Problems {
	var p validation.Problems
	for _, f := range lineFields {
		switch {
		case f.text != nil && utf8.RuneCountInString(*f.text(l)) > MaxTextLength:
			p.Add(prefix+"."+f.key, fmt.Sprintf("must be at most %d characters", MaxTextLength), fmt.Sprintf("%s不得超过%d个字符", f.zh, MaxTextLength))
		case f.number != nil && *f.number(l) < 0:
			p.Add(prefix+"."+f.key, "must not be negative", f.zh+"不能为负数")
		}
	}
	if l.WeightGrams > MaxWeightGrams {
		p.Add(prefix+".weightGrams", fmt.Sprintf("must be at most %d", int64(MaxWeightGrams)), "重量超出上限（请以克为单位）")
	}
	if l.UnitPriceFen > MaxPriceFen {
		p.Add(prefix+".unitPriceFen", fmt.Sprintf("must be at most %d", int64(MaxPriceFen)), "单价超出上限（请以分为单位）")
	}
	return p
}

// Warnings lists what declaring the draft would reject (信息不完整, format
// errors, lines without a trace code); an empty list means it can be
// declared. Line problems name the line by its index: lines[3].traceCode.
func Warnings(family model.Family, businessType model.BusinessType, head model.DocumentHead, lines []model.DocumentLine) validation.Problems {
	p := validation.Problems{}
	var shape validation.Problems
	if errors.As(CheckShape(family, businessType, head, lines), &shape) {
		p = append(p, shape...)
	}
	if t, ok := TemplateFor(family, businessType); ok {
		for _, key := range t.RequiredHead {
			f, _ := headFieldByKey(key)
			if strings.TrimSpace(*f.ref(&head)) == "" {
				p.Add("head."+key, "is required", f.zh+"不能为空")
			}
		}
	}
	if head.TradeCountry != "" && !countryPattern.MatchString(head.TradeCountry) {
		p.Add("head.tradeCountry", "must be an ISO 3166-1 alpha-2 code", "起运/运抵国须为两位国家代码")
	}
	if head.PlannedDate != "" {
		if _, err := time.Parse(time.DateOnly, head.PlannedDate); err != nil {
			p.Add("head.plannedDate", "must be a date YYYY-MM-DD", "计划日期格式须为YYYY-MM-DD")
		}
	}
	if len(lines) == 0 {
		p.Add("lines", "at least one line is required", "表体至少需要一行")
	}
	for i, l := range lines {
		p = append(p, lineWarnings(fmt.Sprintf("lines[%d]", i), l)...)
	}
	sortProblems(p)
	return p
}

// lineWarnings are one line's completeness and format problems.
func lineWarnings(prefix string, l model.DocumentLine) validation.Problems {
	var p validation.Problems
	switch {
	case strings.TrimSpace(l.TraceCode) == "":
		p.Add(prefix+".traceCode", "is required", "溯源码不能为空")
	case !tracecode.Valid(l.TraceCode):
		p.Add(prefix+".traceCode", "is not a valid trace code", "溯源码无效（请检查是否输错）")
	}
	if l.WeightGrams <= 0 {
		p.Add(prefix+".weightGrams", "must be > 0", "重量须大于0")
	}
	p = append(p, goodsWarnings(prefix, l)...)
	return p
}

// goodsFields are the line fields whose rules are the prefiling's: the goods
// description a line repeats from the batch's prefiling is checked the same
// way, so the two can never disagree.
var goodsFields = map[string]string{"data.productName": "productName", "data.hsCode": "hsCode", "data.origin": "origin", "data.currency": "currency"}

var completePrefiling = model.PrefilingData{Commodity: "coffee", ExporterName: "x", QuarantineResult: model.QuarantinePending,
	AvgPriceFen: 1, WeightGrams: 1, Attachments: []model.Attachment{}}

func goodsWarnings(prefix string, l model.DocumentLine) validation.Problems {
	d := completePrefiling
	d.ProductName, d.HSCode, d.Origin, d.Currency = strings.TrimSpace(l.ProductName), l.HSCode, l.Origin, l.Currency
	var p validation.Problems
	for _, q := range drafts.Warnings(d) {
		if key, ok := goodsFields[q.Field]; ok {
			q.Field = prefix + "." + key
			p = append(p, q)
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
