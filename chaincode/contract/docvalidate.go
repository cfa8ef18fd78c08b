package contract

import (
	"fmt"
	"regexp"
	"slices"

	"zonetrace/chaincode/model"
	"zonetrace/chaincode/tracecode"
)

// maxLines bounds one document; a consolidated declaration of a busy month
// stays well below it.
const maxLines = 5000

var countryPattern = regexp.MustCompile(`^[A-Z]{2}$`)

// validateDocumentShape checks what a document says about itself; whether
// the declarant may move its goods is checked against the ledger afterwards.
func validateDocumentShape(d *model.Document) error {
	var f fieldErrors
	rule, ok := ruleOf(d)
	switch {
	case !slices.Contains(model.Families, d.Family):
		f.addf("family %q is unknown", d.Family)
	case !ok:
		f.addf("business type %q is not one of family %s", d.BusinessType, d.Family)
	}
	if !documentIDPattern.MatchString(d.ID) || d.ID[:2] != familyPrefixes[d.Family] {
		f.addf("id must be %s, 8 digits of date and 8 characters of [0-9A-Z]", familyPrefixes[d.Family])
	}
	h := d.Head
	for _, field := range []struct{ name, value string }{
		{"head.accountBookNo", h.AccountBookNo}, {"head.supervisionMode", h.SupervisionMode},
		{"head.transportMode", h.TransportMode}, {"head.portCode", h.PortCode}, {"head.owner", h.Owner},
		{"head.carrier", h.Carrier}, {"head.vehiclePlate", h.VehiclePlate},
	} {
		checkText(&f, field.name, field.value, false)
	}
	if len([]rune(h.Note)) > 1000 {
		f.addf("head.note must be at most 1000 characters")
	}
	if h.TradeCountry != "" && !countryPattern.MatchString(h.TradeCountry) {
		f.addf("head.tradeCountry must be an ISO 3166-1 alpha-2 code")
	}
	checkDate(&f, "head.plannedDate", h.PlannedDate)
	if rule.leg == "out" && h.CounterpartyID == "" {
		f.addf("head.counterpartyId (the transferee) is required")
	}
	if rule.leg == "in" && h.LinkedDocumentID == "" {
		f.addf("head.linkedDocumentId (the out leg received) is required")
	}
	if len(d.Lines) == 0 || len(d.Lines) > maxLines {
		f.addf("lines: between 1 and %d lines", maxLines)
	}
	for i, l := range d.Lines {
		p := fmt.Sprintf("lines[%d]", i)
		if !tracecode.Valid(l.TraceCode) {
			f.addf("%s.traceCode %q is not a valid trace code", p, l.TraceCode)
		}
		checkText(&f, p+".productName", l.ProductName, true)
		checkText(&f, p+".materialNo", l.MaterialNo, false)
		if !hsCodePattern.MatchString(l.HSCode) {
			f.addf("%s.hsCode must be 8 or 10 digits", p)
		}
		if !originPattern.MatchString(l.Origin) {
			f.addf("%s.origin must be an ISO 3166-1 alpha-2 code", p)
		}
		if l.WeightGrams <= 0 || l.WeightGrams > maxWeightGrams {
			f.addf("%s.weightGrams must be between 1 and %d", p, int64(maxWeightGrams))
		}
		if l.UnitPriceFen < 0 || l.UnitPriceFen > maxPriceFen || l.ValueFen < 0 || l.Packages < 0 {
			f.addf("%s: unitPriceFen, valueFen and packages must not be negative", p)
		}
		if !currencyPattern.MatchString(l.Currency) {
			f.addf("%s.currency must be an ISO 4217 code", p)
		}
	}
	return f.err()
}
