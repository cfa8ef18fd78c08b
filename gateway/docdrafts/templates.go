package docdrafts

import (
	"fmt"

	"zonetrace/chaincode/model"
)

// Stock says how a template's documents move the declarant's stock.
type Stock string

// Stock directions of a template (docs/api.md "movesStock").
const (
	StockIn   Stock = "in"   // adds to a holding (zone entry, transfer in)
	StockOut  Stock = "out"  // takes from a holding, reserving on declaration
	StockNone Stock = "none" // summaries that move nothing themselves
)

// Template is what a draft of one family and business type starts from
// and must hold before it can be declared.
type Template struct {
	Family       model.Family       `json:"family"`
	BusinessType model.BusinessType `json:"businessType"`
	Name         string             `json:"name"`
	NameZh       string             `json:"nameZh"`
	// Head holds the default head fields a new draft gets.
	Head model.DocumentHead `json:"head"`
	// RequiredHead names the head fields (JSON names) declaring needs, from
	// the chaincode's family table (model.RuleOf).
	RequiredHead []string `json:"requiredHead"`
	MovesStock   Stock    `json:"movesStock"`
	// Bonded is the customs status of the goods the document is about (the
	// holding an out document draws on); it picks the balance shown as
	// available for its lines.
	Bonded bool `json:"bonded"`
}

// Supervision modes (监管方式) used as defaults: 5034 区内物流货物, 1200 保税间
// 货物, 0110 一般贸易 (a conversion to non-bonded is a duty-paid import).
var templates = []Template{
	{model.FamilyWarehouseReceipt, model.BusinessIn, "Consolidated warehouse receipt, in", "集报入库单",
		model.DocumentHead{}, nil, StockIn, true},
	{model.FamilyWarehouseReceipt, model.BusinessOut, "Consolidated warehouse receipt, out", "集报出库单",
		model.DocumentHead{}, nil, StockOut, true},
	{model.FamilyBondedTransfer, model.BusinessOut, "Bonded intra-zone transfer, out", "保税区内流转出库单",
		model.DocumentHead{SupervisionMode: "1200"}, nil, StockOut, true},
	{model.FamilyBondedTransfer, model.BusinessIn, "Bonded intra-zone transfer, in", "保税区内流转入库单",
		model.DocumentHead{SupervisionMode: "1200"}, nil, StockIn, true},
	{model.FamilyNonBondedApplication, model.BusinessEntry, "Non-bonded zone entry application", "非保税进区申请单",
		model.DocumentHead{}, nil, StockIn, false},
	{model.FamilyNonBondedApplication, model.BusinessExit, "Non-bonded zone exit application", "非保税出区申请单",
		model.DocumentHead{}, nil, StockOut, false},
	{model.FamilyNonBondedTransfer, model.BusinessOut, "Non-bonded intra-zone transfer, out", "非保税区内流转单（转出）",
		model.DocumentHead{}, nil, StockOut, false},
	{model.FamilyNonBondedTransfer, model.BusinessIn, "Non-bonded formal release", "形式放行单（转入）",
		model.DocumentHead{}, nil, StockIn, false},
	{model.FamilyChecklist, model.BusinessEntry, "Checklist, zone entry", "进区核注清单",
		model.DocumentHead{SupervisionMode: "5034", TransportMode: "2"},
		nil, StockIn, true},
	{model.FamilyChecklist, model.BusinessExit, "Checklist, zone exit", "出区核注清单",
		model.DocumentHead{SupervisionMode: "5034", TransportMode: "2"},
		nil, StockOut, true},
	{model.FamilyChecklist, model.BusinessConsolidated, "Checklist, consolidated", "集报核注清单",
		model.DocumentHead{SupervisionMode: "5034"}, nil, StockNone, true},
	{model.FamilyChecklist, model.BusinessTransfer, "Checklist, intra-zone transfer", "区内流转核注清单",
		model.DocumentHead{SupervisionMode: "1200"}, nil, StockNone, true},
	{model.FamilyChecklist, model.BusinessConversion, "Checklist, bonded to non-bonded", "保税转非保税核注清单",
		model.DocumentHead{SupervisionMode: "0110"}, nil, StockOut, true},
	{model.FamilyGateRegistration, model.BusinessEntry, "Convenient zone entry (gate registration)", "便捷进区登记单",
		model.DocumentHead{}, nil, StockIn, false},
	{model.FamilyGateRegistration, model.BusinessExit, "Convenient zone exit (gate registration)", "便捷出区登记单",
		model.DocumentHead{}, nil, StockOut, false},
}

func init() {
	for i, t := range templates {
		rule, ok := model.RuleOf(t.Family, t.BusinessType)
		if !ok {
			panic(fmt.Sprintf("template %s/%s is not in the chaincode's family table", t.Family, t.BusinessType))
		}
		templates[i].RequiredHead = rule.RequiredHead
	}
}

// Templates returns every template, family by family in model.Families
// order. The slice is a copy.
func Templates() []Template {
	out := make([]Template, len(templates))
	for i, t := range templates {
		t.RequiredHead = append([]string(nil), t.RequiredHead...)
		out[i] = t
	}
	return out
}

// TemplateFor returns the template of family × businessType; false means
// the pair is not a document the zone knows.
func TemplateFor(family model.Family, businessType model.BusinessType) (Template, bool) {
	for _, t := range templates {
		if t.Family == family && t.BusinessType == businessType {
			t.RequiredHead = append([]string(nil), t.RequiredHead...)
			return t, true
		}
	}
	return Template{}, false
}

// WithDefaults fills the head fields h leaves empty from the template.
func (t Template) WithDefaults(h model.DocumentHead) model.DocumentHead {
	for _, f := range headFields {
		if *f.ref(&h) == "" {
			*f.ref(&h) = *f.ref(&t.Head)
		}
	}
	return h
}
