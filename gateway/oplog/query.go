package oplog

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"zonetrace/internal/pgpage"
)

// Filter selects log rows; zero fields select everything.
type Filter struct {
	From, To     time.Time // [From, To)
	Username     string
	Role         string
	EnterpriseID string
	Command      string
	ObjectType   string
	ObjectID     string
	IP           string
	// Result is "success" (status below 400), "refused" (400 and above)
	// or empty.
	Result   string
	Page     int
	PageSize int
}

// Results of Filter.Result.
const (
	ResultSuccess = "success"
	ResultRefused = "refused"
)

// MaxPageSize bounds Filter.PageSize.
const MaxPageSize = 200

// Page is one page of rows, newest first.
type Page struct {
	Items    []Record `json:"items"`
	Total    int      `json:"total"`
	Page     int      `json:"page"`
	PageSize int      `json:"pageSize"`
}

func (f Filter) where() (string, []any) {
	var (
		conds []string
		args  []any
	)
	add := func(cond string, v any) {
		args = append(args, v)
		conds = append(conds, strings.ReplaceAll(cond, "?", "$"+strconv.Itoa(len(args))))
	}
	if !f.From.IsZero() {
		add("at >= ?", f.From)
	}
	if !f.To.IsZero() {
		add("at < ?", f.To)
	}
	for _, c := range []struct {
		col, v string
	}{{"username", f.Username}, {"role", f.Role}, {"enterprise_id", f.EnterpriseID}, {"command", f.Command},
		{"object_type", f.ObjectType}, {"object_id", f.ObjectID}, {"ip", f.IP}} {
		if c.v != "" {
			add(c.col+" = ?", c.v)
		}
	}
	switch f.Result {
	case ResultSuccess:
		conds = append(conds, "status < 400")
	case ResultRefused:
		conds = append(conds, "status >= 400")
	}
	if len(conds) == 0 {
		return "", args
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

const recordColumns = `seq, at, username, role, enterprise_id, command, object_type, object_id, ip, user_agent,
	rows_count, bytes_count, status, error_code, request_id, prev_hash, hash`

func scanRecord(row pgx.Row) (Record, error) {
	var r Record
	err := row.Scan(&r.Seq, &r.At, &r.Username, &r.Role, &r.EnterpriseID, &r.Command, &r.ObjectType, &r.ObjectID,
		&r.IP, &r.UserAgent, &r.Rows, &r.Bytes, &r.Status, &r.ErrorCode, &r.RequestID, &r.PrevHash, &r.Hash)
	r.At = r.At.UTC()
	return r, err
}

// Query returns a page of the rows f selects, newest first.
func (l *Log) Query(ctx context.Context, f Filter) (Page, error) {
	if f.Page < 1 {
		f.Page = 1
	}
	if f.PageSize < 1 || f.PageSize > MaxPageSize {
		f.PageSize = 20
	}
	where, args := f.where()
	page := Page{Page: f.Page, PageSize: f.PageSize}
	items, total, err := pgpage.Read(ctx, l.pool, pgpage.List{Columns: recordColumns, From: `operation_log` + where,
		OrderBy: `seq DESC`}, args, f.PageSize, (f.Page-1)*f.PageSize, scanRecord)
	if err != nil {
		return Page{}, fmt.Errorf("query log rows: %w", err)
	}
	page.Total, page.Items = total, items
	return page, nil
}

// MaxExportRows bounds one export; more asks for narrower filters.
const MaxExportRows = 100_000

// ErrTooManyRows is returned by Select when the filter selects more than
// MaxExportRows rows.
type ErrTooManyRows struct{ Rows, Max int }

func (e *ErrTooManyRows) Error() string {
	return fmt.Sprintf("the filter selects %d rows, more than the %d an export holds", e.Rows, e.Max)
}

// Select returns every row f selects (paging ignored), oldest first, for
// an export.
func (l *Log) Select(ctx context.Context, f Filter) ([]Record, error) {
	where, args := f.where()
	var n int
	if err := l.pool.QueryRow(ctx, `SELECT count(*) FROM operation_log`+where, args...).Scan(&n); err != nil {
		return nil, fmt.Errorf("count log rows: %w", err)
	}
	if n > MaxExportRows {
		return nil, &ErrTooManyRows{Rows: n, Max: MaxExportRows}
	}
	rows, err := l.pool.Query(ctx, `SELECT `+recordColumns+` FROM operation_log`+where+` ORDER BY seq`, args...)
	if err != nil {
		return nil, fmt.Errorf("query log rows: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (Record, error) { return scanRecord(row) })
	if err != nil {
		return nil, fmt.Errorf("read log rows: %w", err)
	}
	return out, nil
}
