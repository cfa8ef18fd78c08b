package contract

import (
	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"zonetrace/chaincode/model"
)

// write is one state-changing transaction in progress: its authorised
// caller, its timestamp and its claimed request id.
type write struct {
	ctx       contractapi.TransactionContextInterface
	caller    caller
	at        string
	function  string
	requestID string
	// config is the rule configuration in force, once loaded (rules.go).
	config *model.RuleConfig
	// rule, while set, is the review rule the steps being recorded are
	// decided by (decidedBy).
	rule *model.RuleRef
}

// beginWrite authorises the caller for function and claims requestID; every
// state-changing transaction starts here.
func beginWrite(ctx contractapi.TransactionContextInterface, function, requestID string, roles ...model.Role) (*write, error) {
	c, err := resolveCaller(ctx)
	if err != nil {
		return nil, err
	}
	if err := c.require(function, roles...); err != nil {
		return nil, err
	}
	if err := refuseDisabledEnterprise(ctx, c); err != nil {
		return nil, err
	}
	now, err := txTime(ctx)
	if err != nil {
		return nil, err
	}
	at := formatTime(now)
	if err := claimRequest(ctx, c, requestID, function, at); err != nil {
		return nil, err
	}
	return &write{ctx: ctx, caller: c, at: at, function: function, requestID: requestID}, nil
}

// finish sets the transaction's event with the new state of what changed.
func (w *write) finish(events ...model.DomainEvent) error {
	return emit(w.ctx, w.function, w.requestID, w.caller, w.at, events...)
}

// refuseDisabledEnterprise refuses every write of an identity acting for an
// enterprise the zone admin disabled; its bindings stay, so enabling the
// enterprise again restores them.
func refuseDisabledEnterprise(ctx contractapi.TransactionContextInterface, c caller) error {
	if c.Role != model.RoleEnterprise {
		return nil
	}
	var e model.Enterprise
	found, err := getRecord(ctx, model.KeyEnterprise, []string{c.EnterpriseID}, &e)
	if err != nil {
		return err
	}
	if found && e.Status == model.EnterpriseDisabled {
		return model.Refuse(model.ReasonEnterpriseDisabled, model.Params{"enterpriseId": e.ID}, "enterprise %s is disabled", e.ID)
	}
	return nil
}
