package query

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"zonetrace/chaincode/model"
)

// BalanceFilter selects balances. Empty fields do not filter.
type BalanceFilter struct {
	TraceCode    string
	EnterpriseID string
	// Bonded, when set, selects bonded (true) or non-bonded (false) stock.
	Bonded *bool
}

// BalanceView is a balance with the name of its holder.
type BalanceView struct {
	model.Balance
	EnterpriseName string `json:"enterpriseName"`
}

// Balances returns the balances matching f ordered by trace code, then
// enterprise, bonded before non-bonded.
func (r *Reader) Balances(ctx context.Context, f BalanceFilter) ([]BalanceView, error) {
	c := f.conditions()
	return r.balances(ctx, c, `ORDER BY b.trace_code, b.enterprise_id, b.bonded DESC`)
}

func (f BalanceFilter) conditions() *conditions {
	c := &conditions{}
	if f.TraceCode != "" {
		c.add("b.trace_code = ?", f.TraceCode)
	}
	if f.EnterpriseID != "" {
		c.add("b.enterprise_id = ?", f.EnterpriseID)
	}
	if f.Bonded != nil {
		c.add("b.bonded = ?", *f.Bonded)
	}
	return c
}

// Page sizes of BalancePage.
const (
	DefaultBalancePage = 200
	MaxBalancePage     = 1000
)

// BalancePage is a page of balances; Next is empty on the last page.
type BalancePage struct {
	Items []BalanceView `json:"items"`
	Next  string        `json:"next,omitempty"`
}

// balanceKey is the position of a balance, the cursor of Balances.
type balanceKey struct {
	TraceCode    string `json:"t"`
	EnterpriseID string `json:"e"`
	Bonded       bool   `json:"b"`
}

// BalancesPage returns a page of at most limit (default
// DefaultBalancePage, at most MaxBalancePage) of the balances matching f
// after the cursor after (the Next of the previous page), in the order of
// Balances under bytewise collation. Keyset paged: a page costs the same
// however deep it is.
func (r *Reader) BalancesPage(ctx context.Context, f BalanceFilter, after string, limit int) (BalancePage, error) {
	switch {
	case limit < 0:
		return BalancePage{}, fmt.Errorf("list balances: %w: limit %d must not be negative", ErrInvalidFilter, limit)
	case limit == 0:
		limit = DefaultBalancePage
	}
	limit = min(limit, MaxBalancePage)
	c := f.conditions()
	if after != "" {
		var k balanceKey
		if err := decodeCursor(after, &k); err != nil {
			return BalancePage{}, fmt.Errorf("list balances: %w", err)
		}
		// Bonded sorts first: NOT bonded orders false (bonded) before true.
		c.raw(fmt.Sprintf(`(b.trace_code COLLATE "C", b.enterprise_id COLLATE "C", NOT b.bonded) > (%s COLLATE "C", %s COLLATE "C", %s)`,
			c.arg(k.TraceCode), c.arg(k.EnterpriseID), c.arg(!k.Bonded)))
	}
	list, err := r.balances(ctx, c, `ORDER BY b.trace_code COLLATE "C", b.enterprise_id COLLATE "C", NOT b.bonded LIMIT `+c.arg(limit+1))
	if err != nil {
		return BalancePage{}, err
	}
	page := BalancePage{Items: list}
	if len(list) > limit {
		page.Items = list[:limit]
		last := list[limit-1]
		page.Next = encodeCursor(balanceKey{TraceCode: last.TraceCode, EnterpriseID: last.EnterpriseID, Bonded: last.Bonded})
	}
	return page, nil
}

func (r *Reader) balances(ctx context.Context, c *conditions, orderBy string) ([]BalanceView, error) {
	rows, err := r.pool.Query(ctx, `SELECT b.trace_code, b.enterprise_id, b.bonded, b.weight_grams, b.reserved_grams,
			b.inbound_grams, b.outbound_grams, b.updated_tx, b.updated_at_text, coalesce(e.name, '')
		FROM balances b LEFT JOIN enterprises e ON e.id = b.enterprise_id
		WHERE `+c.where()+` `+orderBy, c.args...)
	if err != nil {
		return nil, fmt.Errorf("list balances: %w", err)
	}
	list := []BalanceView{}
	var v BalanceView
	_, err = pgx.ForEachRow(rows, []any{&v.TraceCode, &v.EnterpriseID, &v.Bonded, &v.WeightGrams, &v.ReservedGrams,
		&v.InboundGrams, &v.OutboundGrams, &v.UpdatedTx, &v.UpdatedAt, &v.EnterpriseName}, func() error {
		list = append(list, v)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list balances: %w", err)
	}
	return list, nil
}
