package docdrafts

import (
	"fmt"

	"zonetrace/chaincode/model"
)

// CopyContent is the content of a copy of a draft: head and goods stay, the
// trace codes go — a copy describes the next shipment of similar goods, and
// which batches it moves has to be chosen again. The original is untouched.
func CopyContent(c Content) Content {
	lines := make([]model.DocumentLine, len(c.Lines))
	for i, l := range c.Lines {
		l.TraceCode = ""
		lines[i] = l
	}
	c.Lines = lines
	return c
}

// IncomingContent is the in-draft of the transferee of out leg out: same
// family, business type in, linked to out, with out's lines (trace codes
// and weights) and the transport part of its head. The transferor's own
// account book and note stay with it; the in leg takes accountBookNo, the
// transferee's (empty when unknown); its counterparty is the transferor.
func IncomingContent(out model.Document, accountBookNo string) (Content, error) {
	t, ok := TemplateFor(out.Family, model.BusinessIn)
	if !ok || out.BusinessType != model.BusinessOut {
		return Content{}, fmt.Errorf("copy document %s into an in-draft: %s %s is not the out leg of a transfer", out.ID, out.Family, out.BusinessType)
	}
	head := out.Head
	head.AccountBookNo, head.Note = accountBookNo, ""
	head.CounterpartyID = out.EnterpriseID
	head.LinkedDocumentID = out.ID
	return Content{
		Family:       out.Family,
		BusinessType: model.BusinessIn,
		Head:         t.WithDefaults(head),
		Lines:        append([]model.DocumentLine(nil), out.Lines...),
	}, nil
}
