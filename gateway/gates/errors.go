package gates

import (
	"zonetrace/chaincode/model"
	"zonetrace/gateway/apierror"
)

// Reasons of the gate intake's refusals (apierror Reason): a client builds
// its own text from them; messageZh carries the Chinese.
const (
	ReasonSignatureMissing = "GATE_SIGNATURE_MISSING"
	ReasonSignatureInvalid = "GATE_SIGNATURE_INVALID"
	ReasonGateUnknown      = "GATE_UNKNOWN"
	ReasonGateDisabled     = "GATE_DISABLED"
	ReasonStaleTimestamp   = "GATE_TIMESTAMP_OUTSIDE_WINDOW"
	ReasonReplayed         = "GATE_NONCE_REPLAYED"
	ReasonGateExists       = "GATE_EXISTS"
	ReasonEventHandled     = "GATE_EVENT_HANDLED"
	ReasonDocumentUnfit    = "GATE_DOCUMENT_UNFIT"
)

// refusal is an UNAUTHENTICATED answer: the request is not a gate's.
func refusal(reason, message, messageZh string, params model.Params) *apierror.Error {
	e := apierror.Newf(apierror.Unauthenticated, message, messageZh)
	e.Reason, e.Params = reason, params
	return e
}

func conflict(reason, message, messageZh string, params model.Params) *apierror.Error {
	e := apierror.Newf(apierror.Conflict, message, messageZh)
	e.Reason, e.Params = reason, params
	return e
}
