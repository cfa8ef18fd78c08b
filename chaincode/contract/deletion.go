package contract

import (
	"time"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"zonetrace/chaincode/model"
	"zonetrace/chaincode/tracecode"
)

// RequestDeletion starts the deletion (删单) of a document reviewed on this
// platform. A transfer needs the transferee's confirmation; a document
// customs already approved needs customs' approval; anything else is voided
// at once. Consolidated and externally reviewed documents are deleted
// offline through customs, so is a bonded transfer either of whose legs a
// checklist reported (已集报), and a non-bonded transfer cannot be deleted
// in another calendar year than it was declared in.
func (c *Contract) RequestDeletion(ctx contractapi.TransactionContextInterface, requestID, documentID, reason string) (*model.Document, error) {
	t, err := beginDocTx(ctx, "RequestDeletion", requestID, model.RoleEnterprise)
	if err != nil {
		return nil, err
	}
	d, err := loadDocument(ctx, documentID)
	if err != nil {
		return nil, err
	}
	if d.EnterpriseID != t.caller.EnterpriseID {
		return nil, model.Refuse(model.ReasonNotDeclarant, model.Params{"documentId": d.ID}, "only the declarant of %s can ask for its deletion", d.ID)
	}
	if err := checkText("reason", reason, model.RequiredNote); err != nil {
		return nil, err
	}
	rule := ruleOf(d)
	switch {
	case rule.Consolidated:
		return nil, model.Refuse(model.ReasonDeletionOffline, model.Params{"documentId": d.ID},
			"consolidated documents are deleted offline through customs, not on this platform")
	case !rule.Platform:
		return nil, model.Refuse(model.ReasonDeletionElsewhere, model.Params{"family": string(d.Family)},
			"%s documents are approved in customs' own system; delete them there with a deletion declaration", d.Family)
	case d.ConsolidatedIn != "":
		return nil, consolidatedRefusal(d)
	case rule.Leg == model.LegIn:
		return nil, model.Refuse(model.ReasonDeleteThroughOutLeg, model.Params{"documentId": d.Head.LinkedDocumentID},
			"a transfer is deleted through its out leg %s", d.Head.LinkedDocumentID)
	case d.Status != model.DocDeclared && d.Status != model.DocManualReview && d.Status != model.DocApproved && d.Status != model.DocEffective:
		return nil, model.Refuse(model.ReasonDocumentNotDeletable, model.Params{"documentId": d.ID, "status": string(d.Status)},
			"document %s is %s and cannot be deleted", d.ID, d.Status)
	}
	if d.InLegID != "" {
		in, err := loadDocument(ctx, d.InLegID)
		if err != nil {
			return nil, err
		}
		if in.ConsolidatedIn != "" {
			return nil, consolidatedRefusal(in)
		}
	}
	if d.Family == model.FamilyNonBondedTransfer {
		declared, err := time.Parse(time.RFC3339Nano, d.DeclaredAt)
		if err != nil {
			return nil, err
		}
		now, err := time.Parse(time.RFC3339Nano, t.at)
		if err != nil {
			return nil, err
		}
		if tracecode.DayKey(declared)[:2] != tracecode.DayKey(now)[:2] {
			year := "20" + tracecode.DayKey(declared)[:2]
			return nil, model.Refuse(model.ReasonDeletionAcrossYear, model.Params{"documentId": d.ID, "year": year},
				"a non-bonded transfer cannot be deleted across a calendar year (declared in %s)", year)
		}
	}
	d.Deletion = &model.DeletionRequest{
		Reason: reason, RequestedBy: t.caller.Name, RequestedAt: t.at, PreviousStatus: d.Status,
		NeedsTransferee: rule.Leg == model.LegOut,
		NeedsCustoms:    d.Status == model.DocApproved || d.Status == model.DocEffective,
	}
	d.Status = model.DocDeletionAsked
	t.step(d, model.DocActionRequestDeletion, reason, "platform")
	if !d.Deletion.NeedsTransferee && !d.Deletion.NeedsCustoms {
		if err := t.void(d, d.Deletion.PreviousStatus, d.Deletion.Reason, "platform"); err != nil {
			return nil, err
		}
	}
	return d, t.commit()
}

// ConfirmDeletion is the transferee's agreement to delete a transfer.
func (c *Contract) ConfirmDeletion(ctx contractapi.TransactionContextInterface, requestID, documentID string) (*model.Document, error) {
	t, err := beginDocTx(ctx, "ConfirmDeletion", requestID, model.RoleEnterprise)
	if err != nil {
		return nil, err
	}
	d, err := loadDocument(ctx, documentID)
	if err != nil {
		return nil, err
	}
	switch {
	case d.Head.CounterpartyID != t.caller.EnterpriseID:
		return nil, model.Refuse(model.ReasonNotTransferee, model.Params{"documentId": d.ID}, "only the transferee of %s confirms its deletion", d.ID)
	case d.Status != model.DocDeletionAsked || !d.Deletion.NeedsTransferee || d.Deletion.ConfirmedAt != "":
		return nil, model.Refuse(model.ReasonNoDeletionTransferee, model.Params{"documentId": d.ID}, "document %s has no deletion waiting for the transferee", d.ID)
	}
	d.Deletion.ConfirmedAt = t.at
	t.step(d, model.DocActionConfirmDeletion, "", "platform")
	if !d.Deletion.NeedsCustoms {
		if err := t.void(d, d.Deletion.PreviousStatus, d.Deletion.Reason, "platform"); err != nil {
			return nil, err
		}
	}
	return d, t.commit()
}

// ReviewDeletion is customs' decision on deleting an approved document.
func (c *Contract) ReviewDeletion(ctx contractapi.TransactionContextInterface, requestID, documentID, decision, reason string) (*model.Document, error) {
	t, err := beginDocTx(ctx, "ReviewDeletion", requestID, model.RoleCustoms)
	if err != nil {
		return nil, err
	}
	if err := checkDecision(decision, reason, model.DeletionDecisions, model.RejectNeedsReason); err != nil {
		return nil, err
	}
	d, err := loadDocument(ctx, documentID)
	if err != nil {
		return nil, err
	}
	switch {
	case d.Status != model.DocDeletionAsked || !d.Deletion.NeedsCustoms:
		return nil, model.Refuse(model.ReasonNoDeletionCustoms, model.Params{"documentId": d.ID}, "document %s has no deletion waiting for customs", d.ID)
	case d.Deletion.NeedsTransferee && d.Deletion.ConfirmedAt == "":
		return nil, model.Refuse(model.ReasonTransfereeNotConfirmed, model.Params{"documentId": d.ID}, "the transferee has not confirmed the deletion of %s yet", d.ID)
	}
	switch decision {
	case "approve":
		t.step(d, model.DocActionApproveDeletion, reason, "platform")
		if err := t.void(d, d.Deletion.PreviousStatus, d.Deletion.Reason, "platform"); err != nil {
			return nil, err
		}
	default: // reject; checkDecision let no other decision through
		d.Status = d.Deletion.PreviousStatus
		d.Deletion = nil
		t.step(d, model.DocActionRejectDeletion, reason, "platform")
	}
	return d, t.commit()
}

// void ends a document whose status was previous: it gives back what it
// reserved, or, when its goods already moved, moves them back (refused if
// they are no longer there), and voids the in leg of a transfer with it.
// reason and source are recorded on the void steps.
func (t *docTx) void(d *model.Document, previous model.DocumentStatus, reason, source string) error {
	rule := ruleOf(d)
	if previous == model.DocEffective {
		if err := t.reverse(d, rule); err != nil {
			return err
		}
	} else if err := t.release(d, rule); err != nil {
		return err
	}
	d.Status = model.DocVoided
	t.step(d, model.DocActionVoid, reason, source)
	if d.InLegID == "" {
		return nil
	}
	in, err := loadDocument(t.ctx, d.InLegID)
	if err != nil {
		return err
	}
	if in.Status != model.DocVoided && in.Status != model.DocReturned {
		in.Status = model.DocVoided
		t.step(in, model.DocActionVoid, reason, source)
	}
	return nil
}

// reverse moves an effective document's goods back where they came from.
func (t *docTx) reverse(d *model.Document, rule model.DocumentRule) error {
	for _, l := range d.Lines {
		var from, to *model.Holding
		if rule.To != nil {
			receiver := d.EnterpriseID
			if rule.Leg == model.LegOut {
				receiver = d.Head.CounterpartyID
			}
			from = &model.Holding{EnterpriseID: receiver, Bonded: *rule.To}
		}
		if rule.From != nil {
			to = &model.Holding{EnterpriseID: d.EnterpriseID, Bonded: *rule.From}
		}
		if err := t.move(d, l, model.MoveReversal, from, to, false); err != nil {
			return err
		}
	}
	return nil
}
