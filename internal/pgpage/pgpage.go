// Package pgpage reads a numbered page of a list and the list's total in
// one statement: the page's SELECT carries the count of every matching row
// as an uncorrelated subquery, which PostgreSQL runs once (an init plan).
// A count and a page as two statements cost two round trips, two
// connection checkouts and twice the per-statement work in PostgreSQL —
// and under load the cores, not the rows, bound a list.
package pgpage

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// Querier is what a page is read through: a pool, a connection or a
// transaction.
type Querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// List is the statement of a list: `[WITH With] SELECT Columns FROM From
// ORDER BY OrderBy`. From is everything after FROM — the table, an alias
// and the WHERE clause — and must name the same rows wherever it appears,
// for it is used for the count too. With, if any, is the common table
// expressions From uses (`name AS (…)`, RECURSIVE first if one is).
type List struct {
	With    string
	Columns string
	From    string
	OrderBy string
}

// Read returns the rows of page size limit at offset, each read by scan
// (an empty slice, not nil, when there are none), and the number of rows
// the list has. args are the placeholders From
// uses ($1 … $len(args)). An empty page carries no count (PostgreSQL does
// not run the subquery of a row it never returns): a first page of a
// positive size that is empty is an empty list, and any other empty page
// — past the end, or of size 0 — is counted by a second statement.
func Read[T any](ctx context.Context, q Querier, l List, args []any, limit, offset int, scan func(pgx.Row) (T, error)) ([]T, int, error) {
	n := len(args)
	with := ""
	if l.With != "" {
		with = "WITH " + l.With + " "
	}
	sql := fmt.Sprintf(`%sSELECT (SELECT count(*) FROM %s), %s FROM %s ORDER BY %s LIMIT $%d OFFSET $%d`,
		with, l.From, l.Columns, l.From, l.OrderBy, n+1, n+2)
	rows, err := q.Query(ctx, sql, append(args[:n:n], limit, offset)...)
	if err != nil {
		return nil, 0, err
	}
	var total int
	items, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (T, error) {
		return scan(countedRow{row: r, total: &total})
	})
	if err != nil {
		return nil, 0, err
	}
	if len(items) == 0 && (offset > 0 || limit <= 0) {
		// Counted over the list's own SELECT, so that a parameter only the
		// columns use still has its type; the planner drops the columns.
		count := fmt.Sprintf(`%sSELECT count(*) FROM (SELECT %s FROM %s) listed`, with, l.Columns, l.From)
		if err := q.QueryRow(ctx, count, args...).Scan(&total); err != nil {
			return nil, 0, err
		}
	}
	return items, total, nil
}

// countedRow hands a row's own columns to its scan function, the total
// (the first column) to Read.
type countedRow struct {
	row   pgx.Row
	total *int
}

func (r countedRow) Scan(dest ...any) error {
	return r.row.Scan(append([]any{r.total}, dest...)...)
}
