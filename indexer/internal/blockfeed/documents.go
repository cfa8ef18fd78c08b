package blockfeed

import (
	"fmt"

	"zonetrace/chaincode/model"
)

// docTx collects the events of one document transaction.
type docTx struct {
	c      *Chain
	txID   string
	at     string
	actor  model.Actor
	events []model.DomainEvent
	notify []model.DomainEvent // receipts, emitted after the documents they report
}

func (c *Chain) begin(actor model.Actor) *docTx {
	txID, at := c.next()
	return &docTx{c: c, txID: txID, at: at, actor: actor}
}

// changed records a new state of d with a history step and, as the
// contract does, a receipt of the step to the declarant and to the
// counterparty.
func (t *docTx) changed(d *model.Document, typ model.EventType, action, reason, message string) {
	if len(d.Steps) > 0 {
		d.Version++
	}
	d.UpdatedAt, d.UpdatedTx = t.at, t.txID
	d.Steps = append(d.Steps, model.DocumentStep{Seq: len(d.Steps) + 1, Action: action, Status: d.Status,
		Actor: t.actor, TxID: t.txID, At: t.at, Reason: reason, Source: "platform"})
	record(&t.events, model.DomainEvent{Type: typ, Document: t.c.copyDocument(d)})
	recipients := []string{d.EnterpriseID}
	if d.Head.CounterpartyID != "" {
		recipients = append(recipients, d.Head.CounterpartyID)
	}
	for _, e := range recipients {
		t.notify = append(t.notify, model.DomainEvent{Type: model.EventReceiptIssued, Receipt: &model.Receipt{
			ID: fmt.Sprintf("%s:%s:%d:%s", t.txID, d.ID, len(d.Steps), e), DocumentID: d.ID, Family: d.Family,
			EnterpriseID: e, Status: d.Status, Action: action, Message: message, Source: "platform",
			TxID: t.txID, At: t.at}})
	}
}

// record appends ev to list, or replaces the event of the same document
// already there: like the contract, a transaction carries one final state
// per document.
func record(list *[]model.DomainEvent, ev model.DomainEvent) {
	for i, old := range *list {
		if old.Document != nil && old.Document.ID == ev.Document.ID {
			ev.Type = min(old.Type, ev.Type) // DocumentDeclared sorts before DocumentChanged
			(*list)[i] = ev
			return
		}
	}
	*list = append(*list, ev)
}

func (t *docTx) commit(function string) {
	for _, ev := range t.notify {
		t.c.issued = append(t.c.issued, *ev.Receipt)
	}
	t.c.Feed.Commit(Tx(t.txID, t.at, function, t.actor, append(t.events, t.notify...)...))
}

// DeclareDocument commits the declaration of d (ID, Family, BusinessType,
// EnterpriseID, Head and Lines set by the caller). Lines that take stock out
// reserve it; asking for more than is available tags the document
// model.TagWeightAnomaly. An in leg records itself on its out leg.
func (c *Chain) DeclareDocument(d model.Document) model.Document {
	t := c.begin(Declarant(d.EnterpriseID))
	doc := &model.Document{ID: d.ID, Family: d.Family, BusinessType: d.BusinessType, EnterpriseID: d.EnterpriseID,
		Status: model.DocDeclared, Head: d.Head, Lines: d.Lines, Tags: []model.Tag{}, Receipts: []string{},
		DeclaredAt: t.at, Version: 1}
	c.documents[d.ID] = doc
	var reserved []*model.Balance
	if from := source(doc); from != nil {
		for _, l := range doc.Lines {
			b := c.balance(l.TraceCode, *from)
			if available := b.WeightGrams - b.ReservedGrams; l.WeightGrams > available {
				doc.Tags = append(doc.Tags, model.Tag{Code: model.TagWeightAnomaly, TxID: t.txID,
					Reason: fmt.Sprintf("line %d asks %d g, %d g available", l.Seq, l.WeightGrams, available)})
			}
			b.ReservedGrams += l.WeightGrams
			reserved = append(reserved, b)
		}
	}
	t.changed(doc, model.EventDocumentDeclared, model.DocActionDeclare, "", "已申报")
	for _, b := range reserved {
		t.balanceChanged(b)
	}
	if out := c.documents[doc.Head.LinkedDocumentID]; out != nil {
		out.InLegID, out.UpdatedAt, out.UpdatedTx = doc.ID, t.at, t.txID
		record(&t.events, model.DomainEvent{Type: model.EventDocumentChanged, Document: c.copyDocument(out)})
	}
	t.commit("DeclareDocument")
	return c.Document(d.ID)
}

// ReviewDocument commits customs' decision: "approve", "return" or
// "manual_review". An approved document moves its goods when nothing else is
// awaited (the gate for zone entry and exit, the in leg for a transfer's out
// leg); approving an in leg moves the goods of its out leg.
func (c *Chain) ReviewDocument(id, decision, reason string) model.Document {
	t := c.begin(Customs)
	d := c.documents[id]
	switch decision {
	case "approve":
		d.Status = model.DocApproved
		t.changed(d, model.EventDocumentChanged, model.DocActionApprove, reason, "审核通过")
		if out := c.documents[d.Head.LinkedDocumentID]; out != nil {
			t.effect(out, &model.Holding{EnterpriseID: d.EnterpriseID, Bonded: out.Family == model.FamilyBondedTransfer})
			t.effect(d, nil)
		} else if !awaitsMore(d) {
			t.effect(d, destination(d))
		}
	case "return":
		d.Status, d.ReturnReason = model.DocReturned, reason
		t.release(d)
		t.changed(d, model.EventDocumentChanged, model.DocActionReturn, reason, "退单")
	default:
		d.Status = model.DocManualReview
		t.changed(d, model.EventDocumentChanged, model.DocActionManualReview, reason, "转人工审核")
	}
	t.commit("ReviewDocument")
	return c.Document(id)
}

// GatePass commits the zone admin's record of the gate crossing; an
// approved document then moves its goods.
func (c *Chain) GatePass(id string) model.Document {
	t := c.begin(ZoneAdmin)
	d := c.documents[id]
	d.GatePassed = t.at
	t.changed(d, model.EventDocumentChanged, model.DocActionGatePass, "", "已过卡口")
	if d.Status == model.DocApproved {
		t.effect(d, destination(d))
	}
	t.commit("RecordGatePass")
	return c.Document(id)
}

// RequestDeletion commits the declarant's deletion request.
func (c *Chain) RequestDeletion(id, reason string) model.Document {
	d := c.documents[id]
	t := c.begin(Declarant(d.EnterpriseID))
	d.Deletion = &model.DeletionRequest{Reason: reason, RequestedBy: t.actor.ClientID, RequestedAt: t.at,
		PreviousStatus: d.Status, NeedsTransferee: d.Head.CounterpartyID != "",
		NeedsCustoms: d.Status == model.DocApproved || d.Status == model.DocEffective}
	d.Status = model.DocDeletionAsked
	t.changed(d, model.EventDocumentChanged, model.DocActionRequestDeletion, reason, "已申请删单")
	if !d.Deletion.NeedsTransferee && !d.Deletion.NeedsCustoms {
		t.void(d)
	}
	t.commit("RequestDeletion")
	return c.Document(id)
}

// ConfirmDeletion commits the transferee's confirmation.
func (c *Chain) ConfirmDeletion(id string) model.Document {
	d := c.documents[id]
	t := c.begin(Declarant(d.Head.CounterpartyID))
	d.Deletion.ConfirmedAt = t.at
	t.changed(d, model.EventDocumentChanged, model.DocActionConfirmDeletion, "", "对方已确认删单")
	if !d.Deletion.NeedsCustoms {
		t.void(d)
	}
	t.commit("ConfirmDeletion")
	return c.Document(id)
}

// ReviewDeletion commits customs' decision on a deletion request.
func (c *Chain) ReviewDeletion(id string, approve bool, reason string) model.Document {
	t := c.begin(Customs)
	d := c.documents[id]
	if approve {
		t.changed(d, model.EventDocumentChanged, model.DocActionApproveDeletion, reason, "删单已批准")
		t.void(d)
	} else {
		d.Status, d.Deletion = d.Deletion.PreviousStatus, nil
		t.changed(d, model.EventDocumentChanged, model.DocActionRejectDeletion, reason, "删单被驳回")
	}
	t.commit("ReviewDeletion")
	return c.Document(id)
}

// Document returns a copy of the chain's current state of document id.
func (c *Chain) Document(id string) model.Document {
	return *c.copyDocument(c.documents[id])
}

// Movements returns the movements document id caused, in chain order.
func (c *Chain) Movements(id string) []model.Movement {
	list := []model.Movement{}
	if len(c.moved[id]) > 0 {
		deepCopy(&list, c.moved[id])
	}
	return list
}

// Receipts returns every receipt issued so far, in chain order.
func (c *Chain) Receipts() []model.Receipt {
	return append([]model.Receipt(nil), c.issued...)
}

func (c *Chain) copyDocument(d *model.Document) *model.Document {
	var cp model.Document
	deepCopy(&cp, d)
	return &cp
}

func (t *docTx) void(d *model.Document) {
	if d.Deletion.PreviousStatus == model.DocEffective {
		t.reverse(d)
	} else {
		t.release(d)
	}
	d.Status = model.DocVoided
	t.changed(d, model.EventDocumentChanged, model.DocActionVoid, "", "已删单")
}

// effect moves the goods of d's lines to holding to (nil for a zone exit
// and for an in leg, whose out leg moves them) and makes d effective.
func (t *docTx) effect(d *model.Document, to *model.Holding) {
	if from := source(d); from != nil || to != nil {
		for _, l := range d.Lines {
			t.move(d, l, movementKind(d), from, to, true)
		}
	}
	d.Status = model.DocEffective
	t.changed(d, model.EventDocumentChanged, model.DocActionEffective, "", "已生效")
}
