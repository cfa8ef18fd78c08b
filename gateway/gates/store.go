package gates

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Directions a gate serves and an event goes.
const (
	DirectionIn   = "in"
	DirectionOut  = "out"
	DirectionBoth = "both"
)

// States of an event.
const (
	StateMatched   = "matched"   // the gateway matched it to a document
	StateUnmatched = "unmatched" // waits for the zone admin
	StateResolved  = "resolved"  // the zone admin matched it by hand
	StateIgnored   = "ignored"   // the zone admin set it aside, with a reason
)

// Why an event is unmatched.
const (
	WhyNoDocument      = "no_document"           // nothing approved and uncrossed for the plate
	WhyAmbiguous       = "ambiguous"             // several documents fit the plate
	WhyDocumentUnknown = "document_unknown"      // the document number names no document
	WhyNotGate         = "not_gate_document"     // the document does not cross the gate
	WhyDirection       = "direction_contradicts" // an entry document at an exit, or the reverse
	WhyNotApproved     = "document_not_approved" // declared, returned, voided …
	WhyCrossed         = "already_crossed"       // its gate pass is recorded or claimed
	WhyPlate           = "plate_differs"         // the document names another vehicle
)

// Gate is a registered barrier gate.
type Gate struct {
	ID         string     `json:"id"`
	Name       string     `json:"name"`
	X          int        `json:"x"`
	Y          int        `json:"y"`
	Directions string     `json:"directions"`
	PublicKey  string     `json:"publicKey"` // base64 of the Ed25519 key
	CreatedAt  time.Time  `json:"createdAt"`
	CreatedBy  string     `json:"createdBy"`
	DisabledAt *time.Time `json:"disabledAt,omitempty"`
}

// Event is a vehicle crossing a gate reported.
type Event struct {
	ID       int64  `json:"id"`
	GateID   string `json:"gateId"`
	GateName string `json:"gateName"`
	GateX    int    `json:"gateX"`
	GateY    int    `json:"gateY"`
	// Plate is what the camera read; Vehicle the plate the crossing
	// counts for (the document's, when the zone admin matched a misread
	// plate).
	Plate        string     `json:"plate"`
	Vehicle      string     `json:"vehicle"`
	Direction    string     `json:"direction"`
	At           time.Time  `json:"at"`
	ImageRef     string     `json:"imageRef"`
	DocumentNo   string     `json:"documentNo"`
	State        string     `json:"state"`
	DocumentID   string     `json:"documentId"`
	UnmatchedWhy string     `json:"unmatchedWhy,omitempty"`
	IgnoreReason string     `json:"ignoreReason,omitempty"`
	ResolvedBy   string     `json:"resolvedBy,omitempty"`
	ResolvedAt   *time.Time `json:"resolvedAt,omitempty"`
	// PassTx is the gate pass's transaction once on the ledger;
	// PassRefused the chaincode's reason when it refused it for good.
	PassTx      string    `json:"passTx,omitempty"`
	PassRefused string    `json:"passRefused,omitempty"`
	ReceivedAt  time.Time `json:"receivedAt"`
}

// eventTables are an event with its gate (eventColumns read both).
const eventTables = `gate_events e JOIN gates g ON g.id = e.gate_id`

const eventColumns = `e.id, e.gate_id, g.name, g.x, g.y, e.plate, e.vehicle, e.direction, e.at, e.image_ref, e.document_no, e.state,
	e.document_id, e.unmatched_why, e.ignore_reason, e.resolved_by, e.resolved_at, e.pass_tx, e.pass_refused, e.received_at`

func scanEvent(row pgx.Row) (Event, error) {
	var e Event
	err := row.Scan(&e.ID, &e.GateID, &e.GateName, &e.GateX, &e.GateY, &e.Plate, &e.Vehicle, &e.Direction, &e.At, &e.ImageRef, &e.DocumentNo,
		&e.State, &e.DocumentID, &e.UnmatchedWhy, &e.IgnoreReason, &e.ResolvedBy, &e.ResolvedAt, &e.PassTx, &e.PassRefused, &e.ReceivedAt)
	return e, err
}

const gateColumns = `id, name, x, y, directions, public_key, created_at, created_by, disabled_at`

func scanGate(row pgx.Row) (Gate, ed25519.PublicKey, error) {
	var g Gate
	var key []byte
	err := row.Scan(&g.ID, &g.Name, &g.X, &g.Y, &g.Directions, &key, &g.CreatedAt, &g.CreatedBy, &g.DisabledAt)
	g.PublicKey = EncodePublicKey(key)
	return g, ed25519.PublicKey(key), err
}

// querier is a pool or a transaction.
type querier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
}

func loadGate(ctx context.Context, q querier, id string) (Gate, ed25519.PublicKey, error) {
	return scanGate(q.QueryRow(ctx, `SELECT `+gateColumns+` FROM gates WHERE id = $1`, id))
}

func loadEvent(ctx context.Context, q querier, id int64, lock bool) (Event, error) {
	sql := `SELECT ` + eventColumns + ` FROM ` + eventTables + ` WHERE e.id = $1`
	if lock {
		sql += ` FOR UPDATE OF e`
	}
	return scanEvent(q.QueryRow(ctx, sql, id))
}

func queryEvents(ctx context.Context, q querier, where string, args ...any) ([]Event, error) {
	rows, err := q.Query(ctx, `SELECT `+eventColumns+` FROM `+eventTables+` `+where, args...)
	if err != nil {
		return nil, err
	}
	out := []Event{}
	for rows.Next() {
		e, err := scanEvent(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// claimed reports whether an event already records the gate pass of
// document id.
func claimed(ctx context.Context, q querier, documentID string) (bool, error) {
	var n int
	err := q.QueryRow(ctx, `SELECT count(*) FROM gate_events WHERE document_id = $1 AND state IN ('matched', 'resolved')`,
		documentID).Scan(&n)
	return n > 0, err
}

func uniqueViolation(err error) bool {
	var pg *pgconn.PgError
	return errors.As(err, &pg) && pg.Code == "23505"
}

// documentClaimed reports a violation of gate_events_document: another
// event records the document's gate pass.
func documentClaimed(err error) bool {
	var pg *pgconn.PgError
	return uniqueViolation(err) && errors.As(err, &pg) && pg.ConstraintName == "gate_events_document"
}

func notFound(err error) bool { return errors.Is(err, pgx.ErrNoRows) }

func wrap(what string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("gates: %s: %w", what, err)
}
