package contract

import (
	"regexp"

	"zonetrace/chaincode/model"
)

// docRule is what a family × business type does: where its goods come from
// and go to, when they move, who reviews it and whether it may be deleted on
// this platform. The table below is the whole of the movement policy
// (chaincode/contract/API.md explains it for people).
type docRule struct {
	kind model.MovementKind // "" when the document moves nothing
	// from / to are the bonded status of the source and destination
	// holdings; nil means outside the zone (entry source, exit destination).
	from, to *bool
	// gate means the goods move only once they physically crossed the gate.
	gate bool
	// platform means customs reviews it here; otherwise customs' own system
	// approves it and we learn the outcome from its receipts.
	platform bool
	// leg is "out" or "in" for the two declarations of a transfer.
	leg string
	// consolidated documents are deleted offline through customs.
	consolidated bool
}

var (
	bonded    = func() *bool { b := true; return &b }()
	nonBonded = func() *bool { b := false; return &b }()
)

var docRules = map[model.Family]map[model.BusinessType]docRule{
	model.FamilyWarehouseReceipt: {
		model.BusinessIn:  {kind: model.MoveZoneEntry, to: bonded, gate: true, consolidated: true},
		model.BusinessOut: {kind: model.MoveZoneExit, from: bonded, gate: true, consolidated: true},
	},
	model.FamilyBondedTransfer: {
		model.BusinessOut: {kind: model.MoveTransfer, from: bonded, to: bonded, platform: true, leg: "out"},
		model.BusinessIn:  {platform: true, leg: "in"},
	},
	model.FamilyNonBondedApplication: {
		model.BusinessEntry: {kind: model.MoveZoneEntry, to: nonBonded, gate: true, platform: true},
		model.BusinessExit:  {kind: model.MoveZoneExit, from: nonBonded, gate: true, platform: true},
	},
	model.FamilyNonBondedTransfer: {
		model.BusinessOut: {kind: model.MoveTransfer, from: nonBonded, to: nonBonded, platform: true, leg: "out"},
		model.BusinessIn:  {platform: true, leg: "in"},
	},
	model.FamilyChecklist: {
		model.BusinessEntry:        {kind: model.MoveZoneEntry, to: bonded, gate: true},
		model.BusinessExit:         {kind: model.MoveZoneExit, from: bonded, gate: true},
		model.BusinessConversion:   {kind: model.MoveConversion, from: bonded, to: nonBonded},
		model.BusinessConsolidated: {consolidated: true},
		model.BusinessTransfer:     {},
	},
	model.FamilyGateRegistration: {
		model.BusinessEntry: {kind: model.MoveZoneEntry, to: nonBonded, gate: true, platform: true},
		model.BusinessExit:  {kind: model.MoveZoneExit, from: nonBonded, gate: true, platform: true},
	},
}

// familyPrefixes are the first two characters of a document number.
var familyPrefixes = map[model.Family]string{
	model.FamilyWarehouseReceipt:     "JB",
	model.FamilyBondedTransfer:       "BL",
	model.FamilyNonBondedApplication: "FS",
	model.FamilyNonBondedTransfer:    "FL",
	model.FamilyChecklist:            "HZ",
	model.FamilyGateRegistration:     "KK",
}

// familyNames are the Chinese names used in receipts.
var familyNames = map[model.Family]string{
	model.FamilyWarehouseReceipt:     "集报出入库单",
	model.FamilyBondedTransfer:       "保税区内流转出入库单",
	model.FamilyNonBondedApplication: "非保税进出区申请单",
	model.FamilyNonBondedTransfer:    "非保税区内流转单",
	model.FamilyChecklist:            "核注清单",
	model.FamilyGateRegistration:     "便捷进出区登记单",
}

var documentIDPattern = regexp.MustCompile(`^[A-Z]{2}[0-9]{8}[0-9A-Z]{8}$`)

func ruleOf(d *model.Document) (docRule, bool) {
	r, ok := docRules[d.Family][d.BusinessType]
	return r, ok
}
