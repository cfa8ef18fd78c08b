package customsmsg

import "fmt"

// ImportResult is the Single Window client's answer to an imported file
// (Successed_… / Failed_…, root CommonResponeMessage). It is the only place
// that ties our number (EtpsPreentNo, the document id we declared with) to
// the 18-digit SeqNo every later receipt is keyed by.
type ImportResult struct {
	SeqNo        string
	EtpsPreentNo string
	CheckInfo    string
	DealFlag     string
	Raw          []byte
}

// OK reports a successful import (DealFlag 0).
func (r ImportResult) OK() bool { return r.DealFlag == "0" }

func importResult(root *node) (ImportResult, error) {
	r := ImportResult{
		SeqNo:        root.value("SeqNo"),
		EtpsPreentNo: root.value("EtpsPreentNo"),
		CheckInfo:    root.value("CheckInfo"),
		DealFlag:     root.value("DealFlag"),
	}
	if r.DealFlag == "" {
		return ImportResult{}, fmt.Errorf("%w: CommonResponeMessage/DealFlag is missing", ErrMalformed)
	}
	if r.OK() && (r.SeqNo == "" || r.EtpsPreentNo == "") {
		return ImportResult{}, fmt.Errorf("%w: a successful CommonResponeMessage must carry SeqNo and EtpsPreentNo", ErrMalformed)
	}
	return r, nil
}
