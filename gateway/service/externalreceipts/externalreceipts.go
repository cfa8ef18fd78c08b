// Package externalreceipts takes customs receipts (national XML messages
// or JSON), keeps every one of them, finds the documents they are about and
// applies them on the ledger as customs. A receipt whose document is not
// known yet waits in the inbox for the import result that names it, or for
// being sent again.
package externalreceipts

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/accounts"
	"zonetrace/gateway/apierror"
	"zonetrace/gateway/customsmsg"
	"zonetrace/gateway/customsmsg/inbox"
	"zonetrace/gateway/service"
	"zonetrace/gateway/service/ledgertx"
	"zonetrace/gateway/validation"
	"zonetrace/network/ledger"
)

// JSONReceipt is the JSON form: a receipt already mapped, and the document it
// is about.
type JSONReceipt struct {
	model.ExternalReceipt
	DocumentID string `json:"documentId"`
}

func (r *JSONReceipt) check() error {
	var p validation.Problems
	if r.DocumentID == "" {
		p.Add("documentId", "is required", "请填写单证编号")
	}
	if r.ID == "" {
		number := r.CustomsNo
		if number == "" {
			number = r.DocumentID
		}
		r.ID = r.MessageType + ":" + number + ":" + r.ManageResult + ":" + r.ManageDate
		// As customsmsg.Receipt.Key: customs' change or deletion passed on
		// the day of the approval is another receipt, not a resend.
		if r.DeclarationType == model.DeclarationChange || r.DeclarationType == model.DeclarationDeletion {
			r.ID += ":" + r.DeclarationType
		}
	}
	p.AddModel(model.CheckExternalReceipt(r.ExternalReceipt)...)
	return p.Err()
}

// Outcome answers a received message.
type Outcome struct {
	ReceiptID string   `json:"receiptId,omitempty"`
	Applied   []string `json:"applied"`
	// Duplicate: the receipt had been applied before; nothing was done.
	Duplicate bool `json:"duplicate"`
	// PocketsMissing counts the pockets of a split receipt still to come.
	PocketsMissing int `json:"pocketsMissing,omitempty"`
	// Correlated is the document an import result tied its SeqNo to.
	Correlated string `json:"correlated,omitempty"`
	// Storage is a storage receipt's (INV200/SAS200) answer: stored or
	// not_stored. It goes to the send log, not the ledger: it says only
	// whether customs received the message; the decision comes later in
	// its approval receipt.
	Storage string `json:"storage,omitempty"`
	// Tx is the last transaction the message committed, set even when a
	// later step failed.
	Tx *ledgertx.Tx `json:"-"`
}

// Service receives customs messages.
type Service struct {
	Inbox   *inbox.Store
	Signers service.Signers
	Ledger  ledgertx.Submitter
	// DecodeJSON decodes a JSON receipt strictly, as the API decodes every
	// body.
	DecodeJSON func(body []byte, dst any) error
}

// Receive keeps the message body, sent by customs user u, and applies it.
// Whatever the outcome the message is kept.
func (s *Service) Receive(ctx context.Context, u accounts.User, body []byte) (Outcome, error) {
	if err := s.Inbox.Log(ctx, u.Username, body); err != nil {
		return Outcome{}, err
	}
	signer, err := s.Signers.For(u)
	if err != nil {
		return Outcome{}, err
	}
	a := &applier{s: s, signer: signer}
	var res Outcome
	if trimmed := bytes.TrimSpace(body); len(trimmed) > 0 && trimmed[0] == '{' {
		res, err = a.json(ctx, body)
	} else {
		res, err = a.xml(ctx, body)
	}
	res.Tx = a.tx
	if res.Applied == nil {
		res.Applied = []string{}
	}
	return res, err
}

// applier applies the receipts of one message, remembering the last
// transaction it committed.
type applier struct {
	s      *Service
	signer ledger.Signer
	tx     *ledgertx.Tx
}

func (a *applier) json(ctx context.Context, body []byte) (Outcome, error) {
	var req JSONReceipt
	if err := a.s.DecodeJSON(body, &req); err != nil {
		return Outcome{}, err
	}
	if err := req.check(); err != nil {
		return Outcome{}, err
	}
	e := inbox.Entry{ID: req.ID, MessageType: req.MessageType, Receipt: req.ExternalReceipt,
		Candidates: []string{req.DocumentID}, Raw: [][]byte{body}, Status: inbox.StatusPending}
	kept, _, err := a.s.Inbox.Keep(ctx, e)
	if err != nil {
		return Outcome{}, err
	}
	return a.applyKept(ctx, kept)
}

func (a *applier) xml(ctx context.Context, body []byte) (Outcome, error) {
	m, err := customsmsg.Parse(body)
	if err != nil {
		return Outcome{}, malformedMessage(err)
	}
	switch m.Kind {
	case customsmsg.KindImportResult:
		return a.importResult(ctx, m.ImportResult)
	case customsmsg.KindStorageReceipt:
		if m.Storage.Stored() {
			return Outcome{Storage: "stored"}, nil
		}
		return Outcome{Storage: "not_stored"}, nil
	}
	var kept inbox.Entry
	if m.Pocket.Split() {
		var missing int
		kept, _, missing, err = a.s.Inbox.AddPocket(ctx, m.Pocket, receiptEntry)
		if errors.Is(err, customsmsg.ErrMalformed) {
			return Outcome{}, malformedMessage(err)
		}
		if err != nil {
			return Outcome{}, err
		}
		if missing > 0 {
			return Outcome{PocketsMissing: missing}, nil
		}
	} else {
		r, err := customsmsg.Assemble([]customsmsg.Pocket{m.Pocket})
		if err != nil {
			return Outcome{}, malformedMessage(err)
		}
		if kept, _, err = a.s.Inbox.Keep(ctx, receiptEntry(r)); err != nil {
			return Outcome{}, err
		}
	}
	return a.applyKept(ctx, kept)
}

func malformedMessage(err error) error {
	return apierror.Newf(apierror.BadRequest, "unreadable customs message: "+err.Error(), "无法识别的海关报文："+err.Error()).WithCause(err)
}

// receiptEntry is how a whole receipt is kept: matched by every number it
// carries, or else tried as the declarant's own number when that is one of
// our document ids.
func receiptEntry(r customsmsg.Receipt) inbox.Entry {
	e := inbox.Entry{ID: r.Key(), MessageType: r.MessageType, Receipt: r.External(),
		Numbers: append(slices.Clone(r.SeqNos), r.CustomsNos...), Raw: r.Raw, Status: inbox.StatusPending}
	for _, n := range r.InnerNos {
		if model.IsDocumentID(n) {
			e.Candidates = append(e.Candidates, n)
		}
	}
	if !slices.Contains(model.ReceiptMessageTypes, r.MessageType) {
		e.Status = inbox.StatusUnsupported
	}
	return e
}

// importResult learns the SeqNo of our document and applies the receipts
// that were waiting for it.
func (a *applier) importResult(ctx context.Context, r customsmsg.ImportResult) (Outcome, error) {
	if !r.OK() {
		// A failed import is kept in the message log; there is nothing to
		// apply.
		return Outcome{}, nil
	}
	if err := a.s.Inbox.Learn(ctx, r.EtpsPreentNo, "CommonResponeMessage", r.SeqNo); err != nil {
		return Outcome{}, err
	}
	res := Outcome{Correlated: r.EtpsPreentNo}
	waiting, err := a.s.Inbox.Waiting(ctx, []string{r.SeqNo})
	if err != nil {
		return Outcome{}, err
	}
	for _, e := range waiting {
		applied, err := a.applyKept(ctx, e)
		if err != nil {
			return Outcome{}, err
		}
		res.Applied = append(res.Applied, applied.Applied...)
	}
	return res, nil
}

// applyKept finds the documents of a kept receipt and applies it to them,
// recording the outcome on the kept receipt.
func (a *applier) applyKept(ctx context.Context, e inbox.Entry) (Outcome, error) {
	res := Outcome{ReceiptID: e.ID}
	switch e.Status {
	case inbox.StatusApplied:
		res.Applied, res.Duplicate = e.DocumentIDs, true
		return res, nil
	case inbox.StatusUnsupported:
		return res, apierror.Newf(apierror.ValidationFailed,
			fmt.Sprintf("%s receipts are not applied on this platform (only %s); the receipt is kept", e.MessageType, strings.Join(model.ReceiptMessageTypes, ", ")),
			fmt.Sprintf("本平台不处理%s回执（仅%s），回执已保存", e.MessageType, strings.Join(model.ReceiptMessageTypes, "、")))
	}
	docs, err := a.s.Inbox.Documents(ctx, e.Numbers)
	if err != nil {
		return res, err
	}
	if len(docs) == 0 {
		docs = e.Candidates
	}
	var notFound []string
	for _, id := range docs {
		err := a.apply(ctx, id, e.Receipt)
		var apiErr *apierror.Error
		switch {
		case errors.As(err, &apiErr) && apiErr.Code == apierror.NotFound:
			notFound = append(notFound, id)
		case err != nil:
			if serr := a.s.Inbox.SetStatus(ctx, e.ID, inbox.StatusPending, res.Applied, err.Error()); serr != nil {
				return res, errors.Join(err, serr)
			}
			return res, err
		default:
			res.Applied = append(res.Applied, id)
		}
	}
	if len(res.Applied) == 0 {
		reason := fmt.Sprintf("no document is known for receipt %s (numbers %s, tried %s)", e.ID, strings.Join(e.Numbers, ", "), strings.Join(docs, ", "))
		if err := a.s.Inbox.SetStatus(ctx, e.ID, inbox.StatusUnmatched, nil, reason); err != nil {
			return res, err
		}
		return res, apierror.Newf(apierror.NotFound,
			reason+"; the receipt is kept and is applied once its import result (CommonResponeMessage) arrives or it is sent again",
			"找不到回执"+e.ID+"对应的单证；回执已保存，收到导入结果（CommonResponeMessage）或重新发送后将自动处理")
	}
	lastError := ""
	if len(notFound) > 0 {
		lastError = "documents not found: " + strings.Join(notFound, ", ")
	}
	if err := a.s.Inbox.SetStatus(ctx, e.ID, inbox.StatusApplied, res.Applied, lastError); err != nil {
		return res, err
	}
	if len(res.Applied) == 1 {
		// A receipt about one document teaches us its numbers; one about
		// several (a gate pass of several checklists) does not say which
		// number is whose.
		if err := a.s.Inbox.Learn(ctx, res.Applied[0], e.MessageType, e.Numbers...); err != nil {
			return res, err
		}
	}
	return res, nil
}

// apply submits ApplyExternalReceipt as customs. The request id is
// derived from the receipt and document, so a resent receipt, a retry or a
// recovery never applies it twice.
func (a *applier) apply(ctx context.Context, documentID string, r model.ExternalReceipt) error {
	raw, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("encode receipt %s: %w", r.ID, err)
	}
	h := sha256.Sum256([]byte(r.ID + "\x00" + documentID))
	requestID := "xr-" + hex.EncodeToString(h[:20])
	res, err := a.s.Ledger.Submit(ctx, ledgertx.Call{Signer: a.signer, Function: "ApplyExternalReceipt", Args: []string{requestID, documentID, string(raw)}})
	a.tx = ledgertx.Last(a.tx, res.Tx)
	return err
}
