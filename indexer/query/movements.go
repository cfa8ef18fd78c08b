package query

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"zonetrace/chaincode/model"
)

// Limits of Movements.
const (
	DefaultMovementLimit = 1000
	MaxMovementLimit     = 10000
)

// MovementFilter selects movements: those of a trace code, or those into or
// out of an enterprise, optionally within [Since, Until). At least one of
// TraceCode and EnterpriseID is required, so no query scans every movement.
type MovementFilter struct {
	TraceCode    string
	EnterpriseID string
	// Since and Until bound the movement time; zero means unbounded.
	Since, Until time.Time
	// Limit defaults to DefaultMovementLimit and is capped at
	// MaxMovementLimit.
	Limit int
	// After, the Next of an earlier page, continues after it: a keyset on
	// the chain position, so a trace code's thousandth page is an index
	// range like its first.
	After string
}

// MovementPage is a page of movements in chain order; Next is empty on the
// last page.
type MovementPage struct {
	Items []model.Movement `json:"items"`
	Next  string           `json:"next,omitempty"`
}

// chainKey is a movement's position in the chain, the cursor of Movements.
type chainKey struct {
	Block int64 `json:"b"`
	Tx    int32 `json:"t"`
	Event int32 `json:"e"`
}

// movementColumns are the columns scanMovements reads from movements m.
const movementColumns = `m.tx_id, m.document_id, m.line_seq, m.kind, m.trace_code, m.from_enterprise, m.from_bonded,
	m.to_enterprise, m.to_bonded, m.weight_grams, m.at, m.at_text FROM movements m`

// Movements returns the page of movements matching f in chain order
// (block, transaction, event), at most f.Limit of them. An invalid filter
// is an ErrInvalidFilter, a cursor this API did not issue an
// ErrInvalidCursor.
func (r *Reader) Movements(ctx context.Context, f MovementFilter) (MovementPage, error) {
	if f.TraceCode == "" && f.EnterpriseID == "" {
		return MovementPage{}, fmt.Errorf("list movements: %w: a trace code or an enterprise is required", ErrInvalidFilter)
	}
	if f.Limit < 0 {
		return MovementPage{}, fmt.Errorf("list movements: %w: limit %d must not be negative", ErrInvalidFilter, f.Limit)
	}
	if f.Limit == 0 {
		f.Limit = DefaultMovementLimit
	}
	c := &conditions{}
	if f.TraceCode != "" {
		c.add("m.trace_code = ?", f.TraceCode)
	}
	if f.EnterpriseID != "" {
		c.add("(m.from_enterprise = ? OR m.to_enterprise = ?)", f.EnterpriseID)
	}
	if !f.Since.IsZero() {
		c.add("m.at >= ?", f.Since)
	}
	if !f.Until.IsZero() {
		c.add("m.at < ?", f.Until)
	}
	if f.After != "" {
		var k chainKey
		raw, err := base64.RawURLEncoding.DecodeString(f.After)
		if err == nil {
			err = json.Unmarshal(raw, &k)
		}
		if err != nil {
			return MovementPage{}, fmt.Errorf("list movements: %w: %q is not a cursor this API issued", ErrInvalidCursor, f.After)
		}
		c.raw(fmt.Sprintf("(m.block_number, m.tx_index, m.event_index) > (%s, %s, %s)", c.arg(k.Block), c.arg(k.Tx), c.arg(k.Event)))
	}
	limit := min(f.Limit, MaxMovementLimit)
	rows, err := r.pool.Query(ctx, `SELECT m.block_number, m.tx_index, m.event_index, `+movementColumns+` WHERE `+c.where()+`
		ORDER BY m.block_number, m.tx_index, m.event_index LIMIT `+c.arg(limit+1), c.args...)
	if err != nil {
		return MovementPage{}, fmt.Errorf("list movements: %w", err)
	}
	var keys []chainKey
	list, err := scanKeyedMovements(rows, &keys)
	if err != nil {
		return MovementPage{}, fmt.Errorf("list movements: %w", err)
	}
	page := MovementPage{Items: list}
	if len(list) > limit {
		page.Items = list[:limit]
		raw, _ := json.Marshal(keys[limit-1]) // three integers
		page.Next = base64.RawURLEncoding.EncodeToString(raw)
	}
	return page, nil
}

// DocumentMovements returns the movements document documentID caused
// (reversals included) in chain order.
func (r *Reader) DocumentMovements(ctx context.Context, documentID string) ([]model.Movement, error) {
	rows, err := r.pool.Query(ctx, `SELECT `+movementColumns+` WHERE m.document_id = $1
		ORDER BY m.block_number, m.tx_index, m.event_index`, documentID)
	if err != nil {
		return nil, fmt.Errorf("list movements of document %q: %w", documentID, err)
	}
	list, err := scanMovements(rows)
	if err != nil {
		return nil, fmt.Errorf("list movements of document %q: %w", documentID, err)
	}
	return list, nil
}

// scanMovements rebuilds movements as the chain recorded them: the id from
// its parts, the time from at_text when the chain's string was not the
// canonical form of the stored timestamp.
func scanMovements(rows pgx.Rows) ([]model.Movement, error) { return scanKeyedMovements(rows, nil) }

// scanKeyedMovements is scanMovements of rows that, with keys, start with
// their chain position (block, transaction, event), collected there.
func scanKeyedMovements(rows pgx.Rows, keys *[]chainKey) ([]model.Movement, error) {
	list := []model.Movement{}
	var m model.Movement
	var fromEnterprise, toEnterprise, atText *string
	var fromBonded, toBonded *bool
	var at time.Time
	var k chainKey
	dest := []any{&m.TxID, &m.DocumentID, &m.LineSeq, &m.Kind, &m.TraceCode, &fromEnterprise,
		&fromBonded, &toEnterprise, &toBonded, &m.WeightGrams, &at, &atText}
	if keys != nil {
		dest = append([]any{&k.Block, &k.Tx, &k.Event}, dest...)
	}
	_, err := pgx.ForEachRow(rows, dest, func() error {
		if keys != nil {
			*keys = append(*keys, k)
		}
		mv := m
		mv.ID = fmt.Sprintf("%s:%s:%d", m.TxID, m.DocumentID, m.LineSeq)
		mv.From, mv.To = holding(fromEnterprise, fromBonded), holding(toEnterprise, toBonded)
		mv.At = canonicalTime(at)
		if atText != nil {
			mv.At = *atText
		}
		list = append(list, mv)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return list, nil
}

func holding(enterpriseID *string, bonded *bool) *model.Holding {
	if enterpriseID == nil {
		return nil
	}
	return &model.Holding{EnterpriseID: *enterpriseID, Bonded: bonded != nil && *bonded}
}

// canonicalTime is how the chaincode formats transaction times (UTC, RFC
// 3339); the indexer stores a movement's time string only when it differs
// from this form of the stored timestamp.
func canonicalTime(t time.Time) string {
	return t.UTC().Truncate(time.Microsecond).Format(time.RFC3339Nano)
}
