package outgoing

import (
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"zonetrace/chaincode/model"
)

// Problem is a field of a built message that breaks the field tables.
type Problem struct {
	// Field is the national element, with its block and line:
	// "InvtListType[2].Gdecd".
	Field string
	// Rule is the kind of breach, as the API reports field problems.
	Rule model.Rule
	Why  string
}

func (p Problem) String() string { return p.Field + ": " + p.Why }

// rule is one row of the field tables: whether the element must carry a
// value, its length, its format and its code values.
type rule struct {
	required bool
	max      int
	pattern  *regexp.Regexp
	codes    []string
}

var (
	digits18   = regexp.MustCompile(`^[0-9]{18}$`)
	customsNo  = regexp.MustCompile(`^[0-9A-Z]{10}$`)
	areaCode   = regexp.MustCompile(`^[0-9]{4}$`)
	code3      = regexp.MustCompile(`^[0-9]{3}$`)
	hs10Code   = regexp.MustCompile(`^[0-9]{10}$`)
	yyyymmdd   = regexp.MustCompile(`^[0-9]{4}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])$`)
	dec19_5    = regexp.MustCompile(`^[0-9]{1,14}(\.[0-9]{1,5})?$`)
	price4     = regexp.MustCompile(`^[0-9]{1,20}(\.[0-9]{1,4})?$`)
	amount2    = regexp.MustCompile(`^[0-9]{1,23}(\.[0-9]{1,2})?$`)
	serial     = regexp.MustCompile(`^[1-9][0-9]{0,8}$`)
	bondInvtNo = regexp.MustCompile(`^QD[0-9]{4}[0-9]{2}[IE][0-9]{9}$`)
	passportNo = regexp.MustCompile(`^Z[0-9]{4}[IE][0-9]{6}[0-9T][0-9]{11}$`)

	// transportModes is cusTrans as far as §9 lists it: letters included
	// (pitfall 3).
	transportModes = strings.Split("0 1 2 3 4 5 6 7 8 9 H T W X Y Z", " ")
	levyModes      = strings.Split("1 2 3 4 5 6 7 8 9", " ")
)

func codes(cs ...string) rule         { return rule{required: true, codes: cs} }
func optCodes(cs ...string) rule      { return rule{codes: cs} }
func text(max int) rule               { return rule{required: true, max: max} }
func optText(max int) rule            { return rule{max: max} }
func format(p *regexp.Regexp) rule    { return rule{required: true, pattern: p} }
func optFormat(p *regexp.Regexp) rule { return rule{pattern: p} }

var (
	uscc    = rule{required: true, max: 18, pattern: model.USCCPattern}
	country = rule{required: true, pattern: code3, codes: values(countryCodes)}
	money   = rule{required: true, pattern: code3, codes: values(currencyCodes)}
)

func values(m map[string]string) []string {
	var out []string
	for _, v := range m {
		out = append(out, v)
	}
	slices.Sort(out)
	return out
}

// The field tables of CUSTOMS_MESSAGES.md §4–6, as rules. Every element a
// message carries has a row here; Check reports one that has none.
var (
	invtHeadRules = map[string]rule{
		"SeqNo": optFormat(digits18), "BondInvtNo": optFormat(bondInvtNo), "ChgTmsCnt": format(regexp.MustCompile(`^[0-9]+$`)),
		"EtpsInnerInvtNo": text(64), "PutrecNo": text(64),
		"BizopEtpsSccd": uscc, "BizopEtpsno": format(customsNo), "BizopEtpsNm": text(512),
		"RvsngdEtpsSccd": uscc, "RcvgdEtpsno": format(customsNo), "RcvgdEtpsNm": text(512),
		"DclEtpsSccd": uscc, "DclEtpsno": format(customsNo), "DclEtpsNm": text(512),
		"InputCreditCode": uscc, "InputCode": format(customsNo), "InputName": text(512), "InputTime": format(yyyymmdd),
		"ImpexpPortcd": format(areaCode), "DclPlcCuscd": format(areaCode),
		"ImpexpMarkcd": codes("I", "E"), "MtpckEndprdMarkcd": codes("I", "E"),
		"SupvModecd": format(areaCode), "TrspModecd": codes(transportModes...), "StshipTrsarvNatcd": country,
		"DclcusFlag": codes("1", "2"), "DclcusTypecd": optCodes("1", "2"), "GenDecFlag": codes("1", "2"),
		"DecType":  optCodes("1", "2", "3", "4", "5", "6", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L", "M", "N", "O", "P", "Q", "R", "S", "T", "U", "V", "X", "Y"),
		"InvtType": codes("0", "1", "3", "4", "5", "6", "7", "8", "9"), "ListType": optCodes("A", "B", "C", "D", "E"),
		"DclTypecd": codes("1", "2", "3"), "IcCardNo": optText(20), "Rmk": optText(4000),
	}
	invtLineRules = map[string]rule{
		"SeqNo": optFormat(digits18), "GdsSeqno": format(serial), "PutrecSeqno": optFormat(serial),
		"GdsMtno": text(32), "Gdecd": format(hs10Code), "GdsNm": text(512), "GdsSpcfModelDesc": text(255),
		"DclUnitcd": format(code3), "LawfUnitcd": format(code3), "DclQty": format(dec19_5), "LawfQty": format(dec19_5),
		"DclUprcAmt": format(price4), "DclTotalAmt": format(amount2), "DclCurrcd": money,
		"Natcd": country, "DestinationNatcd": country, "LvyrlfModecd": codes(levyModes...), "NetWt": format(dec19_5),
		"ModfMarkcd": codes("0", "1", "2", "3"),
	}
	stockHeadRules = map[string]rule{
		"SasStockPreentNo": optFormat(digits18), "SasStockNo": optText(18), "EtpsPreentNo": text(64),
		"ChgTmsCnt": format(regexp.MustCompile(`^[0-9]+$`)), "DclTypecd": codes("1", "2", "3"), "SasDclNo": text(64),
		"MasterCuscd": format(areaCode), "StockTypecd": codes("I", "E"),
		"BusinessTypecd": codes("A", "B", "C", "D", "E", "F", "G", "H", "Y"), "AreainOriactNo": text(64),
		"AreainEtpsSccd": uscc, "AreainEtpsno": format(customsNo), "AreainEtpsNm": text(512),
		"DclEtpsSccd": uscc, "DclEtpsno": format(customsNo), "DclEtpsNm": text(512),
		"InputSccd": uscc, "InputCode": format(customsNo), "InputName": text(512),
		"MtpckEndprdTypecd": codes("I", "E", "R", "S"), "CentralizedDclTypecd": codes("1", "2"),
		"PackageQty": optFormat(serial), "GrossWt": format(dec19_5), "NetWt": format(dec19_5), "DclTime": format(yyyymmdd),
		"Rmk": optText(255),
	}
	stockLineRules = map[string]rule{
		"SasStockSeqno": format(serial), "GdsMtno": text(32), "Gdecd": format(hs10Code), "GdsNm": text(512),
		"GdsSpcfModelDesc": text(255), "DclUnitcd": format(code3), "LawfUnitcd": format(code3), "Natcd": country,
		"DclUprcAmt": format(price4), "DclTotalAmt": format(amount2), "DclCurrcd": money,
		"DclQty": format(dec19_5), "LawfQty": format(dec19_5), "NetWt": format(dec19_5), "LvyrlfModecd": codes(levyModes...),
	}
	passportHeadRules = map[string]rule{
		"SeqNo": optFormat(digits18), "PassportNo": optFormat(passportNo), "EtpsPreentNo": text(64),
		"DclTypecd": codes("1", "3"), "IoTypecd": codes("I", "E"), "PassportTypecd": codes("1", "2", "3", "4", "5", "6", "7"),
		"MasterCuscd": format(areaCode), "AreainOriactNo": optText(64),
		"AreainEtpsSccd": uscc, "AreainEtpsno": format(customsNo), "AreainEtpsNm": text(512),
		"DclEtpsSccd": uscc, "DclEtpsno": format(customsNo), "DclEtpsNm": text(512),
		"InputSccd": uscc, "InputCode": format(customsNo), "InputName": text(512),
		"VehicleNo": text(32), "TotalGrossWt": format(dec19_5), "TotalNetWt": format(dec19_5), "TotalWt": format(dec19_5),
		"DclErConc": text(255), "Rmk": optText(255),
	}
	passportLineRules = map[string]rule{
		"SeqNo": optFormat(digits18), "PassportNo": optFormat(passportNo), "PassportSeqNo": format(serial),
		"GdsMtno": text(32), "Gdecd": format(hs10Code), "GdsNm": text(512), "DclUnitcd": format(code3),
		"DclQty": format(dec19_5), "GrossWt": format(dec19_5), "NetWt": format(dec19_5),
	}
	envelopeRules = map[string]rule{"SysId": text(4), "OperCusRegCode": format(customsNo)}
)

// Check verifies a built message against the field tables: required
// elements present, lengths, formats and code values, and the rules
// between fields the tables state.
func Check(m Message) []Problem {
	var ps []Problem
	switch b := m.body.(type) {
	case *invtMessage:
		ps = append(ps, checkBlock("InvtMessage", -1, b, envelopeRules, "Head", "Lines")...)
		ps = append(ps, checkBlock("InvtHeadType", -1, b.Head, invtHeadRules)...)
		if b.Head.DclcusFlag == "1" && b.Head.DclcusTypecd == "" {
			ps = append(ps, Problem{"InvtHeadType.DclcusTypecd", model.RuleRequired, "is required when DclcusFlag is 1 (报关)"})
		}
		if b.Head.DclcusFlag == "2" && (b.Head.DclcusTypecd != "" || b.Head.GenDecFlag != "2") {
			ps = append(ps, Problem{"InvtHeadType.DclcusTypecd", model.RuleValueMismatch, "must be empty, and GenDecFlag 2, when DclcusFlag is 2 (非报关)"})
		}
		if b.Head.GenDecFlag == "1" && b.Head.DecType == "" {
			ps = append(ps, Problem{"InvtHeadType.DecType", model.RuleRequired, "is required when GenDecFlag is 1 (生成报关单)"})
		}
		ps = append(ps, checkLines("InvtListType", len(b.Lines), func(i int) any { return b.Lines[i] }, invtLineRules)...)
		for i, l := range b.Lines {
			if l.GdsSeqno != i+1 {
				ps = append(ps, Problem{fmt.Sprintf("InvtListType[%d].GdsSeqno", i), model.RuleValueMismatch, "must number the lines 1..n"})
			}
			if l.SeqNo != b.Head.SeqNo {
				ps = append(ps, Problem{fmt.Sprintf("InvtListType[%d].SeqNo", i), model.RuleValueMismatch, "must equal the head's SeqNo"})
			}
		}
	case *stockMessage:
		ps = append(ps, checkBlock("SasStockBsc", -1, b.Head, stockHeadRules)...)
		ps = append(ps, checkLines("SasStockDt", len(b.Lines), func(i int) any { return b.Lines[i] }, stockLineRules)...)
	case *passPortMessage:
		ps = append(ps, checkBlock("PassportHead", -1, b.Head, passportHeadRules)...)
		ps = append(ps, checkLines("PassportList", len(b.Lines), func(i int) any { return b.Lines[i] }, passportLineRules)...)
		if b.Head.PassportTypecd != "6" && len(b.Lines) == 0 {
			ps = append(ps, Problem{"PassportList", model.RuleTooFew, "only an empty vehicle (type 6) has no lines"})
		}
	default:
		ps = append(ps, Problem{"", model.RuleUnknownValue, "not a built message"})
	}
	return ps
}

func checkLines(block string, n int, line func(int) any, rules map[string]rule) []Problem {
	if n == 0 {
		return []Problem{{block, model.RuleTooFew, "at least one line is required"}}
	}
	var ps []Problem
	for i := range n {
		ps = append(ps, checkBlock(block, i, line(i), rules)...)
	}
	return ps
}

// checkBlock checks the string and integer elements of a block struct
// (skipping the named sub-blocks) against rules.
func checkBlock(block string, index int, v any, rules map[string]rule, skip ...string) []Problem {
	rv := reflect.Indirect(reflect.ValueOf(v))
	rt := rv.Type()
	var ps []Problem
	for i := range rt.NumField() {
		f := rt.Field(i)
		if slices.Contains(skip, f.Name) {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("xml"), ",")
		where := block + "." + name
		if index >= 0 {
			where = fmt.Sprintf("%s[%d].%s", block, index, name)
		}
		var val string
		switch fv := rv.Field(i); fv.Kind() {
		case reflect.String:
			val = fv.String()
		case reflect.Int:
			val = strconv.FormatInt(fv.Int(), 10)
		default:
			continue
		}
		r, ok := rules[name]
		if !ok {
			ps = append(ps, Problem{where, model.RuleUnknownValue, "has no row in the field tables"})
			continue
		}
		if kind, why := r.check(val); why != "" {
			ps = append(ps, Problem{where, kind, why})
		}
	}
	return ps
}

func (r rule) check(v string) (model.Rule, string) {
	switch {
	case v == "" && r.required:
		return model.RuleRequired, "is required"
	case v == "":
		return "", ""
	case r.max > 0 && utf8.RuneCountInString(v) > r.max:
		return model.RuleTooLong, fmt.Sprintf("is longer than %d characters", r.max)
	case r.pattern != nil && !r.pattern.MatchString(v):
		return model.RulePattern, fmt.Sprintf("%q does not match %s", v, r.pattern)
	case len(r.codes) > 0 && !slices.Contains(r.codes, v):
		return model.RuleUnknownValue, fmt.Sprintf("%q is not one of the codes %s", v, strings.Join(r.codes, ","))
	}
	return "", ""
}
