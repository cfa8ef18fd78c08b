package model

// RuleInput is everything a review rule's condition can read: the
// declaration as declared, its lines and the tags the validation models set
// in the same transaction. Names are the expression's (the `expr` tags);
// for a prefiling `document` and `lines` are empty, for a document
// `prefiling` is. It holds no time, no random value and no map, so a
// condition evaluates the same on every endorser and in every replay.
type RuleInput struct {
	Kind         string              `expr:"kind"`
	EnterpriseID string              `expr:"enterpriseId"`
	Prefiling    RulePrefilingInput  `expr:"prefiling"`
	Supplement   RuleSupplementInput `expr:"supplement"`
	Document     RuleDocumentInput   `expr:"document"`
	Lines        []RuleLineInput     `expr:"lines"`
	Tags         []string            `expr:"tags"`
}

// RulePrefilingInput is the declared prefiling (预核申报表单).
type RulePrefilingInput struct {
	Commodity         string   `expr:"commodity"`
	ProductName       string   `expr:"productName"`
	HSCode            string   `expr:"hsCode"`
	Origin            string   `expr:"origin"`
	ExporterName      string   `expr:"exporterName"`
	ExporterRegNo     string   `expr:"exporterRegNo"`
	QuarantineBatchNo string   `expr:"quarantineBatchNo"`
	QuarantineResult  string   `expr:"quarantineResult"`
	AvgPriceFen       int64    `expr:"avgPriceFen"`
	Currency          string   `expr:"currency"`
	WeightGrams       int64    `expr:"weightGrams"`
	Grade             string   `expr:"grade"`
	PlantingRegion    string   `expr:"plantingRegion"`
	ProductionDate    string   `expr:"productionDate"`
	ShelfLifeDays     int64    `expr:"shelfLifeDays"`
	MaterialNo        string   `expr:"materialNo"`
	BatchNo           string   `expr:"batchNo"`
	EntryDraftNo      string   `expr:"entryDraftNo"`
	AttachmentKinds   []string `expr:"attachmentKinds"`
}

// RuleSupplementInput is a declared supplement (补录入).
type RuleSupplementInput struct {
	QuarantineBatchNo string   `expr:"quarantineBatchNo"`
	QuarantineResult  string   `expr:"quarantineResult"`
	QuarantineDate    string   `expr:"quarantineDate"`
	AttachmentKinds   []string `expr:"attachmentKinds"`
}

// RuleDocumentInput is a declared document's head with its totals.
type RuleDocumentInput struct {
	Family           string `expr:"family"`
	BusinessType     string `expr:"businessType"`
	CounterpartyID   string `expr:"counterpartyId"`
	LinkedDocumentID string `expr:"linkedDocumentId"`
	AccountBookNo    string `expr:"accountBookNo"`
	SupervisionMode  string `expr:"supervisionMode"`
	TransportMode    string `expr:"transportMode"`
	PortCode         string `expr:"portCode"`
	TradeCountry     string `expr:"tradeCountry"`
	Owner            string `expr:"owner"`
	Carrier          string `expr:"carrier"`
	VehiclePlate     string `expr:"vehiclePlate"`
	PlannedDate      string `expr:"plannedDate"`
	LineCount        int64  `expr:"lineCount"`
	TotalWeightGrams int64  `expr:"totalWeightGrams"`
	TotalValueFen    int64  `expr:"totalValueFen"`
}

// RuleLineInput is one goods line of a document.
type RuleLineInput struct {
	TraceCode    string `expr:"traceCode"`
	MaterialNo   string `expr:"materialNo"`
	ProductName  string `expr:"productName"`
	HSCode       string `expr:"hsCode"`
	Origin       string `expr:"origin"`
	WeightGrams  int64  `expr:"weightGrams"`
	UnitPriceFen int64  `expr:"unitPriceFen"`
	ValueFen     int64  `expr:"valueFen"`
	Currency     string `expr:"currency"`
	Packages     int64  `expr:"packages"`
}

func attachmentKinds(as []Attachment) []string {
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = a.Kind
	}
	return out
}

// PrefilingRuleInput is the input of a prefiling's review rules.
func PrefilingRuleInput(p *Prefiling) RuleInput {
	d := p.Data
	return RuleInput{
		Kind: string(KindPrefiling), EnterpriseID: p.EnterpriseID, Lines: []RuleLineInput{}, Tags: tagCodes(nil),
		Prefiling: RulePrefilingInput{
			Commodity: d.Commodity, ProductName: d.ProductName, HSCode: d.HSCode, Origin: d.Origin,
			ExporterName: d.ExporterName, ExporterRegNo: d.ExporterRegNo, QuarantineBatchNo: d.QuarantineBatchNo,
			QuarantineResult: string(d.QuarantineResult), AvgPriceFen: d.AvgPriceFen, Currency: d.Currency,
			WeightGrams: d.WeightGrams, Grade: d.Grade, PlantingRegion: d.PlantingRegion,
			ProductionDate: d.ProductionDate, ShelfLifeDays: int64(d.ShelfLifeDays), MaterialNo: d.MaterialNo,
			BatchNo: d.BatchNo, EntryDraftNo: d.EntryDraftNo, AttachmentKinds: attachmentKinds(d.Attachments),
		},
		Supplement: RuleSupplementInput{AttachmentKinds: []string{}},
	}
}

// SupplementRuleInput is the input of a supplement's review rules: the
// prefiling as approved, and the supplement declared.
func SupplementRuleInput(p *Prefiling, s *SupplementData) RuleInput {
	in := PrefilingRuleInput(p)
	in.Kind = string(KindSupplement)
	in.Supplement = RuleSupplementInput{QuarantineBatchNo: s.QuarantineBatchNo, QuarantineResult: string(s.QuarantineResult),
		QuarantineDate: s.QuarantineDate, AttachmentKinds: attachmentKinds(s.Attachments)}
	return in
}

// DocumentRuleInput is the input of a document's review rules.
func DocumentRuleInput(d *Document) RuleInput {
	h := d.Head
	in := RuleInput{
		Kind: string(d.Family), EnterpriseID: d.EnterpriseID, Tags: tagCodes(d.Tags),
		Prefiling:  RulePrefilingInput{AttachmentKinds: []string{}},
		Supplement: RuleSupplementInput{AttachmentKinds: []string{}},
		Document: RuleDocumentInput{
			Family: string(d.Family), BusinessType: string(d.BusinessType), CounterpartyID: h.CounterpartyID,
			LinkedDocumentID: h.LinkedDocumentID, AccountBookNo: h.AccountBookNo, SupervisionMode: h.SupervisionMode,
			TransportMode: h.TransportMode, PortCode: h.PortCode, TradeCountry: h.TradeCountry, Owner: h.Owner,
			Carrier: h.Carrier, VehiclePlate: h.VehiclePlate, PlannedDate: h.PlannedDate, LineCount: int64(len(d.Lines)),
		},
		Lines: make([]RuleLineInput, len(d.Lines)),
	}
	for i, l := range d.Lines {
		in.Lines[i] = RuleLineInput{TraceCode: l.TraceCode, MaterialNo: l.MaterialNo, ProductName: l.ProductName,
			HSCode: l.HSCode, Origin: l.Origin, WeightGrams: l.WeightGrams, UnitPriceFen: l.UnitPriceFen,
			ValueFen: l.ValueFen, Currency: l.Currency, Packages: l.Packages}
		in.Document.TotalWeightGrams += l.WeightGrams
		in.Document.TotalValueFen += l.ValueFen
	}
	return in
}

// tagCodes lists the codes of the tags, each once, in the order set.
func tagCodes(tags []Tag) []string {
	out := []string{}
	for _, t := range tags {
		seen := false
		for _, c := range out {
			seen = seen || c == t.Code
		}
		if !seen {
			out = append(out, t.Code)
		}
	}
	return out
}
