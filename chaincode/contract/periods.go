package contract

import (
	"time"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"zonetrace/chaincode/model"
)

// DefinePeriod records an accounting period of the caller's enterprise:
// the days from..to (China Standard Time, both included). Periods may
// overlap (a half year inside a year); a period id is used once.
// Enterprise only.
func (c *Contract) DefinePeriod(ctx contractapi.TransactionContextInterface, requestID, periodID, from, to string) (*model.AccountPeriod, error) {
	w, err := beginWrite(ctx, "DefinePeriod", requestID, model.RoleEnterprise)
	if err != nil {
		return nil, err
	}
	if err := model.CheckPeriod(periodID, from, to).Err(); err != nil {
		return nil, err
	}
	if to < from {
		return nil, model.Refuse(model.ReasonPeriodBackwards, model.Params{"from": from, "to": to},
			"period ends %s before it starts %s", to, from)
	}
	enterpriseID := w.caller.EnterpriseID
	var existing model.AccountPeriod
	found, err := getRecord(ctx, model.KeyAccountPeriod, []string{enterpriseID, periodID}, &existing)
	if err != nil {
		return nil, err
	}
	if found {
		return nil, model.Refuse(model.ReasonPeriodExists, model.Params{"enterpriseId": enterpriseID, "periodId": periodID},
			"enterprise %s already has period %s", enterpriseID, periodID)
	}
	p := &model.AccountPeriod{EnterpriseID: enterpriseID, PeriodID: periodID, From: from, To: to, Status: model.PeriodOpen,
		DefinedAt: w.at, DefinedTx: ctx.GetStub().GetTxID(), DefinedBy: w.caller.Actor}
	if err := putRecord(ctx, model.KeyAccountPeriod, []string{enterpriseID, periodID}, p); err != nil {
		return nil, err
	}
	return p, w.finish(model.DomainEvent{Type: model.EventAccountPeriodChanged, AccountPeriod: p})
}

// ClosePeriod records the hash of a period's totals (model.PeriodTotalsHash
// of the figures the gateway computed from the mirror) once the period has
// ended. A period closes once: its hash is the reference later
// recomputations are compared with. Enterprise only, its own periods.
func (c *Contract) ClosePeriod(ctx contractapi.TransactionContextInterface, requestID, periodID, totalsHash string) (*model.AccountPeriod, error) {
	w, err := beginWrite(ctx, "ClosePeriod", requestID, model.RoleEnterprise)
	if err != nil {
		return nil, err
	}
	if !model.SHA256Pattern.MatchString(totalsHash) {
		var ps model.Problems
		ps.Add("totalsHash", model.RulePattern, model.Params{"format": model.FormatSHA256})
		return nil, ps.Err()
	}
	enterpriseID := w.caller.EnterpriseID
	var p model.AccountPeriod
	found, err := getRecord(ctx, model.KeyAccountPeriod, []string{enterpriseID, periodID}, &p)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, model.Refuse(model.ReasonPeriodNotFound, model.Params{"enterpriseId": enterpriseID, "periodId": periodID},
			"enterprise %s has no period %s", enterpriseID, periodID)
	}
	if p.Status == model.PeriodClosed {
		return nil, model.Refuse(model.ReasonPeriodClosed, model.Params{"periodId": periodID, "at": p.ClosedAt},
			"period %s was closed at %s", periodID, p.ClosedAt)
	}
	_, end, err := model.PeriodBounds(p.From, p.To)
	if err != nil {
		return nil, err
	}
	now, err := time.Parse(time.RFC3339Nano, w.at)
	if err != nil {
		return nil, err
	}
	if now.Before(end) {
		return nil, model.Refuse(model.ReasonPeriodNotEnded, model.Params{"periodId": periodID, "to": p.To},
			"period %s ends %s", periodID, p.To)
	}
	actor := w.caller.Actor
	p.Status, p.TotalsHash, p.ClosedAt, p.ClosedTx, p.ClosedBy = model.PeriodClosed, totalsHash, w.at, ctx.GetStub().GetTxID(), &actor
	if err := putRecord(ctx, model.KeyAccountPeriod, []string{enterpriseID, periodID}, &p); err != nil {
		return nil, err
	}
	return &p, w.finish(model.DomainEvent{Type: model.EventAccountPeriodChanged, AccountPeriod: &p})
}
