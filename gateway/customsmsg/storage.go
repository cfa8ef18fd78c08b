package customsmsg

import (
	"fmt"
	"slices"
	"strings"
)

// StorageMessageTypes are customs' sub-message storage receipts (子报文入库回执):
// the customs system stored the message it was sent (INV200 for a
// checklist, SAS200 for the SAS family; EMS200 and BWS200 for the ledgers,
// which this platform does not send but may be forwarded).
var StorageMessageTypes = []string{"INV200", "SAS200", "EMS200", "BWS200"}

// StorageReceipt is one storage receipt: MsgReceResult of the message
// type's block.
type StorageReceipt struct {
	MessageType string
	// EtpsPreentNo is the 企业预录入编号 the receipt answers: our document
	// id on a first declaration, the 18-digit pre-entry number afterwards.
	EtpsPreentNo string
	// BizNo is the customs number, once there is one.
	BizNo        string
	PocketID     string
	ManageResult string
	ManageDate   string
	Remark       string
	Raw          []byte
}

// Stored reports a stored message (manageResult 1 入库成功; 2 is 入库失败).
func (r StorageReceipt) Stored() bool { return r.ManageResult == "1" }

// Numbers are the numbers the receipt's document may be known by.
func (r StorageReceipt) Numbers() []string {
	var out []string
	for _, n := range []string{r.EtpsPreentNo, r.BizNo} {
		if n != "" && !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out
}

func storageReceipt(messageType string, pkg *node) (StorageReceipt, error) {
	res := pkg.path("DataInfo", "BussinessData", messageType, "MsgReceResult")
	if res == nil {
		return StorageReceipt{}, fmt.Errorf("%w: %s/MsgReceResult is missing", ErrMalformed, messageType)
	}
	r := StorageReceipt{
		MessageType: messageType, EtpsPreentNo: res.value("etpsPreentNo"), BizNo: res.value("bizNo"),
		PocketID: res.value("pocketId"), ManageResult: res.value("manageResult"),
		ManageDate: res.value("manageDate"), Remark: strings.TrimSpace(res.value("rmk")),
	}
	switch {
	case r.ManageResult != "1" && r.ManageResult != "2":
		return StorageReceipt{}, fmt.Errorf("%w: %s/MsgReceResult/manageResult must be 1 (stored) or 2 (not stored)", ErrMalformed, messageType)
	case r.EtpsPreentNo == "" && r.BizNo == "":
		return StorageReceipt{}, fmt.Errorf("%w: %s/MsgReceResult carries neither etpsPreentNo nor bizNo", ErrMalformed, messageType)
	}
	return r, nil
}
