package contract

import (
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"zonetrace/chaincode/model"
)

// MarkHighRisk marks a batch high risk (高风险货物) on its trace code, for
// customs — an officer or the gateway's customs identity acting on a risk
// alert — naming the reason and the rule configuration version the alert
// was raised under. The mark is on the code, so every holder the goods are
// transferred to sees it; it is cleared when the batch's last holding leaves
// the zone (clearExitedMarks). Marking again replaces the reason.
func (c *Contract) MarkHighRisk(ctx contractapi.TransactionContextInterface, requestID, traceCode, reason, configVersion string) (*model.TraceCode, error) {
	w, err := beginWrite(ctx, "MarkHighRisk", requestID, model.RoleCustoms)
	if err != nil {
		return nil, err
	}
	if err := checkText("reason", reason, model.RequiredNote); err != nil {
		return nil, err
	}
	head, err := ruleHead(ctx)
	if err != nil {
		return nil, err
	}
	v, convErr := strconv.Atoi(configVersion)
	if convErr != nil || v < 0 || v > head.Version {
		return nil, model.Refuse(model.ReasonRuleConfigNotFound, model.Params{"version": configVersion},
			"no rule configuration version %q", configVersion)
	}
	var tc model.TraceCode
	found, err := getRecord(ctx, model.KeyTraceCode, []string{traceCode}, &tc)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, model.Refuse(model.ReasonTraceCodeNotFound, model.Params{"traceCode": traceCode}, "trace code %q not found", traceCode)
	}
	tc.HighRisk = &model.HighRiskMark{Reason: reason, ConfigVersion: v, MarkedAt: w.at, MarkedTx: ctx.GetStub().GetTxID(),
		MarkedBy: w.caller.Actor}
	if err := putRecord(ctx, model.KeyTraceCode, []string{tc.Code}, &tc); err != nil {
		return nil, err
	}
	return &tc, w.finish(model.DomainEvent{Type: model.EventTraceCodeChanged, TraceCode: &tc})
}

// clearExitedMarks clears the high-risk mark of every marked batch this
// transaction took out of the zone when no holding of it is left: the
// committed balances of the code, as this transaction changed them.
func (t *docTx) clearExitedMarks() ([]model.DomainEvent, error) {
	var events []model.DomainEvent
	seen := map[string]bool{}
	for _, ev := range t.extra {
		m := ev.Movement
		if m == nil || m.Kind != model.MoveZoneExit || seen[m.TraceCode] {
			continue
		}
		seen[m.TraceCode] = true
		var tc model.TraceCode
		found, err := getRecord(t.ctx, model.KeyTraceCode, []string{m.TraceCode}, &tc)
		if err != nil {
			return nil, err
		}
		if !found || tc.HighRisk == nil {
			continue
		}
		held, err := t.heldAnywhere(m.TraceCode)
		if err != nil {
			return nil, err
		}
		if held {
			continue
		}
		tc.HighRisk = nil
		if err := putRecord(t.ctx, model.KeyTraceCode, []string{tc.Code}, &tc); err != nil {
			return nil, err
		}
		events = append(events, model.DomainEvent{Type: model.EventTraceCodeChanged, TraceCode: &tc})
	}
	return events, nil
}

// heldAnywhere reports whether any holding of code has weight, reading a
// holding this transaction touched from the transaction (a range query
// sees only committed state).
func (t *docTx) heldAnywhere(code string) (bool, error) {
	it, err := t.ctx.GetStub().GetStateByPartialCompositeKey(model.KeyBalance, []string{code})
	if err != nil {
		return false, fmt.Errorf("read balances of %s: %w", code, err)
	}
	defer it.Close()
	for it.HasNext() {
		kv, err := it.Next()
		if err != nil {
			return false, fmt.Errorf("read balances of %s: %w", code, err)
		}
		var b model.Balance
		if err := json.Unmarshal(kv.Value, &b); err != nil {
			return false, fmt.Errorf("decode %s: %w", model.KeyBalance, err)
		}
		attrs := balanceAttrs(b.TraceCode, b.EnterpriseID, b.Bonded)
		if _, mine := t.balanceIdx[attrs[0]+"\x00"+attrs[1]+"\x00"+attrs[2]]; !mine && b.WeightGrams > 0 {
			return true, nil
		}
	}
	for _, b := range t.balanceIdx {
		if b.TraceCode == code && b.WeightGrams > 0 {
			return true, nil
		}
	}
	return false, nil
}
