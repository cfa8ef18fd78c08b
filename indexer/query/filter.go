package query

import (
	"errors"
	"fmt"
	"strings"

	"zonetrace/chaincode/model"
)

// ErrInvalidFilter reports a filter that cannot be answered (unknown status,
// negative page); it is wrapped with the reason.
var ErrInvalidFilter = errors.New("query: invalid filter")

// Page sizes of SearchPrefilings.
const (
	DefaultPageSize = 20
	MaxPageSize     = 200
)

// PrefilingFilter selects prefilings. Empty fields do not filter.
type PrefilingFilter struct {
	// EnterpriseID scopes the search to one enterprise; empty means all.
	EnterpriseID string
	// ProductName and Exporter match case-insensitive substrings.
	ProductName string
	TraceCode   string
	Origin      string
	Exporter    string
	// BatchNo (批次号) and MaterialNo (料号) match exactly.
	BatchNo    string
	MaterialNo string
	Status     model.PrefilingStatus
	// SupplementStatus filters on the latest supplement's status.
	SupplementStatus model.SupplementStatus
	// NeedsReview selects the customs queue: status declared or supplement
	// status declared.
	NeedsReview bool
	// Page counts from 1 (0 means 1); PageSize defaults to DefaultPageSize
	// and is capped at MaxPageSize.
	Page     int
	PageSize int
	// Cursor, the Next or Prev of an earlier page, asks for the page after
	// or before it instead of Page: deep pages cost what the first does.
	Cursor string
}

// normalise validates f and fills in the paging defaults.
func (f PrefilingFilter) normalise() (PrefilingFilter, error) {
	switch f.Status {
	case "", model.PrefilingDeclared, model.PrefilingApproved, model.PrefilingReturned:
	default:
		return f, fmt.Errorf("%w: unknown prefiling status %q", ErrInvalidFilter, f.Status)
	}
	switch f.SupplementStatus {
	case model.SupplementNone, model.SupplementDeclared, model.SupplementApproved, model.SupplementReturned:
	default:
		return f, fmt.Errorf("%w: unknown supplement status %q", ErrInvalidFilter, f.SupplementStatus)
	}
	var err error
	f.Page, f.PageSize, err = normalisePage(f.Page, f.PageSize)
	return f, err
}

// conditions renders f as SQL conditions on prefilings aliased p. Each criterion maps onto an index of the prefilings table.
func (f PrefilingFilter) conditions() *conditions {
	c := &conditions{}
	if f.EnterpriseID != "" {
		c.add("p.enterprise_id = ?", f.EnterpriseID)
	}
	if f.ProductName != "" {
		c.add("p.product_name ILIKE ?", containsPattern(f.ProductName))
	}
	if f.Exporter != "" {
		c.add("p.exporter_name ILIKE ?", containsPattern(f.Exporter))
	}
	if f.TraceCode != "" {
		c.add("p.trace_code = ?", f.TraceCode)
	}
	if f.Origin != "" {
		c.add("p.origin = ?", f.Origin)
	}
	if f.BatchNo != "" {
		c.add("p.batch_no = ?", f.BatchNo)
	}
	if f.MaterialNo != "" {
		c.add("p.material_no = ?", f.MaterialNo)
	}
	if f.Status != "" {
		c.add("p.status = ?", string(f.Status))
	}
	if f.SupplementStatus != "" {
		c.add("p.supplement_status = ?", string(f.SupplementStatus))
	}
	if f.NeedsReview {
		// Spelled exactly as the predicate of index prefilings_needs_review.
		c.raw("(p.status = 'declared' OR p.supplement_status = 'declared')")
	}
	return c
}

// containsPattern is a LIKE pattern matching s anywhere, with LIKE's own
// wildcards in s taken literally.
func containsPattern(s string) string {
	return "%" + escapeLike(s) + "%"
}

// prefixPattern is a LIKE pattern matching strings that start with s.
func prefixPattern(s string) string {
	return escapeLike(s) + "%"
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
