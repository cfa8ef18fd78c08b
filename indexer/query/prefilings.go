package query

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"zonetrace/chaincode/model"
	"zonetrace/indexer"
)

// PrefilingView is a prefiling with the name of its enterprise.
type PrefilingView struct {
	model.Prefiling
	EnterpriseName string `json:"enterpriseName"`
}

// PrefilingPage is one page of a prefiling search.
type PrefilingPage struct {
	Items []PrefilingView `json:"items"`
	PageInfo
}

// readOnly runs fn in a read-only repeatable-read transaction, so the queries
// of one answer see one indexed state (a prefiling and its steps).
func (r *Reader) readOnly(ctx context.Context, fn func(pgx.Tx) error) error {
	opts := pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}
	return pgx.BeginTxFunc(ctx, r.pool, opts, fn)
}

// SearchPrefilings returns the page of prefilings matching f, newest update
// first then id descending; by page number or, for deep pages, by cursor
// (f.Cursor). Items carry no Steps. The page and the capped count of all
// matches come from one statement. An invalid filter is an
// ErrInvalidFilter, a cursor this API did not issue an ErrInvalidCursor.
func (r *Reader) SearchPrefilings(ctx context.Context, f PrefilingFilter) (PrefilingPage, error) {
	items, info, err := searchPrefilings(ctx, r, f, func(raw []byte, name string) (PrefilingView, error) {
		v := PrefilingView{EnterpriseName: name}
		if err := r.decodeSealed(indexer.PrefilingSealed, raw, &v.Prefiling); err != nil {
			return v, err
		}
		v.Steps = nil
		return v, nil
	})
	return PrefilingPage{Items: items, PageInfo: info}, err
}

// SearchPrefilingsJSON is SearchPrefilings with the items passed through
// as stored (JSONPage), each with the members of a PrefilingView.
func (r *Reader) SearchPrefilingsJSON(ctx context.Context, f PrefilingFilter) (JSONPage, error) {
	items, info, err := searchPrefilings(ctx, r, f, func(raw []byte, name string) (json.RawMessage, error) {
		return r.storedItem(indexer.PrefilingSealed, raw, member{"enterpriseName", name})
	})
	return JSONPage{Items: items, PageInfo: info}, err
}

// searchPrefilings runs the search of SearchPrefilings, item making each
// row's item from its stored document and enterprise name.
func searchPrefilings[T any](ctx context.Context, r *Reader, f PrefilingFilter, item func(raw []byte, name string) (T, error)) ([]T, PageInfo, error) {
	f, err := f.normalise()
	if err != nil {
		return nil, PageInfo{}, fmt.Errorf("search prefilings: %w", err)
	}
	paging, err := newListPaging(f.Page, f.PageSize, f.Cursor)
	if err != nil {
		return nil, PageInfo{}, fmt.Errorf("search prefilings: %w", err)
	}
	info := PageInfo{Page: f.Page, PageSize: f.PageSize}
	if paging.cursor != nil {
		info.Page = 0
	}
	sql, args := f.statement(paging)
	rows, err := r.pool.Query(ctx, sql, args...)
	if err != nil {
		return nil, PageInfo{}, fmt.Errorf("search prefilings: %w", err)
	}
	items := []T{}
	var keys []listKey
	var raw []byte
	var name string
	var updated *time.Time
	var id *string
	_, err = pgx.ForEachRow(rows, []any{&info.Total, &raw, &name, &updated, &id}, func() error {
		if id == nil {
			return nil // no match: the count's row alone
		}
		v, err := item(raw, name)
		if err != nil {
			return fmt.Errorf("decode stored prefiling: %w", err)
		}
		items = append(items, v)
		keys = append(keys, listKey{UpdatedAt: *updated, ID: *id})
		return nil
	})
	if err != nil {
		return nil, PageInfo{}, fmt.Errorf("search prefilings: %w", err)
	}
	info.capTotal()
	kept, next, prev := paging.pageLinks(keys)
	info.Next, info.Prev = next, prev
	return trimmed(paging, items, kept), info, nil
}

// statement is the one statement of a page of the prefilings matching f:
// the capped count, then the page's rows newest first (one row of NULLs
// after the count when nothing matches).
func (f PrefilingFilter) statement(paging listPaging) (string, []any) {
	c := f.conditions()
	spec := listSpec{table: "prefilings p", alias: "p", keys: []string{"updated_at", "id"},
		columns: "p.doc, p.enterprise_id, p.updated_at, p.id", arms: []string{c.where()}}
	return spec.ctes(c, paging) + `
		SELECT t.n, p.doc, coalesce(e.name, ''), p.updated_at, p.id
		FROM total t
		LEFT JOIN page p ON true
		LEFT JOIN enterprises e ON e.id = p.enterprise_id
		ORDER BY p.updated_at DESC, p.id DESC`, c.args
}

// ruleRef is the review rule of a stored step, nil for a person's step.
func ruleRef(id *string, version *int) *model.RuleRef {
	if id == nil || version == nil {
		return nil
	}
	return &model.RuleRef{RuleID: *id, ConfigVersion: *version}
}
