package contract

import (
	"fmt"
	"time"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"zonetrace/chaincode/model"
	"zonetrace/chaincode/tracecode"
)

// DeclarePrefiling records an enterprise's prefiling of a goods batch and
// sends it to customs. Once declared it can never be edited or deleted, only
// supplemented.
func (c *Contract) DeclarePrefiling(ctx contractapi.TransactionContextInterface, requestID, prefilingID, dataJSON string) (*model.Prefiling, error) {
	w, err := beginWrite(ctx, "DeclarePrefiling", requestID, model.RoleEnterprise)
	if err != nil {
		return nil, err
	}
	var data model.PrefilingData
	if err := decodeStrict(dataJSON, &data); err != nil {
		return nil, err
	}
	if data.Attachments == nil {
		data.Attachments = []model.Attachment{}
	}
	var ps model.Problems
	if !model.PrefilingIDPattern.MatchString(prefilingID) {
		ps.Add("prefilingId", model.RulePattern, model.Params{"format": model.FormatPrefilingID})
	}
	if err := append(ps, model.CheckPrefilingData(data)...).Err(); err != nil {
		return nil, err
	}
	var existing model.Prefiling
	found, err := getRecord(ctx, model.KeyPrefiling, []string{prefilingID}, &existing)
	if err != nil {
		return nil, err
	}
	if found {
		return nil, model.Refuse(model.ReasonPrefilingExists, model.Params{"prefilingId": prefilingID}, "prefiling %s already exists", prefilingID)
	}
	p := &model.Prefiling{
		ID:           prefilingID,
		EnterpriseID: w.caller.EnterpriseID,
		Status:       model.PrefilingDeclared,
		Data:         data,
		DeclaredAt:   w.at,
		Steps:        []model.PrefilingStep{},
	}
	w.step(p, model.ActionDeclare, "", nil)
	in := model.PrefilingRuleInput(p)
	decision, err := w.autoReview(model.KindPrefiling, &in)
	if err != nil {
		return nil, err
	}
	p.AutoReview = &decision
	more, err := w.applyPrefilingRule(p, decision)
	if err != nil {
		return nil, err
	}
	return p, w.savePrefiling(p, model.EventPrefilingDeclared, more...)
}

// applyPrefilingRule carries out what a review rule decided about a
// declared prefiling; no rule matching leaves it to customs.
func (w *write) applyPrefilingRule(p *model.Prefiling, d model.RuleDecision) ([]model.DomainEvent, error) {
	if d.Outcome == model.OutcomeNone {
		return nil, nil
	}
	defer w.decidedBy(d)()
	switch d.Outcome {
	case model.OutcomePass:
		return w.decidePrefiling(p, "approve", d.Opinion)
	case model.OutcomeReturn:
		return w.decidePrefiling(p, "return", d.Opinion)
	}
	w.step(p, model.ActionRuleManualReview, ruleOpinion(d), nil)
	return nil, nil
}

// ReviewPrefiling is customs' decision on a declared prefiling: approve
// issues the trace code, return sends it back with a reason.
func (c *Contract) ReviewPrefiling(ctx contractapi.TransactionContextInterface, requestID, prefilingID, decision, reason string) (*model.Prefiling, error) {
	w, err := beginWrite(ctx, "ReviewPrefiling", requestID, model.RoleCustoms)
	if err != nil {
		return nil, err
	}
	if err := checkDecision(decision, reason, model.PrefilingDecisions, model.ReturnNeedsReason); err != nil {
		return nil, err
	}
	p, err := loadPrefiling(ctx, prefilingID)
	if err != nil {
		return nil, err
	}
	if p.Status != model.PrefilingDeclared {
		return nil, model.Refuse(model.ReasonPrefilingNotDeclared, model.Params{"prefilingId": p.ID, "status": string(p.Status)},
			"prefiling %s is %s, only declared prefilings can be reviewed", p.ID, p.Status)
	}
	events, err := w.decidePrefiling(p, decision, reason)
	if err != nil {
		return nil, err
	}
	return p, w.savePrefiling(p, events[0].Type, events[1:]...)
}

// decidePrefiling approves (issuing the trace code) or returns a declared
// prefiling and returns the events that say so, the prefiling's first.
func (w *write) decidePrefiling(p *model.Prefiling, decision, reason string) ([]model.DomainEvent, error) {
	if decision == "return" {
		p.Status = model.PrefilingReturned
		p.ReturnReason = reason
		w.step(p, model.ActionReturn, reason, nil)
		return []model.DomainEvent{{Type: model.EventPrefilingReturned, Prefiling: p}}, nil
	}
	code, err := w.issueTraceCode(p)
	if err != nil {
		return nil, err
	}
	p.Status = model.PrefilingApproved
	p.TraceCode = code.Code
	p.ReturnReason = ""
	w.step(p, model.ActionApprove, reason, nil)
	return []model.DomainEvent{{Type: model.EventPrefilingApproved, Prefiling: p},
		{Type: model.EventTraceCodeIssued, TraceCode: code}}, nil
}

// DeclareSupplement completes an approved prefiling after the goods entered
// the zone (quarantine outcome and certificate). It is checked for format and
// completeness only and waits for customs' supplement review.
func (c *Contract) DeclareSupplement(ctx contractapi.TransactionContextInterface, requestID, prefilingID, supplementJSON string) (*model.Prefiling, error) {
	w, err := beginWrite(ctx, "DeclareSupplement", requestID, model.RoleEnterprise)
	if err != nil {
		return nil, err
	}
	var s model.SupplementData
	if err := decodeStrict(supplementJSON, &s); err != nil {
		return nil, err
	}
	if s.Attachments == nil {
		s.Attachments = []model.Attachment{}
	}
	if err := model.CheckSupplement(s).Err(); err != nil {
		return nil, err
	}
	p, err := loadPrefiling(ctx, prefilingID)
	if err != nil {
		return nil, err
	}
	if p.EnterpriseID != w.caller.EnterpriseID {
		return nil, model.Refuse(model.ReasonPrefilingOfOther, model.Params{"prefilingId": p.ID}, "prefiling %s belongs to another enterprise", p.ID)
	}
	switch {
	case p.Status != model.PrefilingApproved:
		return nil, model.Refuse(model.ReasonPrefilingNotApproved, model.Params{"prefilingId": p.ID, "status": string(p.Status)},
			"prefiling %s is %s, only approved prefilings can be supplemented", p.ID, p.Status)
	case p.SupplementStatus == model.SupplementDeclared:
		return nil, model.Refuse(model.ReasonSupplementPending, model.Params{"prefilingId": p.ID}, "prefiling %s already has a supplement under review", p.ID)
	}
	p.SupplementStatus = model.SupplementDeclared
	p.Supplement = &s
	p.ReturnReason = ""
	w.step(p, model.ActionSupplement, "", &s)
	in := model.SupplementRuleInput(p, &s)
	decision, err := w.autoReview(model.KindSupplement, &in)
	if err != nil {
		return nil, err
	}
	p.SupplementAutoReview = &decision
	var more []model.DomainEvent
	if decision.Outcome != model.OutcomeNone {
		done := w.decidedBy(decision)
		switch decision.Outcome {
		case model.OutcomePass:
			more = []model.DomainEvent{{Type: w.decideSupplement(p, "approve", decision.Opinion), Prefiling: p}}
		case model.OutcomeReturn:
			more = []model.DomainEvent{{Type: w.decideSupplement(p, "return", decision.Opinion), Prefiling: p}}
		default:
			w.step(p, model.ActionRuleManualReview, ruleOpinion(decision), nil)
		}
		done()
	}
	return p, w.savePrefiling(p, model.EventSupplementDeclared, more...)
}

// ReviewSupplement is customs' decision on a declared supplement. Approval
// merges the supplement into the prefiling's data.
func (c *Contract) ReviewSupplement(ctx contractapi.TransactionContextInterface, requestID, prefilingID, decision, reason string) (*model.Prefiling, error) {
	w, err := beginWrite(ctx, "ReviewSupplement", requestID, model.RoleCustoms)
	if err != nil {
		return nil, err
	}
	if err := checkDecision(decision, reason, model.PrefilingDecisions, model.ReturnNeedsReason); err != nil {
		return nil, err
	}
	p, err := loadPrefiling(ctx, prefilingID)
	if err != nil {
		return nil, err
	}
	if p.SupplementStatus != model.SupplementDeclared {
		return nil, model.Refuse(model.ReasonNoSupplement, model.Params{"prefilingId": p.ID}, "prefiling %s has no supplement under review", p.ID)
	}
	return p, w.savePrefiling(p, w.decideSupplement(p, decision, reason))
}

// decideSupplement approves (merging it into the prefiling's data) or
// returns a declared supplement and returns the event type that says so.
func (w *write) decideSupplement(p *model.Prefiling, decision, reason string) model.EventType {
	if decision == "return" {
		p.SupplementStatus = model.SupplementReturned
		p.ReturnReason = reason
		w.step(p, model.ActionSupplementReturn, reason, nil)
		return model.EventSupplementReturned
	}
	p.SupplementStatus = model.SupplementApproved
	p.Data.QuarantineBatchNo = p.Supplement.QuarantineBatchNo
	p.Data.QuarantineResult = p.Supplement.QuarantineResult
	p.Data.Attachments = append(p.Data.Attachments, p.Supplement.Attachments...)
	w.step(p, model.ActionSupplementApprove, reason, nil)
	return model.EventSupplementApproved
}

// GetPrefiling returns a prefiling to customs, the zone admin or its owner.
func (c *Contract) GetPrefiling(ctx contractapi.TransactionContextInterface, prefilingID string) (*model.Prefiling, error) {
	who, err := resolveCaller(ctx)
	if err != nil {
		return nil, err
	}
	if err := who.require("GetPrefiling", model.RoleCustoms, model.RoleZoneAdmin, model.RoleEnterprise); err != nil {
		return nil, err
	}
	p, err := loadPrefiling(ctx, prefilingID)
	if err != nil {
		return nil, err
	}
	if who.Role == model.RoleEnterprise && p.EnterpriseID != who.EnterpriseID {
		return nil, model.Refuse(model.ReasonPrefilingOfOther, model.Params{"prefilingId": prefilingID}, "prefiling %s belongs to another enterprise", prefilingID)
	}
	return p, nil
}

// GetTraceCode returns a trace code to customs, the zone admin or its holder.
func (c *Contract) GetTraceCode(ctx contractapi.TransactionContextInterface, code string) (*model.TraceCode, error) {
	who, err := resolveCaller(ctx)
	if err != nil {
		return nil, err
	}
	if err := who.require("GetTraceCode", model.RoleCustoms, model.RoleZoneAdmin, model.RoleEnterprise); err != nil {
		return nil, err
	}
	var tc model.TraceCode
	found, err := getRecord(ctx, model.KeyTraceCode, []string{code}, &tc)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, model.Refuse(model.ReasonTraceCodeNotFound, model.Params{"traceCode": code}, "trace code %q not found", code)
	}
	if who.Role == model.RoleEnterprise && tc.EnterpriseID != who.EnterpriseID {
		return nil, model.Refuse(model.ReasonTraceCodeOfOther, model.Params{"traceCode": code}, "trace code %s belongs to another enterprise", code)
	}
	return &tc, nil
}

func loadPrefiling(ctx contractapi.TransactionContextInterface, id string) (*model.Prefiling, error) {
	var p model.Prefiling
	found, err := getRecord(ctx, model.KeyPrefiling, []string{id}, &p)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, model.Refuse(model.ReasonPrefilingNotFound, model.Params{"prefilingId": id}, "prefiling %q not found", id)
	}
	return &p, nil
}

// step appends a history entry and stamps the prefiling as changed by this
// transaction.
func (w *write) step(p *model.Prefiling, action, reason string, s *model.SupplementData) {
	actor, rule := w.stepActor()
	p.Steps = append(p.Steps, model.PrefilingStep{
		Seq:        len(p.Steps) + 1,
		Action:     action,
		Actor:      actor,
		DecidedBy:  rule,
		TxID:       w.ctx.GetStub().GetTxID(),
		At:         w.at,
		Reason:     reason,
		Supplement: s,
	})
	p.UpdatedAt = w.at
	p.UpdatedTx = w.ctx.GetStub().GetTxID()
	p.Version++
}

func (w *write) savePrefiling(p *model.Prefiling, t model.EventType, more ...model.DomainEvent) error {
	if err := putRecord(w.ctx, model.KeyPrefiling, []string{p.ID}, p); err != nil {
		return err
	}
	events := append([]model.DomainEvent{{Type: t, Prefiling: p}}, more...)
	// Every decision of this transaction (a rule may decide at
	// declaration) is sent to the declarant as a receipt, after the state
	// it reports.
	for _, s := range p.Steps {
		if s.TxID == w.ctx.GetStub().GetTxID() && model.IssuesPrefilingReceipt(s.Action) {
			r := model.PrefilingReceipt(p, s)
			events = append(events, model.DomainEvent{Type: model.EventReceiptIssued, Receipt: &r})
		}
	}
	return w.finish(events...)
}

// issueTraceCode records the prefiling's trace code: the first code of its
// commodity and approval day, in the prefiling's probe order
// (tracecode.Sequence), not yet issued. It reads and writes no key shared
// by approvals of other prefilings, only the candidate codes' own keys, so
// concurrent approvals conflict under Fabric's MVCC only when two of them
// pick the same code, and then the one committed second is invalidated and
// resubmitted, seeing the first's code and probing past it
// (docs/architecture.md "Trace codes").
func (w *write) issueTraceCode(p *model.Prefiling) (*model.TraceCode, error) {
	approvedAt, err := time.Parse(time.RFC3339Nano, w.at)
	if err != nil {
		return nil, err
	}
	commodity := tracecode.CommodityCode(p.Data.Commodity)
	codeText, err := w.freeTraceCode(p.ID, commodity, approvedAt)
	if err != nil {
		return nil, err
	}
	code := &model.TraceCode{
		Code:         codeText,
		PrefilingID:  p.ID,
		EnterpriseID: p.EnterpriseID,
		Commodity:    p.Data.Commodity,
		ProductName:  p.Data.ProductName,
		Origin:       p.Data.Origin,
		WeightGrams:  p.Data.WeightGrams,
		Status:       model.TraceCodeActive,
		IssuedAt:     w.at,
		IssuedTx:     w.ctx.GetStub().GetTxID(),
	}
	if err := putRecord(w.ctx, model.KeyTraceCode, []string{code.Code}, code); err != nil {
		return nil, err
	}
	return code, nil
}

// freeTraceCode returns the first of the prefiling's candidate codes that
// is not on the ledger. Codes are never deleted, so one found free here was
// never issued.
func (w *write) freeTraceCode(prefilingID, commodity string, approvedAt time.Time) (string, error) {
	for probe := range tracecode.MaxProbes {
		code, err := tracecode.Compose(commodity, approvedAt, tracecode.Sequence(prefilingID, probe))
		if err != nil {
			return "", model.Refuse(model.ReasonTraceCodeUnavailable, model.Params{"commodity": commodity}, "%v", err)
		}
		k, err := key(w.ctx, model.KeyTraceCode, []string{code})
		if err != nil {
			return "", err
		}
		taken, err := w.ctx.GetStub().GetState(k)
		if err != nil {
			return "", fmt.Errorf("read %s: %w", model.KeyTraceCode, err)
		}
		if taken == nil {
			return code, nil
		}
	}
	return "", model.Refuse(model.ReasonTraceCodeUnavailable, model.Params{"commodity": commodity},
		"no free trace code for %s on %s within %d probes", commodity, tracecode.DayKey(approvedAt), tracecode.MaxProbes)
}
