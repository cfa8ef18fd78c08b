package documents

import (
	"context"
	"strings"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/accounts"
	"zonetrace/gateway/docdrafts"
	"zonetrace/indexer/query"
)

// Bounds of one pickable-lines answer: the newest drafts and documents are
// searched, and the answer is cut at maxPickable lines; a trace code or q
// narrows it.
const (
	pickSources = 200
	maxPickable = 500
)

// PickableLine is a line of an earlier draft or document the enterprise
// can copy into a draft, with the stock it still holds of the batch.
type PickableLine struct {
	SourceType   string `json:"sourceType"` // draft | document
	SourceID     string `json:"sourceId"`
	Seq          int    `json:"seq"`
	TraceCode    string `json:"traceCode"`
	ProductName  string `json:"productName"`
	HSCode       string `json:"hsCode"`
	Origin       string `json:"origin"`
	MaterialNo   string `json:"materialNo"`
	WeightGrams  int64  `json:"weightGrams"`
	Bonded       bool   `json:"bonded"`
	Available    int64  `json:"availableGrams"`
	UnitPriceFen int64  `json:"unitPriceFen"`
	Currency     string `json:"currency"`
}

// Pick narrows the pickable lines.
type Pick struct {
	// Target is the template the lines are picked for; nil means each
	// source's own.
	Target *docdrafts.Template
	// TraceCode matches exactly; Q is part of a product name, trace code or
	// material number, any case.
	TraceCode, Q string
}

// stockKey is a holding of one trace code by the enterprise.
type stockKey struct {
	traceCode string
	bonded    bool
}

// PickableLines lists lines of the enterprise's undeclared drafts and of
// the documents it declared or received (voided ones left out).
// availableGrams is its balance of the line's batch (weight − reserved) in
// the customs status the target template draws on, or, without one, the
// status of the source's own template.
func (s *Service) PickableLines(ctx context.Context, u accounts.User, pick Pick) ([]PickableLine, error) {
	traceCode, q := strings.TrimSpace(pick.TraceCode), strings.ToLower(strings.TrimSpace(pick.Q))
	balances, err := s.Reads.Balances(ctx, query.BalanceFilter{EnterpriseID: u.EnterpriseID, TraceCode: traceCode})
	if err != nil {
		return nil, err
	}
	available := map[stockKey]int64{}
	for _, b := range balances {
		available[stockKey{b.TraceCode, b.Bonded}] = b.WeightGrams - b.ReservedGrams
	}
	out := []PickableLine{}
	add := func(sourceType, sourceID string, family model.Family, businessType model.BusinessType, lines []model.DocumentLine) {
		bonded := true
		if t, ok := docdrafts.TemplateFor(family, businessType); ok {
			bonded = t.Bonded
		}
		if pick.Target != nil {
			bonded = pick.Target.Bonded
		}
		for i, l := range lines {
			if len(out) == maxPickable || !linePicked(l, traceCode, q) {
				continue
			}
			out = append(out, PickableLine{SourceType: sourceType, SourceID: sourceID, Seq: i + 1, TraceCode: l.TraceCode,
				ProductName: l.ProductName, HSCode: l.HSCode, Origin: l.Origin, MaterialNo: l.MaterialNo, WeightGrams: l.WeightGrams,
				Bonded: bonded, Available: available[stockKey{l.TraceCode, bonded}], UnitPriceFen: l.UnitPriceFen, Currency: l.Currency})
		}
	}
	undeclared := false
	drafts, err := s.Drafts.List(ctx, u.EnterpriseID, docdrafts.Filter{Declared: &undeclared, Q: traceCode, Page: 1, PageSize: pickSources})
	if err != nil {
		return nil, err
	}
	for _, d := range drafts.Items {
		add("draft", d.ID, d.Family, d.BusinessType, d.Lines)
	}
	docs, err := s.Reads.SearchDocuments(ctx, query.DocumentFilter{EnterpriseID: u.EnterpriseID, TraceCode: traceCode, Page: 1, PageSize: pickSources})
	if err != nil {
		return nil, err
	}
	for _, d := range docs.Items {
		if d.Status == model.DocVoided {
			continue
		}
		// Search results carry no steps but do carry lines.
		add("document", d.ID, d.Family, d.BusinessType, d.Lines)
	}
	return out, nil
}

// linePicked reports whether l matches the trace code (exactly) and q (part
// of its product name, trace code or material number, any case).
func linePicked(l model.DocumentLine, traceCode, q string) bool {
	if traceCode != "" && l.TraceCode != traceCode {
		return false
	}
	if q == "" {
		return true
	}
	for _, v := range []string{l.ProductName, l.TraceCode, l.MaterialNo} {
		if strings.Contains(strings.ToLower(v), q) {
			return true
		}
	}
	return false
}
