package query

import (
	"context"
	"fmt"

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
	Total int             `json:"total"`
	// TotalCapped says there are more than Total (CountCap) matches.
	TotalCapped bool `json:"totalCapped"`
	Page        int  `json:"page"`
	PageSize    int  `json:"pageSize"`
}

// readOnly runs fn in a read-only repeatable-read transaction, so the queries
// of one answer see one indexed state (a count and its page, a prefiling and
// its steps).
func (r *Reader) readOnly(ctx context.Context, fn func(pgx.Tx) error) error {
	opts := pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}
	return pgx.BeginTxFunc(ctx, r.pool, opts, fn)
}

// SearchPrefilings returns the page of prefilings matching f, newest update
// first then by id. Items carry no Steps. An invalid filter is an
// ErrInvalidFilter.
func (r *Reader) SearchPrefilings(ctx context.Context, f PrefilingFilter) (PrefilingPage, error) {
	f, err := f.normalise()
	if err != nil {
		return PrefilingPage{}, fmt.Errorf("search prefilings: %w", err)
	}
	page := PrefilingPage{Items: []PrefilingView{}, Page: f.Page, PageSize: f.PageSize}
	c := f.conditions()
	limit, pageArgs := c.page(f.Page, f.PageSize)
	err = r.readOnly(ctx, func(tx pgx.Tx) error {
		var err error
		if page.Total, page.TotalCapped, err = countCapped(ctx, tx, `prefilings p WHERE `+c.where(), c.args); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT p.doc, coalesce(e.name, '')
			FROM prefilings p LEFT JOIN enterprises e ON e.id = p.enterprise_id
			WHERE `+c.where()+`
			ORDER BY p.updated_at DESC, p.id`+limit, pageArgs...)
		if err != nil {
			return fmt.Errorf("list: %w", err)
		}
		var raw []byte
		var name string
		_, err = pgx.ForEachRow(rows, []any{&raw, &name}, func() error {
			v := PrefilingView{EnterpriseName: name}
			if err := r.decodeSealed(indexer.PrefilingSealed, raw, &v.Prefiling); err != nil {
				return fmt.Errorf("decode stored prefiling: %w", err)
			}
			v.Steps = nil
			page.Items = append(page.Items, v)
			return nil
		})
		if err != nil {
			return fmt.Errorf("list: %w", err)
		}
		return nil
	})
	if err != nil {
		return PrefilingPage{}, fmt.Errorf("search prefilings: %w", err)
	}
	return page, nil
}

// ruleRef is the review rule of a stored step, nil for a person's step.
func ruleRef(id *string, version *int) *model.RuleRef {
	if id == nil || version == nil {
		return nil
	}
	return &model.RuleRef{RuleID: *id, ConfigVersion: *version}
}
