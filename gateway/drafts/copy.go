package drafts

import "zonetrace/chaincode/model"

// CopyData is the data of a copy of a draft or prefiling: what describes the
// goods stays, what belonged to the original batch's inspection goes — its
// attachments and its quarantine batch number and result (system fields and
// the trace code live outside PrefilingData and are never copied).
func CopyData(d model.PrefilingData) model.PrefilingData {
	d.Attachments = []model.Attachment{}
	d.QuarantineBatchNo = ""
	d.QuarantineResult = ""
	return d
}
