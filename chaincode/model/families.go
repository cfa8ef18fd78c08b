package model

// FamilyInfo is what the zone knows about a document family: the prefix of
// its document numbers and its Chinese name (receipts, messages).
type FamilyInfo struct {
	Prefix string
	NameZh string
}

var familyInfo = map[Family]FamilyInfo{
	FamilyWarehouseReceipt:     {"JB", "集报出入库单"},
	FamilyBondedTransfer:       {"BL", "保税区内流转出入库单"},
	FamilyNonBondedApplication: {"FS", "非保税进出区申请单"},
	FamilyNonBondedTransfer:    {"FL", "非保税区内流转单"},
	FamilyChecklist:            {"HZ", "核注清单"},
	FamilyGateRegistration:     {"KK", "便捷进出区登记单"},
}

// InfoOf returns the table entry of a family; false for an unknown family.
func InfoOf(f Family) (FamilyInfo, bool) {
	i, ok := familyInfo[f]
	return i, ok
}

// KnownFamily reports whether f is one of Families.
func KnownFamily(f Family) bool {
	_, ok := familyInfo[f]
	return ok
}

// IsDocumentID reports whether id is a document number of one of the
// families: its prefix, a date and 8 characters of [0-9A-Z].
func IsDocumentID(id string) bool {
	if !DocumentIDPattern.MatchString(id) {
		return false
	}
	for _, info := range familyInfo {
		if id[:2] == info.Prefix {
			return true
		}
	}
	return false
}

// Leg says which declaration of a two-party transfer a document is.
type Leg string

const (
	LegNone Leg = ""
	LegOut  Leg = "out" // the transferor's, naming the transferee
	LegIn   Leg = "in"  // the transferee's, receiving an approved out leg
)

// DocumentRule is what a family × business type does: where its goods come
// from and go to, when they move, who reviews it, whether it may be deleted on
// this platform and which head fields a declaration needs. The table below is
// the whole of the movement policy (chaincode/contract/API.md explains it for
// people).
type DocumentRule struct {
	Kind MovementKind // "" when the document moves nothing
	// From / To are the bonded status of the source and destination
	// holdings; nil means outside the zone (entry source, exit destination).
	From, To *bool
	// Gate means the goods move only once they physically crossed the gate.
	Gate bool
	// Platform means customs reviews it here; otherwise customs' own system
	// approves it and we learn the outcome from its receipts.
	Platform bool
	Leg      Leg
	// Consolidated documents are deleted offline through customs.
	Consolidated bool
	// RequiredHead names the head fields (JSON names) a declaration needs.
	RequiredHead []string
}

// Head field names, as in DocumentHead's JSON.
const (
	HeadCounterparty = "counterpartyId"
	HeadLinked       = "linkedDocumentId"
	HeadAccountBook  = "accountBookNo"
	HeadSupervision  = "supervisionMode"
	HeadTransport    = "transportMode"
	HeadPort         = "portCode"
	HeadCountry      = "tradeCountry"
	HeadOwner        = "owner"
	HeadCarrier      = "carrier"
	HeadVehicle      = "vehiclePlate"
	HeadPlannedDate  = "plannedDate"
	HeadNote         = "note"
)

var (
	bonded    = func() *bool { b := true; return &b }()
	nonBonded = func() *bool { b := false; return &b }()
)

var checklistHead = []string{HeadAccountBook, HeadSupervision, HeadTransport, HeadPort, HeadCountry}

var documentRules = map[Family]map[BusinessType]DocumentRule{
	FamilyWarehouseReceipt: {
		BusinessIn:  {Kind: MoveZoneEntry, To: bonded, Gate: true, Consolidated: true, RequiredHead: []string{HeadAccountBook}},
		BusinessOut: {Kind: MoveZoneExit, From: bonded, Gate: true, Consolidated: true, RequiredHead: []string{HeadAccountBook}},
	},
	FamilyBondedTransfer: {
		BusinessOut: {Kind: MoveTransfer, From: bonded, To: bonded, Platform: true, Leg: LegOut,
			RequiredHead: []string{HeadCounterparty, HeadAccountBook}},
		BusinessIn: {Platform: true, Leg: LegIn, RequiredHead: []string{HeadLinked, HeadAccountBook}},
	},
	FamilyNonBondedApplication: {
		BusinessEntry: {Kind: MoveZoneEntry, To: nonBonded, Gate: true, Platform: true, RequiredHead: []string{HeadVehicle, HeadPlannedDate}},
		BusinessExit:  {Kind: MoveZoneExit, From: nonBonded, Gate: true, Platform: true, RequiredHead: []string{HeadVehicle, HeadPlannedDate}},
	},
	FamilyNonBondedTransfer: {
		BusinessOut: {Kind: MoveTransfer, From: nonBonded, To: nonBonded, Platform: true, Leg: LegOut,
			RequiredHead: []string{HeadCounterparty}},
		BusinessIn: {Platform: true, Leg: LegIn, RequiredHead: []string{HeadLinked}},
	},
	FamilyChecklist: {
		BusinessEntry:        {Kind: MoveZoneEntry, To: bonded, Gate: true, RequiredHead: checklistHead},
		BusinessExit:         {Kind: MoveZoneExit, From: bonded, Gate: true, RequiredHead: checklistHead},
		BusinessConversion:   {Kind: MoveConversion, From: bonded, To: nonBonded, RequiredHead: []string{HeadAccountBook, HeadSupervision}},
		BusinessConsolidated: {Consolidated: true, RequiredHead: []string{HeadAccountBook, HeadSupervision}},
		BusinessTransfer:     {RequiredHead: []string{HeadAccountBook, HeadSupervision}},
	},
	// Gate registrations (卡口登记) are declared to customs' own system, as a
	// gate pass of type 5 (卡口登记货物), and synchronised here (tender:
	// 便捷进出区申报); their approval arrives as an SAS221 receipt.
	FamilyGateRegistration: {
		BusinessEntry: {Kind: MoveZoneEntry, To: nonBonded, Gate: true, RequiredHead: []string{HeadVehicle, HeadCarrier}},
		BusinessExit:  {Kind: MoveZoneExit, From: nonBonded, Gate: true, RequiredHead: []string{HeadVehicle, HeadCarrier}},
	},
}

// RuleOf returns the rule of family × businessType; false means the pair is
// not a document the zone knows. RequiredHead is a copy.
func RuleOf(f Family, bt BusinessType) (DocumentRule, bool) {
	r, ok := documentRules[f][bt]
	r.RequiredHead = append([]string(nil), r.RequiredHead...)
	return r, ok
}

// HeadFields lists every text field of a document head with where it
// lives, in the order of the Excel head sheet.
var HeadFields = []struct {
	Key string
	Ref func(*DocumentHead) *string
}{
	{HeadCounterparty, func(h *DocumentHead) *string { return &h.CounterpartyID }},
	{HeadLinked, func(h *DocumentHead) *string { return &h.LinkedDocumentID }},
	{HeadAccountBook, func(h *DocumentHead) *string { return &h.AccountBookNo }},
	{HeadSupervision, func(h *DocumentHead) *string { return &h.SupervisionMode }},
	{HeadTransport, func(h *DocumentHead) *string { return &h.TransportMode }},
	{HeadPort, func(h *DocumentHead) *string { return &h.PortCode }},
	{HeadCountry, func(h *DocumentHead) *string { return &h.TradeCountry }},
	{HeadOwner, func(h *DocumentHead) *string { return &h.Owner }},
	{HeadCarrier, func(h *DocumentHead) *string { return &h.Carrier }},
	{HeadVehicle, func(h *DocumentHead) *string { return &h.VehiclePlate }},
	{HeadPlannedDate, func(h *DocumentHead) *string { return &h.PlannedDate }},
	{HeadNote, func(h *DocumentHead) *string { return &h.Note }},
}

// DocumentDeclaration is the documentJSON argument of DeclareDocument: what
// a declarant says; the chaincode adds the declarant, status and history.
type DocumentDeclaration struct {
	ID           string         `json:"id"`
	Family       Family         `json:"family"`
	BusinessType BusinessType   `json:"businessType"`
	Head         DocumentHead   `json:"head"`
	Lines        []DocumentLine `json:"lines"`
}
