package model

// EventName is the name of the single chaincode event every ZoneTrace
// transaction sets.
const EventName = "zonetrace"

// EventSchemaVersion is bumped whenever a field of the event schema changes
// meaning; the indexer refuses versions it does not know instead of guessing.
const EventSchemaVersion = 1

// EventType names a domain event.
type EventType string

const (
	EventEnterpriseRegistered EventType = "EnterpriseRegistered"
	// EventEnterpriseChanged: edited or disabled/enabled; carries the
	// enterprise's full new state like EnterpriseRegistered.
	EventEnterpriseChanged  EventType = "EnterpriseChanged"
	EventIdentityBound      EventType = "IdentityBound"
	EventPrefilingDeclared  EventType = "PrefilingDeclared"
	EventPrefilingApproved  EventType = "PrefilingApproved"
	EventPrefilingReturned  EventType = "PrefilingReturned"
	EventSupplementDeclared EventType = "SupplementDeclared"
	EventSupplementApproved EventType = "SupplementApproved"
	EventSupplementReturned EventType = "SupplementReturned"
	EventTraceCodeIssued    EventType = "TraceCodeIssued"
	EventDocumentDeclared   EventType = "DocumentDeclared"
	EventDocumentChanged    EventType = "DocumentChanged"
	EventMovementRecorded   EventType = "MovementRecorded"
	EventBalanceChanged     EventType = "BalanceChanged"
	EventReceiptIssued      EventType = "ReceiptIssued"
	// EventRuleConfigChanged carries a new version of customs' rule configuration.
	EventRuleConfigChanged EventType = "RuleConfigChanged"
	// EventAccountPeriodChanged carries an accounting period, defined or
	// closed.
	EventAccountPeriodChanged EventType = "AccountPeriodChanged"
	// EventTraceCodeChanged carries a trace code whose high-risk mark was
	// set or cleared.
	EventTraceCodeChanged EventType = "TraceCodeChanged"
	// EventRiskDisposalChanged carries a risk alert's disposal record,
	// assessed, disposed, closed or revoked.
	EventRiskDisposalChanged EventType = "RiskDisposalChanged"
)

// EventEnvelope is the payload of the chaincode event of one transaction. It
// carries the full new state of everything the transaction changed, so the
// indexer never queries the ledger back.
type EventEnvelope struct {
	Schema    int           `json:"schema"`
	TxID      string        `json:"txId"`
	Function  string        `json:"function"`
	RequestID string        `json:"requestId,omitempty" metadata:",optional"`
	Actor     Actor         `json:"actor"`
	At        string        `json:"at"`
	Events    []DomainEvent `json:"events"`
}

// DomainEvent is one change; exactly one of the record fields is set,
// according to Type.
type DomainEvent struct {
	Type       EventType        `json:"type"`
	Enterprise *Enterprise      `json:"enterprise,omitempty" metadata:",optional"`
	Identity   *IdentityBinding `json:"identity,omitempty" metadata:",optional"`
	Prefiling  *Prefiling       `json:"prefiling,omitempty" metadata:",optional"`
	TraceCode  *TraceCode       `json:"traceCode,omitempty" metadata:",optional"`
	Document   *Document        `json:"document,omitempty" metadata:",optional"`
	Movement   *Movement        `json:"movement,omitempty" metadata:",optional"`
	Balance    *Balance         `json:"balance,omitempty" metadata:",optional"`
	Receipt    *Receipt         `json:"receipt,omitempty" metadata:",optional"`
	RuleConfig *RuleConfig      `json:"ruleConfig,omitempty" metadata:",optional"`
	// AccountPeriod is set for EventAccountPeriodChanged.
	AccountPeriod *AccountPeriod `json:"accountPeriod,omitempty" metadata:",optional"`
	// RiskDisposal is set for EventRiskDisposalChanged.
	RiskDisposal *RiskDisposal `json:"riskDisposal,omitempty" metadata:",optional"`
}
