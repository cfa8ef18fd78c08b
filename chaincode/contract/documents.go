package contract

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"zonetrace/chaincode/model"
)

// DeclareDocument records one of the six document families. Every line must
// carry a trace code the declarant holds; lines that take stock out reserve
// their weight, and asking for more than the available stock tags the
// document WEIGHT_ANOMALY for customs instead of refusing it.
func (c *Contract) DeclareDocument(ctx contractapi.TransactionContextInterface, requestID, documentJSON string) (*model.Document, error) {
	t, err := beginDocTx(ctx, "DeclareDocument", requestID, model.RoleEnterprise)
	if err != nil {
		return nil, err
	}
	var in struct {
		ID           string               `json:"id"`
		Family       model.Family         `json:"family"`
		BusinessType model.BusinessType   `json:"businessType"`
		Head         model.DocumentHead   `json:"head"`
		Lines        []model.DocumentLine `json:"lines"`
	}
	if err := decodeStrict(documentJSON, &in); err != nil {
		return nil, err
	}
	d := &model.Document{
		ID: in.ID, Family: in.Family, BusinessType: in.BusinessType, EnterpriseID: t.caller.EnterpriseID,
		Status: model.DocDeclared, Head: in.Head, Lines: in.Lines, Tags: []model.Tag{}, Receipts: []string{},
		DeclaredAt: t.at, Steps: []model.DocumentStep{},
	}
	for i := range d.Lines {
		d.Lines[i].Seq = i + 1
	}
	if err := validateDocumentShape(d); err != nil {
		return nil, err
	}
	if _, err := loadDocument(ctx, d.ID); err == nil {
		return nil, model.Errorf(model.CodeConflict, "document %s already exists", d.ID)
	} else if code, _ := model.CodeOf(err); code != model.CodeNotFound {
		return nil, err
	}
	rule, _ := ruleOf(d)

	if rule.leg == "out" {
		if d.Head.CounterpartyID == d.EnterpriseID {
			return nil, model.Errorf(model.CodeInvalid, "head.counterpartyId: a transfer needs another enterprise")
		}
		var e model.Enterprise
		found, err := getRecord(ctx, model.KeyEnterprise, []string{d.Head.CounterpartyID}, &e)
		if err != nil {
			return nil, err
		}
		if !found {
			return nil, model.Errorf(model.CodeInvalid, "head.counterpartyId: enterprise %s is not registered", d.Head.CounterpartyID)
		}
	}
	if rule.leg == "in" {
		if err := t.receiveTransfer(d); err != nil {
			return nil, err
		}
	} else if err := t.checkHeld(d, rule); err != nil {
		return nil, err
	}
	if rule.from != nil && rule.leg != "in" {
		if err := t.reserve(d, model.Holding{EnterpriseID: d.EnterpriseID, Bonded: *rule.from}); err != nil {
			return nil, err
		}
	}
	t.declared[d.ID] = true
	t.step(d, model.DocActionDeclare, "", "platform")
	if err := t.commit(); err != nil {
		return nil, err
	}
	return d, nil
}

// checkHeld refuses lines whose trace code the declarant does not hold: for
// a zone entry the batch must be its own (the prefiling's declarant); for
// everything else it must have stock of it in the status the rule takes
// from (bonded when the document moves nothing).
func (t *docTx) checkHeld(d *model.Document, rule docRule) error {
	var f fieldErrors
	for i, l := range d.Lines {
		var tc model.TraceCode
		found, err := getRecord(t.ctx, model.KeyTraceCode, []string{l.TraceCode}, &tc)
		if err != nil {
			return err
		}
		if !found || tc.Status != model.TraceCodeActive {
			f.addf("lines[%d].traceCode %s is not an active trace code", i, l.TraceCode)
			continue
		}
		if rule.from == nil && rule.to != nil {
			if tc.EnterpriseID != d.EnterpriseID {
				f.addf("lines[%d].traceCode %s was issued to another enterprise", i, l.TraceCode)
			}
			continue
		}
		source := true
		if rule.from != nil {
			source = *rule.from
		}
		_, held, err := t.balance(l.TraceCode, model.Holding{EnterpriseID: d.EnterpriseID, Bonded: source})
		if err != nil {
			return err
		}
		if !held {
			f.addf("lines[%d].traceCode %s is not held by %s in %s stock", i, l.TraceCode, d.EnterpriseID, statusName(source))
		}
	}
	return f.err()
}

func statusName(isBonded bool) string {
	if isBonded {
		return "bonded"
	}
	return "non-bonded"
}

// reserve books the weight of every line against the declarant's stock and
// tags the document when a trace code is asked for more than is available.
func (t *docTx) reserve(d *model.Document, h model.Holding) error {
	var order []string
	asked := map[string]int64{}
	lines := map[string][]string{}
	for _, l := range d.Lines {
		if _, ok := asked[l.TraceCode]; !ok {
			order = append(order, l.TraceCode)
		}
		asked[l.TraceCode] += l.WeightGrams
		lines[l.TraceCode] = append(lines[l.TraceCode], strconv.Itoa(l.Seq))
	}
	for _, code := range order {
		b, _, err := t.balance(code, h)
		if err != nil {
			return err
		}
		available := b.WeightGrams - b.ReservedGrams
		if asked[code] > available {
			d.Tags = append(d.Tags, model.Tag{
				Code: model.TagWeightAnomaly,
				Reason: fmt.Sprintf("重量异常：第%s行 %s 申报 %d 克，理论库存可用 %d 克",
					strings.Join(lines[code], "、"), code, asked[code], max(available, 0)),
				TxID: t.ctx.GetStub().GetTxID(),
			})
		}
		b.ReservedGrams += asked[code]
		t.changed(b)
	}
	return nil
}

// release gives back what a document reserved and will no longer take.
func (t *docTx) release(d *model.Document, rule docRule) error {
	if rule.from == nil || rule.leg == "in" {
		return nil
	}
	for _, l := range d.Lines {
		b, _, err := t.balance(l.TraceCode, model.Holding{EnterpriseID: d.EnterpriseID, Bonded: *rule.from})
		if err != nil {
			return err
		}
		b.ReservedGrams = max(0, b.ReservedGrams-l.WeightGrams)
		t.changed(b)
	}
	return nil
}

// receiveTransfer links an in leg to the out leg it receives: approved,
// naming the declarant as transferee, not yet received, with the same lines.
func (t *docTx) receiveTransfer(in *model.Document) error {
	out, err := loadDocument(t.ctx, in.Head.LinkedDocumentID)
	if err != nil {
		return err
	}
	switch {
	case out.Family != in.Family || out.BusinessType != model.BusinessOut:
		return model.Errorf(model.CodeInvalid, "head.linkedDocumentId: %s is not an out leg of %s", out.ID, in.Family)
	case out.Head.CounterpartyID != in.EnterpriseID:
		return model.Errorf(model.CodeForbidden, "transfer %s is addressed to another enterprise", out.ID)
	case out.Status != model.DocApproved:
		return model.Errorf(model.CodeConflict, "transfer %s is %s; only an approved out leg can be received", out.ID, out.Status)
	case out.InLegID != "":
		return model.Errorf(model.CodeConflict, "transfer %s was already received by %s", out.ID, out.InLegID)
	}
	if len(in.Lines) != len(out.Lines) {
		return model.Errorf(model.CodeInvalid, "lines: the in leg must receive the %d lines of %s", len(out.Lines), out.ID)
	}
	var f fieldErrors
	for i, l := range in.Lines {
		o := out.Lines[i]
		if l.TraceCode != o.TraceCode || l.WeightGrams != o.WeightGrams {
			f.addf("lines[%d]: must receive %s %d g as line %d of %s", i, o.TraceCode, o.WeightGrams, o.Seq, out.ID)
		}
	}
	if err := f.err(); err != nil {
		return err
	}
	in.Head.CounterpartyID = out.EnterpriseID
	out.InLegID = in.ID
	t.touch(out)
	return nil
}

// ReviewDocument is customs' decision on a document reviewed on this
// platform: approve, return with a reason, or send to manual review.
func (c *Contract) ReviewDocument(ctx contractapi.TransactionContextInterface, requestID, documentID, decision, reason string) (*model.Document, error) {
	t, err := beginDocTx(ctx, "ReviewDocument", requestID, model.RoleCustoms)
	if err != nil {
		return nil, err
	}
	d, err := loadDocument(ctx, documentID)
	if err != nil {
		return nil, err
	}
	rule, _ := ruleOf(d)
	if !rule.platform {
		return nil, model.Errorf(model.CodeConflict, "%s is approved in customs' own system; its outcome arrives as a receipt", d.Family)
	}
	if err := t.decide(d, decision, reason, "platform"); err != nil {
		return nil, err
	}
	return d, t.commit()
}

// decide applies a review outcome from this platform or a customs receipt.
func (t *docTx) decide(d *model.Document, decision, reason, source string) error {
	if d.Status != model.DocDeclared && d.Status != model.DocManualReview {
		return model.Errorf(model.CodeConflict, "document %s is %s; only declared documents can be reviewed", d.ID, d.Status)
	}
	rule, _ := ruleOf(d)
	switch decision {
	case "approve":
		d.Status = model.DocApproved
		d.ReturnReason = ""
		t.step(d, model.DocActionApprove, reason, source)
		return t.settle(d, rule, source)
	case "return":
		if strings.TrimSpace(reason) == "" {
			return model.Errorf(model.CodeInvalid, "a return needs a reason")
		}
		d.Status = model.DocReturned
		d.ReturnReason = reason
		if rule.leg == "in" {
			out, err := loadDocument(t.ctx, d.Head.LinkedDocumentID)
			if err != nil {
				return err
			}
			// The transferee may declare the in leg again.
			out.InLegID = ""
			t.touch(out)
		}
		t.step(d, model.DocActionReturn, reason, source)
		return t.release(d, rule)
	case "manual_review":
		if d.Status == model.DocManualReview {
			return model.Errorf(model.CodeConflict, "document %s is already in manual review", d.ID)
		}
		d.Status = model.DocManualReview
		t.step(d, model.DocActionManualReview, reason, source)
		return nil
	}
	return model.Errorf(model.CodeInvalid, "decision must be approve, return or manual_review, not %q", decision)
}

// settle moves the goods of an approved document when nothing else is
// awaited: the gate crossing for zone entry and exit, the in leg for a
// transfer (whose approval moves both legs).
func (t *docTx) settle(d *model.Document, rule docRule, source string) error {
	switch {
	case rule.kind == "" && rule.leg == "":
		return nil
	case rule.leg == "out":
		return nil // waits for the transferee's in leg
	case rule.leg == "in":
		out, err := loadDocument(t.ctx, d.Head.LinkedDocumentID)
		if err != nil {
			return err
		}
		if out.Status != model.DocApproved {
			return model.Errorf(model.CodeConflict, "transfer %s is %s; it can no longer be received", out.ID, out.Status)
		}
		outRule, _ := ruleOf(out)
		for _, l := range out.Lines {
			from := &model.Holding{EnterpriseID: out.EnterpriseID, Bonded: *outRule.from}
			to := &model.Holding{EnterpriseID: d.EnterpriseID, Bonded: *outRule.to}
			if err := t.move(out, l, outRule.kind, from, to, true); err != nil {
				return err
			}
		}
		out.Status = model.DocEffective
		t.step(out, model.DocActionEffective, "", source)
		d.Status = model.DocEffective
		t.step(d, model.DocActionEffective, "", source)
		return nil
	case rule.gate && d.GatePassed == "":
		return nil // waits for the gate
	}
	for _, l := range d.Lines {
		var from, to *model.Holding
		if rule.from != nil {
			from = &model.Holding{EnterpriseID: d.EnterpriseID, Bonded: *rule.from}
		}
		if rule.to != nil {
			to = &model.Holding{EnterpriseID: d.EnterpriseID, Bonded: *rule.to}
		}
		if err := t.move(d, l, rule.kind, from, to, rule.from != nil); err != nil {
			return err
		}
	}
	d.Status = model.DocEffective
	t.step(d, model.DocActionEffective, "", source)
	return nil
}

// RecordGatePass records that the goods of a zone entry or exit document
// crossed the gate; an approved document then moves its goods. It stands in
// for the gate module (barrier gates with plate recognition).
func (c *Contract) RecordGatePass(ctx contractapi.TransactionContextInterface, requestID, documentID string) (*model.Document, error) {
	t, err := beginDocTx(ctx, "RecordGatePass", requestID, model.RoleZoneAdmin)
	if err != nil {
		return nil, err
	}
	d, err := loadDocument(ctx, documentID)
	if err != nil {
		return nil, err
	}
	if err := t.gatePass(d, "gate"); err != nil {
		return nil, err
	}
	return d, t.commit()
}

func (t *docTx) gatePass(d *model.Document, source string) error {
	rule, _ := ruleOf(d)
	switch {
	case !rule.gate:
		return model.Errorf(model.CodeConflict, "%s %s does not cross the zone gate", d.Family, d.BusinessType)
	case d.GatePassed != "":
		return model.Errorf(model.CodeConflict, "document %s already crossed the gate at %s", d.ID, d.GatePassed)
	case d.Status != model.DocApproved:
		return model.Errorf(model.CodeConflict, "document %s is %s; goods cross the gate only once it is approved", d.ID, d.Status)
	}
	d.GatePassed = t.at
	t.step(d, model.DocActionGatePass, "", source)
	return t.settle(d, rule, source)
}

// externalResults maps the manageResult codes of customs receipts to a
// decision (CUSTOMS_MESSAGES.md §3): 1/4/5 pass, 2 manual review, 3 return,
// Z storage failed (a return), Y stored (no change).
var externalResults = map[string]string{
	"1": "approve", "4": "approve", "5": "approve", "2": "manual_review", "3": "return", "Z": "return", "Y": "",
}

// ApplyExternalReceipt applies a receipt of customs' own systems to a
// document: INV201 for checklists and SAS211 for warehouse receipts carry
// the approval; SAS223 reports the gate crossing of any zone entry or exit.
func (c *Contract) ApplyExternalReceipt(ctx contractapi.TransactionContextInterface, requestID, documentID, receiptJSON string) (*model.Document, error) {
	t, err := beginDocTx(ctx, "ApplyExternalReceipt", requestID, model.RoleCustoms)
	if err != nil {
		return nil, err
	}
	var r model.ExternalReceipt
	if err := decodeStrict(receiptJSON, &r); err != nil {
		return nil, err
	}
	if strings.TrimSpace(r.ID) == "" || len(r.ID) > 200 || len(r.Note) > 4000 {
		return nil, model.Errorf(model.CodeInvalid, "receipt id (1-200 characters) is required, note at most 4000")
	}
	d, err := loadDocument(ctx, documentID)
	if err != nil {
		return nil, err
	}
	if slices.Contains(d.Receipts, r.ID) {
		return nil, model.Errorf(model.CodeDuplicate, "receipt %s was already applied to %s", r.ID, d.ID)
	}
	d.Receipts = append(d.Receipts, r.ID)
	t.touch(d)

	switch r.MessageType {
	case "INV201", "SAS211":
		want := model.FamilyChecklist
		if r.MessageType == "SAS211" {
			want = model.FamilyWarehouseReceipt
		}
		if d.Family != want {
			return nil, model.Errorf(model.CodeInvalid, "%s receipts are for %s documents, %s is a %s", r.MessageType, want, d.ID, d.Family)
		}
		// Only the approval receipts carry the document's own customs number;
		// a gate crossing's is the gate pass's (Z…).
		if r.CustomsNo != "" {
			d.CustomsNo = r.CustomsNo
		}
		decision, known := externalResults[r.ManageResult]
		switch {
		case !known:
			return nil, model.Errorf(model.CodeInvalid, "manageResult %q is not a known result of %s", r.ManageResult, r.MessageType)
		case decision == "":
			t.step(d, model.DocActionReceipt, r.Note, r.MessageType)
		default:
			reason := r.Note
			if decision == "return" && reason == "" {
				reason = "海关退单（" + r.MessageType + " manageResult " + r.ManageResult + "）"
			}
			if err := t.decide(d, decision, reason, r.MessageType); err != nil {
				return nil, err
			}
		}
	case "SAS223":
		switch r.ManageResult {
		case "1":
			if err := t.gatePass(d, r.MessageType); err != nil {
				return nil, err
			}
		case "2":
			t.step(d, model.DocActionReceipt, "未过卡 "+r.Note, r.MessageType)
		default:
			return nil, model.Errorf(model.CodeInvalid, "manageResult %q is not a known result of SAS223", r.ManageResult)
		}
	default:
		return nil, model.Errorf(model.CodeInvalid, "receipt message type %q is not handled (INV201, SAS211, SAS223)", r.MessageType)
	}
	return d, t.commit()
}

// GetDocument returns a document to customs, the zone admin, its declarant
// or its counterparty.
func (c *Contract) GetDocument(ctx contractapi.TransactionContextInterface, documentID string) (*model.Document, error) {
	who, err := resolveCaller(ctx)
	if err != nil {
		return nil, err
	}
	if err := who.require("GetDocument", model.RoleCustoms, model.RoleZoneAdmin, model.RoleEnterprise); err != nil {
		return nil, err
	}
	d, err := loadDocument(ctx, documentID)
	if err != nil {
		return nil, err
	}
	if who.Role == model.RoleEnterprise && d.EnterpriseID != who.EnterpriseID && d.Head.CounterpartyID != who.EnterpriseID {
		return nil, model.Errorf(model.CodeForbidden, "document %s belongs to other enterprises", documentID)
	}
	return d, nil
}

// GetBalance returns the stock of a trace code at one holder.
func (c *Contract) GetBalance(ctx contractapi.TransactionContextInterface, traceCode, enterpriseID, isBonded string) (*model.Balance, error) {
	who, err := resolveCaller(ctx)
	if err != nil {
		return nil, err
	}
	if err := who.require("GetBalance", model.RoleCustoms, model.RoleZoneAdmin, model.RoleEnterprise); err != nil {
		return nil, err
	}
	if who.Role == model.RoleEnterprise && enterpriseID != who.EnterpriseID {
		return nil, model.Errorf(model.CodeForbidden, "balances of other enterprises are not visible")
	}
	b, err := strconv.ParseBool(isBonded)
	if err != nil {
		return nil, model.Errorf(model.CodeInvalid, "bonded must be true or false")
	}
	balance := &model.Balance{TraceCode: traceCode, EnterpriseID: enterpriseID, Bonded: b}
	if _, err := getRecord(ctx, model.KeyBalance, balanceAttrs(traceCode, enterpriseID, b), balance); err != nil {
		return nil, err
	}
	return balance, nil
}
