package query

import (
	"errors"
	"fmt"
	"strconv"
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
	Status      model.PrefilingStatus
	// SupplementStatus filters on the latest supplement's status.
	SupplementStatus model.SupplementStatus
	// NeedsReview selects the customs queue: status declared or supplement
	// status declared.
	NeedsReview bool
	// Page counts from 1 (0 means 1); PageSize defaults to DefaultPageSize
	// and is capped at MaxPageSize.
	Page     int
	PageSize int
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

// where renders f as a SQL condition on prefilings aliased p, with its
// arguments. Each criterion maps onto an index of the prefilings table.
func (f PrefilingFilter) where() (string, []any) {
	var conds []string
	var args []any
	add := func(cond string, arg any) {
		args = append(args, arg)
		conds = append(conds, strings.ReplaceAll(cond, "?", "$"+strconv.Itoa(len(args))))
	}
	if f.EnterpriseID != "" {
		add("p.enterprise_id = ?", f.EnterpriseID)
	}
	if f.ProductName != "" {
		add("p.product_name ILIKE ?", containsPattern(f.ProductName))
	}
	if f.Exporter != "" {
		add("p.exporter_name ILIKE ?", containsPattern(f.Exporter))
	}
	if f.TraceCode != "" {
		add("p.trace_code = ?", f.TraceCode)
	}
	if f.Origin != "" {
		add("p.origin = ?", f.Origin)
	}
	if f.Status != "" {
		add("p.status = ?", string(f.Status))
	}
	if f.SupplementStatus != "" {
		add("p.supplement_status = ?", string(f.SupplementStatus))
	}
	if f.NeedsReview {
		// Spelled exactly as the predicate of index prefilings_needs_review.
		conds = append(conds, "(p.status = 'declared' OR p.supplement_status = 'declared')")
	}
	if len(conds) == 0 {
		return "TRUE", nil
	}
	return strings.Join(conds, " AND "), args
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
