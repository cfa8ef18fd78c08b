package contract

import (
	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"zonetrace/chaincode/model"
)

// ReleaseReservation is customs ending an approved document whose goods
// will not move — a bonded checklist exit whose gate pass customs refused
// (SAS223 manageResult 2), a transfer never received — so that its
// reservation stops counting against the holder's stock. The document is
// voided with the officer's reason, like a deletion.
func (c *Contract) ReleaseReservation(ctx contractapi.TransactionContextInterface, requestID, documentID, reason string) (*model.Document, error) {
	t, err := beginDocTx(ctx, "ReleaseReservation", requestID, model.RoleCustoms)
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
	rule := ruleOf(d)
	switch {
	case rule.From == nil || rule.Leg == model.LegIn:
		return nil, model.Refuse(model.ReasonNothingReserved, model.Params{"documentId": d.ID, "family": string(d.Family),
			"businessType": string(d.BusinessType)}, "%s %s takes no stock out; nothing is reserved", d.Family, d.BusinessType)
	case d.Status != model.DocApproved:
		return nil, model.Refuse(model.ReasonNotReleasable, model.Params{"documentId": d.ID, "status": string(d.Status)},
			"document %s is %s; only an approved document whose goods have not moved can be released", d.ID, d.Status)
	case d.ConsolidatedIn != "":
		return nil, consolidatedRefusal(d)
	}
	if err := t.void(d, d.Status, reason, "platform"); err != nil {
		return nil, err
	}
	return d, t.commit()
}

// checkOutLegHeld refuses the approval of a transfer's out leg whose
// transferor holds less of a trace code than the leg transfers: the goods
// move only when the transferee's in leg is approved, and customs must
// learn of the shortfall at the out leg, not there.
func (t *docTx) checkOutLegHeld(d *model.Document, rule model.DocumentRule) error {
	var order []string
	asked := map[string]int64{}
	for _, l := range d.Lines {
		if _, ok := asked[l.TraceCode]; !ok {
			order = append(order, l.TraceCode)
		}
		asked[l.TraceCode] += l.WeightGrams
	}
	for _, code := range order {
		b, _, err := t.balance(code, model.Holding{EnterpriseID: d.EnterpriseID, Bonded: *rule.From})
		if err != nil {
			return err
		}
		if b.WeightGrams < asked[code] {
			return model.Refuse(model.ReasonOutLegShortfall, model.Params{"documentId": d.ID, "traceCode": code,
				"heldGrams": b.WeightGrams, "askedGrams": asked[code], "shortfallGrams": asked[code] - b.WeightGrams},
				"out leg %s transfers %d g of %s; the transferor holds %d g, %d g short",
				d.ID, asked[code], code, b.WeightGrams, asked[code]-b.WeightGrams)
		}
	}
	return nil
}

// consolidatedRefusal is the tender's reminder for a transfer a checklist
// reported (已集报): not deletable here, take the offline procedure.
func consolidatedRefusal(d *model.Document) error {
	return model.Refuse(model.ReasonTransferConsolidated, model.Params{"documentId": d.ID, "checklistId": d.ConsolidatedIn},
		"%s was reported in consolidated checklist %s; it is deleted offline through customs", d.ID, d.ConsolidatedIn)
}
