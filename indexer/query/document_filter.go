package query

import (
	"fmt"
	"slices"

	"zonetrace/chaincode/model"
)

// DocumentFilter selects documents. Empty fields do not filter.
type DocumentFilter struct {
	// EnterpriseID scopes the search to the documents an enterprise declared
	// or is the counterparty of; empty means all.
	EnterpriseID string
	Family       model.Family
	BusinessType model.BusinessType
	Status       model.DocumentStatus
	// Tag selects documents carrying a tag of this code.
	Tag string
	// AnyTag selects documents carrying a tag of any of these codes (the
	// codes of one tag category, say).
	AnyTag []string
	// TraceCode selects documents with a line of this trace code.
	TraceCode string
	// Q matches a document id prefix or a case-insensitive substring of any
	// line's product name.
	Q string
	// DeletedOrModified selects only the documents a deletion touched.
	DeletedOrModified bool
	// Page counts from 1 (0 means 1); PageSize defaults to DefaultPageSize
	// and is capped at MaxPageSize.
	Page     int
	PageSize int
	// Cursor, the Next or Prev of an earlier page, asks for the page after
	// or before it instead of Page: deep pages cost what the first does.
	Cursor string
}

var (
	businessTypes = []model.BusinessType{model.BusinessIn, model.BusinessOut, model.BusinessEntry,
		model.BusinessExit, model.BusinessConsolidated, model.BusinessTransfer, model.BusinessConversion}
	documentStatuses = []model.DocumentStatus{model.DocDeclared, model.DocManualReview, model.DocApproved,
		model.DocReturned, model.DocEffective, model.DocDeletionAsked, model.DocVoided}
)

func (f DocumentFilter) normalise() (DocumentFilter, error) {
	if f.Family != "" && !slices.Contains(model.Families, f.Family) {
		return f, fmt.Errorf("%w: unknown document family %q", ErrInvalidFilter, f.Family)
	}
	if f.BusinessType != "" && !slices.Contains(businessTypes, f.BusinessType) {
		return f, fmt.Errorf("%w: unknown business type %q", ErrInvalidFilter, f.BusinessType)
	}
	if f.Status != "" && !slices.Contains(documentStatuses, f.Status) {
		return f, fmt.Errorf("%w: unknown document status %q", ErrInvalidFilter, f.Status)
	}
	var err error
	f.Page, f.PageSize, err = normalisePage(f.Page, f.PageSize)
	return f, err
}

// normalisePage validates a page and page size and fills in the defaults.
func normalisePage(page, size int) (int, int, error) {
	if page < 0 || size < 0 {
		return 0, 0, fmt.Errorf("%w: page %d and page size %d must not be negative", ErrInvalidFilter, page, size)
	}
	if page == 0 {
		page = 1
	}
	if size == 0 {
		size = DefaultPageSize
	}
	return page, min(size, MaxPageSize), nil
}

// conditions renders f as SQL conditions on documents aliased d, all but
// the enterprise and the text (arms).
func (f DocumentFilter) conditions() *conditions {
	c := &conditions{}
	if f.Family != "" {
		c.add("d.family = ?", string(f.Family))
	}
	if f.BusinessType != "" {
		c.add("d.business_type = ?", string(f.BusinessType))
	}
	if f.Status != "" {
		c.add("d.status = ?", string(f.Status))
	}
	if f.Tag != "" {
		c.add("EXISTS (SELECT 1 FROM document_tags t WHERE t.document_id = d.id AND t.code = ?)", f.Tag)
	}
	if len(f.AnyTag) > 0 {
		c.add("EXISTS (SELECT 1 FROM document_tags t WHERE t.document_id = d.id AND t.code = ANY(?))", f.AnyTag)
	}
	if f.TraceCode != "" {
		c.add("EXISTS (SELECT 1 FROM document_lines l WHERE l.document_id = d.id AND l.trace_code = ?)", f.TraceCode)
	}
	if f.DeletedOrModified {
		c.raw("d.deleted_or_modified")
	}
	return c
}

// arms are the disjoint WHERE clauses whose union the documents matching f
// are, each answerable along an index of its own instead of one OR that
// only a scan of every row can: for an enterprise, the documents it
// declared (documents_enterprise) and those naming it as counterparty only
// (documents_counterparty); for a text, the numbers starting with it
// (documents_id_prefix, so a document found by its number is one probe)
// and the other documents with a line whose product holds it.
func (f DocumentFilter) arms(c *conditions) []string {
	arms := []string{c.where()}
	split := func(either, other string) {
		next := make([]string, 0, 2*len(arms))
		for _, a := range arms {
			next = append(next, either+" AND "+a, other+" AND "+a)
		}
		arms = next
	}
	if f.Q != "" {
		id, product := c.arg(prefixPattern(f.Q)), c.arg(containsPattern(f.Q))
		split("d.id LIKE "+id, "NOT d.id LIKE "+id+` AND EXISTS (SELECT 1 FROM document_lines l
			WHERE l.document_id = d.id AND l.product_name ILIKE `+product+`)`)
	}
	if f.EnterpriseID != "" {
		e := c.arg(f.EnterpriseID)
		split("d.enterprise_id = "+e, "d.counterparty_id = "+e+" AND d.counterparty_id <> '' AND d.enterprise_id <> "+e)
	}
	return arms
}
