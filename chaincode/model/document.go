package model

// Family is one of the six customs document families of the zone.
type Family string

const (
	// FamilyWarehouseReceipt is the consolidated warehouse receipt
	// (集报出入库单, national message SAS111), in or out.
	FamilyWarehouseReceipt Family = "warehouse_receipt"
	// FamilyBondedTransfer is the bonded intra-zone transfer
	// (保税区内流转出入库单): the transferor's out leg and the transferee's in leg.
	FamilyBondedTransfer Family = "bonded_transfer"
	// FamilyNonBondedApplication is the non-bonded zone entry/exit
	// application (非保税进出区申请单).
	FamilyNonBondedApplication Family = "nonbonded_application"
	// FamilyNonBondedTransfer is the non-bonded intra-zone transfer
	// (非保税区内流转单); its in leg is the formal release (形式放行单).
	FamilyNonBondedTransfer Family = "nonbonded_transfer"
	// FamilyChecklist is the bonded checklist (核注清单, national message
	// INV101): entry, exit, consolidated, intra-zone transfer or conversion.
	FamilyChecklist Family = "checklist"
	// FamilyGateRegistration is convenient entry/exit (便捷进出区/卡口登记).
	FamilyGateRegistration Family = "gate_registration"
)

// Families lists the families in a fixed order.
var Families = []Family{FamilyWarehouseReceipt, FamilyBondedTransfer, FamilyNonBondedApplication,
	FamilyNonBondedTransfer, FamilyChecklist, FamilyGateRegistration}

// BusinessType says what a document does within its family.
type BusinessType string

const (
	BusinessIn           BusinessType = "in"           // 入库 / 转入 / 形式放行
	BusinessOut          BusinessType = "out"          // 出库 / 转出
	BusinessEntry        BusinessType = "entry"        // 进区
	BusinessExit         BusinessType = "exit"         // 出区
	BusinessConsolidated BusinessType = "consolidated" // 集报清单
	BusinessTransfer     BusinessType = "transfer"     // 区内流转清单
	BusinessConversion   BusinessType = "conversion"   // 保税转非保税
)

// DocumentStatus is the status of a declared document. Drafts live off
// chain in the gateway.
type DocumentStatus string

const (
	DocDeclared      DocumentStatus = "declared"      // 已申报，待审核
	DocManualReview  DocumentStatus = "manual_review" // 转人工审核
	DocApproved      DocumentStatus = "approved"      // 审核通过
	DocReturned      DocumentStatus = "returned"      // 退单
	DocEffective     DocumentStatus = "effective"     // 已生效：货物已移动
	DocDeletionAsked DocumentStatus = "deletion_requested"
	DocVoided        DocumentStatus = "voided" // 已删单
)

// DocumentStatuses lists every document status.
var DocumentStatuses = []DocumentStatus{DocDeclared, DocManualReview, DocApproved, DocReturned,
	DocEffective, DocDeletionAsked, DocVoided}

// DocumentHead is the head of a document. Field names are ours; the mapping
// to the national messages (INV101 InvtHeadType, SAS111 SasStockBsc, SAS121
// PassportHead) is in gateway/customsmsg.
type DocumentHead struct {
	// CounterpartyID is the transferee of a transfer (区内流转对方企业).
	CounterpartyID string `json:"counterpartyId,omitempty" metadata:",optional"`
	// LinkedDocumentID is, for an in leg, the out leg it receives.
	LinkedDocumentID string `json:"linkedDocumentId,omitempty" metadata:",optional"`
	// AccountBookNo is the enterprise's customs e-ledger (账册号, putrecNo).
	AccountBookNo   string `json:"accountBookNo,omitempty" metadata:",optional"`
	SupervisionMode string `json:"supervisionMode,omitempty" metadata:",optional"` // 监管方式 supvModecd
	TransportMode   string `json:"transportMode,omitempty" metadata:",optional"`   // 运输方式 trspModecd
	PortCode        string `json:"portCode,omitempty" metadata:",optional"`        // 进出境关别
	TradeCountry    string `json:"tradeCountry,omitempty" metadata:",optional"`    // 起运/运抵国 ISO alpha-2
	Owner           string `json:"owner,omitempty" metadata:",optional"`           // 货主
	Carrier         string `json:"carrier,omitempty" metadata:",optional"`         // 承运人
	VehiclePlate    string `json:"vehiclePlate,omitempty" metadata:",optional"`    // 车牌号
	PlannedDate     string `json:"plannedDate,omitempty" metadata:",optional"`     // YYYY-MM-DD
	Note            string `json:"note,omitempty" metadata:",optional"`
}

// DocumentLine is one goods line. Every line carries the trace code of the
// batch it moves.
type DocumentLine struct {
	Seq          int    `json:"seq"`
	TraceCode    string `json:"traceCode"`
	MaterialNo   string `json:"materialNo,omitempty" metadata:",optional"`
	ProductName  string `json:"productName"`
	HSCode       string `json:"hsCode"`
	Origin       string `json:"origin"`
	WeightGrams  int64  `json:"weightGrams"`
	UnitPriceFen int64  `json:"unitPriceFen"` // per kilogram
	ValueFen     int64  `json:"valueFen"`
	Currency     string `json:"currency"`
	Packages     int64  `json:"packages,omitempty" metadata:",optional"`
}

// Tag is a validation mark customs sees on a document (e.g. 重量异常).
type Tag struct {
	Code   string `json:"code"`
	Reason string `json:"reason"`
	TxID   string `json:"txId"`
	// ConfigVersion is the rule configuration version whose models and
	// parameters set the tag (0: the built-in defaults), or whose catalogue
	// held a manual tag's code.
	ConfigVersion int `json:"configVersion"`
	// Model is the validation model that set the tag; empty for a tag an
	// officer set by hand.
	Model string `json:"model,omitempty" metadata:",optional"`
	// Fields are the offending fields of the declaration, as paths of its
	// wire form ("lines[0].unitPriceFen", "head.vehiclePlate"), so the
	// detail can highlight them.
	Fields []string `json:"fields,omitempty" metadata:",optional"`
	// AddedBy is the officer who set a manual tag (手工打标); nil for a
	// model's tag.
	AddedBy *Actor `json:"addedBy,omitempty" metadata:",optional"`
}

// Tag codes the validation models set by default (ModelSpecs); customs'
// catalogue may bind a model to another tag of its own.
const (
	TagWeightAnomaly           = "WEIGHT_ANOMALY"            // 重量异常: more than the theoretical stock
	TagPriceAnomaly            = "PRICE_ANOMALY"             // 价格异常
	TagOriginMismatch          = "ORIGIN_MISMATCH"           // 原产地不一致
	TagQuarantined             = "QUARANTINED"               // 已检疫
	TagNotQuarantined          = "NOT_QUARANTINED"           // 未检疫
	TagQuarantineBatchMismatch = "QUARANTINE_BATCH_MISMATCH" // 申报批次号与实货不一致
	TagHighValue               = "HIGH_VALUE"                // 有高价值
	TagFlowAnomaly             = "FLOW_ANOMALY"              // 流向异常
	TagTaxAnomaly              = "TAX_ANOMALY"               // 税款征收异常
)

// DocumentStep is one entry of a document's history.
type DocumentStep struct {
	Seq    int            `json:"seq"`
	Action string         `json:"action"`
	Status DocumentStatus `json:"status"`
	Actor  Actor          `json:"actor"`
	TxID   string         `json:"txId"`
	At     string         `json:"at"`
	Reason string         `json:"reason,omitempty" metadata:",optional"`
	// Source is where a status change came from: "platform" for this
	// platform's reviews, or the national message type of an external
	// receipt (INV201, SAS211, SAS223 …).
	Source string `json:"source,omitempty" metadata:",optional"`
	// DecidedBy names the review rule that made this step automatically.
	DecidedBy *RuleRef `json:"decidedBy,omitempty" metadata:",optional"`
}

// Document actions recorded in history.
const (
	DocActionDeclare         = "declare"
	DocActionApprove         = "approve"
	DocActionReturn          = "return"
	DocActionManualReview    = "manual_review"
	DocActionReceipt         = "receipt" // external receipt without a state change
	DocActionGatePass        = "gate_pass"
	DocActionEffective       = "effective"
	DocActionRequestDeletion = "request_deletion"
	DocActionConfirmDeletion = "confirm_deletion"
	DocActionApproveDeletion = "approve_deletion"
	DocActionRejectDeletion  = "reject_deletion"
	DocActionVoid            = "void"
	DocActionTag             = "tag"   // an officer set a manual tag
	DocActionUntag           = "untag" // an officer removed a tag, with a reason
	// DocActionAmend is customs' change (变更) of a checklist, learnt from an
	// INV201 receipt of a change declaration.
	DocActionAmend = "amend"
	// DocActionConsolidate records that a transfer was reported in a
	// consolidated checklist (已集报), or, on the checklist, which
	// transfers it covers.
	DocActionConsolidate = "consolidate"
)

// DeletionRequest tracks the handshake of a deletion (删单).
type DeletionRequest struct {
	Reason          string         `json:"reason"`
	RequestedBy     string         `json:"requestedBy"`
	RequestedAt     string         `json:"requestedAt"`
	PreviousStatus  DocumentStatus `json:"previousStatus"`
	NeedsTransferee bool           `json:"needsTransferee"`
	ConfirmedAt     string         `json:"confirmedAt,omitempty" metadata:",optional"`
	NeedsCustoms    bool           `json:"needsCustoms"`
}

// Document is a declared customs document.
type Document struct {
	ID           string         `json:"id"`
	Family       Family         `json:"family"`
	BusinessType BusinessType   `json:"businessType"`
	EnterpriseID string         `json:"enterpriseId"`
	Status       DocumentStatus `json:"status"`
	Head         DocumentHead   `json:"head"`
	Lines        []DocumentLine `json:"lines"`
	Tags         []Tag          `json:"tags"`
	// CustomsNo is the number customs' own system gave the document (QD…
	// for checklists), learnt from its receipts.
	CustomsNo string `json:"customsNo,omitempty" metadata:",optional"`
	// GatePassed records the physical crossing of the zone gate for zone
	// entry and exit documents; their goods move only once it is set.
	GatePassed string `json:"gatePassed,omitempty" metadata:",optional"`
	// InLegID is, for an out leg, the transferee's in leg once declared.
	InLegID string `json:"inLegId,omitempty" metadata:",optional"`
	// ConsolidatedIn is, for a bonded transfer leg, the checklist that
	// reported it to customs (已集报); it can then be deleted only offline.
	ConsolidatedIn string `json:"consolidatedIn,omitempty" metadata:",optional"`
	// Consolidates lists, for a consolidated checklist, the transfer legs
	// it reports.
	Consolidates []string         `json:"consolidates,omitempty" metadata:",optional"`
	Deletion     *DeletionRequest `json:"deletion,omitempty" metadata:",optional"`
	ReturnReason string           `json:"returnReason,omitempty" metadata:",optional"`
	// AutoReview is what the review rules decided at declaration; nil for
	// families customs reviews in its own systems.
	AutoReview *RuleDecision `json:"autoReview,omitempty" metadata:",optional"`
	// Receipts are the ids of external receipts applied, for idempotency.
	Receipts   []string       `json:"receipts"`
	DeclaredAt string         `json:"declaredAt"`
	UpdatedAt  string         `json:"updatedAt"`
	UpdatedTx  string         `json:"updatedTx"`
	Version    int            `json:"version"`
	Steps      []DocumentStep `json:"steps"`
}

// Holding says whose stock, in which customs status, a balance is.
type Holding struct {
	EnterpriseID string `json:"enterpriseId"`
	Bonded       bool   `json:"bonded"`
}

// Balance is the theoretical stock of one trace code held by one enterprise
// in one customs status. Weight is what is there; Reserved is what declared
// but not yet effective documents will take out of it.
type Balance struct {
	TraceCode     string `json:"traceCode"`
	EnterpriseID  string `json:"enterpriseId"`
	Bonded        bool   `json:"bonded"`
	WeightGrams   int64  `json:"weightGrams"`
	ReservedGrams int64  `json:"reservedGrams"`
	InboundGrams  int64  `json:"inboundGrams"`
	OutboundGrams int64  `json:"outboundGrams"`
	UpdatedTx     string `json:"updatedTx"`
	UpdatedAt     string `json:"updatedAt"`
}

// MovementKind names what moved goods.
type MovementKind string

const (
	MoveZoneEntry  MovementKind = "zone_entry"
	MoveZoneExit   MovementKind = "zone_exit"
	MoveTransfer   MovementKind = "transfer"
	MoveConversion MovementKind = "conversion"
	MoveReversal   MovementKind = "reversal" // undoes a voided document's movement
)

// Movement is weight of one trace code moving between holdings (From empty
// for a zone entry, To empty for a zone exit).
type Movement struct {
	ID          string       `json:"id"` // txID:documentID:lineSeq
	Kind        MovementKind `json:"kind"`
	DocumentID  string       `json:"documentId"`
	LineSeq     int          `json:"lineSeq"`
	TraceCode   string       `json:"traceCode"`
	From        *Holding     `json:"from,omitempty" metadata:",optional"`
	To          *Holding     `json:"to,omitempty" metadata:",optional"`
	WeightGrams int64        `json:"weightGrams"`
	TxID        string       `json:"txId"`
	At          string       `json:"at"`
}

// ExternalReceipt is a status message of customs' own systems about a
// document (ReceiptMessageTypes: INV201 for checklists, SAS211 for warehouse
// receipts, SAS223 for gate crossings …), already mapped from the national
// XML by the gateway.
type ExternalReceipt struct {
	// ID identifies the receipt for idempotency: message type, customs
	// number, result and date (repeats are resent receipts).
	ID           string `json:"id"`
	MessageType  string `json:"messageType"`
	CustomsNo    string `json:"customsNo,omitempty" metadata:",optional"`
	ManageResult string `json:"manageResult"`
	ManageDate   string `json:"manageDate"`
	Note         string `json:"note,omitempty" metadata:",optional"`
	// DeclarationType is the declaration an approval receipt answers
	// (HdeApprResult.typecd, or the dclTypecd of its head block; INV201,
	// SAS211 and SAS221 only): empty or "1" for the declaration itself, "2"
	// for customs' change (变更), "3" for its deletion (删除/作废).
	DeclarationType string `json:"declarationType,omitempty" metadata:",optional"`
	// Lines are the line weights a change receipt carries (BondInvtDt
	// gdsSeqno and netWt), by the document's line numbers.
	Lines []ReceiptLine `json:"lines,omitempty" metadata:",optional"`
}

// Declaration types of INV201 receipts (DeclarationType).
const (
	DeclarationFiling   = "1" // 备案申请
	DeclarationChange   = "2" // 变更申请
	DeclarationDeletion = "3" // 删除申请
)

// ReceiptLine is one line weight of a change receipt.
type ReceiptLine struct {
	Seq         int   `json:"seq"`
	WeightGrams int64 `json:"weightGrams"`
}

// Receipt is the notice a declarant gets of every state change of its
// document (回执), delivered in the app and to its webhook.
type Receipt struct {
	ID           string         `json:"id"` // txID:documentID
	DocumentID   string         `json:"documentId"`
	Family       Family         `json:"family"`
	EnterpriseID string         `json:"enterpriseId"`
	Status       DocumentStatus `json:"status"`
	Action       string         `json:"action"`
	Message      string         `json:"message"`
	Source       string         `json:"source"`
	TxID         string         `json:"txId"`
	At           string         `json:"at"`
}
