// Package publictrace answers the anonymous trace page a batch's QR opens:
// the facts about a trace code anyone holding the goods may read, and
// nothing commercial (docs/architecture.md, "Public trace page").
package publictrace

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"time"

	"zonetrace/chaincode/model"
	"zonetrace/chaincode/tracecode"
	"zonetrace/gateway/apierror"
	"zonetrace/indexer/query"
)

// Reads is what the page reads from the indexer's mirror.
type Reads interface {
	TraceCode(ctx context.Context, code string) (model.TraceCode, error)
	Prefiling(ctx context.Context, id string) (query.PrefilingView, error)
	TraceJourney(ctx context.Context, code string) ([]query.JourneyMovement, error)
	TxProof(ctx context.Context, txID string) (query.LedgerProof, error)
}

// View is the public record of a batch. Every field is listed in
// docs/architecture.md with the reason it is public; prices, values,
// weights, enterprises, exporter, documents' numbers, material and
// quarantine batch numbers are left out on purpose.
type View struct {
	Code string `json:"code"`
	// URI is the GS1 Digital Link URI the QR encodes.
	URI            string `json:"uri"`
	Commodity      string `json:"commodity"`
	ProductName    string `json:"productName"`
	HSCode         string `json:"hsCode"`
	Origin         string `json:"origin"` // ISO 3166-1 alpha-2
	Grade          string `json:"grade,omitempty"`
	PlantingRegion string `json:"plantingRegion,omitempty"`
	ProductionDate string `json:"productionDate,omitempty"`
	ShelfLifeDays  int    `json:"shelfLifeDays,omitempty"`
	// Quarantine is the quarantine result as customs accepted it
	// (pending, qualified or unqualified).
	Quarantine model.QuarantineResult `json:"quarantine"`
	// IssuedOn is the day (China Standard Time) customs approved the batch
	// and issued its code.
	IssuedOn string `json:"issuedOn"`
	// Issued proves the approval is on the ledger.
	Issued query.LedgerProof `json:"issued"`
	Stages []Stage           `json:"stages"`
}

// Stage is one step of the batch's journey through the zone.
type Stage struct {
	Kind model.MovementKind `json:"kind"` // zone_entry | transfer | conversion | zone_exit
	On   string             `json:"on"`   // YYYY-MM-DD, China Standard Time
	// Proof is the transaction that moved the goods.
	Proof query.LedgerProof `json:"proof"`
}

// Service builds public views.
type Service struct {
	Reads Reads
	// BaseURL is the public base URL the Digital Link URI starts with.
	BaseURL string
}

// Trace returns the public view of trace code code. A malformed or unknown
// code is NOT_FOUND, the same answer for both so the endpoint tells a
// prober nothing.
func (s *Service) Trace(ctx context.Context, code string) (View, error) {
	if !tracecode.Valid(code) {
		return View{}, apierror.New(apierror.NotFound)
	}
	tc, err := s.Reads.TraceCode(ctx, code)
	if err != nil {
		return View{}, err
	}
	p, err := s.Reads.Prefiling(ctx, tc.PrefilingID)
	if err != nil {
		return View{}, err
	}
	issued, err := s.Reads.TxProof(ctx, tc.IssuedTx)
	if err != nil && !errors.Is(err, query.ErrNotFound) {
		return View{}, err
	}
	issued.TxID = tc.IssuedTx
	journey, err := s.Reads.TraceJourney(ctx, code)
	if err != nil {
		return View{}, err
	}
	d := p.Data
	v := View{Code: tc.Code, URI: URI(s.BaseURL, tc.Code), Commodity: d.Commodity, ProductName: d.ProductName,
		HSCode: d.HSCode, Origin: d.Origin, Grade: d.Grade, PlantingRegion: d.PlantingRegion,
		ProductionDate: d.ProductionDate, ShelfLifeDays: d.ShelfLifeDays, Quarantine: d.QuarantineResult,
		IssuedOn: day(tc.IssuedAt), Issued: issued, Stages: stages(journey)}
	return v, nil
}

// stages turns movements into the journey: one stage per document and kind
// (a document moving several lines of the batch is one step), without the
// documents later voided (their movements and reversals cancel out).
func stages(journey []query.JourneyMovement) []Stage {
	voided := map[string]bool{}
	for _, m := range journey {
		if m.Kind == model.MoveReversal {
			voided[m.DocumentID] = true
		}
	}
	out := []Stage{}
	seen := map[string]bool{}
	for _, m := range journey {
		key := m.DocumentID + "\x00" + string(m.Kind)
		if voided[m.DocumentID] || seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, Stage{Kind: m.Kind, On: day(m.At), Proof: m.Proof})
	}
	return out
}

// day is the China Standard Time date of an RFC 3339 chain time, or the
// string as is when it does not parse (never expected from the chain).
func day(at string) string {
	t, err := time.Parse(time.RFC3339Nano, at)
	if err != nil {
		return at
	}
	return t.In(model.ZoneTime).Format(time.DateOnly)
}

// ETag is a strong validator of an answer's bytes.
func ETag(body []byte) string {
	sum := sha256.Sum256(body)
	return fmt.Sprintf(`"%x"`, sum[:16])
}
