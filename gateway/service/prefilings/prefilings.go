// Package prefilings holds the operations on prefilings (预申报): declaring
// a draft, customs' reviews, the enterprise's supplement, copying one into
// a new draft, and the reads whose visibility is a rule (an enterprise sees
// only its own prefilings and trace codes).
package prefilings

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/accounts"
	"zonetrace/gateway/apierror"
	"zonetrace/gateway/drafts"
	"zonetrace/gateway/service"
	"zonetrace/gateway/service/declaration"
	"zonetrace/gateway/service/ledgertx"
	"zonetrace/gateway/validation"
	"zonetrace/indexer/query"
)

// Reads is what the operations read from the indexer's mirror.
type Reads interface {
	service.Enterprises
	SearchPrefilings(ctx context.Context, f query.PrefilingFilter) (query.PrefilingPage, error)
	// SearchPrefilingsJSON is SearchPrefilings passing the stored items
	// through.
	SearchPrefilingsJSON(ctx context.Context, f query.PrefilingFilter) (query.JSONPage, error)
	Prefiling(ctx context.Context, id string) (query.PrefilingView, error)
	TraceCode(ctx context.Context, code string) (model.TraceCode, error)
	// TraceCodeDetail is TraceCode with its prefiling, in one lookup.
	TraceCodeDetail(ctx context.Context, code string) (model.TraceCode, query.PrefilingView, error)
}

// Uploads tells which attachments an enterprise uploaded
// (*attachments.Store).
type Uploads interface {
	Uploaded(ctx context.Context, enterpriseID string, sums []string) (map[string]bool, error)
}

// Reference checks a draft against the reference data of the trade
// platform (gateway/basicdata): the problems it finds refuse declaring.
type Reference interface {
	CheckPrefiling(ctx context.Context, d model.PrefilingData, on time.Time) (validation.Problems, error)
}

// Service runs the prefiling operations.
type Service struct {
	Reads   Reads
	Drafts  *drafts.Store
	Uploads Uploads
	Signers service.Signers
	Ledger  ledgertx.Submitter
	// Reference, when set, refuses drafts the reference data contradicts.
	Reference Reference
	Now       func() time.Time
	// Claims, when set, records the exporter claim of each prefiling
	// declared (gateway/exporters); it never fails a declaration.
	Claims ClaimRecorder
}

// ClaimRecorder records the exporter a declared prefiling names.
type ClaimRecorder interface {
	RecordClaim(ctx context.Context, enterpriseID, prefilingID string, d model.PrefilingData)
}

// Written is the outcome of a write (service.Written).
type Written = service.Written

// Review is customs' decision on a declaration or a supplement.
type Review struct {
	Decision string `json:"decision"` // approve | return
	Reason   string `json:"reason"`
}

// Search lists prefilings. An enterprise is always scoped to its own,
// whatever enterprise it asks for.
func (s *Service) Search(ctx context.Context, u accounts.User, f query.PrefilingFilter) (query.PrefilingPage, error) {
	f, err := scoped(u, f)
	if err != nil {
		return query.PrefilingPage{}, err
	}
	page, err := s.Reads.SearchPrefilings(ctx, f)
	if page.Items == nil {
		page.Items = []query.PrefilingView{}
	}
	return page, err
}

// SearchJSON is Search with the items as stored (query.JSONPage): what the
// API answers, without decoding and encoding every item.
func (s *Service) SearchJSON(ctx context.Context, u accounts.User, f query.PrefilingFilter) (query.JSONPage, error) {
	f, err := scoped(u, f)
	if err != nil {
		return query.JSONPage{}, err
	}
	return s.Reads.SearchPrefilingsJSON(ctx, f)
}

// scoped checks f's enumerations and scopes an enterprise's user to its
// own prefilings.
func scoped(u accounts.User, f query.PrefilingFilter) (query.PrefilingFilter, error) {
	var p validation.Problems
	if f.Status != "" && !slices.Contains(model.PrefilingStatuses, f.Status) {
		p.AddModel(model.Problem{Field: "status", Rule: model.RuleUnknownValue})
	}
	if f.SupplementStatus != "" && !slices.Contains(model.SupplementStatuses, f.SupplementStatus) {
		p.AddModel(model.Problem{Field: "supplementStatus", Rule: model.RuleUnknownValue})
	}
	if err := p.Err(); err != nil {
		return f, err
	}
	if !service.SeesAll(u) {
		f.EnterpriseID = u.EnterpriseID
	}
	return f, nil
}

// Visible reads a prefiling the user may see. Another enterprise's
// prefiling is FORBIDDEN: prefiling ids carry 40 random bits, so the answer
// tells a prober nothing useful, and a clear refusal helps the clerk who
// typed a colleague company's number.
func (s *Service) Visible(ctx context.Context, u accounts.User, id string) (query.PrefilingView, error) {
	p, err := s.Reads.Prefiling(ctx, id)
	if err != nil {
		return query.PrefilingView{}, err
	}
	if !service.SeesAll(u) && p.EnterpriseID != u.EnterpriseID {
		return query.PrefilingView{}, apierror.New(apierror.Forbidden)
	}
	return p, nil
}

// TraceCode reads a trace code the user may see, with its prefiling;
// another enterprise's code is FORBIDDEN (see Visible).
func (s *Service) TraceCode(ctx context.Context, u accounts.User, code string) (model.TraceCode, error) {
	tc, err := s.Reads.TraceCode(ctx, code)
	if err != nil {
		return model.TraceCode{}, err
	}
	if !service.SeesAll(u) && tc.EnterpriseID != u.EnterpriseID {
		return model.TraceCode{}, apierror.New(apierror.Forbidden)
	}
	return tc, nil
}

// TraceCodeDetail reads a visible trace code with its prefiling (see
// TraceCode).
func (s *Service) TraceCodeDetail(ctx context.Context, u accounts.User, code string) (model.TraceCode, query.PrefilingView, error) {
	tc, p, err := s.Reads.TraceCodeDetail(ctx, code)
	if err != nil {
		return model.TraceCode{}, query.PrefilingView{}, err
	}
	if !service.SeesAll(u) && tc.EnterpriseID != u.EnterpriseID {
		return model.TraceCode{}, query.PrefilingView{}, apierror.New(apierror.Forbidden)
	}
	return tc, p, nil
}

// NewDraft stores data as a new draft whose id derives from the write's
// request id, so a re-driven create finds its first draft.
func (s *Service) NewDraft(ctx context.Context, w service.Write, data model.PrefilingData) (drafts.Draft, error) {
	id, err := drafts.NewID(w.RequestID)
	if err != nil {
		return drafts.Draft{}, err
	}
	return s.Drafts.Create(ctx, id, w.Caller.EnterpriseID, w.Caller.Username, data)
}

// CopyToDraft starts a new draft from a prefiling the caller may see.
func (s *Service) CopyToDraft(ctx context.Context, w service.Write, id string) (drafts.Draft, error) {
	p, err := s.Visible(ctx, w.Caller, id)
	if err != nil {
		return drafts.Draft{}, err
	}
	return s.NewDraft(ctx, w, drafts.CopyData(p.Data))
}

// Declare declares a complete draft on the ledger (see package
// declaration). It lists only attachments the enterprise uploaded.
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
		// The data argument does not matter: the request id is checked
		// first.
		res, err := declaration.Repeat(ctx, s.Ledger, ledgertx.Call{Signer: signer, Function: "DeclarePrefiling",
			Args: []string{w.RequestID, d.PrefilingID, "{}"}, ReadBack: s.Ledger.Evaluator(signer, "GetPrefiling", d.PrefilingID)}, drafts.ErrDeclared)
		if err == nil {
			// A first attempt cut off after its commit may not have.
			s.recordClaim(ctx, u.EnterpriseID, d)
		}
		return Written{ID: d.PrefilingID, Payload: res.Payload, Tx: res.Tx}, err
	}
	warnings := drafts.Warnings(d.Data)
	if s.Reference != nil {
		ref, err := s.Reference.CheckPrefiling(ctx, d.Data, s.now())
		if err != nil {
			return Written{}, err
		}
		warnings = append(warnings, ref...)
	}
	if err := declaration.Incomplete(warnings); err != nil {
		return Written{}, err
	}
	if err := s.ownAttachments(ctx, u.EnterpriseID, "data.attachments", d.Data.Attachments); err != nil {
		return Written{}, err
	}
	candidate, err := drafts.NewPrefilingID(s.now())
	if err != nil {
		return Written{}, err
	}
	signer, err := s.Signers.For(u)
	if err != nil {
		return Written{}, err
	}
	d, res, err := declaration.Run(ctx, s.Ledger, declaration.Declaration[drafts.Draft]{
		Store: s.Drafts, EnterpriseID: u.EnterpriseID, DraftID: d.ID, User: u.Username, Candidate: candidate,
		Number: func(d drafts.Draft) string { return d.PrefilingID },
		Call: func(d drafts.Draft) (ledgertx.Call, error) {
			data, err := json.Marshal(d.Data)
			if err != nil {
				return ledgertx.Call{}, fmt.Errorf("encode prefiling data: %w", err)
			}
			return ledgertx.Call{Signer: signer, Function: "DeclarePrefiling", Args: []string{w.RequestID, d.PrefilingID, string(data)},
				ReadBack: s.Ledger.Evaluator(signer, "GetPrefiling", d.PrefilingID)}, nil
		},
		Owner: func(payload []byte) (string, error) {
			var p model.Prefiling
			err := json.Unmarshal(payload, &p)
			return p.EnterpriseID, err
		},
	})
	if err == nil {
		s.recordClaim(ctx, u.EnterpriseID, d)
	}
	// A failure after the commit (marking the draft) still reports the
	// transaction, which the answer carries.
	return Written{ID: d.PrefilingID, Payload: res.Payload, Tx: res.Tx}, err
}

func (s *Service) recordClaim(ctx context.Context, enterpriseID string, d drafts.Draft) {
	if s.Claims != nil {
		s.Claims.RecordClaim(ctx, enterpriseID, d.PrefilingID, d.Data)
	}
}

// Review records customs' decision on a declaration. The chaincode holds
// the state rules.
func (s *Service) Review(ctx context.Context, w service.Write, id string, r Review) (Written, error) {
	return s.review(ctx, w, id, "ReviewPrefiling", r)
}

// ReviewSupplement records customs' decision on a supplement.
func (s *Service) ReviewSupplement(ctx context.Context, w service.Write, id string, r Review) (Written, error) {
	return s.review(ctx, w, id, "ReviewSupplement", r)
}

func (s *Service) review(ctx context.Context, w service.Write, id, function string, r Review) (Written, error) {
	var p validation.Problems
	p.AddModel(model.CheckDecision(r.Decision, r.Reason, model.PrefilingDecisions, model.ReturnNeedsReason)...)
	if err := p.Err(); err != nil {
		return Written{}, err
	}
	return s.change(ctx, w, id, function, r.Decision, r.Reason)
}

// Supplement declares the supplement (补录入) of a prefiling. It lists only
// attachments the enterprise uploaded.
func (s *Service) Supplement(ctx context.Context, w service.Write, id string, data model.SupplementData) (Written, error) {
	if data.Attachments == nil {
		data.Attachments = []model.Attachment{}
	}
	if err := drafts.CheckSupplement(data); err != nil {
		return Written{}, err
	}
	if err := s.ownAttachments(ctx, w.Caller.EnterpriseID, "attachments", data.Attachments); err != nil {
		return Written{}, err
	}
	raw, err := json.Marshal(data)
	if err != nil {
		return Written{}, fmt.Errorf("encode supplement: %w", err)
	}
	return s.change(ctx, w, id, "DeclareSupplement", string(raw))
}

// change submits function(requestID, id, args...) as the caller.
func (s *Service) change(ctx context.Context, w service.Write, id, function string, args ...string) (Written, error) {
	return service.ChangeRecord(ctx, s.Signers, s.Ledger, w, "GetPrefiling", id, function, args...)
}

// View is the prefiling a write changed: from the read model once it has
// mirrored the write (indexed), with steps and enterprise name, otherwise
// from the ledger's answer with the enterprise's name added.
func (s *Service) View(ctx context.Context, written Written, indexed bool) (query.PrefilingView, error) {
	if indexed {
		return s.Reads.Prefiling(ctx, written.ID)
	}
	var p query.PrefilingView
	if err := json.Unmarshal(written.Payload, &p.Prefiling); err != nil {
		return p, fmt.Errorf("decode prefiling %s from the ledger: %w", written.ID, err)
	}
	var err error
	p.EnterpriseName, err = service.EnterpriseName(ctx, s.Reads, p.EnterpriseID)
	return p, err
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}
