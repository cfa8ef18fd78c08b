package query

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// CountCap is where list totals stop counting. An exact count of a broad
// filter reads every matching row — seconds at ten million — while no one
// pages past the first thousands; above the cap the answer says "more than"
// and the user narrows the query.
const CountCap = 10_000

// countCapped counts the rows of `from where` up to CountCap and reports
// whether there are more.
func countCapped(ctx context.Context, tx pgx.Tx, fromWhere string, args []any) (total int, capped bool, err error) {
	q := fmt.Sprintf(`SELECT count(*) FROM (SELECT 1 FROM %s LIMIT %d) capped`, fromWhere, CountCap+1)
	if err := tx.QueryRow(ctx, q, args...).Scan(&total); err != nil {
		return 0, false, fmt.Errorf("count: %w", err)
	}
	if total > CountCap {
		return CountCap, true, nil
	}
	return total, false, nil
}
