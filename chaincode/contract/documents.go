package contract

import (
	"errors"
	"fmt"
	"slices"
	"strconv"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"zonetrace/chaincode/model"
	"zonetrace/chaincode/model/zh"
)

// DeclareDocument records one of the six document families. Every line must
// carry an active trace code; the validation models tag the document for
// customs (asking for more than the declarant's stock is tagged
// WEIGHT_ANOMALY, not refused), and lines that take stock out reserve their
// weight.
func (c *Contract) DeclareDocument(ctx contractapi.TransactionContextInterface, requestID, documentJSON string) (*model.Document, error) {
	t, err := beginDocTx(ctx, "DeclareDocument", requestID, model.RoleEnterprise)
	if err != nil {
		return nil, err
	}
	var in model.DocumentDeclaration
	if err := decodeStrict(documentJSON, &in); err != nil {
		return nil, err
	}
	if err := model.CheckDocument(in).Err(); err != nil {
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
	if _, err := loadDocument(ctx, d.ID); err == nil {
		return nil, model.Refuse(model.ReasonDocumentExists, model.Params{"documentId": d.ID}, "document %s already exists", d.ID)
	} else if code, _ := model.CodeOf(err); code != model.CodeNotFound {
		return nil, err
	}
	rule := ruleOf(d)

	if rule.Leg == model.LegOut {
		if d.Head.CounterpartyID == d.EnterpriseID {
			var ps model.Problems
			ps.Add("head.counterpartyId", model.RuleSameEnterprise, nil)
			return nil, ps.Err()
		}
		var e model.Enterprise
		found, err := getRecord(ctx, model.KeyEnterprise, []string{d.Head.CounterpartyID}, &e)
		if err != nil {
			return nil, err
		}
		if !found {
			var ps model.Problems
			ps.Add("head.counterpartyId", model.RuleNotRegistered, model.Params{"enterpriseId": d.Head.CounterpartyID})
			return nil, ps.Err()
		}
	}
	if rule.Leg == model.LegIn {
		if err := t.receiveTransfer(d); err != nil {
			return nil, err
		}
	} else if err := t.checkTraceCodes(d, rule); err != nil {
		return nil, err
	}
	if err := t.runModels(d, rule); err != nil {
		return nil, err
	}
	if rule.From != nil && rule.Leg != model.LegIn {
		if err := t.reserve(d, model.Holding{EnterpriseID: d.EnterpriseID, Bonded: *rule.From}); err != nil {
			return nil, err
		}
	}
	t.declared[d.ID] = true
	t.step(d, model.DocActionDeclare, "", "platform")
	if rule.Platform {
		if err := t.autoReviewDocument(d); err != nil {
			return nil, err
		}
	}
	if err := t.commit(); err != nil {
		return nil, err
	}
	return d, nil
}

// autoReviewDocument decides a document customs reviews on this platform by
// the review rules of its family, over its lines and the tags just set.
func (t *docTx) autoReviewDocument(d *model.Document) error {
	in := model.DocumentRuleInput(d)
	decision, err := t.autoReview(model.DeclarationKind(d.Family), &in)
	if err != nil {
		return err
	}
	d.AutoReview = &decision
	if decision.Outcome == model.OutcomeNone {
		return nil
	}
	defer t.decidedBy(decision)()
	switch decision.Outcome {
	case model.OutcomePass:
		return t.decide(d, "approve", decision.Opinion, sourceRule)
	case model.OutcomeReturn:
		return t.decide(d, "return", decision.Opinion, sourceRule)
	}
	return t.decide(d, "manual_review", ruleOpinion(decision), sourceRule)
}

// sourceRule is the source of a document step a review rule made.
const sourceRule = "rule"

// checkTraceCodes refuses lines whose trace code does not exist or is not
// active, and zone entries of another enterprise's batch (the prefiling's
// declarant brings it in). Stock is not checked here: a declaration beyond
// the declarant's stock, or without any, is accepted and tagged by the
// weight model for customs.
func (t *docTx) checkTraceCodes(d *model.Document, rule model.DocumentRule) error {
	var ps model.Problems
	for i, l := range d.Lines {
		field := fmt.Sprintf("lines[%d].traceCode", i)
		var tc model.TraceCode
		found, err := getRecord(t.ctx, model.KeyTraceCode, []string{l.TraceCode}, &tc)
		if err != nil {
			return err
		}
		switch {
		case !found || tc.Status != model.TraceCodeActive:
			ps.Add(field, model.RuleTraceCodeInactive, model.Params{"traceCode": l.TraceCode})
		case rule.From == nil && rule.To != nil && tc.EnterpriseID != d.EnterpriseID:
			ps.Add(field, model.RuleTraceCodeOfOther, model.Params{"traceCode": l.TraceCode})
		}
	}
	return ps.Err()
}

// reserve books the weight of every line against the declarant's stock, so
// that later declarations see it as taken; the weight model compared it
// with the stock first.
func (t *docTx) reserve(d *model.Document, h model.Holding) error {
	for _, l := range d.Lines {
		b, _, err := t.balance(l.TraceCode, h)
		if err != nil {
			return err
		}
		b.ReservedGrams += l.WeightGrams
		t.changed(b)
	}
	return nil
}

// release gives back what a document reserved and will no longer take.
func (t *docTx) release(d *model.Document, rule model.DocumentRule) error {
	if rule.From == nil || rule.Leg == model.LegIn {
		return nil
	}
	for _, l := range d.Lines {
		b, _, err := t.balance(l.TraceCode, model.Holding{EnterpriseID: d.EnterpriseID, Bonded: *rule.From})
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
		var ps model.Problems
		ps.Add("head.linkedDocumentId", model.RuleNotOutLeg, model.Params{"documentId": out.ID})
		return ps.Err()
	case out.Head.CounterpartyID != in.EnterpriseID:
		return model.Refuse(model.ReasonTransferOfOther, model.Params{"documentId": out.ID}, "transfer %s is addressed to another enterprise", out.ID)
	case out.Status != model.DocApproved:
		return model.Refuse(model.ReasonTransferNotApproved, model.Params{"documentId": out.ID, "status": string(out.Status)},
			"transfer %s is %s; only an approved out leg can be received", out.ID, out.Status)
	case out.InLegID != "":
		return model.Refuse(model.ReasonTransferReceived, model.Params{"documentId": out.ID, "inLegId": out.InLegID},
			"transfer %s was already received by %s", out.ID, out.InLegID)
	}
	var ps model.Problems
	if len(in.Lines) != len(out.Lines) {
		ps.Add("lines", model.RuleLineCountMismatch, model.Params{"expected": len(out.Lines), "documentId": out.ID})
		return ps.Err()
	}
	for i, l := range in.Lines {
		o := out.Lines[i]
		if l.TraceCode != o.TraceCode || l.WeightGrams != o.WeightGrams {
			ps.Add(fmt.Sprintf("lines[%d]", i), model.RuleLineMismatch, model.Params{
				"traceCode": o.TraceCode, "weightGrams": o.WeightGrams, "lineSeq": o.Seq, "documentId": out.ID})
		}
	}
	if err := ps.Err(); err != nil {
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
	rule := ruleOf(d)
	if !rule.Platform {
		return nil, model.Refuse(model.ReasonReviewedElsewhere, model.Params{"family": string(d.Family)},
			"%s is approved in customs' own system; its outcome arrives as a receipt", d.Family)
	}
	if err := checkDecision(decision, reason, model.DocumentDecisions, model.ReturnNeedsReason); err != nil {
		return nil, err
	}
	if err := t.decide(d, decision, reason, "platform"); err != nil {
		return nil, err
	}
	return d, t.commit()
}

// decide applies a review outcome from this platform or a customs receipt.
func (t *docTx) decide(d *model.Document, decision, reason, source string) error {
	if d.Status != model.DocDeclared && d.Status != model.DocManualReview {
		return model.Refuse(model.ReasonDocumentNotReviewable, model.Params{"documentId": d.ID, "status": string(d.Status)},
			"document %s is %s; only declared documents can be reviewed", d.ID, d.Status)
	}
	rule := ruleOf(d)
	if decision == "approve" && rule.Leg == model.LegOut {
		if err := t.checkOutLegHeld(d, rule); err != nil {
			var short *model.Error
			if source != sourceRule || !errors.As(err, &short) {
				return err
			}
			// A rule passing an over-shipped out leg sends it to customs
			// instead, telling the declarant why.
			text, _ := zh.Reason(short.Reason, short.Params)
			decision, reason = "manual_review", text
		}
	}
	switch decision {
	case "approve":
		d.Status = model.DocApproved
		d.ReturnReason = ""
		t.step(d, model.DocActionApprove, reason, source)
		return t.settle(d, rule, source)
	case "return":
		d.Status = model.DocReturned
		d.ReturnReason = reason
		if rule.Leg == model.LegIn {
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
			return model.Refuse(model.ReasonAlreadyManualReview, model.Params{"documentId": d.ID}, "document %s is already in manual review", d.ID)
		}
		d.Status = model.DocManualReview
		t.step(d, model.DocActionManualReview, reason, source)
		return nil
	}
	// checkDecision let no other decision through.
	return checkDecision(decision, reason, model.DocumentDecisions, model.ReturnNeedsReason)
}

// settle moves the goods of an approved document when nothing else is
// awaited: the gate crossing for zone entry and exit, the in leg for a
// transfer (whose approval moves both legs).
func (t *docTx) settle(d *model.Document, rule model.DocumentRule, source string) error {
	switch {
	case rule.Kind == "" && rule.Leg == model.LegNone:
		return nil
	case rule.Leg == model.LegOut:
		return nil // waits for the transferee's in leg
	case rule.Leg == model.LegIn:
		out, err := loadDocument(t.ctx, d.Head.LinkedDocumentID)
		if err != nil {
			return err
		}
		if out.Status != model.DocApproved {
			return model.Refuse(model.ReasonTransferNotApproved, model.Params{"documentId": out.ID, "status": string(out.Status)},
				"transfer %s is %s; it can no longer be received", out.ID, out.Status)
		}
		outRule := ruleOf(out)
		for _, l := range out.Lines {
			from := &model.Holding{EnterpriseID: out.EnterpriseID, Bonded: *outRule.From}
			to := &model.Holding{EnterpriseID: d.EnterpriseID, Bonded: *outRule.To}
			if err := t.move(out, l, outRule.Kind, from, to, true); err != nil {
				return err
			}
		}
		out.Status = model.DocEffective
		t.step(out, model.DocActionEffective, "", source)
		d.Status = model.DocEffective
		t.step(d, model.DocActionEffective, "", source)
		return nil
	case rule.Gate && d.GatePassed == "":
		return nil // waits for the gate
	}
	for _, l := range d.Lines {
		var from, to *model.Holding
		if rule.From != nil {
			from = &model.Holding{EnterpriseID: d.EnterpriseID, Bonded: *rule.From}
		}
		if rule.To != nil {
			to = &model.Holding{EnterpriseID: d.EnterpriseID, Bonded: *rule.To}
		}
		if err := t.move(d, l, rule.Kind, from, to, rule.From != nil); err != nil {
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
	rule := ruleOf(d)
	switch {
	case !rule.Gate:
		return model.Refuse(model.ReasonNoGateCrossing, model.Params{"family": string(d.Family), "businessType": string(d.BusinessType)},
			"%s %s does not cross the zone gate", d.Family, d.BusinessType)
	case d.GatePassed != "":
		return model.Refuse(model.ReasonGatePassed, model.Params{"documentId": d.ID, "at": d.GatePassed},
			"document %s already crossed the gate at %s", d.ID, d.GatePassed)
	case d.Status != model.DocApproved:
		return model.Refuse(model.ReasonDocumentNotApproved, model.Params{"documentId": d.ID, "status": string(d.Status)},
			"document %s is %s; goods cross the gate only once it is approved", d.ID, d.Status)
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

// approvalReceiptFamily is the family whose approval each approval receipt
// carries: a gate registration is declared to customs as a gate pass of
// type 5 (卡口登记货物), approved by SAS221.
var approvalReceiptFamily = map[string]model.Family{
	"INV201": model.FamilyChecklist, "SAS211": model.FamilyWarehouseReceipt, "SAS221": model.FamilyGateRegistration,
}

// ApplyExternalReceipt applies a receipt of customs' own systems to a
// document: INV201 for checklists, SAS211 for warehouse receipts and SAS221
// for gate registrations carry the approval; SAS223 reports the gate
// crossing of any zone entry or exit, and SAS224 its release (3 卡口放行)
// or refusal after inspection. An approval receipt answering a change or
// deletion declaration (declarationType 2 or 3) amends or voids the
// document instead (corrections.go). The other receipts only enter the
// history: INV202 (the customs declaration generated from a checklist),
// INV211 (the checklist posted to the account book), SAS212/SAS213 (a
// warehouse receipt's change and data sync), SAS222 (a gate pass's change),
// and SAS221 on a document a gate pass names (its own approval is the gate
// registration's).
func (c *Contract) ApplyExternalReceipt(ctx contractapi.TransactionContextInterface, requestID, documentID, receiptJSON string) (*model.Document, error) {
	t, err := beginDocTx(ctx, "ApplyExternalReceipt", requestID, model.RoleCustoms)
	if err != nil {
		return nil, err
	}
	var r model.ExternalReceipt
	if err := decodeStrict(receiptJSON, &r); err != nil {
		return nil, err
	}
	if err := model.CheckExternalReceipt(r).Err(); err != nil {
		return nil, err
	}
	d, err := loadDocument(ctx, documentID)
	if err != nil {
		return nil, err
	}
	if slices.Contains(d.Receipts, r.ID) {
		return nil, model.Refuse(model.ReasonReceiptApplied, model.Params{"receiptId": r.ID, "documentId": d.ID},
			"receipt %q was already applied to %s", r.ID, d.ID)
	}
	d.Receipts = append(d.Receipts, r.ID)
	t.touch(d)

	if r.MessageType == "SAS221" && d.Family != model.FamilyGateRegistration {
		// A gate pass naming this checklist or warehouse receipt: its
		// approval is the pass's, not the document's.
		t.step(d, model.DocActionReceipt, withNote("核放单"+r.CustomsNo+"审核结果 "+r.ManageResult, r.Note), r.MessageType)
		return d, t.commit()
	}
	if err := t.applyExternalReceipt(d, r); err != nil {
		return nil, err
	}
	return d, t.commit()
}

// historyReceipts are the receipts that only enter a document's history:
// the family they are about (empty: any family) and their Chinese name.
var historyReceipts = map[string]struct {
	family model.Family
	name   string
}{
	"INV202": {model.FamilyChecklist, "核注清单生成报关单回执"},
	"INV211": {model.FamilyChecklist, "清单记账回执"},
	"SAS212": {model.FamilyWarehouseReceipt, "出入库单修改回执"},
	"SAS213": {model.FamilyWarehouseReceipt, "出入库单数据同步回执"},
	"SAS222": {"", "核放单修改回执"},
}

func (t *docTx) applyExternalReceipt(d *model.Document, r model.ExternalReceipt) error {
	switch r.MessageType {
	case "INV201", "SAS211", "SAS221":
		want := approvalReceiptFamily[r.MessageType]
		if d.Family != want {
			return model.Refuse(model.ReasonReceiptWrongFamily, model.Params{"messageType": r.MessageType, "family": string(d.Family), "documentId": d.ID},
				"%s receipts are for %s documents, %s is a %s", r.MessageType, want, d.ID, d.Family)
		}
		// Only the approval receipts carry the document's own customs number;
		// a gate crossing's is the gate pass's (Z…).
		if r.CustomsNo != "" {
			d.CustomsNo = r.CustomsNo
		}
		decision, known := externalResults[r.ManageResult]
		switch {
		case known && (r.DeclarationType == model.DeclarationChange || r.DeclarationType == model.DeclarationDeletion):
			return t.applyCustomsCorrection(d, r, decision)
		case !known:
			return unknownValue("manageResult")
		case decision == "":
			t.step(d, model.DocActionReceipt, r.Note, r.MessageType)
			return nil
		default:
			reason := r.Note
			if decision == "return" && reason == "" {
				reason = "海关退单（" + r.MessageType + " 处理结果 " + r.ManageResult + "）"
			}
			return t.decide(d, decision, reason, r.MessageType)
		}
	case "SAS223", "SAS224":
		// SAS223: 1 已过卡, 2 未过卡; SAS224: 3 卡口放行, 2 拒绝过卡.
		passed, refused := "1", "2"
		if r.MessageType == "SAS224" {
			passed = "3"
		}
		switch r.ManageResult {
		case passed:
			return t.gatePass(d, r.MessageType)
		case refused:
			what := "未过卡"
			if r.MessageType == "SAS224" {
				what = "查验后拒绝过卡"
			}
			t.step(d, model.DocActionReceipt, withNote(what, r.Note), r.MessageType)
			return nil
		default:
			return unknownValue("manageResult")
		}
	}
	h, ok := historyReceipts[r.MessageType]
	if !ok {
		return unknownValue("messageType")
	}
	if h.family != "" && d.Family != h.family {
		return model.Refuse(model.ReasonReceiptWrongFamily, model.Params{"messageType": r.MessageType, "family": string(d.Family), "documentId": d.ID},
			"%s receipts are for %s documents, %s is a %s", r.MessageType, h.family, d.ID, d.Family)
	}
	if r.CustomsNo != "" && d.CustomsNo == "" && h.family == d.Family {
		d.CustomsNo = r.CustomsNo
	}
	t.step(d, model.DocActionReceipt, withNote(h.name+" 处理结果 "+r.ManageResult, r.Note), r.MessageType)
	return nil
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
		return nil, model.Refuse(model.ReasonDocumentOfOther, model.Params{"documentId": documentID}, "document %s belongs to other enterprises", documentID)
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
		return nil, model.Refuse(model.ReasonBalanceOfOther, model.Params{"enterpriseId": enterpriseID}, "balances of other enterprises are not visible")
	}
	b, err := strconv.ParseBool(isBonded)
	if err != nil {
		var ps model.Problems
		ps.Add("bonded", model.RulePattern, model.Params{"format": model.FormatBoolean})
		return nil, ps.Err()
	}
	balance := &model.Balance{TraceCode: traceCode, EnterpriseID: enterpriseID, Bonded: b}
	if _, err := getRecord(ctx, model.KeyBalance, balanceAttrs(traceCode, enterpriseID, b), balance); err != nil {
		return nil, err
	}
	return balance, nil
}

// unknownValue refuses an argument field of an unknown value.
func unknownValue(field string) error {
	var ps model.Problems
	ps.Add(field, model.RuleUnknownValue, nil)
	return ps.Err()
}
