package contract

import (
	"fmt"
	"slices"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"zonetrace/chaincode/model"
)

// ConsolidateTransfers records that the caller's consolidated or intra-zone
// transfer checklist reports its bonded transfer legs to customs (集报): each
// leg is marked consolidated in the checklist (已集报) and can then be
// deleted only offline (tender, 删改单). transferIDsJSON is a JSON array of
// document ids; every leg must be the caller's own, approved or effective,
// and not reported by another checklist yet.
func (c *Contract) ConsolidateTransfers(ctx contractapi.TransactionContextInterface, requestID, checklistID, transferIDsJSON string) (*model.Document, error) {
	t, err := beginDocTx(ctx, "ConsolidateTransfers", requestID, model.RoleEnterprise)
	if err != nil {
		return nil, err
	}
	var ids []string
	if err := decodeStrict(transferIDsJSON, &ids); err != nil {
		return nil, err
	}
	var ps model.Problems
	switch {
	case len(ids) == 0:
		ps.Add("transferIds", model.RuleTooFew, model.Params{"min": 1})
	case len(ids) > model.MaxLines:
		ps.Add("transferIds", model.RuleTooMany, model.Params{"max": model.MaxLines})
	}
	for i, id := range ids {
		if slices.Contains(ids[:i], id) {
			ps.Add(fmt.Sprintf("transferIds[%d]", i), model.RuleDuplicate, model.Params{"value": id})
		}
	}
	if err := ps.Err(); err != nil {
		return nil, err
	}
	cl, err := loadDocument(ctx, checklistID)
	if err != nil {
		return nil, err
	}
	switch {
	case cl.EnterpriseID != t.caller.EnterpriseID:
		return nil, model.Refuse(model.ReasonConsolidateOther, model.Params{"documentId": cl.ID},
			"checklist %s was declared by another enterprise", cl.ID)
	case cl.Family != model.FamilyChecklist ||
		(cl.BusinessType != model.BusinessConsolidated && cl.BusinessType != model.BusinessTransfer) ||
		cl.Status == model.DocReturned || cl.Status == model.DocVoided:
		return nil, model.Refuse(model.ReasonNotConsolidating, model.Params{"documentId": cl.ID},
			"%s is not a standing consolidated or transfer checklist", cl.ID)
	}
	for _, id := range ids {
		d, err := loadDocument(ctx, id)
		if err != nil {
			return nil, err
		}
		switch {
		case d.Family != model.FamilyBondedTransfer:
			return nil, model.Refuse(model.ReasonNotBondedTransfer, model.Params{"documentId": d.ID}, "%s is not a bonded transfer", d.ID)
		case d.EnterpriseID != t.caller.EnterpriseID:
			return nil, model.Refuse(model.ReasonConsolidateOther, model.Params{"documentId": d.ID},
				"transfer %s was declared by another enterprise", d.ID)
		case d.ConsolidatedIn != "":
			return nil, consolidatedRefusal(d)
		case d.Status != model.DocApproved && d.Status != model.DocEffective:
			return nil, model.Refuse(model.ReasonTransferNotSettled, model.Params{"documentId": d.ID, "status": string(d.Status)},
				"transfer %s is %s; only approved or effective transfers are consolidated", d.ID, d.Status)
		}
		d.ConsolidatedIn = cl.ID
		t.step(d, model.DocActionConsolidate, "已集报："+familyName(cl.Family)+" "+cl.ID, "platform")
		cl.Consolidates = append(cl.Consolidates, d.ID)
	}
	t.step(cl, model.DocActionConsolidate, fmt.Sprintf("集报 %d 份保税区内流转出入库单", len(ids)), "platform")
	return cl, t.commit()
}
