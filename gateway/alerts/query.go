package alerts

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"zonetrace/chaincode/model"
)

// ErrNotFound is returned for an alert id that does not exist.
var ErrNotFound = errors.New("risk alert not found")

// Filter selects alerts; zero fields select everything.
type Filter struct {
	Kind         model.AlertKind
	Status       string
	EnterpriseID string
	Subject      string
	From, To     time.Time // fired_at in [From, To)
	// Page starts at 1; Size is at most MaxPageSize.
	Page, Size int
}

// Page sizes.
const (
	DefaultPageSize = 20
	MaxPageSize     = 200
)

// AlertPage is one page of alerts, newest first.
type AlertPage struct {
	Items []RiskAlert `json:"items"`
	Total int         `json:"total"`
}

const columns = `id, kind, subject_type, subject, period, enterprise_id, config_version, facts, block_number, fired_at, status`

// Store reads the alerts raised.
type Store struct{ pool *pgxpool.Pool }

// NewStore reads the alerts kept in pool.
func NewStore(pool *pgxpool.Pool) *Store { return &Store{pool: pool} }

// List returns a page of the alerts f selects.
func (e *Store) List(ctx context.Context, f Filter) (AlertPage, error) {
	var where []string
	var args []any
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, strings.ReplaceAll(cond, "?", "$"+strconv.Itoa(len(args))))
	}
	if f.Kind != "" {
		add("kind = ?", string(f.Kind))
	}
	if f.Status != "" {
		add("status = ?", f.Status)
	}
	if f.EnterpriseID != "" {
		add("enterprise_id = ?", f.EnterpriseID)
	}
	if f.Subject != "" {
		add("subject = ?", f.Subject)
	}
	if !f.From.IsZero() {
		add("fired_at >= ?", f.From)
	}
	if !f.To.IsZero() {
		add("fired_at < ?", f.To)
	}
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	size := f.Size
	if size <= 0 {
		size = DefaultPageSize
	}
	size = min(size, MaxPageSize)
	page := max(f.Page, 1)
	out := AlertPage{Items: []RiskAlert{}}
	if err := e.pool.QueryRow(ctx, `SELECT count(*) FROM risk_alerts`+cond, args...).Scan(&out.Total); err != nil {
		return out, fmt.Errorf("risk alerts: count: %w", err)
	}
	rows, err := e.pool.Query(ctx, `SELECT `+columns+` FROM risk_alerts`+cond+
		fmt.Sprintf(` ORDER BY fired_at DESC, id DESC LIMIT %d OFFSET %d`, size, (page-1)*size), args...)
	if err != nil {
		return out, fmt.Errorf("risk alerts: list: %w", err)
	}
	items, err := pgx.CollectRows(rows, scanAlert)
	if err != nil {
		return out, fmt.Errorf("risk alerts: list: %w", err)
	}
	out.Items = append(out.Items, items...)
	return out, nil
}

// Get returns one alert.
func (e *Store) Get(ctx context.Context, id int64) (RiskAlert, error) {
	rows, err := e.pool.Query(ctx, `SELECT `+columns+` FROM risk_alerts WHERE id = $1`, id)
	if err != nil {
		return RiskAlert{}, fmt.Errorf("risk alerts: get: %w", err)
	}
	a, err := pgx.CollectExactlyOneRow(rows, scanAlert)
	if errors.Is(err, pgx.ErrNoRows) {
		return RiskAlert{}, ErrNotFound
	}
	return a, err
}

func scanAlert(row pgx.CollectableRow) (RiskAlert, error) {
	var a RiskAlert
	var kind string
	var block int64
	var facts []byte
	err := row.Scan(&a.ID, &kind, &a.SubjectType, &a.Subject, &a.Period, &a.EnterpriseID, &a.ConfigVersion, &facts, &block, &a.FiredAt, &a.Status)
	if err != nil {
		return a, err
	}
	a.Kind, a.Block, a.FiredAt = model.AlertKind(kind), uint64(block), a.FiredAt.UTC()
	return a, json.Unmarshal(facts, &a.Facts)
}
