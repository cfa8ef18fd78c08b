// Package traces serves traceability (溯源): a batch's whole history in one
// call, its views (entry/exit, transfers, conversions, the pass-through
// chain) and the search over batches by feature, risk and key.
//
// Who sees what: customs, the zone admin and auditors see everything. An
// enterprise sees the trace of a batch it was issued or holds or held at
// some time (per movements), so a transferee follows what it received. It
// sees the goods' facts that travel with them (product, origin, grade,
// producer, region, production date, shelf life, quarantine result), every
// movement and holder (the chain itself; current weights follow from the
// movements anyway), and the documents that moved the batch. Of other
// parties' records it does not see: the prefiling's price, attachments and
// review history; on documents it is no party of (neither declarant nor
// counterparty), prices and values, the head (vehicle, carrier, owner,
// account book …), tags, review history, receipts and return or deletion
// reasons, and such documents only when they moved the batch; other
// holders' reservations (pending declarations).
package traces

import (
	"context"
	"slices"
	"time"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/accounts"
	"zonetrace/gateway/apierror"
	"zonetrace/gateway/service"
	"zonetrace/gateway/validation"
	"zonetrace/indexer/query"
)

// Reads is what the service reads (*query.Reader).
type Reads interface {
	TraceHistory(ctx context.Context, code string) (query.TraceHistory, error)
	SearchTraces(ctx context.Context, f query.TraceFilter) (query.TracePage, error)
}

// Service answers trace queries.
type Service struct {
	Reads Reads
	// Now is today's source for near-expiry; nil means time.Now.
	Now func() time.Time
}

// View names a filter over a batch's history.
type View string

// Views of a history.
const (
	ViewAll         View = ""
	ViewEntryExit   View = "entry_exit"   // 进出区溯源
	ViewTransfers   View = "transfers"    // 区内流转溯源
	ViewConversions View = "conversions"  // 保税转非保税溯源
	ViewPassThrough View = "pass_through" // 穿行货物溯源: the chain A→B→…
)

// Views lists the accepted views.
var Views = []View{ViewAll, ViewEntryExit, ViewTransfers, ViewConversions, ViewPassThrough}

// viewKinds are the movement kinds a view keeps.
var viewKinds = map[View][]model.MovementKind{
	ViewEntryExit:   {model.MoveZoneEntry, model.MoveZoneExit},
	ViewTransfers:   {model.MoveTransfer},
	ViewConversions: {model.MoveConversion},
	ViewPassThrough: {model.MoveZoneEntry, model.MoveTransfer, model.MoveZoneExit},
}

// History is the trace history of code as u may see it, filtered to view.
// A batch u never held is FORBIDDEN.
func (s *Service) History(ctx context.Context, u accounts.User, code string, view View) (query.TraceHistory, error) {
	if !slices.Contains(Views, view) {
		var p validation.Problems
		p.AddModel(model.Problem{Field: "view", Rule: model.RuleUnknownValue})
		return query.TraceHistory{}, p.Err()
	}
	h, err := s.Reads.TraceHistory(ctx, code)
	if err != nil {
		return query.TraceHistory{}, err
	}
	if !service.SeesAll(u) {
		if !heldBy(h, u.EnterpriseID) {
			return query.TraceHistory{}, apierror.New(apierror.Forbidden)
		}
		h = withhold(h, u.EnterpriseID)
	}
	return filter(h, view), nil
}

// heldBy reports whether enterprise was issued the batch or received some
// of it.
func heldBy(h query.TraceHistory, enterprise string) bool {
	if h.TraceCode.EnterpriseID == enterprise {
		return true
	}
	return slices.ContainsFunc(h.Movements, func(m model.Movement) bool {
		return m.To != nil && m.To.EnterpriseID == enterprise
	})
}

// withhold removes from h what enterprise may not see of other parties
// (see the package comment).
func withhold(h query.TraceHistory, enterprise string) query.TraceHistory {
	if h.Prefiling.EnterpriseID != enterprise {
		h.Prefiling.Data.AvgPriceFen = 0
		h.Prefiling.Data.Attachments = []model.Attachment{}
		h.Prefiling.Data.EntryDraftNo = ""
		h.Prefiling.Supplement = nil
		h.Prefiling.AutoReview, h.Prefiling.SupplementAutoReview = nil, nil
		h.Prefiling.ReturnReason = ""
		h.Prefiling.Steps = []model.PrefilingStep{}
		h.Withheld = true
	}
	moved := map[string]bool{}
	for _, m := range h.Movements {
		moved[m.DocumentID] = true
	}
	docs := []query.DocumentView{}
	plates := map[string]string{}
	for _, d := range h.Documents {
		if d.EnterpriseID == enterprise || d.Head.CounterpartyID == enterprise {
			docs = append(docs, d)
			plates[d.ID] = d.Head.VehiclePlate
			continue
		}
		h.Withheld = true
		if !moved[d.ID] {
			continue
		}
		d.Head = model.DocumentHead{CounterpartyID: d.Head.CounterpartyID, LinkedDocumentID: d.Head.LinkedDocumentID}
		lines := make([]model.DocumentLine, len(d.Lines))
		for i, l := range d.Lines {
			l.UnitPriceFen, l.ValueFen = 0, 0
			lines[i] = l
		}
		d.Lines = lines
		d.Tags, d.Steps, d.Receipts = []model.Tag{}, []model.DocumentStep{}, []string{}
		d.AutoReview, d.Deletion, d.ReturnReason, d.CustomsNo = nil, nil, "", ""
		d.Abnormal = false
		docs = append(docs, d)
	}
	h.Documents = docs
	gates := []query.GateEvent{}
	for _, g := range h.GateEvents {
		if plate, ok := plates[g.DocumentID]; ok {
			g.VehiclePlate = plate
		} else {
			g.VehiclePlate = ""
		}
		gates = append(gates, g)
	}
	h.GateEvents = gates
	holders := make([]query.TraceHolder, len(h.Holders))
	for i, o := range h.Holders {
		if o.EnterpriseID != enterprise {
			o.ReservedBondedGrams, o.ReservedNonBondedGrams = 0, 0
		}
		holders[i] = o
	}
	h.Holders = holders
	return h
}

// filter keeps the movements of view's kinds and the documents that made
// them; the path, holders and gate events stay whole.
func filter(h query.TraceHistory, view View) query.TraceHistory {
	kinds := viewKinds[view]
	if kinds == nil {
		return h
	}
	keep := map[string]bool{}
	moves := []model.Movement{}
	for _, m := range h.Movements {
		if slices.Contains(kinds, m.Kind) {
			moves = append(moves, m)
			keep[m.DocumentID] = true
		}
	}
	docs := []query.DocumentView{}
	for _, d := range h.Documents {
		rule, _ := model.RuleOf(d.Family, d.BusinessType)
		// An in leg moves its out leg's goods; it belongs with them.
		if keep[d.ID] || keep[d.Head.LinkedDocumentID] || rule.Kind != "" && slices.Contains(kinds, rule.Kind) {
			docs = append(docs, d)
		}
	}
	h.Movements, h.Documents = moves, docs
	return h
}

// Search returns the batches matching f; an enterprise's search covers the
// batches it was issued or held and reads only its own tags and prices.
func (s *Service) Search(ctx context.Context, u accounts.User, f query.TraceFilter) (query.TracePage, error) {
	f.Today = s.now()
	if !service.SeesAll(u) {
		f.HolderID, f.PartyID = u.EnterpriseID, u.EnterpriseID
	}
	page, err := s.Reads.SearchTraces(ctx, f)
	if err != nil {
		return query.TracePage{}, err
	}
	if !service.SeesAll(u) {
		for i := range page.Items {
			if page.Items[i].TraceCode.EnterpriseID != u.EnterpriseID {
				page.Items[i].Data.AvgPriceFen = 0
			}
		}
	}
	return page, nil
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}
