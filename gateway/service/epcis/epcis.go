// Package epcis exports a batch's history as a GS1 EPCIS 2.0 JSON-LD
// EPCISDocument: the prefiling, the customs documents and the movements of
// one trace code as object and transaction events with CBV business steps
// and dispositions. The mapping is in docs/architecture.md, "EPCIS export".
package epcis

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"

	"zonetrace/chaincode/model"
	"zonetrace/chaincode/tracecode"
	"zonetrace/gateway/accounts"
	"zonetrace/gateway/apierror"
	"zonetrace/gateway/service"
	"zonetrace/gateway/service/publictrace"
	"zonetrace/indexer/query"
)

// Context is the EPCIS 2.0 JSON-LD context every document names.
const Context = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"

// Identifier schemes of our own (docs/architecture.md, "EPCIS export"):
// enterprises are parties and locations by their id (the unified social
// credit code), documents and prefilings business transactions by theirs.
const (
	partyPrefix       = "urn:zonetrace:party:"
	locationPrefix    = "urn:zonetrace:loc:"
	transactionPrefix = "urn:zonetrace:doc:"
	prefilingPrefix   = "urn:zonetrace:prefiling:"
	txTypePrefix      = "urn:zonetrace:btt:"
	// gateLocation is the zone's gate, where entries and exits are read.
	gateLocation = locationPrefix + "gate:" + tracecode.Zone
	// bizStepConversion: bonded goods cleared to non-bonded inside the
	// zone, a customs step the CBV has no word for.
	bizStepConversion = "urn:zonetrace:bizstep:bonded_conversion"
)

// eventNamespace derives stable event ids (UUID v5) from what the chain
// recorded, so exporting twice gives the same ids.
var eventNamespace = uuid.MustParse("6f1c3b4e-8a0d-5e57-9a53-2f2b7d6c0e11")

// zoneOffset is the zone's time zone offset (China Standard Time).
const zoneOffset = "+08:00"

// Reads is what the export reads from the indexer's mirror.
type Reads interface {
	TraceCode(ctx context.Context, code string) (model.TraceCode, error)
	Prefiling(ctx context.Context, id string) (query.PrefilingView, error)
	SearchDocuments(ctx context.Context, f query.DocumentFilter) (query.DocumentPage, error)
	Document(ctx context.Context, id string) (query.DocumentView, error)
	TraceJourney(ctx context.Context, code string) ([]query.JourneyMovement, error)
}

// Service builds EPCIS documents.
type Service struct {
	Reads Reads
	// BaseURL is the public base URL: batch identifiers are its Digital
	// Link URIs, and it names our JSON-LD namespace (zt:).
	BaseURL string
	Now     func() time.Time
}

// Document is an EPCISDocument.
type Document struct {
	Context       []any  `json:"@context"`
	Type          string `json:"type"`
	SchemaVersion string `json:"schemaVersion"`
	CreationDate  string `json:"creationDate"`
	Body          Body   `json:"epcisBody"`
}

// Body holds the events.
type Body struct {
	EventList []Event `json:"eventList"`
}

// Event is an ObjectEvent or a TransactionEvent (the members of both that
// we fill).
type Event struct {
	Type                string         `json:"type"`
	EventID             string         `json:"eventID"`
	EventTime           string         `json:"eventTime"`
	EventTimeZoneOffset string         `json:"eventTimeZoneOffset"`
	Action              string         `json:"action"`
	BizTransactionList  []BizTx        `json:"bizTransactionList,omitempty"`
	QuantityList        []Quantity     `json:"quantityList"`
	BizStep             string         `json:"bizStep,omitempty"`
	Disposition         string         `json:"disposition,omitempty"`
	ReadPoint           *ID            `json:"readPoint,omitempty"`
	BizLocation         *ID            `json:"bizLocation,omitempty"`
	SourceList          []Source       `json:"sourceList,omitempty"`
	DestinationList     []Destination  `json:"destinationList,omitempty"`
	ILMD                map[string]any `json:"ilmd,omitempty"`
	// TxID and Bonded are our extensions (zt: namespace): the ledger
	// transaction that recorded the event, and the customs status of the
	// goods after a movement.
	TxID   string `json:"zt:txId,omitempty"`
	Bonded *bool  `json:"zt:bonded,omitempty"`
}

// BizTx is a business transaction reference.
type BizTx struct {
	Type           string `json:"type"`
	BizTransaction string `json:"bizTransaction"`
}

// Quantity is a class-level quantity in kilograms.
type Quantity struct {
	EPCClass string      `json:"epcClass"`
	Quantity json.Number `json:"quantity"`
	UOM      string      `json:"uom"`
}

// ID is a read point or business location.
type ID struct {
	ID string `json:"id"`
}

// Source is where goods came from.
type Source struct {
	Type   string `json:"type"`
	Source string `json:"source"`
}

// Destination is where goods went.
type Destination struct {
	Type        string `json:"type"`
	Destination string `json:"destination"`
}

// Export returns the EPCIS document of trace code code for u, who sees it
// when customs, the owner or an enterprise that held the goods (the trace's
// visibility); anyone else is FORBIDDEN.
func (s *Service) Export(ctx context.Context, u accounts.User, code string) (Document, error) {
	tc, err := s.Reads.TraceCode(ctx, code)
	if err != nil {
		return Document{}, err
	}
	journey, err := s.Reads.TraceJourney(ctx, code)
	if err != nil {
		return Document{}, err
	}
	if !service.SeesAll(u) && tc.EnterpriseID != u.EnterpriseID && !held(journey, u.EnterpriseID) {
		return Document{}, apierror.New(apierror.Forbidden)
	}
	p, err := s.Reads.Prefiling(ctx, tc.PrefilingID)
	if err != nil {
		return Document{}, err
	}
	docs, err := s.documents(ctx, code)
	if err != nil {
		return Document{}, err
	}
	class := s.class(code)
	var events []Event
	events = append(events, prefilingEvents(p, class)...)
	for _, d := range docs {
		events = append(events, documentEvents(d, code, class)...)
	}
	events = append(events, movementEvents(journey, class)...)
	slices.SortStableFunc(events, func(a, b Event) int { return compareTimes(a.EventTime, b.EventTime) })
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	return Document{
		Context:       []any{Context, map[string]string{"zt": s.BaseURL + "/epcis/ns#"}},
		Type:          "EPCISDocument",
		SchemaVersion: "2.0",
		CreationDate:  now().UTC().Format(time.RFC3339),
		Body:          Body{EventList: append([]Event{}, events...)},
	}, nil
}

func held(journey []query.JourneyMovement, enterpriseID string) bool {
	return slices.ContainsFunc(journey, func(m query.JourneyMovement) bool {
		return (m.From != nil && m.From.EnterpriseID == enterpriseID) || (m.To != nil && m.To.EnterpriseID == enterpriseID)
	})
}

// documents reads every document with a line of code, with its steps.
func (s *Service) documents(ctx context.Context, code string) ([]query.DocumentView, error) {
	var out []query.DocumentView
	for page := 1; ; page++ {
		p, err := s.Reads.SearchDocuments(ctx, query.DocumentFilter{TraceCode: code, Page: page, PageSize: query.MaxPageSize})
		if err != nil {
			return nil, err
		}
		for _, item := range p.Items {
			d, err := s.Reads.Document(ctx, item.ID)
			if err != nil {
				return nil, err
			}
			out = append(out, d)
		}
		if len(p.Items) < query.MaxPageSize {
			return out, nil
		}
	}
}

// class is the batch's EPC class: its GS1 Digital Link URI, or for a code
// not of the zone's composition an URN of ours.
func (s *Service) class(code string) string {
	if tracecode.Valid(code) {
		return publictrace.URI(s.BaseURL, code)
	}
	return "urn:zonetrace:lot:" + code
}

// kilograms writes grams as an exact decimal number of kilograms.
func kilograms(grams int64) json.Number {
	sign := ""
	if grams < 0 {
		sign, grams = "-", -grams
	}
	if grams%1000 == 0 {
		return json.Number(fmt.Sprintf("%s%d", sign, grams/1000))
	}
	frac := fmt.Sprintf("%03d", grams%1000)
	for frac[len(frac)-1] == '0' {
		frac = frac[:len(frac)-1]
	}
	return json.Number(fmt.Sprintf("%s%d.%s", sign, grams/1000, frac))
}

func quantity(class string, grams int64) []Quantity {
	return []Quantity{{EPCClass: class, Quantity: kilograms(grams), UOM: "KGM"}}
}

func eventID(parts ...string) string {
	key := ""
	for _, p := range parts {
		key += p + "\x00"
	}
	return "urn:uuid:" + uuid.NewSHA1(eventNamespace, []byte(key)).String()
}

// eventTime writes a chain time in UTC with second precision or finer, as
// the schema's date-time wants.
func eventTime(at string) string {
	t, err := time.Parse(time.RFC3339Nano, at)
	if err != nil {
		return at
	}
	return t.UTC().Format(time.RFC3339Nano)
}

func compareTimes(a, b string) int {
	ta, errA := time.Parse(time.RFC3339Nano, a)
	tb, errB := time.Parse(time.RFC3339Nano, b)
	if errA != nil || errB != nil {
		return 0
	}
	return ta.Compare(tb)
}

func party(enterpriseID string) string { return partyPrefix + enterpriseID }
func location(enterpriseID string) *ID { return &ID{ID: locationPrefix + enterpriseID} }
func prefilingTx(id string) BizTx {
	return BizTx{Type: txTypePrefix + "prefiling", BizTransaction: prefilingPrefix + id}
}
func documentTx(d model.Document) []BizTx {
	return []BizTx{{Type: txTypePrefix + string(d.Family), BizTransaction: transactionPrefix + d.ID}}
}

// prefilingEvents: the declaration associates the batch with its prefiling
// (TransactionEvent ADD); the approval that issues the trace code
// commissions the lot (ObjectEvent ADD, commissioning, active) with its
// master data; an approved supplement records the quarantine inspection.
func prefilingEvents(p query.PrefilingView, class string) []Event {
	var out []Event
	d := p.Data
	for _, s := range p.Steps {
		base := Event{EventID: eventID(s.TxID, p.ID, s.Action), EventTime: eventTime(s.At), EventTimeZoneOffset: zoneOffset,
			QuantityList: quantity(class, d.WeightGrams), BizTransactionList: []BizTx{prefilingTx(p.ID)}, TxID: s.TxID}
		switch s.Action {
		case model.ActionDeclare:
			base.Type, base.Action = "TransactionEvent", "ADD"
			base.SourceList = []Source{{Type: "owning_party", Source: party(p.EnterpriseID)}}
		case model.ActionApprove:
			base.Type, base.Action, base.BizStep, base.Disposition = "ObjectEvent", "ADD", "commissioning", "active"
			base.BizLocation = location(p.EnterpriseID)
			base.ILMD = lotMasterData(p)
		case model.ActionSupplementApprove:
			if s.Supplement == nil || s.Supplement.QuarantineResult == model.QuarantinePending {
				continue
			}
			base.Type, base.Action, base.BizStep = "ObjectEvent", "OBSERVE", "inspecting"
			base.Disposition = "conformant"
			if s.Supplement.QuarantineResult == model.QuarantineUnqualified {
				base.Disposition = "non_conformant"
			}
			base.BizLocation = location(p.EnterpriseID)
		default:
			continue
		}
		out = append(out, base)
	}
	return out
}

// lotMasterData is the CBV master data of the lot (cbvmda:) and ours (zt:).
func lotMasterData(p query.PrefilingView) map[string]any {
	d := p.Data
	m := map[string]any{"cbvmda:countryOfOrigin": d.Origin, "cbvmda:lotNumber": p.TraceCode, "zt:productName": d.ProductName,
		"zt:hsCode": d.HSCode, "zt:quarantineResult": string(d.QuarantineResult)}
	if d.Grade != "" {
		m["zt:grade"] = d.Grade
	}
	if d.PlantingRegion != "" {
		m["zt:plantingRegion"] = d.PlantingRegion
	}
	if d.ProductionDate != "" {
		m["zt:productionDate"] = d.ProductionDate
		if t, err := time.Parse(time.DateOnly, d.ProductionDate); err == nil && d.ShelfLifeDays > 0 {
			m["cbvmda:itemExpirationDate"] = t.AddDate(0, 0, d.ShelfLifeDays).Format(time.DateOnly)
		}
	}
	return m
}

// documentEvents: a declared document associates its weight of the batch
// with the document (TransactionEvent ADD at the declaration), and a voided
// one dissociates it (DELETE at the voiding).
func documentEvents(d query.DocumentView, code, class string) []Event {
	var grams int64
	for _, l := range d.Lines {
		if l.TraceCode == code {
			grams += l.WeightGrams
		}
	}
	var out []Event
	for _, s := range d.Steps {
		var action string
		switch s.Action {
		case model.DocActionDeclare:
			action = "ADD"
		case model.DocActionVoid:
			action = "DELETE"
		default:
			continue
		}
		e := Event{Type: "TransactionEvent", EventID: eventID(s.TxID, d.ID, s.Action), EventTime: eventTime(s.At),
			EventTimeZoneOffset: zoneOffset, Action: action, BizTransactionList: documentTx(d.Document),
			QuantityList: quantity(class, grams), TxID: s.TxID}
		if d.CustomsNo != "" {
			e.BizTransactionList = append(e.BizTransactionList, BizTx{Type: txTypePrefix + "customs_no", BizTransaction: "urn:zonetrace:customs:" + d.CustomsNo})
		}
		e.SourceList = []Source{{Type: "owning_party", Source: party(d.EnterpriseID)}}
		if d.Head.CounterpartyID != "" {
			e.DestinationList = []Destination{{Type: "owning_party", Destination: party(d.Head.CounterpartyID)}}
		}
		out = append(out, e)
	}
	return out
}

// movementEvents: each movement of goods is an ObjectEvent OBSERVE. Gate
// crossings (zone entry and exit) are entering_exiting read at the zone's
// gate; a transfer is receiving by the transferee; a bonded-to-non-bonded
// conversion is our own business step. A reversal (the movement of a voided
// document undone) is the same step with the source and destination
// swapped, so the history stays complete.
func movementEvents(journey []query.JourneyMovement, class string) []Event {
	var out []Event
	for _, m := range journey {
		e := Event{Type: "ObjectEvent", EventID: eventID(m.ID), EventTime: eventTime(m.At), EventTimeZoneOffset: zoneOffset,
			Action: "OBSERVE", QuantityList: quantity(class, m.WeightGrams), TxID: m.TxID,
			BizTransactionList: []BizTx{{Type: txTypePrefix + string(m.Family), BizTransaction: transactionPrefix + m.DocumentID}}}
		if m.Family == "" {
			e.BizTransactionList[0].Type = txTypePrefix + "document"
		}
		if m.From != nil {
			e.SourceList = []Source{{Type: "owning_party", Source: party(m.From.EnterpriseID)}}
		}
		if m.To != nil {
			e.DestinationList = []Destination{{Type: "owning_party", Destination: party(m.To.EnterpriseID)}}
			e.BizLocation = location(m.To.EnterpriseID)
			bonded := m.To.Bonded
			e.Bonded = &bonded
		}
		switch m.Kind {
		case model.MoveZoneEntry:
			e.BizStep, e.Disposition, e.ReadPoint = "entering_exiting", "in_progress", &ID{ID: gateLocation}
		case model.MoveZoneExit:
			e.BizStep, e.Disposition, e.ReadPoint = "entering_exiting", "in_transit", &ID{ID: gateLocation}
		case model.MoveTransfer:
			e.BizStep, e.Disposition = "receiving", "in_progress"
		case model.MoveConversion:
			e.BizStep, e.Disposition = bizStepConversion, "sellable_accessible"
		case model.MoveReversal:
			e.BizStep, e.Disposition = "void_shipping", "unknown"
		default:
			e.BizStep = "other"
		}
		if e.BizLocation == nil && m.From != nil && m.Kind != model.MoveZoneExit {
			e.BizLocation = location(m.From.EnterpriseID)
		}
		out = append(out, e)
	}
	return out
}
