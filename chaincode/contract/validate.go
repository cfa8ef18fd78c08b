package contract

import (
	"zonetrace/chaincode/model"
)

// checkDecision refuses an unknown decision, a return or rejection without
// a reason, and a reason the ledger must not store.
func checkDecision(decision, reason string, allowed, needReason []string) error {
	return model.CheckDecision(decision, reason, allowed, needReason).Err()
}

// checkText refuses one text argument the ledger must not store.
func checkText(field, value string, r model.TextRule) error {
	return model.CheckText(field, value, r).Err()
}

// ruleOf is the movement rule of a declared document; a declared document
// always has one (DeclareDocument refuses unknown pairs).
func ruleOf(d *model.Document) model.DocumentRule {
	r, _ := model.RuleOf(d.Family, d.BusinessType)
	return r
}
