package query

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"zonetrace/chaincode/model"
)

// QueueKind is one kind of work waiting for customs.
type QueueKind string

// The kinds of customs' work queue.
const (
	// QueuePrefiling: a declared prefiling (预核申报) to review.
	QueuePrefiling QueueKind = "prefiling"
	// QueueSupplement: a declared supplement (补录入) to review.
	QueueSupplement QueueKind = "supplement"
	// QueueDocument: a declared document customs reviews on this platform.
	QueueDocument QueueKind = "document"
	// QueueManualReview: a document a review rule or an officer sent to
	// manual review (转人工审核).
	QueueManualReview QueueKind = "manual_review"
	// QueueDeletion: a deletion request (删单申请) waiting for customs,
	// the transferee's confirmation given where one is needed.
	QueueDeletion QueueKind = "deletion"
)

// QueueKinds lists the kinds in the order counts are shown.
var QueueKinds = []QueueKind{QueuePrefiling, QueueSupplement, QueueDocument, QueueManualReview, QueueDeletion}

// QueueItem is one thing waiting for customs.
type QueueItem struct {
	Kind           QueueKind `json:"kind"`
	ID             string    `json:"id"`
	EnterpriseID   string    `json:"enterpriseId"`
	EnterpriseName string    `json:"enterpriseName"`
	// Family and BusinessType are a document's; empty for prefilings.
	Family       model.Family       `json:"family,omitempty"`
	BusinessType model.BusinessType `json:"businessType,omitempty"`
	// Since is when the item started waiting: its declaration, its
	// supplement, its being sent to manual review, or the deletion request
	// (the transferee's confirmation when one was needed).
	Since time.Time `json:"since"`
	// Rule is the review rule that sent the item to manual review; nil when
	// no rule did (a plain declaration, or an officer's decision).
	Rule *model.RuleRef `json:"rule,omitempty"`
}

// QueueFilter selects queue items. An empty Kinds means every kind.
type QueueFilter struct {
	Kinds []QueueKind
	// Page counts from 1 (0 means 1); PageSize defaults to DefaultPageSize
	// and is capped at MaxPageSize.
	Page     int
	PageSize int
}

// QueuePage is one page of the queue, oldest first.
type QueuePage struct {
	Items    []QueueItem `json:"items"`
	Total    int         `json:"total"`
	Page     int         `json:"page"`
	PageSize int         `json:"pageSize"`
}

// QueueCounts are the numbers of waiting items per kind.
type QueueCounts map[QueueKind]int

// Total is the number of waiting items of every kind.
func (c QueueCounts) Total() int {
	n := 0
	for _, v := range c {
		n += v
	}
	return n
}

// platformPairs is an SQL array of the "family/business type" pairs customs
// reviews on this platform, from the model's document rules; other
// documents are decided in customs' own systems and only their receipts
// arrive here. The pairs are the model's constants, so they are written
// into the statements rather than passed, which keeps every kind's
// statement free of parameters.
var platformPairs = func() string {
	var pairs []string
	for _, f := range model.Families {
		for _, bt := range businessTypes {
			if rule, ok := model.RuleOf(f, bt); ok && rule.Platform {
				pairs = append(pairs, "'"+string(f)+"/"+string(bt)+"'")
			}
		}
	}
	return "ARRAY[" + strings.Join(pairs, ", ") + "]"
}()

// queueWhere are the predicates of each kind. Counts and lists share them,
// so a badge never disagrees with its list.
var queueWhere = map[QueueKind]string{
	QueuePrefiling:    `p.status = 'declared'`,
	QueueSupplement:   `p.supplement_status = 'declared'`,
	QueueDocument:     `d.status = 'declared' AND d.family || '/' || d.business_type = ANY(` + platformPairs + `)`,
	QueueManualReview: `d.status = 'manual_review'`,
	QueueDeletion: `d.status = 'deletion_requested' AND (d.doc->'deletion'->>'needsCustoms')::boolean
		AND (NOT (d.doc->'deletion'->>'needsTransferee')::boolean OR coalesce(d.doc->'deletion'->>'confirmedAt', '') <> '')`,
}

// queueFrom are the table each kind reads.
var queueFrom = map[QueueKind]string{
	QueuePrefiling: "prefilings p", QueueSupplement: "prefilings p",
	QueueDocument: "documents d", QueueManualReview: "documents d", QueueDeletion: "documents d",
}

// queueSelect renders the items of one kind as (kind, id, enterprise,
// family, business type, since, rule id, rule version). since is the time
// of the latest step that made the item wait; the rule is that of a
// manual-review step taken since then.
func queueSelect(kind QueueKind) string {
	var q string
	switch kind {
	case QueuePrefiling, QueueSupplement:
		entered := model.ActionDeclare
		if kind == QueueSupplement {
			entered = model.ActionSupplement
		}
		q = `SELECT '` + string(kind) + `'::text AS kind, p.id, p.enterprise_id, ''::text AS family, ''::text AS business_type,
				coalesce(s.at, p.updated_at) AS since, r.rule_id, r.rule_version
			FROM prefilings p
			LEFT JOIN LATERAL (SELECT seq, at FROM prefiling_steps WHERE prefiling_id = p.id AND action = '` + entered + `'
				ORDER BY seq DESC LIMIT 1) s ON true
			LEFT JOIN LATERAL (SELECT rule_id, rule_version FROM prefiling_steps
				WHERE prefiling_id = p.id AND seq > coalesce(s.seq, 0) AND action = '` + model.ActionRuleManualReview + `'
				ORDER BY seq DESC LIMIT 1) r ON true`
	default:
		entered := map[QueueKind][]string{
			QueueDocument:     {model.DocActionDeclare},
			QueueManualReview: {model.DocActionManualReview},
			QueueDeletion:     {model.DocActionRequestDeletion, model.DocActionConfirmDeletion},
		}[kind]
		rule := `NULL::text AS rule_id, NULL::integer AS rule_version`
		if kind == QueueManualReview {
			rule = `s.rule_id, s.rule_version`
		}
		q = `SELECT '` + string(kind) + `'::text AS kind, d.id, d.enterprise_id, d.family, d.business_type,
				coalesce(s.at, d.updated_at) AS since, ` + rule + `
			FROM documents d
			LEFT JOIN LATERAL (SELECT at, rule_id, rule_version FROM document_steps
				WHERE document_id = d.id AND action IN ('` + strings.Join(entered, "', '") + `')
				ORDER BY seq DESC LIMIT 1) s ON true`
	}
	return q + ` WHERE ` + queueWhere[kind]
}

// countsSQL counts every kind in one statement.
var countsSQL = func() string {
	cols := make([]string, len(QueueKinds))
	for i, k := range QueueKinds {
		cols[i] = `(SELECT count(*) FROM ` + queueFrom[k] + ` WHERE ` + queueWhere[k] + `)`
	}
	return `SELECT ` + strings.Join(cols, ", ")
}()

// WorkQueueCounts returns the number of waiting items of each kind, every
// kind present.
func (r *Reader) WorkQueueCounts(ctx context.Context) (QueueCounts, error) {
	return queueCounts(r.pool.QueryRow(ctx, countsSQL))
}

func queueCounts(row pgx.Row) (QueueCounts, error) {
	n := make([]int, len(QueueKinds))
	dest := make([]any, len(n))
	for i := range n {
		dest[i] = &n[i]
	}
	if err := row.Scan(dest...); err != nil {
		return nil, fmt.Errorf("count work queue: %w", err)
	}
	counts := QueueCounts{}
	for i, k := range QueueKinds {
		counts[k] = n[i]
	}
	return counts, nil
}

// WorkQueue returns the page of items waiting for customs of f's kinds,
// oldest first (then by kind and id). An unknown kind is an
// ErrInvalidFilter.
func (r *Reader) WorkQueue(ctx context.Context, f QueueFilter) (QueuePage, error) {
	kinds := QueueKinds
	if len(f.Kinds) > 0 {
		kinds = nil
		for _, k := range f.Kinds {
			if !slices.Contains(QueueKinds, k) {
				return QueuePage{}, fmt.Errorf("work queue: %w: unknown kind %q", ErrInvalidFilter, k)
			}
			if !slices.Contains(kinds, k) {
				kinds = append(kinds, k)
			}
		}
	}
	var err error
	if f.Page, f.PageSize, err = normalisePage(f.Page, f.PageSize); err != nil {
		return QueuePage{}, fmt.Errorf("work queue: %w", err)
	}
	parts := make([]string, len(kinds))
	for i, k := range kinds {
		parts[i] = queueSelect(k)
	}
	page := QueuePage{Items: []QueueItem{}, Page: f.Page, PageSize: f.PageSize}
	err = r.readOnly(ctx, func(tx pgx.Tx) error {
		counts, err := queueCounts(tx.QueryRow(ctx, countsSQL))
		if err != nil {
			return err
		}
		for _, k := range kinds {
			page.Total += counts[k]
		}
		rows, err := tx.Query(ctx, `SELECT q.kind, q.id, q.enterprise_id, coalesce(e.name, ''), q.family, q.business_type,
				q.since, q.rule_id, q.rule_version
			FROM (`+strings.Join(parts, "\nUNION ALL\n")+`) q
			LEFT JOIN enterprises e ON e.id = q.enterprise_id
			ORDER BY q.since, q.kind, q.id LIMIT $1 OFFSET $2`,
			f.PageSize, int64(f.Page-1)*int64(f.PageSize))
		if err != nil {
			return fmt.Errorf("list: %w", err)
		}
		var it QueueItem
		var ruleID *string
		var ruleVersion *int
		_, err = pgx.ForEachRow(rows, []any{&it.Kind, &it.ID, &it.EnterpriseID, &it.EnterpriseName, &it.Family, &it.BusinessType,
			&it.Since, &ruleID, &ruleVersion}, func() error {
			item := it
			item.Since = item.Since.UTC()
			item.Rule = ruleRef(ruleID, ruleVersion)
			page.Items = append(page.Items, item)
			return nil
		})
		if err != nil {
			return fmt.Errorf("list: %w", err)
		}
		return nil
	})
	if err != nil {
		return QueuePage{}, fmt.Errorf("work queue: %w", err)
	}
	return page, nil
}
