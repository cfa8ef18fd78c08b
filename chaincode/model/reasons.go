package model

import "slices"

// Reason is the stable reason of a refusal within its Code: clients build
// their messages from it and the error's Params (chaincode/model/zh). The
// comment of each lists its params.
type Reason string

const (
	// ReasonFieldInvalid: the input has field problems (Error.Problems).
	ReasonFieldInvalid Reason = "FIELD_INVALID"
	// ReasonMalformedArgument: a JSON argument does not decode.
	ReasonMalformedArgument Reason = "MALFORMED_ARGUMENT"
	// ReasonKeyInvalid: a state key cannot be built from the arguments {objectType}.
	ReasonKeyInvalid Reason = "KEY_INVALID"
	// ReasonRequestDone: the request id was carried out before {txId}.
	ReasonRequestDone Reason = "REQUEST_ALREADY_DONE"

	ReasonIdentityUnreadable    Reason = "IDENTITY_UNREADABLE"     // {}
	ReasonIdentityNotRegistered Reason = "IDENTITY_NOT_REGISTERED" // {action, name, mspId}
	ReasonRoleNotAllowed        Reason = "ROLE_NOT_ALLOWED"        // {action, role}
	// ReasonIdentityRoleMismatch: the certificate names a user role its
	// MSP's CA may not issue, or no user role at all {userRole, mspId}.
	ReasonIdentityRoleMismatch Reason = "IDENTITY_ROLE_MISMATCH"
	// ReasonIdentityAttributeMissing: a personal certificate lacks an
	// attribute its role needs {attribute}.
	ReasonIdentityAttributeMissing Reason = "IDENTITY_ATTRIBUTE_MISSING"

	ReasonEnterpriseExists   Reason = "ENTERPRISE_EXISTS"    // {enterpriseId}
	ReasonEnterpriseNotFound Reason = "ENTERPRISE_NOT_FOUND" // {enterpriseId}
	ReasonAdminCertificate   Reason = "ADMIN_CERTIFICATE"    // {}
	ReasonIdentityBound      Reason = "IDENTITY_ALREADY_BOUND"
	// ReasonEnterpriseDisabled: the zone admin disabled the caller's
	// enterprise; its identities submit nothing {enterpriseId}.
	ReasonEnterpriseDisabled Reason = "ENTERPRISE_DISABLED"

	ReasonPrefilingExists      Reason = "PREFILING_EXISTS"           // {prefilingId}
	ReasonPrefilingNotFound    Reason = "PREFILING_NOT_FOUND"        // {prefilingId}
	ReasonPrefilingOfOther     Reason = "PREFILING_OF_OTHER"         // {prefilingId}
	ReasonPrefilingNotDeclared Reason = "PREFILING_NOT_DECLARED"     // {prefilingId, status}
	ReasonPrefilingNotApproved Reason = "PREFILING_NOT_APPROVED"     // {prefilingId, status}
	ReasonSupplementPending    Reason = "SUPPLEMENT_UNDER_REVIEW"    // {prefilingId}
	ReasonNoSupplement         Reason = "NO_SUPPLEMENT_UNDER_REVIEW" // {prefilingId}

	ReasonTraceCodeNotFound Reason = "TRACE_CODE_NOT_FOUND" // {traceCode}
	ReasonTraceCodeOfOther  Reason = "TRACE_CODE_OF_OTHER"  // {traceCode}
	// ReasonTraceCodeUnavailable: no trace code can be issued {commodity}
	// (a corrupt or exhausted daily counter, or a code issued twice).
	ReasonTraceCodeUnavailable Reason = "TRACE_CODE_UNAVAILABLE"

	ReasonDocumentExists   Reason = "DOCUMENT_EXISTS"    // {documentId}
	ReasonDocumentNotFound Reason = "DOCUMENT_NOT_FOUND" // {documentId}
	ReasonDocumentOfOther  Reason = "DOCUMENT_OF_OTHER"  // {documentId}
	ReasonBalanceOfOther   Reason = "BALANCE_OF_OTHER"   // {enterpriseId}
	// ReasonStockInsufficient: goods cannot move, the holder has less than
	// the line {documentId, lineSeq, traceCode, holder, bonded, heldGrams, askedGrams}.
	ReasonStockInsufficient Reason = "STOCK_INSUFFICIENT"
	// ReasonTransferOfOther: the out leg names another transferee {documentId}.
	ReasonTransferOfOther     Reason = "TRANSFER_OF_OTHER"
	ReasonTransferNotApproved Reason = "TRANSFER_NOT_APPROVED"     // {documentId, status}
	ReasonTransferReceived    Reason = "TRANSFER_ALREADY_RECEIVED" // {documentId, inLegId}
	// ReasonReviewedElsewhere: customs' own system reviews the family {family}.
	ReasonReviewedElsewhere     Reason = "REVIEWED_IN_CUSTOMS_SYSTEM"
	ReasonDocumentNotReviewable Reason = "DOCUMENT_NOT_REVIEWABLE" // {documentId, status}
	ReasonAlreadyManualReview   Reason = "ALREADY_MANUAL_REVIEW"   // {documentId}
	ReasonNoGateCrossing        Reason = "NO_GATE_CROSSING"        // {family, businessType}
	ReasonGatePassed            Reason = "GATE_ALREADY_PASSED"     // {documentId, at}
	ReasonDocumentNotApproved   Reason = "DOCUMENT_NOT_APPROVED"   // {documentId, status}
	ReasonReceiptApplied        Reason = "RECEIPT_ALREADY_APPLIED" // {receiptId, documentId}
	// ReasonReceiptWrongFamily: a receipt type is for another family
	// {messageType, family, documentId}.
	ReasonReceiptWrongFamily Reason = "RECEIPT_WRONG_FAMILY"

	ReasonNotDeclarant           Reason = "NOT_DECLARANT"              // {documentId}
	ReasonNotTransferee          Reason = "NOT_TRANSFEREE"             // {documentId}
	ReasonDeletionOffline        Reason = "DELETION_OFFLINE"           // {documentId}
	ReasonDeletionElsewhere      Reason = "DELETION_IN_CUSTOMS_SYSTEM" // {family}
	ReasonDeleteThroughOutLeg    Reason = "DELETE_THROUGH_OUT_LEG"     // {documentId}
	ReasonDocumentNotDeletable   Reason = "DOCUMENT_NOT_DELETABLE"     // {documentId, status}
	ReasonDeletionAcrossYear     Reason = "DELETION_ACROSS_YEAR"       // {documentId, year}
	ReasonNoDeletionTransferee   Reason = "NO_DELETION_FOR_TRANSFEREE" // {documentId}
	ReasonNoDeletionCustoms      Reason = "NO_DELETION_FOR_CUSTOMS"    // {documentId}
	ReasonTransfereeNotConfirmed Reason = "TRANSFEREE_NOT_CONFIRMED"   // {documentId}

	// Corrections of the ledger's readings (docs/architecture.md
	// "Corrections of the ledger readings").
	ReasonTagPresent Reason = "TAG_ALREADY_SET" // {documentId, code}: a manual tag of the code is on the document
	ReasonTagAbsent  Reason = "TAG_NOT_SET"     // {documentId, code}
	// ReasonNothingReserved: the document takes no stock out of a holding,
	// so it has no reservation to release {documentId, family, businessType}.
	ReasonNothingReserved Reason = "NOTHING_RESERVED"
	// ReasonNotReleasable: only an approved document whose goods have not
	// moved has a reservation to release {documentId, status}.
	ReasonNotReleasable Reason = "RESERVATION_NOT_RELEASABLE"
	// ReasonOutLegShortfall: the transferor holds less than the out leg
	// transfers {documentId, traceCode, heldGrams, askedGrams, shortfallGrams}.
	ReasonOutLegShortfall Reason = "OUT_LEG_SHORTFALL"
	// ReasonAmendEffective: a change receipt's weights cannot apply to a
	// document whose goods moved {documentId}.
	ReasonAmendEffective Reason = "AMEND_EFFECTIVE_DOCUMENT"
	// ReasonReceiptNotApplicable: a change or deletion receipt for a
	// document already voided or returned {documentId, status}.
	ReasonReceiptNotApplicable Reason = "RECEIPT_NOT_APPLICABLE"
	// ReasonTransferConsolidated: a consolidated transfer (已集报) is
	// deleted offline only {documentId, checklistId}.
	ReasonTransferConsolidated Reason = "TRANSFER_CONSOLIDATED"
	ReasonNotConsolidating     Reason = "NOT_CONSOLIDATING_CHECKLIST" // {documentId}
	ReasonNotBondedTransfer    Reason = "NOT_BONDED_TRANSFER"         // {documentId}
	ReasonConsolidateOther     Reason = "CONSOLIDATE_OTHERS_TRANSFER" // {documentId}
	// ReasonTransferNotSettled: only an approved or effective transfer leg is
	// reported in a checklist {documentId, status}.
	ReasonTransferNotSettled Reason = "TRANSFER_NOT_SETTLED"

	// ReasonRuleConfigStale: the configuration changed since the version the
	// edit started from {baseVersion, version}.
	ReasonRuleConfigStale    Reason = "RULE_CONFIG_STALE"
	ReasonRuleConfigNotFound Reason = "RULE_CONFIG_NOT_FOUND" // {version}
	// ReasonUserRoleNotAllowed: the organisation may act but the person's
	// role within it may not {action, userRole}.
	ReasonUserRoleNotAllowed Reason = "USER_ROLE_NOT_ALLOWED"

	// Accounting periods (周期核算).
	ReasonPeriodExists    Reason = "PERIOD_EXISTS"    // {enterpriseId, periodId}
	ReasonPeriodNotFound  Reason = "PERIOD_NOT_FOUND" // {enterpriseId, periodId}
	ReasonPeriodClosed    Reason = "PERIOD_CLOSED"    // {periodId, at}
	ReasonPeriodNotEnded  Reason = "PERIOD_NOT_ENDED" // {periodId, to}
	ReasonPeriodBackwards Reason = "PERIOD_BACKWARDS" // {from, to}: the last day is before the first

	// Risk disposal (风险预警处置, disposal.go).
	ReasonDisposalNotFound Reason = "DISPOSAL_NOT_FOUND" // {alertKind, subject, period}
	// ReasonDisposalState: the alert's disposal is in a state the step
	// cannot start from {disposalState, step}.
	ReasonDisposalState Reason = "DISPOSAL_STATE"

	// ReasonCursorInvalid: a list's page cursor is not one the API issued
	// (the gateway's read model decides it, never the chaincode) {parameter}.
	ReasonCursorInvalid Reason = "CURSOR_INVALID"
)

var reasonCodes = map[Reason]Code{
	ReasonFieldInvalid: CodeInvalid, ReasonMalformedArgument: CodeInvalid, ReasonKeyInvalid: CodeInvalid,
	ReasonRequestDone:        CodeDuplicate,
	ReasonIdentityUnreadable: CodeForbidden, ReasonIdentityNotRegistered: CodeForbidden, ReasonRoleNotAllowed: CodeForbidden,
	ReasonIdentityRoleMismatch: CodeForbidden, ReasonIdentityAttributeMissing: CodeForbidden,
	ReasonEnterpriseExists: CodeConflict, ReasonEnterpriseNotFound: CodeNotFound, ReasonAdminCertificate: CodeInvalid,
	ReasonIdentityBound: CodeConflict, ReasonEnterpriseDisabled: CodeForbidden,
	ReasonPrefilingExists: CodeConflict, ReasonPrefilingNotFound: CodeNotFound, ReasonPrefilingOfOther: CodeForbidden,
	ReasonPrefilingNotDeclared: CodeConflict, ReasonPrefilingNotApproved: CodeConflict,
	ReasonSupplementPending: CodeConflict, ReasonNoSupplement: CodeConflict,
	ReasonTraceCodeNotFound: CodeNotFound, ReasonTraceCodeOfOther: CodeForbidden, ReasonTraceCodeUnavailable: CodeConflict,
	ReasonDocumentExists: CodeConflict, ReasonDocumentNotFound: CodeNotFound, ReasonDocumentOfOther: CodeForbidden,
	ReasonBalanceOfOther: CodeForbidden, ReasonStockInsufficient: CodeConflict,
	ReasonTransferOfOther: CodeForbidden, ReasonTransferNotApproved: CodeConflict, ReasonTransferReceived: CodeConflict,
	ReasonReviewedElsewhere: CodeConflict, ReasonDocumentNotReviewable: CodeConflict, ReasonAlreadyManualReview: CodeConflict,
	ReasonNoGateCrossing: CodeConflict, ReasonGatePassed: CodeConflict, ReasonDocumentNotApproved: CodeConflict,
	ReasonReceiptApplied: CodeDuplicate, ReasonReceiptWrongFamily: CodeInvalid,
	ReasonNotDeclarant: CodeForbidden, ReasonNotTransferee: CodeForbidden, ReasonDeletionOffline: CodeConflict,
	ReasonDeletionElsewhere: CodeConflict, ReasonDeleteThroughOutLeg: CodeConflict, ReasonDocumentNotDeletable: CodeConflict,
	ReasonDeletionAcrossYear: CodeConflict, ReasonNoDeletionTransferee: CodeConflict, ReasonNoDeletionCustoms: CodeConflict,
	ReasonTransfereeNotConfirmed: CodeConflict,
	ReasonRuleConfigStale:        CodeConflict, ReasonRuleConfigNotFound: CodeNotFound,
	ReasonUserRoleNotAllowed: CodeForbidden,
	ReasonTagPresent:         CodeConflict, ReasonTagAbsent: CodeConflict, ReasonNothingReserved: CodeConflict,
	ReasonNotReleasable: CodeConflict, ReasonOutLegShortfall: CodeConflict, ReasonAmendEffective: CodeConflict,
	ReasonReceiptNotApplicable: CodeConflict, ReasonTransferConsolidated: CodeConflict,
	ReasonNotConsolidating: CodeConflict, ReasonNotBondedTransfer: CodeConflict, ReasonConsolidateOther: CodeForbidden,
	ReasonTransferNotSettled: CodeConflict,
	ReasonPeriodExists:       CodeConflict, ReasonPeriodNotFound: CodeNotFound, ReasonPeriodClosed: CodeConflict,
	ReasonPeriodNotEnded: CodeConflict, ReasonPeriodBackwards: CodeInvalid,
	ReasonDisposalNotFound: CodeNotFound, ReasonDisposalState: CodeConflict,
	ReasonCursorInvalid: CodeInvalid,
}

// Code is the error class of a reason.
func (r Reason) Code() Code { return reasonCodes[r] }

// Reasons lists every reason, for catalogues and their tests.
func Reasons() []Reason {
	out := make([]Reason, 0, len(reasonCodes))
	for r := range reasonCodes {
		out = append(out, r)
	}
	slices.Sort(out)
	return out
}
