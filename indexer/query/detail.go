package query

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"zonetrace/chaincode/model"
	"zonetrace/indexer"
)

// The detail lookups read a record and its whole history in one statement:
// the steps come as one JSON array built by PostgreSQL in the shape of
// model.PrefilingStep / model.DocumentStep. Under load the cost of a read
// follows its statements and connection checkouts (issue 14), and one
// statement also sees one snapshot without a read-only transaction around
// it (BEGIN, row, steps, COMMIT were four).

// actorJSON builds a step's model.Actor from its actor_* columns.
const actorJSON = `json_build_object('mspId', s.actor_msp, 'clientId', s.actor_client_id, 'role', s.actor_role,
	'enterpriseId', s.actor_enterprise_id, 'name', s.actor_name, 'userId', s.actor_user_id, 'userRole', s.actor_user_role)`

// decidedByJSON builds a step's model.RuleRef, null for a person's step.
const decidedByJSON = `CASE WHEN s.rule_id IS NOT NULL AND s.rule_version IS NOT NULL
	THEN json_build_object('ruleId', s.rule_id, 'configVersion', s.rule_version) END`

// prefilingStepsJSON is the history of prefiling p, by seq; at_text keeps
// each time's original RFC 3339 string.
const prefilingStepsJSON = `coalesce((SELECT json_agg(json_build_object('seq', s.seq, 'action', s.action,
		'actor', ` + actorJSON + `, 'txId', s.tx_id, 'at', s.at_text, 'reason', s.reason,
		'supplement', s.supplement, 'decidedBy', ` + decidedByJSON + `) ORDER BY s.seq)
	FROM prefiling_steps s WHERE s.prefiling_id = p.id), '[]')`

// documentStepsJSON is the history of document d, by seq.
const documentStepsJSON = `coalesce((SELECT json_agg(json_build_object('seq', s.seq, 'action', s.action,
		'status', s.status, 'actor', ` + actorJSON + `, 'txId', s.tx_id, 'at', s.at_text, 'reason', s.reason,
		'source', s.source, 'decidedBy', ` + decidedByJSON + `) ORDER BY s.seq)
	FROM document_steps s WHERE s.document_id = d.id), '[]')`

// Prefiling returns prefiling id with its history ordered by seq, or
// ErrNotFound.
func (r *Reader) Prefiling(ctx context.Context, id string) (PrefilingView, error) {
	var v PrefilingView
	var raw, steps []byte
	err := r.pool.QueryRow(ctx, `SELECT p.doc, coalesce(e.name, ''), `+prefilingStepsJSON+`
		FROM prefilings p LEFT JOIN enterprises e ON e.id = p.enterprise_id
		WHERE p.id = $1`, id).Scan(&raw, &v.EnterpriseName, &steps)
	if err == nil {
		err = r.decodePrefiling(raw, steps, &v)
	}
	if errors.Is(err, pgx.ErrNoRows) {
		err = ErrNotFound
	}
	if err != nil {
		return PrefilingView{}, fmt.Errorf("get prefiling %q: %w", id, err)
	}
	return v, nil
}

// decodePrefiling opens a stored prefiling and its steps (as built by
// prefilingStepsJSON) into v.
func (r *Reader) decodePrefiling(raw, steps []byte, v *PrefilingView) error {
	if err := r.decodeSealed(indexer.PrefilingSealed, raw, &v.Prefiling); err != nil {
		return fmt.Errorf("decode stored prefiling: %w", err)
	}
	v.Steps = []model.PrefilingStep{}
	if err := json.Unmarshal(steps, &v.Steps); err != nil {
		return fmt.Errorf("decode stored steps: %w", err)
	}
	return nil
}

// Document returns document id with its history ordered by seq, or
// ErrNotFound.
func (r *Reader) Document(ctx context.Context, id string) (DocumentView, error) {
	var v DocumentView
	var raw, steps []byte
	err := r.pool.QueryRow(ctx, `SELECT `+documentDetailColumns+` WHERE d.id = $1`, id).
		Scan(&raw, &steps, &v.EnterpriseName, &v.CounterpartyName, &v.Abnormal, &v.DeletedOrModified)
	if err == nil {
		err = r.decodeDocument(raw, steps, &v)
	}
	if errors.Is(err, pgx.ErrNoRows) {
		err = ErrNotFound
	}
	if err != nil {
		return DocumentView{}, fmt.Errorf("get document %q: %w", id, err)
	}
	return v, nil
}

// documentDetailColumns are documentColumns with the document's steps
// (documentStepsJSON) second.
const documentDetailColumns = `d.doc, ` + documentStepsJSON + `, coalesce(e.name, ''), coalesce(c.name, ''), d.abnormal, d.deleted_or_modified
	FROM documents d
	LEFT JOIN enterprises e ON e.id = d.enterprise_id
	LEFT JOIN enterprises c ON c.id = d.counterparty_id AND d.counterparty_id <> ''`

// decodeDocument opens a stored document and its steps into v.
func (r *Reader) decodeDocument(raw, steps []byte, v *DocumentView) error {
	if err := r.decodeSealed(indexer.DocumentSealed, raw, &v.Document); err != nil {
		return fmt.Errorf("decode stored document: %w", err)
	}
	v.Steps = []model.DocumentStep{}
	if err := json.Unmarshal(steps, &v.Steps); err != nil {
		return fmt.Errorf("decode stored steps: %w", err)
	}
	return nil
}

// TraceCodeDetail returns trace code code with its prefiling and the
// prefiling's history, or ErrNotFound.
func (r *Reader) TraceCodeDetail(ctx context.Context, code string) (model.TraceCode, PrefilingView, error) {
	var tc model.TraceCode
	var v PrefilingView
	var tcRaw, raw, steps []byte
	err := r.pool.QueryRow(ctx, `SELECT t.doc, p.doc, coalesce(e.name, ''), `+prefilingStepsJSON+`
		FROM trace_codes t
		JOIN prefilings p ON p.id = t.prefiling_id
		LEFT JOIN enterprises e ON e.id = p.enterprise_id
		WHERE t.code = $1`, code).Scan(&tcRaw, &raw, &v.EnterpriseName, &steps)
	if err == nil {
		err = json.Unmarshal(tcRaw, &tc)
	}
	if err == nil {
		err = r.decodePrefiling(raw, steps, &v)
	}
	if errors.Is(err, pgx.ErrNoRows) {
		err = ErrNotFound
	}
	if err != nil {
		return model.TraceCode{}, PrefilingView{}, fmt.Errorf("get trace code %q with its prefiling: %w", code, err)
	}
	return tc, v, nil
}

// DocumentWithMovements is Document with the movements the document
// caused (as DocumentMovements), both in one round trip on one connection.
func (r *Reader) DocumentWithMovements(ctx context.Context, id string) (DocumentView, []model.Movement, error) {
	batch := &pgx.Batch{}
	batch.Queue(`SELECT `+documentDetailColumns+` WHERE d.id = $1`, id)
	batch.Queue(`SELECT `+movementColumns+` WHERE m.document_id = $1
		ORDER BY m.block_number, m.tx_index, m.event_index`, id)
	res := r.pool.SendBatch(ctx, batch)
	defer res.Close() //nolint:errcheck // a read-only batch: each result's error is checked as it is read; Close releases the connection
	var v DocumentView
	var raw, steps []byte
	err := res.QueryRow().Scan(&raw, &steps, &v.EnterpriseName, &v.CounterpartyName, &v.Abnormal, &v.DeletedOrModified)
	if err == nil {
		err = r.decodeDocument(raw, steps, &v)
	}
	if errors.Is(err, pgx.ErrNoRows) {
		err = ErrNotFound
	}
	if err != nil {
		return DocumentView{}, nil, fmt.Errorf("get document %q: %w", id, err)
	}
	rows, err := res.Query()
	if err != nil {
		return DocumentView{}, nil, fmt.Errorf("list movements of document %q: %w", id, err)
	}
	moves, err := scanMovements(rows)
	if err != nil {
		return DocumentView{}, nil, fmt.Errorf("list movements of document %q: %w", id, err)
	}
	return v, moves, nil
}
