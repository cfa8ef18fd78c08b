// Package documents holds the operations on customs documents (核注清单,
// 出入库单, 核放单 …): declaring a draft, customs' review, the gate pass,
// the deletion request, its confirmation and review, the in-drafts of
// incoming transfers, and the reads whose visibility is a rule (an
// enterprise sees the documents it declared or is the counterparty of).
package documents

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/accounts"
	"zonetrace/gateway/apierror"
	"zonetrace/gateway/docdrafts"
	"zonetrace/gateway/service"
	"zonetrace/gateway/service/declaration"
	"zonetrace/gateway/service/ledgertx"
	"zonetrace/gateway/validation"
	"zonetrace/indexer/query"
)

// Reads is what the operations read from the indexer's mirror.
type Reads interface {
	service.Enterprises
	SearchDocuments(ctx context.Context, f query.DocumentFilter) (query.DocumentPage, error)
	// SearchDocumentsJSON is SearchDocuments passing the stored items
	// through.
	SearchDocumentsJSON(ctx context.Context, f query.DocumentFilter) (query.JSONPage, error)
	Document(ctx context.Context, id string) (query.DocumentView, error)
	DocumentMovements(ctx context.Context, documentID string) ([]model.Movement, error)
	// DocumentWithMovements is Document and DocumentMovements in one
	// round trip.
	DocumentWithMovements(ctx context.Context, id string) (query.DocumentView, []model.Movement, error)
	Balances(ctx context.Context, f query.BalanceFilter) ([]query.BalanceView, error)
	IncomingTransfers(ctx context.Context, enterpriseID string) ([]model.Document, error)
	PickableBatches(ctx context.Context, f query.PickFilter) ([]query.PickableBatch, error)
}

// Reference is the reference data of the trade platform
// (gateway/basicdata): drafts are checked against it, and in-drafts get the
// transferee's account book from it.
type Reference interface {
	CheckDocument(ctx context.Context, enterpriseID string, head model.DocumentHead, lines []model.DocumentLine, on time.Time) (validation.Problems, error)
	InDraftBook(ctx context.Context, enterpriseID string, on time.Time) (string, bool, error)
}

// Service runs the document operations.
type Service struct {
	Reads   Reads
	Drafts  *docdrafts.Store
	Signers service.Signers
	Ledger  ledgertx.Submitter
	// Reference, when set, refuses drafts the reference data contradicts
	// and fills the account book of in-drafts.
	Reference Reference
	Now       func() time.Time
}

// Written is the outcome of a write (service.Written).
type Written = service.Written

// Decision is customs' decision on a document or a deletion request.
type Decision struct {
	Decision string `json:"decision"`
	Reason   string `json:"reason"`
}

// Detail is a document with its history and the movements of its goods.
type Detail struct {
	query.DocumentView
	Movements []model.Movement `json:"movements"`
}

// Search lists documents. An enterprise is always scoped to the documents
// it declared or is counterparty of.
func (s *Service) Search(ctx context.Context, u accounts.User, f query.DocumentFilter) (query.DocumentPage, error) {
	f, err := scoped(u, f)
	if err != nil {
		return query.DocumentPage{}, err
	}
	page, err := s.Reads.SearchDocuments(ctx, f)
	if page.Items == nil {
		page.Items = []query.DocumentView{}
	}
	return page, err
}

// SearchJSON is Search with the items as stored (query.JSONPage): what the
// API answers, without decoding and encoding every item.
func (s *Service) SearchJSON(ctx context.Context, u accounts.User, f query.DocumentFilter) (query.JSONPage, error) {
	f, err := scoped(u, f)
	if err != nil {
		return query.JSONPage{}, err
	}
	return s.Reads.SearchDocumentsJSON(ctx, f)
}

// scoped checks f's enumerations and scopes an enterprise's user to the
// documents it declared or is counterparty of.
func scoped(u accounts.User, f query.DocumentFilter) (query.DocumentFilter, error) {
	var p validation.Problems
	if f.Family != "" && !model.KnownFamily(f.Family) {
		p.AddModel(model.Problem{Field: "family", Rule: model.RuleUnknownValue})
	}
	if f.Status != "" && !slices.Contains(model.DocumentStatuses, f.Status) {
		p.AddModel(model.Problem{Field: "status", Rule: model.RuleUnknownValue})
	}
	if err := p.Err(); err != nil {
		return f, err
	}
	if !service.SeesAll(u) {
		f.EnterpriseID = u.EnterpriseID
	}
	return f, nil
}

// Visible reads a document the user may see; another enterprise's is
// FORBIDDEN (document numbers carry 40 random bits, so the answer tells a
// prober nothing, and a clear refusal helps a clerk who mistyped).
func (s *Service) Visible(ctx context.Context, u accounts.User, id string) (query.DocumentView, error) {
	d, err := s.Reads.Document(ctx, id)
	if err != nil {
		return query.DocumentView{}, err
	}
	return d, visible(u, d)
}

func visible(u accounts.User, d query.DocumentView) error {
	if !service.SeesAll(u) && d.EnterpriseID != u.EnterpriseID && d.Head.CounterpartyID != u.EnterpriseID {
		return apierror.New(apierror.Forbidden)
	}
	return nil
}

// Detail reads a visible document with the movements of its goods.
func (s *Service) Detail(ctx context.Context, u accounts.User, id string) (Detail, error) {
	d, moves, err := s.Reads.DocumentWithMovements(ctx, id)
	if err == nil {
		err = visible(u, d)
	}
	if err != nil {
		return Detail{}, err
	}
	if moves == nil {
		moves = []model.Movement{}
	}
	return Detail{DocumentView: d, Movements: moves}, nil
}

// Review records customs' decision: approve, return (with a reason) or
// manual_review.
func (s *Service) Review(ctx context.Context, w service.Write, id string, d Decision) (Written, error) {
	if err := checkDecision(d, model.DocumentDecisions, model.ReturnNeedsReason); err != nil {
		return Written{}, err
	}
	return s.change(ctx, w, id, "ReviewDocument", d.Decision, d.Reason)
}

// GatePass records that the goods passed the zone's gate.
func (s *Service) GatePass(ctx context.Context, w service.Write, id string) (Written, error) {
	return s.change(ctx, w, id, "RecordGatePass")
}

// RequestDeletion asks customs to void the enterprise's document.
func (s *Service) RequestDeletion(ctx context.Context, w service.Write, id, reason string) (Written, error) {
	var p validation.Problems
	p.AddModel(model.CheckText("reason", reason, model.RequiredNote)...)
	if err := p.Err(); err != nil {
		return Written{}, err
	}
	return s.change(ctx, w, id, "RequestDeletion", reason)
}

// ConfirmDeletion is the counterparty's consent to a deletion request.
func (s *Service) ConfirmDeletion(ctx context.Context, w service.Write, id string) (Written, error) {
	return s.change(ctx, w, id, "ConfirmDeletion")
}

// ReviewDeletion records customs' decision on a deletion request: approve,
// or reject with a reason.
func (s *Service) ReviewDeletion(ctx context.Context, w service.Write, id string, d Decision) (Written, error) {
	if err := checkDecision(d, model.DeletionDecisions, model.RejectNeedsReason); err != nil {
		return Written{}, err
	}
	return s.change(ctx, w, id, "ReviewDeletion", d.Decision, d.Reason)
}

// checkDecision validates a decision among allowed, with a reason required
// for those in needReason and bounded in length.
func checkDecision(d Decision, allowed, needReason []string) error {
	var p validation.Problems
	p.AddModel(model.CheckDecision(d.Decision, d.Reason, allowed, needReason)...)
	return p.Err()
}

// change submits function(requestID, id, args...) as the caller.
func (s *Service) change(ctx context.Context, w service.Write, id, function string, args ...string) (Written, error) {
	return service.ChangeRecord(ctx, s.Signers, s.Ledger, w, "GetDocument", id, function, args...)
}

// View is the document a write changed: from the read model once it has
// mirrored the write (indexed), with steps and names, otherwise from the
// ledger's answer with the names added.
func (s *Service) View(ctx context.Context, written Written, indexed bool) (query.DocumentView, error) {
	if indexed {
		return s.Reads.Document(ctx, written.ID)
	}
	var d query.DocumentView
	if err := json.Unmarshal(written.Payload, &d.Document); err != nil {
		return d, fmt.Errorf("decode document %s from the ledger: %w", written.ID, err)
	}
	d.Abnormal = len(d.Tags) > 0
	d.DeletedOrModified = d.Deletion != nil || d.Status == model.DocVoided
	var err error
	if d.EnterpriseName, err = service.EnterpriseName(ctx, s.Reads, d.EnterpriseID); err != nil {
		return d, err
	}
	if d.Head.CounterpartyID != "" {
		d.CounterpartyName, err = service.EnterpriseName(ctx, s.Reads, d.Head.CounterpartyID)
	}
	return d, err
}

// Declare declares a complete draft on the ledger (see package
// declaration). The chaincode's refusal names the fields and lines to fix.
func (s *Service) Declare(ctx context.Context, w service.Write, draftID string) (Written, error) {
	u := w.Caller
	d, err := s.Drafts.Get(ctx, u.EnterpriseID, draftID)
	if err != nil {
		return Written{}, err
	}
	if d.Declared() {
		signer, err := s.Signers.For(u)
		if err != nil {
			return Written{}, err
		}
		// The document argument does not matter: the request id is
		// checked first.
		res, err := declaration.Repeat(ctx, s.Ledger, ledgertx.Call{Signer: signer, Function: "DeclareDocument",
			Args: []string{w.RequestID, "{}"}, ReadBack: s.Ledger.Evaluator(signer, "GetDocument", d.DocumentID)}, docdrafts.ErrDeclared)
		return Written{ID: d.DocumentID, Payload: res.Payload, Tx: res.Tx}, err
	}
	warnings := docdrafts.Warnings(d.Family, d.BusinessType, d.Head, d.Lines)
	if s.Reference != nil {
		ref, err := s.Reference.CheckDocument(ctx, u.EnterpriseID, d.Head, d.Lines, s.now())
		if err != nil {
			return Written{}, err
		}
		warnings = append(warnings, ref...)
	}
	if err := declaration.Incomplete(warnings); err != nil {
		return Written{}, err
	}
	candidate, err := docdrafts.NewDocumentID(d.Family, s.now())
	if err != nil {
		return Written{}, err
	}
	signer, err := s.Signers.For(u)
	if err != nil {
		return Written{}, err
	}
	d, res, err := declaration.Run(ctx, s.Ledger, declaration.Declaration[docdrafts.Draft]{
		Store: s.Drafts, EnterpriseID: u.EnterpriseID, DraftID: d.ID, User: u.Username, Candidate: candidate,
		Number: func(d docdrafts.Draft) string { return d.DocumentID },
		Call: func(d docdrafts.Draft) (ledgertx.Call, error) {
			raw, err := json.Marshal(model.DocumentDeclaration{ID: d.DocumentID, Family: d.Family, BusinessType: d.BusinessType, Head: d.Head, Lines: d.Lines})
			if err != nil {
				return ledgertx.Call{}, fmt.Errorf("encode document %s: %w", d.DocumentID, err)
			}
			return ledgertx.Call{Signer: signer, Function: "DeclareDocument", Args: []string{w.RequestID, string(raw)},
				ReadBack: s.Ledger.Evaluator(signer, "GetDocument", d.DocumentID)}, nil
		},
		Owner: func(payload []byte) (string, error) {
			var doc model.Document
			err := json.Unmarshal(payload, &doc)
			return doc.EnterpriseID, err
		},
	})
	if err != nil {
		// A failure after the commit (marking the draft) still reports
		// the transaction, which the answer carries.
		return Written{ID: d.DocumentID, Tx: res.Tx}, err
	}
	return Written{ID: d.DocumentID, Payload: res.Payload, Tx: res.Tx}, nil
}

// NewDraft stores content as a new draft whose id derives from the write's
// request id, so a re-driven create finds its first draft.
func (s *Service) NewDraft(ctx context.Context, w service.Write, content docdrafts.Content) (docdrafts.Draft, error) {
	id, err := docdrafts.NewID(w.RequestID)
	if err != nil {
		return docdrafts.Draft{}, err
	}
	return s.Drafts.Create(ctx, id, w.Caller.EnterpriseID, w.Caller.Username, content)
}

// Incoming is an approved out leg waiting for the enterprise's in leg, with
// the in-draft made for it.
type Incoming struct {
	OutDocument model.Document `json:"outDocument"`
	InDraftID   string         `json:"inDraftId"`
	// AccountBookMissing says the in-draft has no account book: the basic
	// data has no single bonded account book of the enterprise in force,
	// so the transferee picks one itself.
	AccountBookMissing bool `json:"accountBookMissing,omitempty"`
}

// IncomingTransfers lists the approved out legs naming the enterprise as
// transferee and makes sure each has its in-draft. Listing is safe to
// repeat: the in-draft's id derives from the out leg, so it is made once
// (docdrafts.Store.CreateIncoming).
func (s *Service) IncomingTransfers(ctx context.Context, u accounts.User) ([]Incoming, error) {
	outs, err := s.Reads.IncomingTransfers(ctx, u.EnterpriseID)
	if err != nil {
		return nil, err
	}
	list := make([]Incoming, 0, len(outs))
	book := ""
	if s.Reference != nil && len(outs) > 0 {
		if book, _, err = s.Reference.InDraftBook(ctx, u.EnterpriseID, s.now()); err != nil {
			return nil, err
		}
	}
	for _, doc := range outs {
		d, err := s.Drafts.CreateIncoming(ctx, u.EnterpriseID, u.Username, doc, book)
		if err != nil {
			return nil, err
		}
		list = append(list, Incoming{OutDocument: doc, InDraftID: d.ID, AccountBookMissing: d.Head.AccountBookNo == ""})
	}
	return list, nil
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}
