package model

// Object types of the composite state keys. The full key of a record is
// CreateCompositeKey(type, attributes) with the attributes listed beside it.
const (
	KeyEnterprise = "enterprise" // [enterpriseID]
	KeyIdentity   = "identity"   // [mspID, clientID]
	KeyPrefiling  = "prefiling"  // [prefilingID]
	// KeyTraceCode is an issued trace code: [code]. Its sequence part is
	// derived from the prefiling id (tracecode.Sequence), so issuance shares
	// no counter key between prefilings; ledgers from before that still hold
	// "tracecode-seq" [commodityCode, yyMMdd] counters, read by nothing.
	KeyTraceCode = "tracecode"
	KeyDocument  = "document" // [documentID]
	// KeyBalance is the stock of a trace code at a holder:
	// [traceCode, enterpriseID, "bonded" | "nonbonded"]. One key per batch and
	// holder, so movements of different batches never conflict.
	KeyBalance = "balance"
	// KeyInbound records a document declared to bring a batch into a
	// holding, for the weight model's declared basis:
	// [traceCode, enterpriseID, "bonded" | "nonbonded", documentID], one key
	// per document so in-declarations into one holding never conflict.
	// Ledgers from before hold a list under the first three attributes.
	KeyInbound = "inbound"
	// KeyMovement records a movement: [documentID, lineSeq, txID].
	KeyMovement = "movement"
	// KeyRequest records a client request id once it has been carried out,
	// so a retried submission is never applied twice: [requestID].
	KeyRequest = "request"
	// KeyRuleConfig holds one version of customs' rule configuration:
	// [version as 10 zero-padded digits]; KeyRuleConfigHead the current
	// version: [].
	KeyRuleConfig     = "ruleconfig"
	KeyRuleConfigHead = "ruleconfig-head"
	// KeyRiskDisposal holds customs' handling of a risk alert:
	// [alertKind, subject, period] (DisposalKey).
	KeyRiskDisposal = "riskdisposal"
)

// RequestRecord is stored under KeyRequest.
type RequestRecord struct {
	RequestID string `json:"requestId"`
	TxID      string `json:"txId"`
	Function  string `json:"function"`
	At        string `json:"at"`
}
