package model

import (
	"fmt"
	"math/big"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"zonetrace/chaincode/tracecode"
)

// TextRule says what a text field may hold.
type TextRule struct {
	Max      int
	Required bool
	// MultiLine fields (notes, reasons) may hold line breaks and tabs.
	MultiLine bool
}

// Text rules of the fields of the model.
var (
	SingleLine         = TextRule{Max: MaxTextLength}
	RequiredSingleLine = TextRule{Max: MaxTextLength, Required: true}
	Note               = TextRule{Max: MaxNoteLength, MultiLine: true}
	RequiredNote       = TextRule{Max: MaxNoteLength, Required: true, MultiLine: true}
)

// CheckText checks one text field. Every text the ledger stores passes here:
// it must be valid UTF-8 without control characters (C0, DEL, C1; a
// multi-line field may hold \n, \r and \t), since a NUL or broken UTF-8 on
// chain would be refused by every store downstream (PostgreSQL rejects
// both), for good.
func CheckText(field, value string, r TextRule) Problems {
	var ps Problems
	if !utf8.ValidString(value) {
		ps.Add(field, RuleInvalidUTF8, nil)
		return ps
	}
	position := 0
	for _, c := range value {
		position++
		if isControl(c, r.MultiLine) {
			ps.Add(field, RuleControlCharacter, Params{"position": position})
			break
		}
	}
	switch {
	case r.Required && strings.TrimSpace(value) == "":
		ps.Add(field, RuleRequired, nil)
	case r.Max > 0 && position > r.Max:
		ps.Add(field, RuleTooLong, Params{"max": r.Max})
	}
	return ps
}

func isControl(c rune, multiLine bool) bool {
	if multiLine && (c == '\n' || c == '\r' || c == '\t') {
		return false
	}
	return c < 0x20 || c >= 0x7f && c <= 0x9f
}

// checkPattern checks a required value of a named format; ok reports the
// value's format is right.
func checkPattern(ps *Problems, field, value, format string, ok func(string) bool) {
	switch {
	case value == "":
		ps.Add(field, RuleRequired, nil)
	case !ok(value):
		ps.Add(field, RulePattern, Params{"format": format})
	}
}

// checkOptionalPattern checks a value of a named format that may be empty.
func checkOptionalPattern(ps *Problems, field, value, format string, ok func(string) bool) {
	if value != "" && !ok(value) {
		ps.Add(field, RulePattern, Params{"format": format})
	}
}

func isDate(v string) bool {
	_, err := time.Parse(time.DateOnly, v)
	return err == nil
}

// checkAmount checks a required positive quantity: zero means missing.
func checkAmount(ps *Problems, field string, v, maximum int64) {
	switch {
	case v == 0:
		ps.Add(field, RuleRequired, nil)
	case v < 0 || v > maximum:
		ps.Add(field, RuleOutOfRange, Params{"min": 1, "max": maximum})
	}
}

// checkRange checks an optional quantity that may be zero.
func checkRange(ps *Problems, field string, v, maximum int64) {
	if v < 0 || v > maximum {
		ps.Add(field, RuleOutOfRange, Params{"min": 0, "max": maximum})
	}
}

// CheckAttachments checks the attachment references of a declaration.
func CheckAttachments(field string, as []Attachment) Problems {
	var ps Problems
	if len(as) > MaxAttachments {
		ps.Add(field, RuleTooMany, Params{"max": MaxAttachments})
	}
	for i, a := range as {
		f := fmt.Sprintf("%s[%d]", field, i)
		if !slices.Contains(AttachmentKinds, a.Kind) {
			ps.Add(f+".kind", RuleUnknownValue, nil)
		}
		ps = append(ps, CheckText(f+".name", a.Name, RequiredSingleLine)...)
		checkPattern(&ps, f+".sha256", a.SHA256, FormatSHA256, SHA256Pattern.MatchString)
		if a.Size <= 0 || a.Size > MaxAttachmentBytes {
			ps.Add(f+".size", RuleOutOfRange, Params{"min": 1, "max": MaxAttachmentBytes})
		}
	}
	return ps
}

// CheckPrefilingData checks format and completeness of a prefiling: what
// DeclarePrefiling refuses and a prefiling draft warns about.
func CheckPrefilingData(d PrefilingData) Problems {
	var ps Problems
	ps = append(ps, CheckText("commodity", d.Commodity, RequiredSingleLine)...)
	ps = append(ps, CheckText("productName", d.ProductName, RequiredSingleLine)...)
	checkPattern(&ps, "hsCode", d.HSCode, FormatHSCode, HSCodePattern.MatchString)
	checkPattern(&ps, "origin", d.Origin, FormatCountry, IsCountry)
	ps = append(ps, CheckText("exporterName", d.ExporterName, RequiredSingleLine)...)
	ps = append(ps, CheckText("exporterRegNo", d.ExporterRegNo, SingleLine)...)
	batch := SingleLine
	batch.Required = d.QuarantineResult == QuarantineQualified || d.QuarantineResult == QuarantineUnqualified
	ps = append(ps, CheckText("quarantineBatchNo", d.QuarantineBatchNo, batch)...)
	switch {
	case d.QuarantineResult == "":
		ps.Add("quarantineResult", RuleRequired, nil)
	case !slices.Contains(QuarantineResults, d.QuarantineResult):
		ps.Add("quarantineResult", RuleUnknownValue, nil)
	}
	checkAmount(&ps, "avgPriceFen", d.AvgPriceFen, MaxPriceFen)
	checkPattern(&ps, "currency", d.Currency, FormatCurrency, IsCurrency)
	checkAmount(&ps, "weightGrams", d.WeightGrams, MaxWeightGrams)
	ps = append(ps, CheckText("grade", d.Grade, SingleLine)...)
	ps = append(ps, CheckText("plantingRegion", d.PlantingRegion, SingleLine)...)
	checkOptionalPattern(&ps, "productionDate", d.ProductionDate, FormatDate, isDate)
	checkRange(&ps, "shelfLifeDays", int64(d.ShelfLifeDays), MaxShelfLifeDays)
	ps = append(ps, CheckText("materialNo", d.MaterialNo, SingleLine)...)
	ps = append(ps, CheckText("batchNo", d.BatchNo, SingleLine)...)
	ps = append(ps, CheckText("entryDraftNo", d.EntryDraftNo, SingleLine)...)
	ps = append(ps, CheckAttachments("attachments", d.Attachments)...)
	return ps
}

// CheckSupplement checks format and completeness of a supplement (补录入):
// consistency with the original declaration is customs' call when reviewing.
func CheckSupplement(s SupplementData) Problems {
	var ps Problems
	ps = append(ps, CheckText("quarantineBatchNo", s.QuarantineBatchNo, RequiredSingleLine)...)
	switch s.QuarantineResult {
	case QuarantineQualified, QuarantineUnqualified:
	case "":
		ps.Add("quarantineResult", RuleRequired, nil)
	default: // pending is no outcome to supplement
		ps.Add("quarantineResult", RuleUnknownValue, nil)
	}
	checkOptionalPattern(&ps, "quarantineDate", s.QuarantineDate, FormatDate, isDate)
	ps = append(ps, CheckText("note", s.Note, Note)...)
	ps = append(ps, CheckAttachments("attachments", s.Attachments)...)
	return ps
}

// CheckDocumentID checks a document number against its family's prefix.
func CheckDocumentID(field, id string, f Family) Problems {
	var ps Problems
	info, _ := InfoOf(f)
	checkPattern(&ps, field, id, FormatDocumentID, func(v string) bool {
		return DocumentIDPattern.MatchString(v) && info.Prefix != "" && v[:2] == info.Prefix
	})
	return ps
}

// CheckDocument checks what a declaration says about itself: everything
// DeclareDocument refuses before it looks at the ledger.
func CheckDocument(d DocumentDeclaration) Problems {
	ps := CheckDocumentID("id", d.ID, d.Family)
	return append(ps, CheckDocumentContent(d.Family, d.BusinessType, d.Head, d.Lines)...)
}

// CheckDocumentContent is CheckDocument without the number, which a draft
// gets only when it is declared.
func CheckDocumentContent(f Family, bt BusinessType, head DocumentHead, lines []DocumentLine) Problems {
	var ps Problems
	rule, ok := RuleOf(f, bt)
	switch {
	case !KnownFamily(f):
		ps.Add("family", RuleUnknownValue, nil)
	case !ok:
		ps.Add("businessType", RuleUnknownValue, nil)
	}
	ps = append(ps, CheckHead(head, rule.RequiredHead, f)...)
	switch {
	case len(lines) == 0:
		ps.Add("lines", RuleTooFew, Params{"min": 1})
	case len(lines) > MaxLines:
		ps.Add("lines", RuleTooMany, Params{"max": MaxLines})
	}
	for i, l := range lines {
		ps = append(ps, CheckLine(fmt.Sprintf("lines[%d]", i), l)...)
	}
	return ps
}

// CheckHead checks a document head: text, formats and the head fields the
// family × business type requires.
func CheckHead(h DocumentHead, required []string, f Family) Problems {
	var ps Problems
	for _, hf := range HeadFields {
		field, value := "head."+hf.Key, *hf.Ref(&h)
		r := SingleLine
		if hf.Key == HeadNote {
			r = Note
		}
		r.Required = slices.Contains(required, hf.Key)
		text := CheckText(field, value, r)
		ps = append(ps, text...)
		if len(text) > 0 || value == "" {
			continue
		}
		switch hf.Key {
		case HeadCounterparty:
			checkOptionalPattern(&ps, field, value, FormatUSCC, USCCPattern.MatchString)
		case HeadLinked:
			ps = append(ps, CheckDocumentID(field, value, f)...)
		case HeadCountry:
			checkOptionalPattern(&ps, field, value, FormatCountry, IsCountry)
		case HeadPlannedDate:
			checkOptionalPattern(&ps, field, value, FormatDate, isDate)
		}
	}
	return ps
}

// CheckLine checks one goods line; prefix names it in problems
// ("lines[3]"; "" gives bare field names).
func CheckLine(prefix string, l DocumentLine) Problems {
	name := func(key string) string {
		if prefix == "" {
			return key
		}
		return prefix + "." + key
	}
	var ps Problems
	if text := CheckText(name("traceCode"), l.TraceCode, RequiredSingleLine); len(text) > 0 {
		ps = append(ps, text...)
	} else if !tracecode.Valid(l.TraceCode) {
		ps.Add(name("traceCode"), RulePattern, Params{"format": FormatTraceCode})
	}
	ps = append(ps, CheckText(name("materialNo"), l.MaterialNo, SingleLine)...)
	ps = append(ps, CheckText(name("productName"), l.ProductName, RequiredSingleLine)...)
	checkPattern(&ps, name("hsCode"), l.HSCode, FormatHSCode, HSCodePattern.MatchString)
	checkPattern(&ps, name("origin"), l.Origin, FormatCountry, IsCountry)
	checkAmount(&ps, name("weightGrams"), l.WeightGrams, MaxWeightGrams)
	checkRange(&ps, name("unitPriceFen"), l.UnitPriceFen, MaxPriceFen)
	checkRange(&ps, name("valueFen"), l.ValueFen, MaxValueFen)
	checkPattern(&ps, name("currency"), l.Currency, FormatCurrency, IsCurrency)
	checkRange(&ps, name("packages"), l.Packages, MaxPackages)
	if len(ps) == 0 {
		ps = append(ps, CheckLineValue(name("valueFen"), l)...)
	}
	return ps
}

// CheckLineValue checks that a line's value agrees with its weight and unit
// price. The unit price is per kilogram and weights are grams, so the exact
// value is weightGrams × unitPriceFen / 1000 fen. A declared value may differ
// from it by the rounding of both numbers: one fen for rounding the value
// itself, plus half a fen per kilogram for a unit price rounded to whole fen
// (a value 864,000.00 for 19,200 kg gives 45.00 per kg exactly, but 1,000.00
// for 3 kg gives 333.33 per kg). In integers:
//
//	2 × |1000 × valueFen − weightGrams × unitPriceFen| ≤ 2000 + weightGrams
//
// The arithmetic is exact (big integers), so no weight or price overflows.
func CheckLineValue(field string, l DocumentLine) Problems {
	exact := new(big.Int).Mul(big.NewInt(l.WeightGrams), big.NewInt(l.UnitPriceFen))
	diff := new(big.Int).Sub(new(big.Int).Mul(big.NewInt(l.ValueFen), big.NewInt(1000)), exact)
	diff.Abs(diff).Lsh(diff, 1)
	limit := big.NewInt(2000 + l.WeightGrams)
	if diff.Cmp(limit) <= 0 {
		return nil
	}
	expected := new(big.Int).Quo(exact.Add(exact, big.NewInt(500)), big.NewInt(1000))
	var ps Problems
	ps.Add(field, RuleValueMismatch, Params{"expectedFen": expected.String(), "toleranceFen": 1 + l.WeightGrams/2000})
	return ps
}

// CheckEnterprise checks an enterprise's registration.
func CheckEnterprise(e Enterprise) Problems {
	var ps Problems
	if text := CheckText("id", e.ID, RequiredSingleLine); len(text) > 0 {
		ps = append(ps, text...)
	} else if !USCCPattern.MatchString(e.ID) {
		ps.Add("id", RulePattern, Params{"format": FormatUSCC})
	}
	ps = append(ps, CheckText("name", e.Name, RequiredSingleLine)...)
	if !slices.Contains(EnterpriseKinds, e.Kind) {
		ps.Add("kind", RuleUnknownValue, nil)
	}
	if text := CheckText("customsCode", e.CustomsCode, TextRule{Max: MaxCustomsCodeLength}); len(text) > 0 {
		ps = append(ps, text...)
	} else if e.CustomsCode != "" && !CustomsCodePattern.MatchString(e.CustomsCode) {
		ps.Add("customsCode", RulePattern, Params{"format": FormatCustomsCode})
	}
	return ps
}

// CheckExternalReceipt checks a customs receipt's type and text; which
// results are known is the contract's business.
func CheckExternalReceipt(r ExternalReceipt) Problems {
	var ps Problems
	ps = append(ps, CheckText("id", r.ID, RequiredSingleLine)...)
	if !slices.Contains(ReceiptMessageTypes, r.MessageType) {
		ps.Add("messageType", RuleUnknownValue, nil)
	}
	ps = append(ps, CheckText("customsNo", r.CustomsNo, SingleLine)...)
	ps = append(ps, CheckText("manageResult", r.ManageResult, RequiredSingleLine)...)
	ps = append(ps, CheckText("manageDate", r.ManageDate, RequiredSingleLine)...)
	ps = append(ps, CheckText("note", r.Note, TextRule{Max: MaxReceiptNoteLength, MultiLine: true})...)
	switch r.DeclarationType {
	case "", DeclarationFiling:
	case DeclarationChange, DeclarationDeletion:
		// Only the approval receipts answer changes and deletions.
		if !slices.Contains(CorrectionMessageTypes, r.MessageType) {
			ps.Add("declarationType", RuleUnknownValue, nil)
		}
	default:
		ps.Add("declarationType", RuleUnknownValue, nil)
	}
	if len(r.Lines) > 0 && r.DeclarationType != DeclarationChange {
		ps.Add("lines", RuleTooMany, Params{"max": 0})
	}
	if len(r.Lines) > MaxLines {
		ps.Add("lines", RuleTooMany, Params{"max": MaxLines})
		return ps
	}
	seen := map[int]bool{}
	for i, l := range r.Lines {
		f := fmt.Sprintf("lines[%d]", i)
		if l.Seq < 1 || l.Seq > MaxLines {
			ps.Add(f+".seq", RuleOutOfRange, Params{"min": 1, "max": MaxLines})
		} else if seen[l.Seq] {
			ps.Add(f+".seq", RuleDuplicate, Params{"value": l.Seq})
		}
		seen[l.Seq] = true
		if l.WeightGrams < 1 || l.WeightGrams > MaxWeightGrams {
			ps.Add(f+".weightGrams", RuleOutOfRange, Params{"min": 1, "max": MaxWeightGrams})
		}
	}
	return ps
}

// CheckDecision checks a review decision and its reason: the decisions
// that need a reason (a return, a rejection) are listed in needReason.
func CheckDecision(decision, reason string, allowed, needReason []string) Problems {
	var ps Problems
	if !slices.Contains(allowed, decision) {
		ps.Add("decision", RuleUnknownValue, nil)
	}
	r := Note
	r.Required = slices.Contains(needReason, decision)
	return append(ps, CheckText("reason", reason, r)...)
}
