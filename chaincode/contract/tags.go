package contract

import (
	"slices"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"zonetrace/chaincode/model"
)

// TagDocument is a customs officer's manual tag (手工打标) on a document:
// the code must be in the tag catalogue of the configuration in force, which
// the tag names with the reason and the officer. A second manual tag of the
// same code is refused; a model's tag of the code does not prevent one.
func (c *Contract) TagDocument(ctx contractapi.TransactionContextInterface, requestID, documentID, code, reason string) (*model.Document, error) {
	t, err := beginDocTx(ctx, "TagDocument", requestID, model.RoleCustoms)
	if err != nil {
		return nil, err
	}
	if err := checkText("reason", reason, model.RequiredNote); err != nil {
		return nil, err
	}
	cfg, err := t.rules()
	if err != nil {
		return nil, err
	}
	if !slices.ContainsFunc(cfg.Tags, func(d model.TagDef) bool { return d.Code == code }) {
		var ps model.Problems
		ps.Add("code", model.RuleNotInCatalogue, model.Params{"value": code})
		return nil, ps.Err()
	}
	d, err := loadDocument(ctx, documentID)
	if err != nil {
		return nil, err
	}
	if slices.ContainsFunc(d.Tags, func(tag model.Tag) bool { return tag.Code == code && tag.AddedBy != nil }) {
		return nil, model.Refuse(model.ReasonTagPresent, model.Params{"documentId": d.ID, "code": code},
			"document %s already has a manual tag %s", d.ID, code)
	}
	officer := t.caller.Actor
	d.Tags = append(d.Tags, model.Tag{Code: code, Reason: reason, TxID: ctx.GetStub().GetTxID(),
		ConfigVersion: cfg.Version, AddedBy: &officer})
	t.step(d, model.DocActionTag, cfg.TagName(code)+"："+reason, "platform")
	return d, t.commit()
}

// UntagDocument is customs removing every tag of a code from a document —
// a model's as well as a manual one — with a reason. The removed tags stay
// readable in the document's history on the ledger.
func (c *Contract) UntagDocument(ctx contractapi.TransactionContextInterface, requestID, documentID, code, reason string) (*model.Document, error) {
	t, err := beginDocTx(ctx, "UntagDocument", requestID, model.RoleCustoms)
	if err != nil {
		return nil, err
	}
	if err := checkText("reason", reason, model.RequiredNote); err != nil {
		return nil, err
	}
	d, err := loadDocument(ctx, documentID)
	if err != nil {
		return nil, err
	}
	kept := slices.DeleteFunc(slices.Clone(d.Tags), func(tag model.Tag) bool { return tag.Code == code })
	if len(kept) == len(d.Tags) {
		return nil, model.Refuse(model.ReasonTagAbsent, model.Params{"documentId": d.ID, "code": code},
			"document %s has no tag %s", d.ID, code)
	}
	cfg, err := t.rules()
	if err != nil {
		return nil, err
	}
	d.Tags = kept
	t.step(d, model.DocActionUntag, cfg.TagName(code)+"："+reason, "platform")
	return d, t.commit()
}
