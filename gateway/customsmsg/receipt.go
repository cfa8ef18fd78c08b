package customsmsg

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"zonetrace/chaincode/model"
)

// Receipt is a whole customs receipt, its pockets reassembled.
type Receipt struct {
	MessageType string
	MessageID   string
	PocketID    string
	// SeqNo is HdeApprResult.etpsPreentNo, which in real receipts holds the
	// 18-digit 预录入统一编号, not the enterprise's own number.
	SeqNo        string
	BusinessID   string // customs document number: QD… checklist, Z… gate pass
	ManageResult string
	ManageDate   string
	// TypeCode is the declaration the receipt answers: HdeApprResult.typecd,
	// or BondInvtBsc.dclTypecd when that is empty (1 备案, 2 变更, 3 删除).
	TypeCode string
	Remark   string
	// Notes are the CheckInfo texts, in order.
	Notes []string
	// SeqNos and CustomsNos are every pre-entry and customs number the
	// business blocks carry (the document's own and, for a gate pass, its
	// related documents' numbers from rltNo).
	SeqNos     []string
	CustomsNos []string
	// InnerNos are the enterprise's own numbers echoed in the business
	// blocks (etpsInnerInvtNo, SasStockBsc/etpsPreentNo): our document ids
	// when the declaration came from this platform.
	InnerNos []string
	// ChangedLines are the line weights (BondInvtDt gdsSeqno, netWt) of a
	// checklist change receipt (TypeCode 2).
	ChangedLines []model.ReceiptLine
	// Raw are the pockets' files, in pocket order.
	Raw [][]byte
}

// Key identifies a receipt across resends (回执补发送): message type, customs
// number (the pre-entry number before customs gave one), result and date.
func (r Receipt) Key() string {
	number := r.BusinessID
	if number == "" {
		number = r.SeqNo
	}
	key := r.MessageType + ":" + number + ":" + r.ManageResult + ":" + r.ManageDate
	if r.correction() {
		key += ":" + r.TypeCode
	}
	return key
}

// correction reports an approval receipt (INV201, SAS211, SAS221) answering
// a change or deletion declaration rather than the declaration itself.
func (r Receipt) correction() bool {
	return slices.Contains(model.CorrectionMessageTypes, r.MessageType) &&
		(r.TypeCode == model.DeclarationChange || r.TypeCode == model.DeclarationDeletion)
}

// External maps the receipt to what the ledger applies. The result code is
// passed on as customs sent it; the chaincode interprets it. A gate
// crossing's or release's businessId is the gate pass (核放单) number, not
// the number of the documents it names: it goes into the note instead. An
// SAS221/SAS222 carries the pass's number, which the chaincode keeps only on
// the gate registration the pass is.
func (r Receipt) External() model.ExternalReceipt {
	notes := r.Notes
	customsNo := r.BusinessID
	if r.MessageType == "SAS223" || r.MessageType == "SAS224" {
		customsNo = ""
		if r.BusinessID != "" {
			notes = append(slices.Clone(notes), "核放单 "+r.BusinessID)
		}
	}
	note := strings.Join(notes, "；")
	if utf8.RuneCountInString(note) > model.MaxReceiptNoteLength {
		note = string([]rune(note)[:model.MaxReceiptNoteLength])
	}
	ext := model.ExternalReceipt{
		ID: r.Key(), MessageType: r.MessageType, CustomsNo: customsNo,
		ManageResult: r.ManageResult, ManageDate: r.ManageDate, Note: note,
	}
	if r.correction() {
		ext.DeclarationType = r.TypeCode
		if r.TypeCode == model.DeclarationChange {
			ext.Lines = r.ChangedLines
		}
	}
	return ext
}

// Assemble reads a receipt from all its pockets (one for an unsplit
// receipt), in any order: the business data of later pockets is appended to
// the first's.
func Assemble(pockets []Pocket) (Receipt, error) {
	if len(pockets) == 0 {
		return Receipt{}, fmt.Errorf("%w: no pockets", ErrMalformed)
	}
	sorted := slices.Clone(pockets)
	slices.SortFunc(sorted, func(a, b Pocket) int { return a.No - b.No })
	first := sorted[0]
	if len(sorted) != first.Total {
		return Receipt{}, fmt.Errorf("%w: %d of %d pockets of %s", ErrMalformed, len(sorted), first.Total, first.ID)
	}
	var pkg, body *node
	raws := make([][]byte, len(sorted))
	for i, p := range sorted {
		if p.No != i+1 || p.ID != first.ID || p.Total != first.Total || p.MessageType != first.MessageType {
			return Receipt{}, fmt.Errorf("%w: pocket %d does not belong with pocket 1 of %s", ErrMalformed, p.No, first.ID)
		}
		root := p.tree
		if root == nil {
			var err error
			if root, err = parseTree(p.Raw); err != nil {
				return Receipt{}, err
			}
		}
		pk := packageOf(root)
		if pk == nil {
			return Receipt{}, fmt.Errorf("%w: pocket %d is not a receipt", ErrMalformed, p.No)
		}
		b := pk.path("DataInfo", "BussinessData", p.MessageType)
		if i == 0 {
			if b == nil {
				return Receipt{}, fmt.Errorf("%w: DataInfo/BussinessData/%s is missing", ErrMalformed, p.MessageType)
			}
			// A copy: later pockets' blocks are added to it, not to the
			// tree the pocket keeps.
			pkg, body = pk, &node{name: b.name, text: b.text, children: slices.Clone(b.children)}
		} else if b != nil {
			body.children = append(body.children, b.children...)
		}
		raws[i] = p.Raw
	}
	r, err := receipt(first.MessageType, pkg, body)
	if err != nil {
		return Receipt{}, err
	}
	r.PocketID = first.ID
	r.Raw = raws
	return r, nil
}

func receipt(messageType string, pkg, body *node) (Receipt, error) {
	r, err := result(messageType, pkg, body)
	if err != nil {
		return Receipt{}, err
	}
	r.MessageType = messageType
	r.MessageID = pkg.value("EnvelopInfo", "message_id")
	switch {
	case r.ManageResult == "" || len(r.ManageResult) > 4:
		return Receipt{}, fmt.Errorf("%w: %s/manageResult must be 1-4 characters", ErrMalformed, messageType)
	case r.ManageDate == "":
		return Receipt{}, fmt.Errorf("%w: %s/manageDate is missing", ErrMalformed, messageType)
	case r.BusinessID == "" && r.SeqNo == "":
		return Receipt{}, fmt.Errorf("%w: %s carries neither a customs number nor a pre-entry number", ErrMalformed, messageType)
	}
	for _, ci := range body.all("CheckInfo") {
		notes := ci.all("note")
		if len(notes) == 0 {
			notes = []*node{ci}
		}
		for _, n := range notes {
			if t := strings.TrimSpace(n.text); t != "" {
				r.Notes = append(r.Notes, t)
			}
		}
	}
	bond, stock := body.all("BondInvtBsc"), body.all("SasStockBsc")
	passes := append(body.all("SasPassportBsc"), body.all("SasPassportRlt")...)
	if r.TypeCode == "" {
		// The head block's declaration type, when the result block leaves
		// it empty.
		for _, heads := range [][]*node{bond, stock, body.all("SasPassportBsc")} {
			if len(heads) > 0 && r.TypeCode == "" {
				r.TypeCode = heads[0].value("dclTypecd")
			}
		}
	}
	if r.TypeCode == model.DeclarationChange {
		switch r.MessageType {
		case "INV201":
			r.ChangedLines = changedLines(body.all("BondInvtDt"), "gdsSeqno")
		case "SAS211":
			r.ChangedLines = changedLines(body.all("SasStockDt"), "sasStockSeqno")
		case "SAS221":
			r.ChangedLines = changedLines(body.all("SasPassportDt"), "passportSeqno")
		}
	}
	blocks := 1 + len(bond) + len(stock) + len(passes)
	// seen keeps the numbers already listed, so that a receipt with
	// thousands of related documents is read in linear time.
	seen := map[*[]string]map[string]struct{}{
		&r.SeqNos: make(map[string]struct{}, blocks), &r.CustomsNos: make(map[string]struct{}, 2*blocks),
		&r.InnerNos: make(map[string]struct{}, blocks),
	}
	add := func(list *[]string, vals ...string) {
		set := seen[list]
		for _, v := range vals {
			if v = strings.TrimSpace(v); v != "" {
				if _, dup := set[v]; !dup {
					set[v] = struct{}{}
					*list = append(*list, v)
				}
			}
		}
	}
	add(&r.SeqNos, r.SeqNo)
	add(&r.CustomsNos, r.BusinessID)
	for _, blk := range bond {
		add(&r.SeqNos, blk.value("invtPreentNo"))
		add(&r.CustomsNos, blk.value("bondInvtNo"))
		add(&r.InnerNos, blk.value("etpsInnerInvtNo"))
	}
	for _, blk := range stock {
		add(&r.SeqNos, blk.value("sasStockPreentNo"))
		add(&r.CustomsNos, blk.value("sasStockNo"))
		add(&r.InnerNos, blk.value("etpsPreentNo"))
	}
	for _, blk := range passes {
		add(&r.SeqNos, blk.value("sasPassportPreentNo"))
		add(&r.CustomsNos, blk.value("passportNo"))
		// 一车多票: several related numbers joined with a backslash. Cut
		// in place (no slice of parts, no call per character): a gate
		// receipt may list tens of thousands.
		for rest := blk.value("rltNo"); rest != ""; {
			no := rest
			if i := strings.IndexAny(rest, `\,;`); i >= 0 {
				no, rest = rest[:i], rest[i+1:]
			} else {
				rest = ""
			}
			add(&r.CustomsNos, no)
		}
	}
	return r, nil
}

// changedLines reads the net weight of each line of a change receipt (the
// line number in seqField), in grams rounded half up. A line without a readable positive
// weight is left out: the change then keeps that line's weight.
func changedLines(lines []*node, seqField string) []model.ReceiptLine {
	var out []model.ReceiptLine
	for _, l := range lines {
		seq, err := strconv.Atoi(l.value(seqField))
		if err != nil || seq < 1 {
			continue
		}
		if grams, ok := kilogramsToGrams(l.value("netWt")); ok {
			out = append(out, model.ReceiptLine{Seq: seq, WeightGrams: grams})
		}
	}
	return out
}

// decimalWeight is a weight of the message format dec(19,5).
var decimalWeight = regexp.MustCompile(`^([0-9]{1,14})(?:\.([0-9]{1,5}))?$`)

// kilogramsToGrams converts a decimal of kilograms to whole grams, rounded
// half up; false for anything else or for less than half a gram.
func kilogramsToGrams(kg string) (int64, bool) {
	m := decimalWeight.FindStringSubmatch(kg)
	if m == nil {
		return 0, false
	}
	whole, _ := strconv.ParseInt(m[1], 10, 64)
	frac := (m[2] + "00000")[:5] // in units of 0.01 g
	hundredths, _ := strconv.ParseInt(frac, 10, 64)
	grams := whole*1000 + (hundredths+50)/100
	return grams, grams > 0
}

// result reads a receipt's result: HdeApprResult for most receipts,
// InvApprResult for INV202 (报关单 generated from a checklist), and for
// INV211 (清单记账回执), which has no result block, the checklist head as
// posted: its 核扣标记 is the result, its formal posting time the date.
func result(messageType string, pkg, body *node) (Receipt, error) {
	if hde := body.child("HdeApprResult"); hde != nil {
		return Receipt{
			SeqNo: hde.value("etpsPreentNo"), BusinessID: hde.value("businessId"),
			ManageResult: hde.value("manageResult"), ManageDate: hde.value("manageDate"),
			TypeCode: hde.value("typecd"), Remark: hde.value("rmk"),
		}, nil
	}
	switch messageType {
	case "INV202":
		inv := body.child("InvApprResult")
		if inv == nil {
			return Receipt{}, fmt.Errorf("%w: INV202/InvApprResult is missing", ErrMalformed)
		}
		r := Receipt{SeqNo: inv.value("invPreentNo"), BusinessID: inv.value("businessId"),
			ManageResult: inv.value("manageResult"), ManageDate: inv.value("createDate")}
		if r.ManageDate == "" {
			r.ManageDate = envelopeTime(pkg)
		}
		if no := inv.value("entrySeqNo"); no != "" {
			r.Notes = append(r.Notes, "报关单统一编号 "+no)
		}
		if reason := strings.TrimSpace(inv.value("reason")); reason != "" {
			r.Notes = append(r.Notes, reason)
		}
		return r, nil
	case "INV211":
		head := body.child("BondInvtBsc")
		if head == nil {
			return Receipt{}, fmt.Errorf("%w: INV211/BondInvtBsc is missing", ErrMalformed)
		}
		r := Receipt{SeqNo: head.value("invtPreentNo"), BusinessID: head.value("bondInvtNo"),
			ManageResult: head.value("vrfdedMarkcd"), ManageDate: head.value("formalVrfdedTime")}
		if r.ManageDate == "" {
			r.ManageDate = envelopeTime(pkg)
		}
		if n := len(body.all("BwsDt")); n > 0 {
			r.Notes = append(r.Notes, fmt.Sprintf("账册记账 %d 项", n))
		}
		return r, nil
	}
	return Receipt{}, fmt.Errorf("%w: %s/HdeApprResult is missing", ErrMalformed, messageType)
}

// envelopeTime is the envelope's send time (xs:dateTime) in the receipts'
// own format, yyyy-MM-dd HH:mm:ss.
func envelopeTime(pkg *node) string {
	return strings.Replace(pkg.value("EnvelopInfo", "send_time"), "T", " ", 1)
}
