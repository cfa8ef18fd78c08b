package contract

import (
	"fmt"
	"strconv"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"zonetrace/chaincode/model"
)

// docTx collects what one document transaction changes — documents,
// balances, movements, receipts — and writes them with one event at the end,
// in the order they were first touched so that the event is deterministic.
type docTx struct {
	*write
	docs       []*model.Document
	declared   map[string]bool
	balances   []*model.Balance
	balanceIdx map[string]*model.Balance
	extra      []model.DomainEvent // movements and receipts, in order
}

func beginDocTx(ctx contractapi.TransactionContextInterface, function, requestID string, roles ...model.Role) (*docTx, error) {
	w, err := beginWrite(ctx, function, requestID, roles...)
	if err != nil {
		return nil, err
	}
	return &docTx{write: w, declared: map[string]bool{}, balanceIdx: map[string]*model.Balance{}}, nil
}

// touch registers a document as changed by this transaction.
func (t *docTx) touch(d *model.Document) {
	for _, seen := range t.docs {
		if seen == d {
			return
		}
	}
	d.UpdatedAt = t.at
	d.UpdatedTx = t.ctx.GetStub().GetTxID()
	d.Version++
	t.docs = append(t.docs, d)
}

// step records an action on a document's history, issues the receipt to
// the declarant (and to the transferee of a transfer) and marks it touched.
func (t *docTx) step(d *model.Document, action, reason, source string) {
	t.touch(d)
	actor, rule := t.stepActor()
	d.Steps = append(d.Steps, model.DocumentStep{
		Seq: len(d.Steps) + 1, Action: action, Status: d.Status, Actor: actor,
		TxID: t.ctx.GetStub().GetTxID(), At: t.at, Reason: reason, Source: source, DecidedBy: rule,
	})
	message := fmt.Sprintf("%s %s：%s", familyName(d.Family), d.ID, actionNames[action])
	if reason != "" {
		message += "（" + reason + "）"
	}
	recipients := []string{d.EnterpriseID}
	if d.Head.CounterpartyID != "" && d.Head.CounterpartyID != d.EnterpriseID {
		recipients = append(recipients, d.Head.CounterpartyID)
	}
	for _, enterprise := range recipients {
		t.extra = append(t.extra, model.DomainEvent{Type: model.EventReceiptIssued, Receipt: &model.Receipt{
			ID:           t.ctx.GetStub().GetTxID() + ":" + d.ID + ":" + strconv.Itoa(len(d.Steps)) + ":" + enterprise,
			DocumentID:   d.ID,
			Family:       d.Family,
			EnterpriseID: enterprise,
			Status:       d.Status,
			Action:       action,
			Message:      message,
			Source:       source,
			TxID:         t.ctx.GetStub().GetTxID(),
			At:           t.at,
		}})
	}
}

// familyName is the Chinese name of a family, for receipts.
func familyName(f model.Family) string {
	info, _ := model.InfoOf(f)
	return info.NameZh
}

var actionNames = map[string]string{
	model.DocActionDeclare:         "已申报",
	model.DocActionApprove:         "审核通过",
	model.DocActionReturn:          "退单",
	model.DocActionManualReview:    "转人工审核",
	model.DocActionReceipt:         "收到海关回执",
	model.DocActionGatePass:        "已过卡",
	model.DocActionEffective:       "已生效，货物已移动",
	model.DocActionRequestDeletion: "申请删单",
	model.DocActionConfirmDeletion: "对方已确认删单",
	model.DocActionApproveDeletion: "海关同意删单",
	model.DocActionRejectDeletion:  "海关驳回删单",
	model.DocActionVoid:            "已删单",
	model.DocActionTag:             "海关手工打标",
	model.DocActionUntag:           "海关移除标签",
	model.DocActionAmend:           "海关变更",
	model.DocActionConsolidate:     "已集报",
}

func balanceAttrs(traceCode, enterpriseID string, isBonded bool) []string {
	status := "nonbonded"
	if isBonded {
		status = "bonded"
	}
	return []string{traceCode, enterpriseID, status}
}

// balance loads (or starts) the balance of a holding, once per transaction.
func (t *docTx) balance(traceCode string, h model.Holding) (*model.Balance, bool, error) {
	attrs := balanceAttrs(traceCode, h.EnterpriseID, h.Bonded)
	k := attrs[0] + "\x00" + attrs[1] + "\x00" + attrs[2]
	if b, ok := t.balanceIdx[k]; ok {
		return b, true, nil
	}
	b := &model.Balance{TraceCode: traceCode, EnterpriseID: h.EnterpriseID, Bonded: h.Bonded}
	found, err := getRecord(t.ctx, model.KeyBalance, attrs, b)
	if err != nil {
		return nil, false, err
	}
	t.balanceIdx[k] = b
	return b, found, nil
}

// changed registers a balance as written by this transaction.
func (t *docTx) changed(b *model.Balance) {
	for _, seen := range t.balances {
		if seen == b {
			return
		}
	}
	b.UpdatedAt = t.at
	b.UpdatedTx = t.ctx.GetStub().GetTxID()
	t.balances = append(t.balances, b)
}

// move takes weight of one line from one holding to another. A source that
// holds less than the weight refuses the whole transaction: a balance is
// never negative. reserved says the weight was reserved at declaration and
// is released now.
func (t *docTx) move(d *model.Document, line model.DocumentLine, kind model.MovementKind, from, to *model.Holding, reserved bool) error {
	if from != nil {
		b, _, err := t.balance(line.TraceCode, *from)
		if err != nil {
			return err
		}
		if b.WeightGrams < line.WeightGrams {
			return model.Refuse(model.ReasonStockInsufficient, model.Params{"documentId": d.ID, "lineSeq": line.Seq,
				"traceCode": line.TraceCode, "holder": from.EnterpriseID, "bonded": from.Bonded,
				"heldGrams": b.WeightGrams, "askedGrams": line.WeightGrams},
				"%s line %d: %s holds %d g of %s, %d g cannot move",
				d.ID, line.Seq, from.EnterpriseID, b.WeightGrams, line.TraceCode, line.WeightGrams)
		}
		b.WeightGrams -= line.WeightGrams
		b.OutboundGrams += line.WeightGrams
		if reserved {
			b.ReservedGrams = max(0, b.ReservedGrams-line.WeightGrams)
		}
		t.changed(b)
	}
	if to != nil {
		b, _, err := t.balance(line.TraceCode, *to)
		if err != nil {
			return err
		}
		b.WeightGrams += line.WeightGrams
		b.InboundGrams += line.WeightGrams
		t.changed(b)
	}
	txID := t.ctx.GetStub().GetTxID()
	m := &model.Movement{
		ID: txID + ":" + d.ID + ":" + strconv.Itoa(line.Seq), Kind: kind, DocumentID: d.ID, LineSeq: line.Seq,
		TraceCode: line.TraceCode, From: from, To: to, WeightGrams: line.WeightGrams, TxID: txID, At: t.at,
	}
	if err := putRecord(t.ctx, model.KeyMovement, []string{d.ID, strconv.Itoa(line.Seq), txID}, m); err != nil {
		return err
	}
	t.extra = append(t.extra, model.DomainEvent{Type: model.EventMovementRecorded, Movement: m})
	return nil
}

// commit writes every touched record and sets the transaction's event.
func (t *docTx) commit() error {
	var events []model.DomainEvent
	for _, d := range t.docs {
		if err := putRecord(t.ctx, model.KeyDocument, []string{d.ID}, d); err != nil {
			return err
		}
		typ := model.EventDocumentChanged
		if t.declared[d.ID] {
			typ = model.EventDocumentDeclared
		}
		events = append(events, model.DomainEvent{Type: typ, Document: d})
	}
	events = append(events, t.extra...)
	cleared, err := t.clearExitedMarks()
	if err != nil {
		return err
	}
	events = append(events, cleared...)
	for _, b := range t.balances {
		if err := putRecord(t.ctx, model.KeyBalance, balanceAttrs(b.TraceCode, b.EnterpriseID, b.Bonded), b); err != nil {
			return err
		}
		events = append(events, model.DomainEvent{Type: model.EventBalanceChanged, Balance: b})
	}
	return t.finish(events...)
}

func loadDocument(ctx contractapi.TransactionContextInterface, id string) (*model.Document, error) {
	var d model.Document
	found, err := getRecord(ctx, model.KeyDocument, []string{id}, &d)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, model.Refuse(model.ReasonDocumentNotFound, model.Params{"documentId": id}, "document %q not found", id)
	}
	return &d, nil
}
