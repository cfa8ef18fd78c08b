package exporters

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/accounts"
	"zonetrace/gateway/validation"
	"zonetrace/internal/pgpage"
)

// Exporter is one registry entry.
type Exporter struct {
	ID int64 `json:"id"`
	model.ExporterEntry
	NameNorm   string               `json:"nameNorm"`
	Source     model.ExporterSource `json:"source"`
	Held       bool                 `json:"held"`
	LastSeenAt *time.Time           `json:"lastSeenAt"`
	CreatedAt  time.Time            `json:"createdAt"`
	UpdatedAt  time.Time            `json:"updatedAt"`
	UpdatedBy  string               `json:"updatedBy"`
}

// FieldChange is one field's old and new value.
type FieldChange struct {
	Old string `json:"old"`
	New string `json:"new"`
}

// HistoryEdit is one change of an entry: applied is false for a crawl's values a
// person's hold kept out.
type HistoryEdit struct {
	ID      int64                  `json:"id"`
	At      time.Time              `json:"at"`
	By      string                 `json:"by"`
	Source  string                 `json:"source"`
	Applied bool                   `json:"applied"`
	Changes map[string]FieldChange `json:"changes"`
	Note    string                 `json:"note"`
}

// ExporterDetail is an entry with its history, newest first.
type ExporterDetail struct {
	Exporter
	History []HistoryEdit `json:"history"`
}

// Filter selects entries.
type Filter struct {
	// Q is a registration number prefix or part of the name (in either
	// form).
	Q        string
	Country  string
	Status   model.ExporterStatus
	Page     int
	PageSize int
}

// ExporterPage is a page of entries.
type ExporterPage struct {
	Items    []Exporter `json:"items"`
	Total    int        `json:"total"`
	Page     int        `json:"page"`
	PageSize int        `json:"pageSize"`
}

const columns = `id, reg_no, name, name_norm, country, products, coalesce(to_char(registered_on, 'YYYY-MM-DD'), ''),
	coalesce(to_char(expires_on, 'YYYY-MM-DD'), ''), status, source, held, last_seen_at, created_at, updated_at, updated_by`

func scanExporter(row pgx.Row) (Exporter, error) {
	var e Exporter
	err := row.Scan(&e.ID, &e.RegNo, &e.Name, &e.NameNorm, &e.Country, &e.Products, &e.RegisteredOn, &e.ExpiresOn,
		&e.Status, &e.Source, &e.Held, &e.LastSeenAt, &e.CreatedAt, &e.UpdatedAt, &e.UpdatedBy)
	return e, err
}

// List lists entries by registration number.
func (s *Service) List(ctx context.Context, f Filter) (ExporterPage, error) {
	if f.Page < 1 {
		f.Page = 1
	}
	if f.PageSize < 1 || f.PageSize > 200 {
		f.PageSize = 20
	}
	where, args := []string{"true"}, []any{}
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		like := "%" + escapeLike(q) + "%"
		where = append(where, fmt.Sprintf("(reg_no LIKE %s OR name ILIKE %s OR name_norm LIKE %s)",
			arg(escapeLike(NormalizeRegNo(q))+"%"), arg(like), arg("%"+escapeLike(Normalize(q))+"%")))
	}
	if f.Country != "" {
		where = append(where, "country = "+arg(f.Country))
	}
	if f.Status != "" {
		where = append(where, "status = "+arg(string(f.Status)))
	}
	cond := strings.Join(where, " AND ")
	out := ExporterPage{Page: f.Page, PageSize: f.PageSize}
	items, total, err := pgpage.Read(ctx, s.pool, pgpage.List{Columns: columns, From: "exporters WHERE " + cond, OrderBy: "reg_no"},
		args, f.PageSize, (f.Page-1)*f.PageSize, scanExporter)
	if err != nil {
		return ExporterPage{}, fmt.Errorf("list exporters: %w", err)
	}
	out.Total, out.Items = total, items
	return out, nil
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// Get is an entry with its history.
func (s *Service) Get(ctx context.Context, id int64) (ExporterDetail, error) {
	e, err := scanExporter(s.pool.QueryRow(ctx, "SELECT "+columns+" FROM exporters WHERE id = $1", id))
	if notFound(err) {
		return ExporterDetail{}, exporterNotFound(id)
	}
	if err != nil {
		return ExporterDetail{}, fmt.Errorf("read exporter %d: %w", id, err)
	}
	rows, err := s.pool.Query(ctx, `SELECT id, at, by_user, source, applied, changes, note FROM exporter_edits
		WHERE exporter_id = $1 ORDER BY id DESC LIMIT 200`, id)
	if err != nil {
		return ExporterDetail{}, fmt.Errorf("read history of exporter %d: %w", id, err)
	}
	history, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (HistoryEdit, error) {
		var e HistoryEdit
		err := r.Scan(&e.ID, &e.At, &e.By, &e.Source, &e.Applied, &e.Changes, &e.Note)
		return e, err
	})
	if err != nil {
		return ExporterDetail{}, fmt.Errorf("read history of exporter %d: %w", id, err)
	}
	return ExporterDetail{Exporter: e, History: history}, nil
}

func exporterNotFound(id int64) error {
	return model.Refuse(model.ReasonExporterNotFound, model.Params{"exporterId": id}, "exporter %d not found", id)
}

// clean trims an entry's texts and normalises its registration number;
// an empty status is valid.
func clean(e model.ExporterEntry) model.ExporterEntry {
	e.RegNo = NormalizeRegNo(e.RegNo)
	e.Name = strings.Join(strings.Fields(e.Name), " ")
	e.Country = strings.ToUpper(strings.TrimSpace(e.Country))
	e.Products = strings.TrimSpace(e.Products)
	e.RegisteredOn, e.ExpiresOn = strings.TrimSpace(e.RegisteredOn), strings.TrimSpace(e.ExpiresOn)
	if e.Status == "" {
		e.Status = model.ExporterValid
	}
	return e
}

func checkEntry(field string, e model.ExporterEntry) error {
	var p validation.Problems
	p.AddModel(model.CheckExporterEntry(field, e)...)
	return p.Err()
}

// Create adds an entry by hand; it is held against the crawl.
func (s *Service) Create(ctx context.Context, u accounts.User, entry model.ExporterEntry) (Exporter, error) {
	entry = clean(entry)
	if err := checkEntry("exporter", entry); err != nil {
		return Exporter{}, err
	}
	var id int64
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var err error
		id, err = s.insert(ctx, tx, entry, model.ExporterFromManual, u.Username, true)
		return err
	})
	if err != nil {
		return Exporter{}, err
	}
	d, err := s.Get(ctx, id)
	return d.Exporter, err
}

// Update replaces an entry's values by hand and holds it against the
// crawl; note says why (optional).
func (s *Service) Update(ctx context.Context, u accounts.User, id int64, entry model.ExporterEntry, note string) (Exporter, error) {
	entry = clean(entry)
	if err := checkEntry("exporter", entry); err != nil {
		return Exporter{}, err
	}
	if err := checkNote(note); err != nil {
		return Exporter{}, err
	}
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		old, err := scanExporter(tx.QueryRow(ctx, "SELECT "+columns+" FROM exporters WHERE id = $1 FOR UPDATE", id))
		if notFound(err) {
			return exporterNotFound(id)
		}
		if err != nil {
			return err
		}
		return s.apply(ctx, tx, old, entry, model.ExporterFromManual, u.Username, note)
	})
	if err != nil {
		return Exporter{}, err
	}
	d, err := s.Get(ctx, id)
	return d.Exporter, err
}

// Suspend suspends a registration by hand (暂停), for the reason given.
func (s *Service) Suspend(ctx context.Context, u accounts.User, id int64, reason string) (Exporter, error) {
	var p validation.Problems
	p.AddModel(model.CheckText("exporter.reason", reason, model.RequiredNote)...)
	if err := p.Err(); err != nil {
		return Exporter{}, err
	}
	d, err := s.Get(ctx, id)
	if err != nil {
		return Exporter{}, err
	}
	entry := d.ExporterEntry
	entry.Status = model.ExporterSuspended
	return s.Update(ctx, u, id, entry, reason)
}

func checkNote(note string) error {
	var p validation.Problems
	p.AddModel(model.CheckText("exporter.reason", note, model.Note)...)
	return p.Err()
}

// insert adds a new entry and its first history row.
func (s *Service) insert(ctx context.Context, tx pgx.Tx, e model.ExporterEntry, source model.ExporterSource, by string, held bool) (int64, error) {
	now := s.Now()
	e.Status = s.effectiveStatus(e)
	var lastSeen *time.Time
	if source == model.ExporterFromCrawl {
		lastSeen = &now
	}
	var id int64
	err := tx.QueryRow(ctx, `INSERT INTO exporters (reg_no, name, name_norm, country, products, registered_on, expires_on,
		status, source, held, last_seen_at, created_at, updated_at, updated_by)
		VALUES ($1, $2, $3, $4, $5, NULLIF($6, '')::date, NULLIF($7, '')::date, $8, $9, $10, $11, $12, $12, $13) RETURNING id`,
		e.RegNo, e.Name, Normalize(e.Name), e.Country, e.Products, e.RegisteredOn, e.ExpiresOn, e.Status, source, held,
		lastSeen, now, by).Scan(&id)
	var pg *pgconn.PgError
	if errors.As(err, &pg) && pg.Code == "23505" {
		return 0, model.Refuse(model.ReasonExporterExists, model.Params{"regNo": e.RegNo}, "exporter %s exists", e.RegNo)
	}
	if err != nil {
		return 0, fmt.Errorf("insert exporter %s: %w", e.RegNo, err)
	}
	return id, s.record(ctx, tx, id, by, string(source), true, diff(model.ExporterEntry{}, e), "")
}

// apply writes a person's (or an unheld crawl's) values over old.
func (s *Service) apply(ctx context.Context, tx pgx.Tx, old Exporter, e model.ExporterEntry, source model.ExporterSource, by, note string) error {
	e.Status = s.effectiveStatus(e)
	changes := diff(old.ExporterEntry, e)
	held := source != model.ExporterFromCrawl
	_, err := tx.Exec(ctx, `UPDATE exporters SET reg_no = $2, name = $3, name_norm = $4, country = $5, products = $6,
		registered_on = NULLIF($7, '')::date, expires_on = NULLIF($8, '')::date, status = $9, source = $10, held = $11,
		updated_at = $12, updated_by = $13 WHERE id = $1`,
		old.ID, e.RegNo, e.Name, Normalize(e.Name), e.Country, e.Products, e.RegisteredOn, e.ExpiresOn, e.Status, source, held, s.Now(), by)
	var pg *pgconn.PgError
	if errors.As(err, &pg) && pg.Code == "23505" {
		return model.Refuse(model.ReasonExporterExists, model.Params{"regNo": e.RegNo}, "exporter %s exists", e.RegNo)
	}
	if err != nil {
		return fmt.Errorf("update exporter %d: %w", old.ID, err)
	}
	if len(changes) == 0 && note == "" {
		return nil
	}
	return s.record(ctx, tx, old.ID, by, string(source), true, changes, note)
}

func (s *Service) record(ctx context.Context, tx pgx.Tx, id int64, by, source string, applied bool, changes map[string]FieldChange, note string) error {
	raw, err := json.Marshal(changes)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO exporter_edits (exporter_id, at, by_user, source, applied, changes, note)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, id, s.Now(), by, source, applied, raw, note)
	if err != nil {
		return fmt.Errorf("record edit of exporter %d: %w", id, err)
	}
	return nil
}

// effectiveStatus is expired for a valid registration whose expiry date
// has passed in the zone.
func (s *Service) effectiveStatus(e model.ExporterEntry) model.ExporterStatus {
	if e.Status == model.ExporterValid && e.ExpiresOn != "" && e.ExpiresOn < s.today().Format(time.DateOnly) {
		return model.ExporterExpired
	}
	return e.Status
}

// diff lists the fields that differ between two entries.
func diff(a, b model.ExporterEntry) map[string]FieldChange {
	out := map[string]FieldChange{}
	add := func(field, x, y string) {
		if x != y {
			out[field] = FieldChange{Old: x, New: y}
		}
	}
	add("regNo", a.RegNo, b.RegNo)
	add("name", a.Name, b.Name)
	add("country", a.Country, b.Country)
	add("products", a.Products, b.Products)
	add("registeredOn", a.RegisteredOn, b.RegisteredOn)
	add("expiresOn", a.ExpiresOn, b.ExpiresOn)
	add("status", string(a.Status), string(b.Status))
	return out
}
