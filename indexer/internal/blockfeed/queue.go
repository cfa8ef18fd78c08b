package blockfeed

import "zonetrace/chaincode/model"

// SendToManualReview commits a review rule's decision to send document id
// to customs' manual review, as the chaincode does at declaration when a
// manual-review rule matches.
func (c *Chain) SendToManualReview(id string, rule model.RuleRef) model.Document {
	t := c.begin(model.Actor{Name: model.SystemActorName(rule)})
	d := c.documents[id]
	d.Status = model.DocManualReview
	t.changed(d, model.EventDocumentChanged, model.DocActionManualReview, "", "转人工审核")
	d.Steps[len(d.Steps)-1].DecidedBy = &rule
	t.events[len(t.events)-1].Document = c.copyDocument(d)
	t.commit("ReviewDocument")
	return c.Document(id)
}

// DeclareForManualReview commits a declaration a review rule sent to
// customs' manual review in the same transaction: the prefiling stays
// declared, with a rule_manual_review step naming the rule.
func (c *Chain) DeclareForManualReview(id, enterpriseID string, data model.PrefilingData, rule model.RuleRef) model.Prefiling {
	txID, at := c.next()
	p := &model.Prefiling{ID: id, EnterpriseID: enterpriseID, Status: model.PrefilingDeclared, Data: data,
		DeclaredAt: at, UpdatedAt: at, UpdatedTx: txID, Version: 1,
		AutoReview: &model.RuleDecision{ConfigVersion: rule.ConfigVersion, RuleID: rule.RuleID, Outcome: model.OutcomeManual}}
	c.prefilings[id] = p
	actor := Declarant(enterpriseID)
	c.step(p, txID, at, model.ActionDeclare, actor, "", nil)
	c.step(p, txID, at, model.ActionRuleManualReview, model.Actor{Name: model.SystemActorName(rule)}, "", nil)
	p.Steps[1].DecidedBy = &rule
	c.commit(txID, at, "DeclarePrefiling", actor, model.DomainEvent{Type: model.EventPrefilingDeclared, Prefiling: p})
	return c.Prefiling(id)
}
