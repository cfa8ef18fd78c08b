// Package basicdata keeps the basic data of the external trade platform
// (tender functions 38–52): supplier relations, enterprise information, HS
// codes, account books (账册) and declaration forms (报关单). A sync pulls
// each data set through a connector (gateway/basicdata/connector), checks
// every record of a delivery, and upserts the delivery whole or not at all,
// counting what was added, changed, unchanged and removed in the sync log.
// Syncs run as River jobs (internal/jobs): on a schedule and on "sync now".
// Drafts are checked against the HS codes and account books (Checker); an
// in-draft of a transfer gets the transferee's bonded account book
// (AccountBooks.InDraftBook).
//
// It is a cache of data kept elsewhere, so it lives in PostgreSQL, off
// chain (migration 00022).
package basicdata

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"zonetrace/chaincode/model"
)

// The data sets, in the order a sync pulls them.
const (
	Suppliers    = "suppliers"
	Enterprises  = "enterprises"
	HSCodes      = "hs_codes"
	AccountBooks = "account_books"
	Declarations = "declarations"
)

// Datasets lists every data set.
var Datasets = []string{Suppliers, Enterprises, HSCodes, AccountBooks, Declarations}

// KnownDataset reports whether name is a data set.
func KnownDataset(name string) bool { return slices.Contains(Datasets, name) }

// Supplier is a supplier relation: a zone enterprise buys from a supplier.
type Supplier struct {
	EnterpriseID string `json:"enterpriseId"`
	SupplierCode string `json:"supplierCode"`
	SupplierName string `json:"supplierName"`
	// Country is the supplier's ISO 3166-1 alpha-2 country, when known.
	Country string `json:"country,omitempty"`
	Status  string `json:"status"` // active | inactive
}

// Enterprise is an enterprise's registration on the platform.
type Enterprise struct {
	CreditCode  string `json:"creditCode"`
	CustomsCode string `json:"customsCode,omitempty"`
	Name        string `json:"name"`
	// Type is the platform's enterprise type (进出口企业, 加工企业, 物流企业 …).
	Type    string `json:"type"`
	Contact string `json:"contact,omitempty"`
	Phone   string `json:"phone,omitempty"`
}

// HSCode is a 10-digit commodity code of the customs tariff with its legal
// unit and validity; ValidTo empty is open-ended.
type HSCode struct {
	Code      string `json:"code"`
	Name      string `json:"name"`
	Unit      string `json:"unit"`
	ValidFrom string `json:"validFrom"`
	ValidTo   string `json:"validTo,omitempty"`
}

// Account book types and statuses.
const (
	BookBonded     = "bonded"
	BookProcessing = "processing"
	BookActive     = "active"
	BookSuspended  = "suspended"
	BookClosed     = "closed"
)

// AccountBook is an enterprise's customs e-ledger (账册).
type AccountBook struct {
	Number       string `json:"number"`
	EnterpriseID string `json:"enterpriseId"`
	Type         string `json:"type"` // bonded | processing
	ValidFrom    string `json:"validFrom"`
	ValidTo      string `json:"validTo"`
	Status       string `json:"status"` // active | suspended | closed
}

// InForce reports whether the book may be used on day (YYYY-MM-DD).
func (b AccountBook) InForce(day string) bool {
	return b.Status == BookActive && b.ValidFrom <= day && day <= b.ValidTo
}

// Declaration is a customs declaration form (报关单) with its lines.
type Declaration struct {
	Number       string            `json:"number"`
	EnterpriseID string            `json:"enterpriseId"`
	Direction    string            `json:"direction"` // import | export
	Date         string            `json:"date"`
	Lines        []DeclarationLine `json:"lines"`
}

// DeclarationLine is one goods line of a declaration form.
type DeclarationLine struct {
	HSCode      string `json:"hsCode"`
	Name        string `json:"name"`
	WeightGrams int64  `json:"weightGrams"`
	ValueFen    int64  `json:"valueFen"`
	Currency    string `json:"currency"`
}

// MaxDeclarationLines bounds the lines of one declaration form.
const MaxDeclarationLines = 50

// isHSCode10 is the table's code: a declared code (model.HSCodePattern)
// of the full 10 digits, as the tariff lists them.
func isHSCode10(v string) bool { return len(v) == 10 && model.HSCodePattern.MatchString(v) }

// record is a checked record: its key within the data set, its enterprise,
// and its content.
type record struct {
	Key, EnterpriseID string
	Data              any
}

// decode reads and checks one record of dataset; field names it in
// problems ("records[3]").
func decode(dataset, field string, raw json.RawMessage) (record, model.Problems) {
	switch dataset {
	case Suppliers:
		var s Supplier
		if ps := strict(field, raw, &s); ps != nil {
			return record{}, ps
		}
		var ps model.Problems
		ps = append(ps, checkUSCC(field+".enterpriseId", s.EnterpriseID)...)
		ps = append(ps, model.CheckText(field+".supplierCode", s.SupplierCode, model.RequiredSingleLine)...)
		ps = append(ps, model.CheckText(field+".supplierName", s.SupplierName, model.RequiredSingleLine)...)
		ps = append(ps, optionalPattern(field+".country", s.Country, model.FormatCountry, model.IsCountry)...)
		ps = append(ps, oneOf(field+".status", s.Status, "active", "inactive")...)
		return record{Key: s.EnterpriseID + "|" + s.SupplierCode, EnterpriseID: s.EnterpriseID, Data: s}, ps
	case Enterprises:
		var e Enterprise
		if ps := strict(field, raw, &e); ps != nil {
			return record{}, ps
		}
		var ps model.Problems
		ps = append(ps, checkUSCC(field+".creditCode", e.CreditCode)...)
		ps = append(ps, optionalPattern(field+".customsCode", e.CustomsCode, model.FormatCustomsCode, model.CustomsCodePattern.MatchString)...)
		ps = append(ps, model.CheckText(field+".name", e.Name, model.RequiredSingleLine)...)
		ps = append(ps, model.CheckText(field+".type", e.Type, model.RequiredSingleLine)...)
		ps = append(ps, model.CheckText(field+".contact", e.Contact, model.SingleLine)...)
		ps = append(ps, model.CheckText(field+".phone", e.Phone, model.SingleLine)...)
		return record{Key: e.CreditCode, EnterpriseID: e.CreditCode, Data: e}, ps
	case HSCodes:
		var h HSCode
		if ps := strict(field, raw, &h); ps != nil {
			return record{}, ps
		}
		var ps model.Problems
		ps = append(ps, pattern(field+".code", h.Code, model.FormatHSCode, isHSCode10)...)
		ps = append(ps, model.CheckText(field+".name", h.Name, model.RequiredSingleLine)...)
		ps = append(ps, model.CheckText(field+".unit", h.Unit, model.RequiredSingleLine)...)
		ps = append(ps, period(field, h.ValidFrom, h.ValidTo, false)...)
		return record{Key: h.Code, Data: h}, ps
	case AccountBooks:
		var b AccountBook
		if ps := strict(field, raw, &b); ps != nil {
			return record{}, ps
		}
		var ps model.Problems
		ps = append(ps, model.CheckText(field+".number", b.Number, model.RequiredSingleLine)...)
		ps = append(ps, checkUSCC(field+".enterpriseId", b.EnterpriseID)...)
		ps = append(ps, oneOf(field+".type", b.Type, BookBonded, BookProcessing)...)
		ps = append(ps, period(field, b.ValidFrom, b.ValidTo, true)...)
		ps = append(ps, oneOf(field+".status", b.Status, BookActive, BookSuspended, BookClosed)...)
		return record{Key: b.Number, EnterpriseID: b.EnterpriseID, Data: b}, ps
	case Declarations:
		var d Declaration
		if ps := strict(field, raw, &d); ps != nil {
			return record{}, ps
		}
		var ps model.Problems
		ps = append(ps, model.CheckText(field+".number", d.Number, model.RequiredSingleLine)...)
		ps = append(ps, checkUSCC(field+".enterpriseId", d.EnterpriseID)...)
		ps = append(ps, oneOf(field+".direction", d.Direction, "import", "export")...)
		ps = append(ps, date(field+".date", d.Date, true)...)
		if len(d.Lines) > MaxDeclarationLines {
			ps.Add(field+".lines", model.RuleTooMany, model.Params{"max": MaxDeclarationLines})
		}
		for i, l := range d.Lines {
			f := fmt.Sprintf("%s.lines[%d]", field, i)
			ps = append(ps, pattern(f+".hsCode", l.HSCode, model.FormatHSCode, model.HSCodePattern.MatchString)...)
			ps = append(ps, model.CheckText(f+".name", l.Name, model.RequiredSingleLine)...)
			ps = append(ps, pattern(f+".currency", l.Currency, model.FormatCurrency, model.IsCurrency)...)
			if l.WeightGrams < 0 {
				ps.Add(f+".weightGrams", model.RuleOutOfRange, model.Params{"min": 0, "max": model.MaxWeightGrams})
			}
			if l.ValueFen < 0 {
				ps.Add(f+".valueFen", model.RuleOutOfRange, model.Params{"min": 0, "max": model.MaxValueFen})
			}
		}
		if d.Lines == nil {
			d.Lines = []DeclarationLine{}
		}
		return record{Key: d.Number, EnterpriseID: d.EnterpriseID, Data: d}, ps
	}
	return record{}, model.Problems{{Field: "dataset", Rule: model.RuleUnknownValue}}
}

// strict decodes raw into v, refusing unknown fields: a field the platform
// renamed would otherwise arrive empty without a word.
func strict(field string, raw json.RawMessage, v any) model.Problems {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return model.Problems{{Field: field, Rule: model.RuleInvalid}}
	}
	return nil
}

func checkUSCC(field, v string) model.Problems {
	return pattern(field, v, model.FormatUSCC, model.USCCPattern.MatchString)
}

func pattern(field, v, format string, ok func(string) bool) model.Problems {
	if v == "" {
		return model.Problems{{Field: field, Rule: model.RuleRequired}}
	}
	return optionalPattern(field, v, format, ok)
}

func optionalPattern(field, v, format string, ok func(string) bool) model.Problems {
	if v != "" && !ok(v) {
		return model.Problems{{Field: field, Rule: model.RulePattern, Params: model.Params{"format": format}}}
	}
	return nil
}

func oneOf(field, v string, allowed ...string) model.Problems {
	if v == "" {
		return model.Problems{{Field: field, Rule: model.RuleRequired}}
	}
	if !slices.Contains(allowed, v) {
		return model.Problems{{Field: field, Rule: model.RuleUnknownValue}}
	}
	return nil
}

func date(field, v string, required bool) model.Problems {
	if v == "" {
		if required {
			return model.Problems{{Field: field, Rule: model.RuleRequired}}
		}
		return nil
	}
	if _, err := time.Parse(time.DateOnly, v); err != nil {
		return model.Problems{{Field: field, Rule: model.RulePattern, Params: model.Params{"format": model.FormatDate}}}
	}
	return nil
}

// period checks validFrom and validTo of record field; validTo may be open
// unless toRequired.
func period(field, from, to string, toRequired bool) model.Problems {
	ps := append(date(field+".validFrom", from, true), date(field+".validTo", to, toRequired)...)
	if len(ps) == 0 && to != "" && to < from {
		ps.Add(field+".validTo", model.RuleStopBeforeStart, model.Params{"start": from})
	}
	return ps
}
