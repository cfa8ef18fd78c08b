// Package inbox keeps, in PostgreSQL, what customs' systems sent: every
// message as received, split receipts until all their pockets are in, whole
// receipts with what became of them, and the customs numbers learnt for our
// documents. A receipt that cannot be matched to a document yet stays here
// until it can.
package inbox

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/customsmsg"
)

// Status of a kept receipt.
type Status string

// Statuses of kept receipts.
const (
	StatusPending     Status = "pending"     // kept, not yet applied
	StatusApplied     Status = "applied"     // applied to DocumentIDs
	StatusUnmatched   Status = "unmatched"   // no document known for it yet
	StatusUnsupported Status = "unsupported" // a message type the ledger does not apply
)

// Entry is a kept receipt.
type Entry struct {
	ID          string
	MessageType string
	Receipt     model.ExternalReceipt
	// Numbers are the customs numbers it can be matched by.
	Numbers []string
	// Candidates are document ids to try when no number is known: the
	// declarant's own number echoed in the receipt, or the id the sender
	// named.
	Candidates  []string
	Raw         [][]byte
	Status      Status
	DocumentIDs []string
	LastError   string
}

// Store is the inbox.
type Store struct {
	pool *pgxpool.Pool
}

// New returns the inbox over pool.
func New(pool *pgxpool.Pool) *Store { return &Store{pool: pool} }

// Log records a message exactly as received.
func (s *Store) Log(ctx context.Context, username string, raw []byte) error {
	if _, err := s.pool.Exec(ctx, `INSERT INTO customs_messages (raw, received_by) VALUES ($1, $2)`, raw, username); err != nil {
		return fmt.Errorf("log customs message: %w", err)
	}
	return nil
}

// AddPocket keeps one pocket of a split receipt. Once all pockets are in it
// assembles the receipt, keeps it (see Keep) and forgets the pockets, in one
// transaction; before that it returns how many pockets are still missing.
// A repeated pocket changes nothing.
func (s *Store) AddPocket(ctx context.Context, p customsmsg.Pocket, entry func(customsmsg.Receipt) Entry) (Entry, bool, int, error) {
	var kept Entry
	var existed bool
	var missing int
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		// Serialise the pockets of one receipt, so the last two arriving
		// together cannot each see the other missing.
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext($1))`, p.ID); err != nil {
			return fmt.Errorf("lock pockets: %w", err)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO customs_pockets (pocket_id, pocket_no, total, message_type, raw)
			VALUES ($1, $2, $3, $4, $5) ON CONFLICT (pocket_id, pocket_no) DO NOTHING`,
			p.ID, p.No, p.Total, p.MessageType, p.Raw); err != nil {
			return fmt.Errorf("keep pocket: %w", err)
		}
		rows, err := tx.Query(ctx, `SELECT pocket_no, total, message_type, raw FROM customs_pockets WHERE pocket_id = $1 ORDER BY pocket_no`, p.ID)
		if err != nil {
			return fmt.Errorf("read pockets: %w", err)
		}
		pockets, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (customsmsg.Pocket, error) {
			q := customsmsg.Pocket{ID: p.ID}
			err := row.Scan(&q.No, &q.Total, &q.MessageType, &q.Raw)
			return q, err
		})
		if err != nil {
			return fmt.Errorf("read pockets: %w", err)
		}
		if len(pockets) < p.Total {
			missing = p.Total - len(pockets)
			return nil
		}
		r, err := customsmsg.Assemble(pockets)
		if err != nil {
			return fmt.Errorf("assemble receipt %s: %w", p.ID, err)
		}
		if kept, existed, err = keep(ctx, tx, entry(r)); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM customs_pockets WHERE pocket_id = $1`, p.ID); err != nil {
			return fmt.Errorf("forget pockets: %w", err)
		}
		return nil
	})
	if err != nil {
		return Entry{}, false, 0, err
	}
	return kept, existed, missing, nil
}

// Keep stores e unless a receipt with its id is already kept; it returns
// the kept entry and whether it existed (a repeat).
func (s *Store) Keep(ctx context.Context, e Entry) (Entry, bool, error) {
	var kept Entry
	var existed bool
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var err error
		kept, existed, err = keep(ctx, tx, e)
		return err
	})
	return kept, existed, err
}

func keep(ctx context.Context, tx pgx.Tx, e Entry) (Entry, bool, error) {
	receipt, err := json.Marshal(e.Receipt)
	if err != nil {
		return Entry{}, false, fmt.Errorf("encode receipt %s: %w", e.ID, err)
	}
	tag, err := tx.Exec(ctx, `INSERT INTO external_receipts (id, message_type, receipt, numbers, candidates, raw, status, document_ids, last_error)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (id) DO NOTHING`,
		e.ID, e.MessageType, receipt, nonNil(e.Numbers), nonNil(e.Candidates), e.Raw, e.Status, nonNil(e.DocumentIDs), e.LastError)
	if err != nil {
		return Entry{}, false, fmt.Errorf("keep receipt %s: %w", e.ID, err)
	}
	if tag.RowsAffected() == 1 {
		return e, false, nil
	}
	kept, err := get(ctx, tx, e.ID)
	return kept, true, err
}

// Get reads a kept receipt.
func (s *Store) Get(ctx context.Context, id string) (Entry, error) {
	return get(ctx, s.pool, id)
}

type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

const entryColumns = `id, message_type, receipt, numbers, candidates, raw, status, document_ids, last_error`

func get(ctx context.Context, q querier, id string) (Entry, error) {
	rows, err := q.Query(ctx, `SELECT `+entryColumns+` FROM external_receipts WHERE id = $1`, id)
	if err != nil {
		return Entry{}, fmt.Errorf("read receipt %s: %w", id, err)
	}
	e, err := pgx.CollectExactlyOneRow(rows, scanEntry)
	if errors.Is(err, pgx.ErrNoRows) {
		return Entry{}, fmt.Errorf("read receipt %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return Entry{}, fmt.Errorf("read receipt %s: %w", id, err)
	}
	return e, nil
}

// ErrNotFound reports an unknown receipt.
var ErrNotFound = errors.New("receipt not kept")

func scanEntry(row pgx.CollectableRow) (Entry, error) {
	var e Entry
	var receipt []byte
	if err := row.Scan(&e.ID, &e.MessageType, &receipt, &e.Numbers, &e.Candidates, &e.Raw, &e.Status, &e.DocumentIDs, &e.LastError); err != nil {
		return Entry{}, err
	}
	if err := json.Unmarshal(receipt, &e.Receipt); err != nil {
		return Entry{}, fmt.Errorf("decode receipt %s: %w", e.ID, err)
	}
	return e, nil
}

// SetStatus records what became of a kept receipt.
func (s *Store) SetStatus(ctx context.Context, id string, status Status, documentIDs []string, lastError string) error {
	tag, err := s.pool.Exec(ctx, `UPDATE external_receipts SET status = $2, document_ids = $3, last_error = $4, updated_at = now() WHERE id = $1`,
		id, status, nonNil(documentIDs), lastError)
	if err != nil {
		return fmt.Errorf("record receipt %s %s: %w", id, status, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("record receipt %s %s: %w", id, status, ErrNotFound)
	}
	return nil
}

// Waiting returns the unmatched receipts that carry any of numbers, oldest
// first: those a newly learnt number may now match.
func (s *Store) Waiting(ctx context.Context, numbers []string) ([]Entry, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+entryColumns+` FROM external_receipts
		WHERE status = 'unmatched' AND numbers && $1 ORDER BY received_at, id`, nonNil(numbers))
	if err != nil {
		return nil, fmt.Errorf("find waiting receipts: %w", err)
	}
	out, err := pgx.CollectRows(rows, scanEntry)
	if err != nil {
		return nil, fmt.Errorf("find waiting receipts: %w", err)
	}
	return out, nil
}

// Learn ties customs numbers to a document. A number already tied keeps its
// first document: customs never reuses numbers, so a different answer is a
// mistake not to be trusted over the first.
func (s *Store) Learn(ctx context.Context, documentID, from string, numbers ...string) error {
	for _, n := range numbers {
		if n == "" {
			continue
		}
		if _, err := s.pool.Exec(ctx, `INSERT INTO customs_numbers (number, document_id, learnt_from) VALUES ($1, $2, $3)
			ON CONFLICT (number) DO NOTHING`, n, documentID, from); err != nil {
			return fmt.Errorf("learn customs number %s of %s: %w", n, documentID, err)
		}
	}
	return nil
}

// Documents returns the documents any of numbers are tied to, in the order
// of numbers.
func (s *Store) Documents(ctx context.Context, numbers []string) ([]string, error) {
	rows, err := s.pool.Query(ctx, `SELECT c.document_id FROM unnest($1::text[]) WITH ORDINALITY AS n(number, ord)
		JOIN customs_numbers c ON c.number = n.number ORDER BY n.ord`, nonNil(numbers))
	if err != nil {
		return nil, fmt.Errorf("match customs numbers: %w", err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("match customs numbers: %w", err)
	}
	var out []string
	for _, id := range ids {
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out, nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
