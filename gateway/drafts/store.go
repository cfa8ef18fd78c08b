// Package drafts keeps prefiling drafts (原始草单) off chain: working copies
// an enterprise edits freely until it declares them on the ledger.
package drafts

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/draftlife"
	"zonetrace/internal/pgpage"
	"zonetrace/internal/sealing"
)

// ErrNotFound reports a draft that does not exist, was deleted, or belongs to
// another enterprise (the three are indistinguishable on purpose).
var ErrNotFound = errors.New("drafts: not found")

// ErrDeclared reports a change to a draft that was declared (or whose
// declaration is under way).
var ErrDeclared = errors.New("drafts: already declared")

// Draft is one prefiling draft.
type Draft struct {
	ID           string
	EnterpriseID string
	Data         model.PrefilingData
	CreatedAt    time.Time
	CreatedBy    string
	UpdatedAt    time.Time
	UpdatedBy    string
	// PrefilingID is reserved before DeclarePrefiling is submitted.
	PrefilingID string
	// DeclaredAt is set once the ledger committed the declaration.
	DeclaredAt *time.Time
}

// Declared reports whether the ledger committed the draft's declaration.
func (d Draft) Declared() bool { return d.DeclaredAt != nil }

// Page is one page of drafts.
type Page struct {
	Items          []Draft
	Total          int
	Page, PageSize int
}

// Store reads and writes drafts.
type Store struct {
	pool   *pgxpool.Pool
	now    func() time.Time
	sealer *sealing.Sealer
}

// New returns a Store on pool.
func New(pool *pgxpool.Pool, opts ...Option) *Store {
	s := &Store{pool: pool, now: time.Now}
	for _, opt := range opts {
		opt(s)
	}
	return s
}

// Option configures a Store.
type Option func(*Store)

// WithSealer keeps the drafts' commercial values (Sealed) sealed at rest
// with sealer; without it they are stored in clear (tests of the store).
func WithSealer(sealer *sealing.Sealer) Option { return func(s *Store) { s.sealer = sealer } }

// Sealed are the members of a draft's data sealed at rest; searches never
// look at them.
var Sealed = sealing.Fields{Place: "prefiling_drafts.data", Paths: []string{"avgPriceFen"}}

// SealExisting seals the drafts a store written before sealing keeps in
// clear and returns how many; it runs at start.
func (s *Store) SealExisting(ctx context.Context) (int, error) {
	return sealing.SealRows(ctx, s.pool, `SELECT id::text, data FROM prefiling_drafts
		WHERE jsonb_typeof(data->'avgPriceFen') = 'number' FOR UPDATE`,
		`UPDATE prefiling_drafts SET data = $2 WHERE id::text = $1`, func(id string, raw []byte) ([]byte, error) {
			return Sealed.Seal(s.sealer, id, raw)
		})
}

// encode is the stored text of a draft's data.
func (s *Store) encode(id string, data model.PrefilingData) ([]byte, error) {
	raw, err := json.Marshal(normalise(data))
	if err != nil {
		return nil, fmt.Errorf("encode draft: %w", err)
	}
	if s.sealer == nil {
		return raw, nil
	}
	return Sealed.Seal(s.sealer, id, raw)
}

// draftNamespace scopes the ids derived from idempotency keys.
var draftNamespace = uuid.NewSHA1(uuid.NameSpaceURL, []byte("urn:zonetrace:prefiling-draft"))

// NewID returns a random UUID, or, for a non-empty seed, the UUID derived
// from it: a create retried under the same idempotency key then makes the
// same draft instead of a second one.
func NewID(seed string) (string, error) {
	if seed != "" {
		return uuid.NewSHA1(draftNamespace, []byte(seed)).String(), nil
	}
	id, err := uuid.NewRandom()
	if err != nil {
		return "", fmt.Errorf("draw draft id: %w", err)
	}
	return id.String(), nil
}

// Create stores a new draft with the given id; creating an id that exists
// for the same enterprise returns the existing draft (a retried create).
func (s *Store) Create(ctx context.Context, id, enterpriseID, user string, data model.PrefilingData) (Draft, error) {
	if err := CheckShape(data); err != nil {
		return Draft{}, err
	}
	raw, err := s.encode(id, data)
	if err != nil {
		return Draft{}, err
	}
	now := s.now()
	if _, err := s.pool.Exec(ctx, `
		INSERT INTO prefiling_drafts (id, enterprise_id, data, created_at, created_by, updated_at, updated_by)
		VALUES ($1, $2, $3, $4, $5, $4, $5) ON CONFLICT (id) DO NOTHING`,
		id, enterpriseID, raw, now, user); err != nil {
		return Draft{}, fmt.Errorf("create draft: %w", err)
	}
	return s.Get(ctx, enterpriseID, id)
}

const columns = `id::text, enterprise_id, data, created_at, created_by, updated_at, updated_by,
	coalesce(declared_prefiling_id, ''), declared_at`

func (s *Store) scan(row pgx.Row) (Draft, error) {
	var d Draft
	var raw []byte
	if err := row.Scan(&d.ID, &d.EnterpriseID, &raw, &d.CreatedAt, &d.CreatedBy, &d.UpdatedAt, &d.UpdatedBy, &d.PrefilingID, &d.DeclaredAt); err != nil {
		return Draft{}, err
	}
	raw, err := Sealed.Open(s.sealer, raw)
	if err != nil {
		return Draft{}, fmt.Errorf("open draft %s: %w", d.ID, err)
	}
	if err := json.Unmarshal(raw, &d.Data); err != nil {
		return Draft{}, fmt.Errorf("decode draft %s: %w", d.ID, err)
	}
	return d, nil
}

// Get returns a live draft of the enterprise.
func (s *Store) Get(ctx context.Context, enterpriseID, id string) (Draft, error) {
	d, err := s.scan(s.pool.QueryRow(ctx, `SELECT `+columns+` FROM prefiling_drafts
		WHERE id::text = $1 AND enterprise_id = $2 AND deleted_at IS NULL`, id, enterpriseID))
	if errors.Is(err, pgx.ErrNoRows) {
		return Draft{}, fmt.Errorf("get draft %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return Draft{}, fmt.Errorf("get draft %s: %w", id, err)
	}
	return d, nil
}

// List returns the enterprise's undeclared drafts, newest update first; q
// matches product name, HS code, exporter, batch or material number.
func (s *Store) List(ctx context.Context, enterpriseID, q string, page, pageSize int) (Page, error) {
	pattern := "%" + strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(q) + "%"
	where := `enterprise_id = $1 AND deleted_at IS NULL AND declared_at IS NULL AND ($2 = '' OR
		data->>'productName' ILIKE $3 OR data->>'hsCode' ILIKE $3 OR data->>'exporterName' ILIKE $3 OR
		data->>'batchNo' ILIKE $3 OR data->>'materialNo' ILIKE $3)`
	out := Page{Page: page, PageSize: pageSize}
	items, total, err := pgpage.Read(ctx, s.pool, pgpage.List{Columns: columns, From: `prefiling_drafts WHERE ` + where,
		OrderBy: `updated_at DESC, id`}, []any{enterpriseID, q, pattern}, pageSize, (page-1)*pageSize, s.scan)
	if err != nil {
		return Page{}, fmt.Errorf("list drafts: %w", err)
	}
	out.Total, out.Items = total, items
	return out, nil
}

// Update replaces a draft's data; a draft whose declaration was reserved or
// committed cannot change.
func (s *Store) Update(ctx context.Context, enterpriseID, id, user string, data model.PrefilingData) (Draft, error) {
	if err := CheckShape(data); err != nil {
		return Draft{}, err
	}
	raw, err := s.encode(id, data)
	if err != nil {
		return Draft{}, err
	}
	tag, err := s.pool.Exec(ctx, `UPDATE prefiling_drafts SET data = $3, updated_at = $4, updated_by = $5
		WHERE id::text = $1 AND enterprise_id = $2 AND deleted_at IS NULL AND declared_prefiling_id IS NULL`,
		id, enterpriseID, raw, s.now(), user)
	if err != nil {
		return Draft{}, fmt.Errorf("update draft %s: %w", id, err)
	}
	if tag.RowsAffected() == 0 {
		return Draft{}, s.whyUnchanged(ctx, enterpriseID, id, "update")
	}
	return s.Get(ctx, enterpriseID, id)
}

// Delete soft-deletes a draft, recording when and by whom (the tender
// requires a deletion record). Deleting a deleted draft is NotFound.
func (s *Store) Delete(ctx context.Context, enterpriseID, id, user string) error {
	deleted, err := s.life().Delete(ctx, enterpriseID, id, user)
	if err != nil || deleted {
		return err
	}
	return s.whyUnchanged(ctx, enterpriseID, id, "delete")
}

// Reserve records the prefiling id a declaration is about to use, before
// the ledger sees it, so that a crash after the submit cannot lead to a
// second declaration of the same draft. Reserving a draft that already has
// an id returns the draft unchanged (the declaration is resumed with the
// same id); a committed declaration is ErrDeclared.
func (s *Store) Reserve(ctx context.Context, enterpriseID, id, prefilingID string) (Draft, error) {
	if err := s.life().Reserve(ctx, enterpriseID, id, prefilingID); err != nil {
		return Draft{}, err
	}
	d, err := s.Get(ctx, enterpriseID, id)
	if err != nil {
		return Draft{}, err
	}
	if d.Declared() {
		return Draft{}, fmt.Errorf("declare draft %s: %w", id, ErrDeclared)
	}
	return d, nil
}

// Unreserve frees a reserved prefiling id after the ledger refused the
// declaration, so the draft can be corrected; a committed declaration is
// never unreserved.
func (s *Store) Unreserve(ctx context.Context, enterpriseID, id, prefilingID string) error {
	return s.life().Unreserve(ctx, enterpriseID, id, prefilingID)
}

// MarkDeclared records that the ledger committed the draft's declaration.
func (s *Store) MarkDeclared(ctx context.Context, enterpriseID, id, user string) error {
	return s.life().MarkDeclared(ctx, enterpriseID, id, user)
}

// life is the table's shared draft lifecycle.
func (s *Store) life() draftlife.Table {
	return draftlife.Table{Pool: s.pool, Name: "prefiling_drafts", NumberColumn: "declared_prefiling_id", Now: s.now}
}

func (s *Store) whyUnchanged(ctx context.Context, enterpriseID, id, verb string) error {
	d, err := s.Get(ctx, enterpriseID, id)
	if err != nil {
		return err
	}
	if d.PrefilingID != "" {
		return fmt.Errorf("%s draft %s: %w", verb, id, ErrDeclared)
	}
	return fmt.Errorf("%s draft %s: row unchanged for no known reason", verb, id)
}

// normalise makes the stored JSON of empty lists stable ([] rather than
// null), as the chaincode model expects.
func normalise(d model.PrefilingData) model.PrefilingData {
	if d.Attachments == nil {
		d.Attachments = []model.Attachment{}
	}
	return d
}
