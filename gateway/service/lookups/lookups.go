// Package lookups answers what a clerk looks up while filling a document
// draft, so that the form fills it instead of the clerk re-keying it: the
// line facts a trace code already carries, and the counterparty by name.
package lookups

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/accounts"
	"zonetrace/gateway/apierror"
	"zonetrace/gateway/service"
	"zonetrace/indexer/query"
)

// Reads is what the lookups read from the indexer's mirror; *query.Reader
// is one.
type Reads interface {
	TraceCode(ctx context.Context, code string) (model.TraceCode, error)
	Prefiling(ctx context.Context, id string) (query.PrefilingView, error)
	Balances(ctx context.Context, f query.BalanceFilter) ([]query.BalanceView, error)
	Enterprises(ctx context.Context) ([]model.Enterprise, error)
}

// Service answers the lookups.
type Service struct {
	Reads Reads
}

// LineDefaults are the facts of a document line its trace code determines,
// from the prefiling that issued the code.
type LineDefaults struct {
	TraceCode    string `json:"traceCode"`
	ProductName  string `json:"productName"`
	HSCode       string `json:"hsCode"`
	Origin       string `json:"origin"`
	MaterialNo   string `json:"materialNo"`
	UnitPriceFen int64  `json:"unitPriceFen"`
	Currency     string `json:"currency"`
}

// LineDefaults reads the line facts of trace code code. Customs and the
// other supervisors see every code; an enterprise sees the codes it
// declared and those of batches it holds (a balance with weight): a
// receiver of a transfer fills its lines too, while a code it never held
// stays as unknown to it as a code that does not exist (404, so codes
// cannot be probed).
func (s *Service) LineDefaults(ctx context.Context, u accounts.User, code string) (LineDefaults, error) {
	code = strings.TrimSpace(code)
	tc, err := s.Reads.TraceCode(ctx, code)
	if err != nil {
		return LineDefaults{}, err
	}
	if !service.SeesAll(u) && tc.EnterpriseID != u.EnterpriseID {
		held, err := s.holds(ctx, u.EnterpriseID, code)
		if err != nil {
			return LineDefaults{}, err
		}
		if !held {
			return LineDefaults{}, apierror.New(apierror.NotFound)
		}
	}
	p, err := s.Reads.Prefiling(ctx, tc.PrefilingID)
	if err != nil {
		return LineDefaults{}, err
	}
	d := p.Data
	return LineDefaults{TraceCode: tc.Code, ProductName: d.ProductName, HSCode: d.HSCode, Origin: d.Origin,
		MaterialNo: d.MaterialNo, UnitPriceFen: d.AvgPriceFen, Currency: d.Currency}, nil
}

func (s *Service) holds(ctx context.Context, enterpriseID, code string) (bool, error) {
	balances, err := s.Reads.Balances(ctx, query.BalanceFilter{TraceCode: code, EnterpriseID: enterpriseID})
	if err != nil {
		return false, err
	}
	return slices.ContainsFunc(balances, func(b query.BalanceView) bool { return b.WeightGrams > 0 }), nil
}

// Counterparty is what any signed-in user may see of a registered
// enterprise: its unified social credit code (the id documents name as
// counterparty) and its name. Both are on the registration every trade
// partner sees on the paperwork anyway; kind, customs code and status stay
// with the supervisors (GET /enterprises).
type Counterparty struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// MaxCounterparties bounds one counterparty search answer.
const MaxCounterparties = 20

// Counterparties finds active enterprises other than the caller's own whose
// name or credit code contains q (any case), best matches first: a name or
// code starting with q before one merely containing it, then by name.
func (s *Service) Counterparties(ctx context.Context, u accounts.User, q string) ([]Counterparty, error) {
	all, err := s.Reads.Enterprises(ctx)
	if err != nil {
		return nil, err
	}
	q = strings.ToLower(strings.TrimSpace(q))
	type ranked struct {
		Counterparty
		prefix bool
	}
	var found []ranked
	for _, e := range all {
		if e.Status != model.EnterpriseActive || e.ID == u.EnterpriseID {
			continue
		}
		name, id := strings.ToLower(e.Name), strings.ToLower(e.ID)
		if !strings.Contains(name, q) && !strings.Contains(id, q) {
			continue
		}
		found = append(found, ranked{Counterparty{ID: e.ID, Name: e.Name}, strings.HasPrefix(name, q) || strings.HasPrefix(id, q)})
	}
	slices.SortFunc(found, func(a, b ranked) int {
		if a.prefix != b.prefix {
			if a.prefix {
				return -1
			}
			return 1
		}
		return cmp.Or(strings.Compare(a.Name, b.Name), strings.Compare(a.ID, b.ID))
	})
	out := []Counterparty{}
	for _, r := range found[:min(len(found), MaxCounterparties)] {
		out = append(out, r.Counterparty)
	}
	return out, nil
}
