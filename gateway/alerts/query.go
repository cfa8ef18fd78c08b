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
	"zonetrace/internal/pgpage"
)

// ErrNotFound is returned for an alert id that does not exist.
var ErrNotFound = errors.New("risk alert not found")

// Filter selects alerts; zero fields select everything.
type Filter struct {
	Kind         model.AlertKind
	Status       model.DisposalState
	Level        model.RiskLevel
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

// AlertDetail is an alert with the ledger's record of its handling.
type AlertDetail struct {
	RiskAlert
	// Disposal is nil until customs first assesses the alert.
	Disposal *model.RiskDisposal `json:"disposal"`
}

// joined is an alert with its disposal (risk_disposals, mirrored by the
// indexer from the ledger) and its enterprise's name.
const joined = `risk_alerts a
	LEFT JOIN risk_disposals d ON d.alert_kind = a.kind AND d.subject = a.subject AND d.period = a.period
	LEFT JOIN enterprises e ON e.id = a.enterprise_id`

const from = ` FROM ` + joined

const columns = `a.id, a.kind, a.subject_type, a.subject, a.period, a.enterprise_id, a.config_version, a.facts,
	a.block_number, a.fired_at, coalesce(e.name, ''), coalesce(d.state, 'open'), coalesce(d.level, ''),
	coalesce(d.disposal_type, '')`

// Store reads the alerts raised.
type Store struct{ pool *pgxpool.Pool }

// NewStore reads the alerts kept in pool.
func NewStore(pool *pgxpool.Pool) *Store { return &Store{pool: pool} }

// where builds the condition of f over the from clause.
func (f Filter) where() (string, []any) {
	var conds []string
	var args []any
	add := func(cond string, v any) {
		args = append(args, v)
		conds = append(conds, strings.ReplaceAll(cond, "?", "$"+strconv.Itoa(len(args))))
	}
	if f.Kind != "" {
		add("a.kind = ?", string(f.Kind))
	}
	if f.Status != "" {
		add("coalesce(d.state, 'open') = ?", string(f.Status))
	}
	if f.Level != "" {
		add("d.level = ?", string(f.Level))
	}
	if f.EnterpriseID != "" {
		add("a.enterprise_id = ?", f.EnterpriseID)
	}
	if f.Subject != "" {
		add("a.subject = ?", f.Subject)
	}
	if !f.From.IsZero() {
		add("a.fired_at >= ?", f.From)
	}
	if !f.To.IsZero() {
		add("a.fired_at < ?", f.To)
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// List returns a page of the alerts f selects.
func (e *Store) List(ctx context.Context, f Filter) (AlertPage, error) {
	cond, args := f.where()
	size := f.Size
	if size <= 0 {
		size = DefaultPageSize
	}
	size = min(size, MaxPageSize)
	page := max(f.Page, 1)
	items, total, err := pgpage.Read(ctx, e.pool, pgpage.List{Columns: columns, From: joined + cond, OrderBy: "a.fired_at DESC, a.id DESC"},
		args, size, (page-1)*size, scanAlert)
	if err != nil {
		return AlertPage{}, fmt.Errorf("risk alerts: list: %w", err)
	}
	return AlertPage{Items: items, Total: total}, nil
}

// Each calls fn with every alert f selects, newest first, with its
// disposal, reading in pages so an export holds one page at a time.
func (e *Store) Each(ctx context.Context, f Filter, fn func(AlertDetail) error) error {
	cond, args := f.where()
	const page = 500
	for offset := 0; ; offset += page {
		rows, err := e.pool.Query(ctx, `SELECT `+columns+`, d.doc`+from+cond+
			fmt.Sprintf(` ORDER BY a.fired_at DESC, a.id DESC LIMIT %d OFFSET %d`, page, offset), args...)
		if err != nil {
			return fmt.Errorf("risk alerts: export: %w", err)
		}
		items, err := pgx.CollectRows(rows, scanDetail)
		if err != nil {
			return fmt.Errorf("risk alerts: export: %w", err)
		}
		for _, d := range items {
			if err := fn(d); err != nil {
				return err
			}
		}
		if len(items) < page {
			return nil
		}
	}
}

// Get returns one alert with its disposal.
func (e *Store) Get(ctx context.Context, id int64) (AlertDetail, error) {
	rows, err := e.pool.Query(ctx, `SELECT `+columns+`, d.doc`+from+` WHERE a.id = $1`, id)
	if err != nil {
		return AlertDetail{}, fmt.Errorf("risk alerts: get: %w", err)
	}
	a, err := pgx.CollectExactlyOneRow(rows, scanDetail)
	if errors.Is(err, pgx.ErrNoRows) {
		return AlertDetail{}, ErrNotFound
	}
	return a, err
}

func scanAlert(row pgx.Row) (RiskAlert, error) {
	var a RiskAlert
	var facts []byte
	err := row.Scan(alertFields(&a, &facts)...)
	if err != nil {
		return a, err
	}
	return a, finishAlert(&a, facts)
}

func scanDetail(row pgx.CollectableRow) (AlertDetail, error) {
	var d AlertDetail
	var facts, doc []byte
	if err := row.Scan(append(alertFields(&d.RiskAlert, &facts), &doc)...); err != nil {
		return d, err
	}
	if err := finishAlert(&d.RiskAlert, facts); err != nil {
		return d, err
	}
	if doc != nil {
		d.Disposal = new(model.RiskDisposal)
		if err := json.Unmarshal(doc, d.Disposal); err != nil {
			return d, fmt.Errorf("risk alerts: decode disposal: %w", err)
		}
	}
	return d, nil
}

func alertFields(a *RiskAlert, facts *[]byte) []any {
	return []any{&a.ID, &a.Kind, &a.SubjectType, &a.Subject, &a.Period, &a.EnterpriseID, &a.ConfigVersion, facts,
		&a.Block, &a.FiredAt, &a.EnterpriseName, &a.Status, &a.Level, &a.DisposalType}
}

func finishAlert(a *RiskAlert, facts []byte) error {
	a.FiredAt = a.FiredAt.UTC()
	return json.Unmarshal(facts, &a.Facts)
}

// DisposalOptions are what the disposal forms offer: the configuration in
// force (its matrix and templates) and the enumerations with their Chinese
// names, so the web restates none of them.
type DisposalOptions struct {
	ConfigVersion int                     `json:"configVersion"`
	Matrix        model.RiskMatrix        `json:"matrix"`
	Templates     []model.OpinionTemplate `json:"templates"`
	Kinds         []Named                 `json:"kinds"`
	States        []Named                 `json:"states"`
	Levels        []Named                 `json:"levels"`
	Types         []Named                 `json:"types"`
	Grades        []Grade                 `json:"grades"`
}

// Named is an enumerated value with its Chinese name.
type Named struct {
	Code   string `json:"code"`
	NameZh string `json:"nameZh"`
}

// Grade is a grade of an assessment factor.
type Grade struct {
	Value  int    `json:"value"`
	NameZh string `json:"nameZh"`
}

// Options reads the newest configuration mirrored.
func (e *Store) Options(ctx context.Context) (DisposalOptions, error) {
	cfg := model.DefaultRuleConfig()
	var raw []byte
	err := e.pool.QueryRow(ctx, `SELECT doc FROM rule_configs ORDER BY version DESC LIMIT 1`).Scan(&raw)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
	case err != nil:
		return DisposalOptions{}, fmt.Errorf("risk alerts: read rule configuration: %w", err)
	default:
		if err := json.Unmarshal(raw, &cfg); err != nil {
			return DisposalOptions{}, fmt.Errorf("risk alerts: decode rule configuration: %w", err)
		}
	}
	p := cfg.RiskParams().DisposalParams()
	out := DisposalOptions{ConfigVersion: cfg.Version, Matrix: p.Matrix, Templates: p.Templates}
	for _, k := range model.AlertKinds {
		out.Kinds = append(out.Kinds, Named{string(k), model.AlertKindZh[k]})
	}
	for _, s := range model.DisposalStates {
		out.States = append(out.States, Named{string(s), model.DisposalStateZh[s]})
	}
	for _, l := range model.RiskLevels {
		out.Levels = append(out.Levels, Named{string(l), model.RiskLevelZh[l]})
	}
	for _, t := range model.DisposalTypes {
		out.Types = append(out.Types, Named{string(t), model.DisposalTypeZh[t]})
	}
	for i, zh := range model.GradeZh {
		out.Grades = append(out.Grades, Grade{i + 1, zh})
	}
	return out, nil
}
