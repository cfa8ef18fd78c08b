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

// needsReview is the predicate of the partial index prefilings_needs_review,
// spelled exactly as there so the planner reads only the waiting rows
// (supplement_status alone has no index).
const needsReview = `(p.status = 'declared' OR p.supplement_status = 'declared')`

// queueWhere are the predicates of each kind. Counts and lists share them,
// so a badge never disagrees with its list.
var queueWhere = map[QueueKind]string{
	QueuePrefiling:    needsReview + ` AND p.status = 'declared'`,
	QueueSupplement:   needsReview + ` AND p.supplement_status = 'declared'`,
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
// family, business type, since, rule id, rule version). since is when the
// item started waiting: for a prefiling its last update, which is its
// declaration or its supplement's (nothing else changes a prefiling while
// it waits); for a declared document its declaration; for any other
// document the latest step that made it wait (its last update will not do:
// an officer's tag changes a waiting document too). The rule of a document in
// manual review is that of its manual-review step; a prefiling's is looked
// up for the page only (pageSQL).
func queueSelect(kind QueueKind) string {
	if kind == QueuePrefiling || kind == QueueSupplement {
		return `SELECT '` + string(kind) + `'::text AS kind, p.id, p.enterprise_id, ''::text AS family, ''::text AS business_type,
				p.updated_at AS since, NULL::text AS rule_id, NULL::integer AS rule_version
			FROM prefilings p WHERE ` + queueWhere[kind]
	}
	if kind == QueueDocument {
		return `SELECT '` + string(kind) + `'::text AS kind, d.id, d.enterprise_id, d.family, d.business_type,
				d.declared_at AS since, NULL::text AS rule_id, NULL::integer AS rule_version
			FROM documents d WHERE ` + queueWhere[kind]
	}
	entered := map[QueueKind][]string{
		QueueManualReview: {model.DocActionManualReview},
		QueueDeletion:     {model.DocActionRequestDeletion, model.DocActionConfirmDeletion},
	}[kind]
	rule := `NULL::text AS rule_id, NULL::integer AS rule_version`
	if kind == QueueManualReview {
		rule = `s.rule_id, s.rule_version`
	}
	return `SELECT '` + string(kind) + `'::text AS kind, d.id, d.enterprise_id, d.family, d.business_type,
			coalesce(s.at, d.updated_at) AS since, ` + rule + `
		FROM documents d
		LEFT JOIN LATERAL (SELECT at, rule_id, rule_version FROM document_steps
			WHERE document_id = d.id AND action IN ('` + strings.Join(entered, "', '") + `')
			ORDER BY seq DESC LIMIT 1) s ON true
		WHERE ` + queueWhere[kind]
}

// pageSQL orders the items of kinds, cuts the page ($1 rows from offset
// $2), and only then names the enterprises and the rule a prefiling's
// rule_manual_review step names, taken after its latest declaration.
func pageSQL(kinds []QueueKind) string {
	parts := make([]string, len(kinds))
	for i, k := range kinds {
		parts[i] = queueSelect(k)
	}
	return `WITH page AS (
			SELECT * FROM (` + strings.Join(parts, "\nUNION ALL\n") + `) q
			ORDER BY q.since, q.kind, q.id LIMIT $1 OFFSET $2
		)
		SELECT q.kind, q.id, q.enterprise_id, coalesce(e.name, ''), q.family, q.business_type, q.since,
			coalesce(q.rule_id, r.rule_id), coalesce(q.rule_version, r.rule_version)
		FROM page q
		LEFT JOIN enterprises e ON e.id = q.enterprise_id
		LEFT JOIN LATERAL (SELECT m.rule_id, m.rule_version FROM prefiling_steps m
			WHERE q.kind IN ('` + string(QueuePrefiling) + `', '` + string(QueueSupplement) + `') AND m.prefiling_id = q.id
				AND m.action = '` + model.ActionRuleManualReview + `'
				AND m.seq > (SELECT coalesce(max(seq), 0) FROM prefiling_steps
					WHERE prefiling_id = q.id AND action IN ('` + model.ActionDeclare + `', '` + model.ActionSupplement + `'))
			ORDER BY m.seq DESC LIMIT 1) r ON true
		ORDER BY q.since, q.kind, q.id`
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
	page := QueuePage{Items: []QueueItem{}, Page: f.Page, PageSize: f.PageSize}
	err = r.readOnly(ctx, func(tx pgx.Tx) error {
		counts, err := queueCounts(tx.QueryRow(ctx, countsSQL))
		if err != nil {
			return err
		}
		for _, k := range kinds {
			page.Total += counts[k]
		}
		rows, err := tx.Query(ctx, pageSQL(kinds), f.PageSize, int64(f.Page-1)*int64(f.PageSize))
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
