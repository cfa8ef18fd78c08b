// Package outgoing writes our documents as the national messages customs'
// own systems take (CUSTOMS_MESSAGES.md): a checklist as INV101 (核注清单),
// a consolidated warehouse receipt as SAS111 (出入库单) and a gate
// registration as SAS121 (核放单 of type 5, 卡口登记货物), each in the
// import-file envelope of the Single Window client (§2.1: Signature /
// Object / Package, the client signs). Field names are the national ones,
// kept in this mapping layer only; Check verifies a built message against
// the field tables.
package outgoing

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"time"

	"zonetrace/chaincode/model"
)

// Errors of Build.
var (
	// ErrNoMessage: the document's family has no national message (customs
	// reviews it on this platform).
	ErrNoMessage = errors.New("no national message for this document")
	// ErrUnmapped: a value of the document has no code in the national
	// code tables.
	ErrUnmapped = errors.New("no national code")
)

// Message types built here.
const (
	TypeChecklist = "INV101"
	TypeStock     = "SAS111"
	TypePassport  = "SAS121"
)

// TypeOf returns the national message a family is declared with, or "".
func TypeOf(f model.Family) string {
	switch f {
	case model.FamilyChecklist:
		return TypeChecklist
	case model.FamilyWarehouseReceipt:
		return TypeStock
	case model.FamilyGateRegistration:
		return TypePassport
	}
	return ""
}

// Party is an enterprise as the messages name it: 统一社会信用代码 (18),
// 海关编码 (10) and name.
type Party struct {
	Sccd, CustomsCode, Name string
}

// Context is what a message needs beyond the document.
type Context struct {
	// Declarant is the declaring enterprise; it is also the operating,
	// receiving, declaring and inputting enterprise of the message.
	Declarant Party
	// CustomsArea is the 4-digit 主管关区 / 申报地关区 of the zone.
	CustomsArea string
	// SysID is the INV101 SysId of the zone's ledgers (e.g. Z7/Z8).
	SysID string
	// OperatorCode is the 10-character customs code of the IC-card holder
	// (OperCusRegCode); the declarant's own code when empty.
	OperatorCode string
	// IcCardNo is the operator's IC card number (IcCardNo), optional.
	IcCardNo string
	// SeqNo is the 18-digit pre-entry number customs gave an earlier
	// import of the document (empty on the first declaration).
	SeqNo string
	// SasDclNo is the business application (业务申报表, SAS101) a
	// warehouse receipt is declared under; required for SAS111.
	SasDclNo string
	// Declare is DelcareFlag 1 (申报); false imports for saving only (0 暂存).
	Declare bool
	// Now stamps the envelope; Location is the zone's time zone
	// (Asia/Shanghai) for the dates the messages carry.
	Now      time.Time
	Location *time.Location
}

// Message is one built import file.
type Message struct {
	Type     string
	FileName string
	XML      []byte
	// body is the built message block (*invtMessage, *stockMessage or
	// *passPortMessage), for Check.
	body any
}

// Build writes doc as its national message.
func Build(doc model.Document, c Context) (Message, error) {
	typ := TypeOf(doc.Family)
	if typ == "" {
		return Message{}, fmt.Errorf("%w: %s is reviewed on this platform", ErrNoMessage, doc.Family)
	}
	if c.Location == nil {
		c.Location = time.UTC
	}
	if c.OperatorCode == "" {
		c.OperatorCode = c.Declarant.CustomsCode
	}
	flag := "0"
	if c.Declare {
		flag = "1"
	}
	data := businessData{DelcareFlag: flag}
	var err error
	switch typ {
	case TypeChecklist:
		data.Invt, err = checklist(doc, c)
	case TypeStock:
		data.Stock, err = stock(doc, c)
	case TypePassport:
		data.Passport, err = passport(doc, c)
	}
	if err != nil {
		return Message{}, err
	}
	now := c.Now.In(c.Location)
	name := fmt.Sprintf("%s_%s_%s.xml", typ, doc.ID, now.Format("20060102150405"))
	sig := signature{Xmlns: "http://www.w3.org/2000/09/xmldsig#", Package: pkg{
		Envelop: envelop{Version: "1.0", MessageID: doc.ID + now.Format("20060102150405"), FileName: name,
			MessageType: typ, SenderID: c.Declarant.CustomsCode, SendTime: now.Format("2006-01-02T15:04:05")},
		Data: dataInfo{Business: data},
	}}
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", "  ")
	if err := enc.Encode(sig); err != nil {
		return Message{}, fmt.Errorf("encode %s: %w", typ, err)
	}
	buf.WriteByte('\n')
	m := Message{Type: typ, FileName: name, XML: buf.Bytes()}
	switch typ {
	case TypeChecklist:
		m.body = data.Invt
	case TypeStock:
		m.body = data.Stock
	case TypePassport:
		m.body = data.Passport
	}
	return m, nil
}

// The envelope of §2.1. The misspellings are customs' own and must stay.
type signature struct {
	XMLName xml.Name `xml:"Signature"`
	Xmlns   string   `xml:"xmlns,attr"`
	Package pkg      `xml:"Object>Package"`
}

type pkg struct {
	Envelop envelop  `xml:"EnvelopInfo"`
	Data    dataInfo `xml:"DataInfo"`
}

type envelop struct {
	Version     string `xml:"version"`
	MessageID   string `xml:"message_id"`
	FileName    string `xml:"file_name"`
	MessageType string `xml:"message_type"`
	SenderID    string `xml:"sender_id"`
	// ReceiverID is left to the client, which knows its data centre.
	ReceiverID string `xml:"receiver_id,omitempty"`
	SendTime   string `xml:"send_time"`
}

type dataInfo struct {
	Business businessData `xml:"BussinessData"` // (sic) customs' element name
}

type businessData struct {
	DelcareFlag string           `xml:"DelcareFlag"`
	Invt        *invtMessage     `xml:"InvtMessage,omitempty"`
	Stock       *stockMessage    `xml:"SasStockMessage,omitempty"`
	Passport    *passPortMessage `xml:"PassPortMessage,omitempty"`
}
