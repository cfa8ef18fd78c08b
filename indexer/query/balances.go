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
	rows, err := r.pool.Query(ctx, `SELECT b.trace_code, b.enterprise_id, b.bonded, b.weight_grams, b.reserved_grams,
			b.inbound_grams, b.outbound_grams, b.updated_tx, b.updated_at_text, coalesce(e.name, '')
		FROM balances b LEFT JOIN enterprises e ON e.id = b.enterprise_id
		WHERE `+c.where()+`
		ORDER BY b.trace_code, b.enterprise_id, b.bonded DESC`, c.args...)
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
