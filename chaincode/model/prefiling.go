package model

// PrefilingStatus is the main status of a declared prefiling (预核申报状态).
// Drafts (未申报) live off chain in the gateway and never reach the ledger.
type PrefilingStatus string

const (
	PrefilingDeclared PrefilingStatus = "declared" // 已申报
	PrefilingApproved PrefilingStatus = "approved" // 审核通过
	PrefilingReturned PrefilingStatus = "returned" // 退单
)

// PrefilingStatuses lists every prefiling status.
var PrefilingStatuses = []PrefilingStatus{PrefilingDeclared, PrefilingApproved, PrefilingReturned}

// SupplementStatus is the status of the latest supplement (补录入) of an
// approved prefiling; empty when none was ever declared.
type SupplementStatus string

const (
	SupplementNone     SupplementStatus = ""
	SupplementDeclared SupplementStatus = "declared" // 补录入已申报
	SupplementApproved SupplementStatus = "approved" // 补录入审核通过
	SupplementReturned SupplementStatus = "returned" // 退单（补录入）
)

// SupplementStatuses lists every status of a declared supplement.
var SupplementStatuses = []SupplementStatus{SupplementDeclared, SupplementApproved, SupplementReturned}

// QuarantineResult is the outcome written on a quarantine certificate.
type QuarantineResult string

const (
	QuarantinePending     QuarantineResult = "pending"     // 待检疫
	QuarantineQualified   QuarantineResult = "qualified"   // 合格
	QuarantineUnqualified QuarantineResult = "unqualified" // 不合格
)

// QuarantineResults lists the accepted values in a fixed order.
var QuarantineResults = []QuarantineResult{QuarantinePending, QuarantineQualified, QuarantineUnqualified}

// Attachment is an off-chain file anchored on chain by its SHA-256.
type Attachment struct {
	Kind   string `json:"kind"` // origin_certificate | quarantine_certificate | other
	Name   string `json:"name"`
	SHA256 string `json:"sha256"`
	Size   int64  `json:"size"`
}

// Attachment kinds.
const (
	AttachmentOriginCertificate     = "origin_certificate"
	AttachmentQuarantineCertificate = "quarantine_certificate"
	AttachmentOther                 = "other"
)

// PrefilingData is what an enterprise declares about a goods batch. Field
// names follow the tender's prefiling form; Commodity keeps the platform open
// to goods other than coffee.
type PrefilingData struct {
	Commodity         string           `json:"commodity"`
	ProductName       string           `json:"productName"`
	HSCode            string           `json:"hsCode"`
	Origin            string           `json:"origin"` // ISO 3166-1 alpha-2
	ExporterName      string           `json:"exporterName"`
	ExporterRegNo     string           `json:"exporterRegNo,omitempty" metadata:",optional"`
	QuarantineBatchNo string           `json:"quarantineBatchNo,omitempty" metadata:",optional"`
	QuarantineResult  QuarantineResult `json:"quarantineResult"`
	AvgPriceFen       int64            `json:"avgPriceFen"` // per kilogram
	Currency          string           `json:"currency"`
	WeightGrams       int64            `json:"weightGrams"`
	Grade             string           `json:"grade,omitempty" metadata:",optional"`
	PlantingRegion    string           `json:"plantingRegion,omitempty" metadata:",optional"`
	ProductionDate    string           `json:"productionDate,omitempty" metadata:",optional"` // YYYY-MM-DD
	ShelfLifeDays     int              `json:"shelfLifeDays,omitempty" metadata:",optional"`
	MaterialNo        string           `json:"materialNo,omitempty" metadata:",optional"`
	BatchNo           string           `json:"batchNo,omitempty" metadata:",optional"`
	EntryDraftNo      string           `json:"entryDraftNo,omitempty" metadata:",optional"`
	Attachments       []Attachment     `json:"attachments"`
}

// SupplementData is what may be completed after the goods entered the zone:
// the quarantine outcome and its certificate.
type SupplementData struct {
	QuarantineBatchNo string           `json:"quarantineBatchNo"`
	QuarantineResult  QuarantineResult `json:"quarantineResult"`
	QuarantineDate    string           `json:"quarantineDate,omitempty" metadata:",optional"` // YYYY-MM-DD
	Note              string           `json:"note,omitempty" metadata:",optional"`
	Attachments       []Attachment     `json:"attachments"`
}

// PrefilingStep is one entry of a prefiling's history.
type PrefilingStep struct {
	Seq    int    `json:"seq"`
	Action string `json:"action"`
	Actor  Actor  `json:"actor"`
	TxID   string `json:"txId"`
	At     string `json:"at"` // RFC 3339 transaction time
	// Reason is the return reason or review opinion, when there is one.
	Reason string `json:"reason,omitempty" metadata:",optional"`
	// Supplement is the content of a supplement declaration.
	Supplement *SupplementData `json:"supplement,omitempty" metadata:",optional"`
	// DecidedBy names the review rule that made this step automatically.
	DecidedBy *RuleRef `json:"decidedBy,omitempty" metadata:",optional"`
}

// Prefiling actions recorded in history.
const (
	ActionDeclare           = "declare"
	ActionApprove           = "approve"
	ActionReturn            = "return"
	ActionSupplement        = "supplement_declare"
	ActionSupplementApprove = "supplement_approve"
	ActionSupplementReturn  = "supplement_return"
	// ActionRuleManualReview: a review rule sent the declaration (or its
	// supplement) to customs' manual review; its status does not change.
	ActionRuleManualReview = "rule_manual_review"
)

// Prefiling is a declared prefiling (预核申报) of one goods batch.
type Prefiling struct {
	ID               string           `json:"id"`
	EnterpriseID     string           `json:"enterpriseId"`
	Status           PrefilingStatus  `json:"status"`
	SupplementStatus SupplementStatus `json:"supplementStatus"`
	Data             PrefilingData    `json:"data"`
	// Supplement is the latest declared supplement; its content is merged
	// into Data only when customs approves it.
	Supplement   *SupplementData `json:"supplement,omitempty" metadata:",optional"`
	TraceCode    string          `json:"traceCode,omitempty" metadata:",optional"`
	ReturnReason string          `json:"returnReason,omitempty" metadata:",optional"`
	// AutoReview is what the review rules decided at declaration, and
	// SupplementAutoReview at the latest supplement.
	AutoReview           *RuleDecision   `json:"autoReview,omitempty" metadata:",optional"`
	SupplementAutoReview *RuleDecision   `json:"supplementAutoReview,omitempty" metadata:",optional"`
	DeclaredAt           string          `json:"declaredAt"`
	UpdatedAt            string          `json:"updatedAt"`
	UpdatedTx            string          `json:"updatedTx"`
	Version              int             `json:"version"`
	Steps                []PrefilingStep `json:"steps"`
}

// TraceCode is the unique mark of a goods batch inside the zone (溯源码).
type TraceCode struct {
	Code         string `json:"code"`
	PrefilingID  string `json:"prefilingId"`
	EnterpriseID string `json:"enterpriseId"`
	Commodity    string `json:"commodity"`
	ProductName  string `json:"productName"`
	Origin       string `json:"origin"`
	WeightGrams  int64  `json:"weightGrams"`
	Status       string `json:"status"`
	IssuedAt     string `json:"issuedAt"`
	IssuedTx     string `json:"issuedTx"`
	// HighRisk is customs' high-risk mark (高风险货物): set by MarkHighRisk,
	// it stays on the code — so every holder after a transfer sees it —
	// until no holding of the batch is left in the zone.
	HighRisk *HighRiskMark `json:"highRisk,omitempty" metadata:",optional"`
}

// HighRiskMark says why and under which rule configuration version
// customs marked a batch high risk.
type HighRiskMark struct {
	Reason        string `json:"reason"`
	ConfigVersion int    `json:"configVersion"`
	MarkedAt      string `json:"markedAt"`
	MarkedTx      string `json:"markedTx"`
	MarkedBy      Actor  `json:"markedBy"`
}

// TraceCodeActive is the status of an issued trace code.
const TraceCodeActive = "active"
