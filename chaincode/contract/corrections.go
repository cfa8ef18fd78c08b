package contract

import (
	"fmt"
	"strings"

	"zonetrace/chaincode/model"
)

// correctionOutcomes names, for the declarant's history, what customs did
// with a change or deletion declaration it has not (yet) carried out.
var correctionOutcomes = map[string]string{"Y": "已入库", "Z": "入库失败", "2": "转人工审核", "3": "被退回"}

// applyCustomsCorrection applies an INV201 answering a change (变更) or
// deletion (删除) declaration of a checklist, declared in customs' own
// system. decision is what the receipt's manageResult means
// (externalResults): once customs passed it, a deletion voids the checklist
// — releasing its reservation, or moving back goods that already moved — and
// a change amends the line weights it carries and the reservation with
// them. Any other result only enters the history: the checklist stands.
func (t *docTx) applyCustomsCorrection(d *model.Document, r model.ExternalReceipt, decision string) error {
	what := "变更"
	if r.DeclarationType == model.DeclarationDeletion {
		what = "删除"
	}
	if decision != "approve" {
		t.step(d, model.DocActionReceipt, withNote("海关"+what+"申请"+correctionOutcomes[r.ManageResult], r.Note), r.MessageType)
		return nil
	}
	if d.Status == model.DocVoided || d.Status == model.DocReturned {
		return model.Refuse(model.ReasonReceiptNotApplicable, model.Params{"documentId": d.ID, "status": string(d.Status)},
			"document %s is %s; a change or deletion receipt no longer applies", d.ID, d.Status)
	}
	if r.DeclarationType == model.DeclarationDeletion {
		return t.void(d, d.Status, withNote("海关已删除", r.Note), r.MessageType)
	}
	return t.amend(d, r)
}

// amend sets the line weights a change receipt carries and moves the
// document's reservation by the difference. Goods that already moved are
// not moved again: such a change is refused, to be settled offline.
func (t *docTx) amend(d *model.Document, r model.ExternalReceipt) error {
	if len(r.Lines) == 0 {
		t.step(d, model.DocActionAmend, withNote("海关已变更（回执未载明重量）", r.Note), r.MessageType)
		return nil
	}
	if d.Status == model.DocEffective {
		return model.Refuse(model.ReasonAmendEffective, model.Params{"documentId": d.ID},
			"document %s is effective; its goods moved and a change of weights cannot apply", d.ID)
	}
	var ps model.Problems
	index := make([]int, len(r.Lines))
	for i, l := range r.Lines {
		index[i] = -1
		for j, line := range d.Lines {
			if line.Seq == l.Seq {
				index[i] = j
			}
		}
		if index[i] < 0 {
			ps.Add(fmt.Sprintf("lines[%d].seq", i), model.RuleOutOfRange, model.Params{"min": 1, "max": len(d.Lines)})
		}
	}
	if err := ps.Err(); err != nil {
		return err
	}
	rule := ruleOf(d)
	// Declared, in manual review or approved: what it takes out is reserved.
	reserved := rule.From != nil && rule.Leg != model.LegIn
	var changes []string
	for i, l := range r.Lines {
		line := &d.Lines[index[i]]
		if line.WeightGrams == l.WeightGrams {
			continue
		}
		if reserved {
			b, _, err := t.balance(line.TraceCode, model.Holding{EnterpriseID: d.EnterpriseID, Bonded: *rule.From})
			if err != nil {
				return err
			}
			b.ReservedGrams = max(0, b.ReservedGrams+l.WeightGrams-line.WeightGrams)
			t.changed(b)
		}
		changes = append(changes, fmt.Sprintf("第%d行 %d 克改为 %d 克", line.Seq, line.WeightGrams, l.WeightGrams))
		line.WeightGrams = l.WeightGrams
	}
	summary := "海关已变更，重量未变"
	if len(changes) > maxListedChanges {
		changes = append(changes[:maxListedChanges], fmt.Sprintf("等共 %d 行", len(changes)))
	}
	if len(changes) > 0 {
		summary = "海关已变更：" + strings.Join(changes, "，")
	}
	t.step(d, model.DocActionAmend, withNote(summary, r.Note), r.MessageType)
	return nil
}

// maxListedChanges bounds the lines a change step lists, so that the
// history of a large checklist stays readable.
const maxListedChanges = 20

// withNote appends a receipt's note to a step reason.
func withNote(reason, note string) string {
	if note == "" {
		return reason
	}
	return reason + "（" + note + "）"
}
