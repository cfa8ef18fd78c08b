// Package docdrafts keeps document drafts (单据草稿) off chain: the working
// copies of the six families of customs documents an enterprise edits,
// imports from Excel and picks lines into until it declares them on the
// ledger.
package docdrafts

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
var ErrNotFound = errors.New("document drafts: not found")

// ErrDeclared reports a change to a draft that was declared (or whose
// declaration is under way).
var ErrDeclared = errors.New("document drafts: already declared")

// Content is what a user writes into a draft.
type Content struct {
	Family       model.Family         `json:"family"`
	BusinessType model.BusinessType   `json:"businessType"`
	Head         model.DocumentHead   `json:"head"`
	Lines        []model.DocumentLine `json:"lines"`
}

// Draft is one document draft.
type Draft struct {
	Content
	ID string
	// DisplayNo is the readable number of the draft within its enterprise
	// and year, "2026-000123" (drawn by the table on insert).
	DisplayNo    string
	EnterpriseID string
	// SourceDocumentID is the out leg an in-draft was created from.
	SourceDocumentID string
	CreatedAt        time.Time
	CreatedBy        string
	UpdatedAt        time.Time
	UpdatedBy        string
	// DocumentID is reserved before DeclareDocument is submitted.
	DocumentID string
	// DeclaredAt is set once the ledger committed the declaration.
	DeclaredAt *time.Time
}

// Declared reports whether the ledger committed the draft's declaration.
func (d Draft) Declared() bool { return d.DeclaredAt != nil }

// Filter selects drafts of one enterprise; zero fields do not filter.
type Filter struct {
	Family       model.Family
	BusinessType model.BusinessType
	// Declared selects declared (true) or undeclared (false) drafts.
	Declared *bool
	// MissingTraceCode selects drafts with a line without trace code.
	MissingTraceCode bool
	// Q matches a prefix of the draft id or document number, or part of
	// the display number or of a
	// line's product name, trace code or material number.
	Q              string
	Page, PageSize int
}

// Page is one page of drafts.
type Page struct {
	Items          []Draft
	Total          int
	Page, PageSize int
}

// Store reads and writes document drafts.
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

// WithSealer keeps the lines' commercial values (SealedLines) sealed at
// rest with sealer; without it they are stored in clear (tests of the
// store).
func WithSealer(sealer *sealing.Sealer) Option { return func(s *Store) { s.sealer = sealer } }

// SealedLines are the members of a draft's lines sealed at rest; searches
// never look at them.
var SealedLines = sealing.Fields{Place: "document_drafts.lines", Paths: []string{"*.unitPriceFen", "*.valueFen"}}

// SealExisting seals the drafts a store written before sealing keeps in
// clear and returns how many; it runs at start.
func (s *Store) SealExisting(ctx context.Context) (int, error) {
	return sealing.SealRows(ctx, s.pool, `SELECT id::text, lines FROM document_drafts d
		WHERE EXISTS (SELECT 1 FROM jsonb_array_elements(d.lines) l
			WHERE jsonb_typeof(l->'unitPriceFen') = 'number' OR jsonb_typeof(l->'valueFen') = 'number') FOR UPDATE`,
		`UPDATE document_drafts SET lines = $2 WHERE id::text = $1`, func(id string, raw []byte) ([]byte, error) {
			return SealedLines.Seal(s.sealer, id, raw)
		})
}

// seal seals the commercial values of draft id's encoded lines.
func (s *Store) seal(id string, r row) (row, error) {
	if s.sealer == nil {
		return r, nil
	}
	var err error
	r.lines, err = SealedLines.Seal(s.sealer, id, r.lines)
	return r, err
}

// Namespaces of the ids derived from idempotency keys and out legs.
var (
	draftNamespace    = uuid.NewSHA1(uuid.NameSpaceURL, []byte("urn:zonetrace:document-draft"))
	incomingNamespace = uuid.NewSHA1(uuid.NameSpaceURL, []byte("urn:zonetrace:incoming-transfer"))
)

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

// IncomingID is the id of the in-draft created for the transferee of out
// leg outDocumentID: derived from it, so it is created once however often
// and wherever the incoming transfers are listed.
func IncomingID(outDocumentID string) string {
	return uuid.NewSHA1(incomingNamespace, []byte(outDocumentID)).String()
}

// row is a draft's content encoded for its columns.
type row struct {
	head, lines []byte
	lineCount   int
	missing     int
}

func encode(c Content) (Content, row, error) {
	if err := CheckShape(c.Family, c.BusinessType, c.Head, c.Lines); err != nil {
		return c, row{}, err
	}
	c = normalise(c)
	head, err := json.Marshal(c.Head)
	if err != nil {
		return c, row{}, fmt.Errorf("encode draft head: %w", err)
	}
	lines, err := json.Marshal(c.Lines)
	if err != nil {
		return c, row{}, fmt.Errorf("encode draft lines: %w", err)
	}
	return c, row{head: head, lines: lines, lineCount: len(c.Lines), missing: MissingTraceCodes(c.Lines)}, nil
}

// normalise numbers the lines from 1 and trims trace codes, so stored drafts
// read back the way they will be declared.
func normalise(c Content) Content {
	lines := make([]model.DocumentLine, len(c.Lines))
	for i, l := range c.Lines {
		l.Seq = i + 1
		l.TraceCode = strings.TrimSpace(l.TraceCode)
		lines[i] = l
	}
	c.Lines = lines
	return c
}

// Create stores a new draft with the given id; creating an id that exists
// for the same enterprise returns the existing draft (a retried create).
func (s *Store) Create(ctx context.Context, id, enterpriseID, user string, c Content) (Draft, error) {
	c, r, err := encode(c)
	if err != nil {
		return Draft{}, err
	}
	if r, err = s.seal(id, r); err != nil {
		return Draft{}, err
	}
	if _, err := s.pool.Exec(ctx, `
		INSERT INTO document_drafts (id, enterprise_id, family, business_type, head, lines, line_count, missing_trace_codes,
			created_at, created_by, updated_at, updated_by)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $9, $10) ON CONFLICT (id) DO NOTHING`,
		id, enterpriseID, c.Family, c.BusinessType, r.head, r.lines, r.lineCount, r.missing, s.now(), user); err != nil {
		return Draft{}, fmt.Errorf("create document draft: %w", err)
	}
	return s.Get(ctx, enterpriseID, id)
}

// CreateIncoming makes sure the transferee of out leg out has its in-draft
// (IncomingContent of out) and returns it. Listing again finds the same
// draft; an in-draft the transferee deleted is made again, fresh from the
// out leg, as the transfer still waits for its in leg.
func (s *Store) CreateIncoming(ctx context.Context, enterpriseID, user string, out model.Document, accountBookNo string) (Draft, error) {
	c, err := IncomingContent(out, accountBookNo)
	if err != nil {
		return Draft{}, err
	}
	c, r, err := encode(c)
	if err != nil {
		return Draft{}, fmt.Errorf("copy out leg %s into an in-draft: %w", out.ID, err)
	}
	id := IncomingID(out.ID)
	if r, err = s.seal(id, r); err != nil {
		return Draft{}, err
	}
	if _, err := s.pool.Exec(ctx, `
		INSERT INTO document_drafts (id, enterprise_id, family, business_type, head, lines, line_count, missing_trace_codes,
			source_document_id, created_at, created_by, updated_at, updated_by)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $10, $11)
		ON CONFLICT (id) DO UPDATE SET head = excluded.head, lines = excluded.lines, line_count = excluded.line_count,
			missing_trace_codes = excluded.missing_trace_codes, created_at = excluded.created_at, created_by = excluded.created_by,
			updated_at = excluded.updated_at, updated_by = excluded.updated_by, deleted_at = NULL, deleted_by = NULL
		WHERE document_drafts.deleted_at IS NOT NULL AND document_drafts.enterprise_id = excluded.enterprise_id`,
		id, enterpriseID, c.Family, c.BusinessType, r.head, r.lines, r.lineCount, r.missing, out.ID, s.now(), user); err != nil {
		return Draft{}, fmt.Errorf("create in-draft of %s: %w", out.ID, err)
	}
	return s.Get(ctx, enterpriseID, id)
}

const columns = `id::text, display_no, enterprise_id, family, business_type, head, lines, coalesce(source_document_id, ''),
	created_at, created_by, updated_at, updated_by, coalesce(declared_document_id, ''), declared_at`

func (s *Store) scan(r pgx.Row) (Draft, error) {
	var d Draft
	var head, lines []byte
	if err := r.Scan(&d.ID, &d.DisplayNo, &d.EnterpriseID, &d.Family, &d.BusinessType, &head, &lines, &d.SourceDocumentID,
		&d.CreatedAt, &d.CreatedBy, &d.UpdatedAt, &d.UpdatedBy, &d.DocumentID, &d.DeclaredAt); err != nil {
		return Draft{}, err
	}
	if err := json.Unmarshal(head, &d.Head); err != nil {
		return Draft{}, fmt.Errorf("decode head of draft %s: %w", d.ID, err)
	}
	lines, err := SealedLines.Open(s.sealer, lines)
	if err != nil {
		return Draft{}, fmt.Errorf("open lines of draft %s: %w", d.ID, err)
	}
	if err := json.Unmarshal(lines, &d.Lines); err != nil {
		return Draft{}, fmt.Errorf("decode lines of draft %s: %w", d.ID, err)
	}
	return d, nil
}

// Get returns a live draft of the enterprise.
func (s *Store) Get(ctx context.Context, enterpriseID, id string) (Draft, error) {
	d, err := s.scan(s.pool.QueryRow(ctx, `SELECT `+columns+` FROM document_drafts
		WHERE id::text = $1 AND enterprise_id = $2 AND deleted_at IS NULL`, id, enterpriseID))
	if errors.Is(err, pgx.ErrNoRows) {
		return Draft{}, fmt.Errorf("get document draft %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return Draft{}, fmt.Errorf("get document draft %s: %w", id, err)
	}
	return d, nil
}

// List returns the enterprise's live drafts matching f, newest update
// first.
func (s *Store) List(ctx context.Context, enterpriseID string, f Filter) (Page, error) {
	pattern := "%" + strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(f.Q) + "%"
	prefix := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(f.Q) + "%"
	declared := ""
	if f.Declared != nil {
		declared = fmt.Sprint(*f.Declared)
	}
	where := `enterprise_id = $1 AND deleted_at IS NULL
		AND ($2 = '' OR family = $2) AND ($3 = '' OR business_type = $3)
		AND ($4 = '' OR (declared_at IS NOT NULL) = ($4 = 'true'))
		AND (NOT $5 OR missing_trace_codes > 0)
		AND ($6 = '' OR id::text LIKE $8 OR declared_document_id LIKE $8 OR display_no LIKE $7 OR EXISTS (
			SELECT 1 FROM jsonb_array_elements(lines) l
			WHERE l->>'productName' ILIKE $7 OR l->>'traceCode' ILIKE $7 OR l->>'materialNo' ILIKE $7))`
	args := []any{enterpriseID, string(f.Family), string(f.BusinessType), declared, f.MissingTraceCode, f.Q, pattern, prefix}
	out := Page{Page: f.Page, PageSize: f.PageSize}
	items, total, err := pgpage.Read(ctx, s.pool, pgpage.List{Columns: columns, From: `document_drafts WHERE ` + where,
		OrderBy: `updated_at DESC, id`}, args, f.PageSize, (f.Page-1)*f.PageSize, s.scan)
	if err != nil {
		return Page{}, fmt.Errorf("list document drafts: %w", err)
	}
	out.Total, out.Items = total, items
	return out, nil
}

// Update replaces a draft's content; a draft whose declaration was reserved
// or committed cannot change.
func (s *Store) Update(ctx context.Context, enterpriseID, id, user string, c Content) (Draft, error) {
	c, r, err := encode(c)
	if err != nil {
		return Draft{}, err
	}
	if r, err = s.seal(id, r); err != nil {
		return Draft{}, err
	}
	tag, err := s.pool.Exec(ctx, `UPDATE document_drafts SET family = $3, business_type = $4, head = $5, lines = $6,
		line_count = $7, missing_trace_codes = $8, updated_at = $9, updated_by = $10
		WHERE id::text = $1 AND enterprise_id = $2 AND deleted_at IS NULL AND declared_document_id IS NULL`,
		id, enterpriseID, c.Family, c.BusinessType, r.head, r.lines, r.lineCount, r.missing, s.now(), user)
	if err != nil {
		return Draft{}, fmt.Errorf("update document draft %s: %w", id, err)
	}
	if tag.RowsAffected() == 0 {
		return Draft{}, s.whyUnchanged(ctx, enterpriseID, id, "update")
	}
	return s.Get(ctx, enterpriseID, id)
}

// Delete soft-deletes a draft, recording when and by whom. Deleting a
// deleted draft is NotFound; a declared one ErrDeclared.
func (s *Store) Delete(ctx context.Context, enterpriseID, id, user string) error {
	deleted, err := s.life().Delete(ctx, enterpriseID, id, user)
	if err != nil || deleted {
		return err
	}
	return s.whyUnchanged(ctx, enterpriseID, id, "delete")
}

// Reserve records the document number a declaration is about to use,
// before the ledger sees it, so a crash after the submit cannot lead to a
// second declaration of the same draft. Reserving a draft that already has
// a number returns it unchanged (the declaration resumes with that
// number); a committed declaration is ErrDeclared.
func (s *Store) Reserve(ctx context.Context, enterpriseID, id, documentID string) (Draft, error) {
	if err := s.life().Reserve(ctx, enterpriseID, id, documentID); err != nil {
		return Draft{}, err
	}
	d, err := s.Get(ctx, enterpriseID, id)
	if err != nil {
		return Draft{}, err
	}
	if d.Declared() {
		return Draft{}, fmt.Errorf("declare document draft %s: %w", id, ErrDeclared)
	}
	return d, nil
}

// Unreserve frees a reserved number after the ledger refused the
// declaration, so the draft can be corrected; a committed declaration is
// never unreserved.
func (s *Store) Unreserve(ctx context.Context, enterpriseID, id, documentID string) error {
	return s.life().Unreserve(ctx, enterpriseID, id, documentID)
}

// MarkDeclared records that the ledger committed the draft's declaration.
func (s *Store) MarkDeclared(ctx context.Context, enterpriseID, id, user string) error {
	return s.life().MarkDeclared(ctx, enterpriseID, id, user)
}

// life is the table's shared draft lifecycle.
func (s *Store) life() draftlife.Table {
	return draftlife.Table{Pool: s.pool, Name: "document_drafts", NumberColumn: "declared_document_id", Now: s.now}
}

func (s *Store) whyUnchanged(ctx context.Context, enterpriseID, id, verb string) error {
	d, err := s.Get(ctx, enterpriseID, id)
	if err != nil {
		return err
	}
	if d.DocumentID != "" {
		return fmt.Errorf("%s document draft %s: %w", verb, id, ErrDeclared)
	}
	return fmt.Errorf("%s document draft %s: row unchanged for no known reason", verb, id)
}
