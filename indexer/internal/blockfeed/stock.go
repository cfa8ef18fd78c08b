package blockfeed

import (
	"fmt"

	"zonetrace/chaincode/model"
)

type balanceKey struct {
	traceCode string
	holding   model.Holding
}

// Balance returns a copy of the chain's balance of traceCode at the holding
// (zero when nothing ever moved there).
func (c *Chain) Balance(traceCode, enterpriseID string, bonded bool) model.Balance {
	return *c.balance(traceCode, model.Holding{EnterpriseID: enterpriseID, Bonded: bonded})
}

func (c *Chain) balance(traceCode string, h model.Holding) *model.Balance {
	k := balanceKey{traceCode, h}
	b := c.balances[k]
	if b == nil {
		b = &model.Balance{TraceCode: traceCode, EnterpriseID: h.EnterpriseID, Bonded: h.Bonded}
		c.balances[k] = b
	}
	return b
}

// source is the holding d takes its goods from, nil when it takes none.
func source(d *model.Document) *model.Holding {
	bonded := &model.Holding{EnterpriseID: d.EnterpriseID, Bonded: true}
	nonBonded := &model.Holding{EnterpriseID: d.EnterpriseID}
	switch {
	case d.Family == model.FamilyChecklist && (d.BusinessType == model.BusinessExit || d.BusinessType == model.BusinessConversion),
		d.Family == model.FamilyWarehouseReceipt && d.BusinessType == model.BusinessOut,
		d.Family == model.FamilyBondedTransfer && d.BusinessType == model.BusinessOut:
		return bonded
	case (d.Family == model.FamilyNonBondedApplication || d.Family == model.FamilyGateRegistration) && d.BusinessType == model.BusinessExit,
		d.Family == model.FamilyNonBondedTransfer && d.BusinessType == model.BusinessOut:
		return nonBonded
	}
	return nil
}

// destination is the holding an approved d moves its goods to by itself
// (transfers are moved by their in leg), nil for none or out of the zone.
func destination(d *model.Document) *model.Holding {
	switch {
	case d.Family == model.FamilyChecklist && d.BusinessType == model.BusinessEntry,
		d.Family == model.FamilyWarehouseReceipt && d.BusinessType == model.BusinessIn:
		return &model.Holding{EnterpriseID: d.EnterpriseID, Bonded: true}
	case (d.Family == model.FamilyNonBondedApplication || d.Family == model.FamilyGateRegistration) && d.BusinessType == model.BusinessEntry,
		d.Family == model.FamilyChecklist && d.BusinessType == model.BusinessConversion:
		return &model.Holding{EnterpriseID: d.EnterpriseID}
	}
	return nil
}

// awaitsMore says whether an approved d still waits for the gate or, for a
// transfer's out leg, for its in leg.
func awaitsMore(d *model.Document) bool {
	switch d.Family {
	case model.FamilyBondedTransfer, model.FamilyNonBondedTransfer:
		return d.BusinessType == model.BusinessOut
	case model.FamilyChecklist:
		return (d.BusinessType == model.BusinessEntry || d.BusinessType == model.BusinessExit) && d.GatePassed == ""
	}
	return d.GatePassed == ""
}

func movementKind(d *model.Document) model.MovementKind {
	switch d.BusinessType {
	case model.BusinessEntry, model.BusinessIn:
		return model.MoveZoneEntry
	case model.BusinessExit:
		return model.MoveZoneExit
	case model.BusinessConversion:
		return model.MoveConversion
	}
	if d.Family == model.FamilyWarehouseReceipt {
		return model.MoveZoneExit
	}
	return model.MoveTransfer
}

// move records a movement of line l of d and the balances it changes; a
// movement out of a reserving document consumes the reservation.
func (t *docTx) move(d *model.Document, l model.DocumentLine, kind model.MovementKind, from, to *model.Holding, reserved bool) {
	m := &model.Movement{ID: fmt.Sprintf("%s:%s:%d", t.txID, d.ID, l.Seq), Kind: kind, DocumentID: d.ID, LineSeq: l.Seq,
		TraceCode: l.TraceCode, From: from, To: to, WeightGrams: l.WeightGrams, TxID: t.txID, At: t.at}
	t.events = append(t.events, model.DomainEvent{Type: model.EventMovementRecorded, Movement: m})
	t.c.moved[d.ID] = append(t.c.moved[d.ID], *m)
	if from != nil {
		b := t.c.balance(l.TraceCode, *from)
		b.WeightGrams -= l.WeightGrams
		b.OutboundGrams += l.WeightGrams
		if reserved {
			b.ReservedGrams -= l.WeightGrams
		}
		t.balanceChanged(b)
	}
	if to != nil {
		b := t.c.balance(l.TraceCode, *to)
		b.WeightGrams += l.WeightGrams
		b.InboundGrams += l.WeightGrams
		t.balanceChanged(b)
	}
}

// release gives back what d reserved.
func (t *docTx) release(d *model.Document) {
	from := source(d)
	if from == nil {
		return
	}
	for _, l := range d.Lines {
		b := t.c.balance(l.TraceCode, *from)
		b.ReservedGrams -= l.WeightGrams
		t.balanceChanged(b)
	}
}

// reverse undoes every movement of an effective d.
func (t *docTx) reverse(d *model.Document) {
	done := t.c.moved[d.ID]
	for _, m := range done {
		line := model.DocumentLine{Seq: m.LineSeq, TraceCode: m.TraceCode, WeightGrams: m.WeightGrams}
		t.move(d, line, model.MoveReversal, m.To, m.From, false)
	}
}

func (t *docTx) balanceChanged(b *model.Balance) {
	b.UpdatedAt, b.UpdatedTx = t.at, t.txID
	cp := *b
	t.events = append(t.events, model.DomainEvent{Type: model.EventBalanceChanged, Balance: &cp})
}
