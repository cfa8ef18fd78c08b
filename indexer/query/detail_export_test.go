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

// PrefilingByStatements is Prefiling as it was before issue 14 (a
// read-only transaction: the row, then its steps), kept as the oracle of
// the one-statement lookup. It returns prefiling id with its history ordered by seq, or
// ErrNotFound.
func (r *Reader) PrefilingByStatements(ctx context.Context, id string) (PrefilingView, error) {
	var v PrefilingView
	err := r.readOnly(ctx, func(tx pgx.Tx) error {
		var raw []byte
		err := tx.QueryRow(ctx, `SELECT p.doc, coalesce(e.name, '')
			FROM prefilings p LEFT JOIN enterprises e ON e.id = p.enterprise_id
			WHERE p.id = $1`, id).Scan(&raw, &v.EnterpriseName)
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		if err := r.decodeSealed(indexer.PrefilingSealed, raw, &v.Prefiling); err != nil {
			return fmt.Errorf("decode stored prefiling: %w", err)
		}
		v.Steps, err = steps(ctx, tx, id)
		return err
	})
	if err != nil {
		return PrefilingView{}, fmt.Errorf("get prefiling %q: %w", id, err)
	}
	return v, nil
}

// steps rebuilds a prefiling's history exactly as the chain holds it; at_text
// keeps each time's original RFC 3339 string.
func steps(ctx context.Context, tx pgx.Tx, prefilingID string) ([]model.PrefilingStep, error) {
	rows, err := tx.Query(ctx, `SELECT seq, action, actor_msp, actor_client_id, actor_role,
			actor_enterprise_id, actor_name, actor_user_id, actor_user_role, tx_id, at_text, reason, supplement, rule_id, rule_version
		FROM prefiling_steps WHERE prefiling_id = $1 ORDER BY seq`, prefilingID)
	if err != nil {
		return nil, fmt.Errorf("list steps: %w", err)
	}
	list := []model.PrefilingStep{}
	var s model.PrefilingStep
	var supplement []byte
	var ruleID *string
	var ruleVersion *int
	_, err = pgx.ForEachRow(rows, []any{&s.Seq, &s.Action, &s.Actor.MspID, &s.Actor.ClientID, &s.Actor.Role,
		&s.Actor.EnterpriseID, &s.Actor.Name, &s.Actor.UserID, &s.Actor.UserRole, &s.TxID, &s.At, &s.Reason, &supplement, &ruleID, &ruleVersion}, func() error {
		step := s
		step.DecidedBy = ruleRef(ruleID, ruleVersion)
		step.Supplement = nil
		if supplement != nil {
			step.Supplement = new(model.SupplementData)
			if err := json.Unmarshal(supplement, step.Supplement); err != nil {
				return fmt.Errorf("decode stored supplement of step %d: %w", s.Seq, err)
			}
		}
		list = append(list, step)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list steps: %w", err)
	}
	return list, nil
}

// DocumentByStatements is Document as it was before issue 14, kept as
// the oracle of the one-statement lookup. It returns document id with its history ordered by seq, or
// ErrNotFound.
func (r *Reader) DocumentByStatements(ctx context.Context, id string) (DocumentView, error) {
	var v DocumentView
	err := r.readOnly(ctx, func(tx pgx.Tx) error {
		var raw []byte
		err := tx.QueryRow(ctx, `SELECT `+documentColumns+` WHERE d.id = $1`, id).
			Scan(&raw, &v.EnterpriseName, &v.CounterpartyName, &v.Abnormal, &v.DeletedOrModified)
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		if err := r.decodeSealed(indexer.DocumentSealed, raw, &v.Document); err != nil {
			return fmt.Errorf("decode stored document: %w", err)
		}
		v.Steps, err = documentSteps(ctx, tx, id)
		return err
	})
	if err != nil {
		return DocumentView{}, fmt.Errorf("get document %q: %w", id, err)
	}
	return v, nil
}

// documentSteps rebuilds a document's history exactly as the chain holds
// it; at_text keeps each time's original string.
func documentSteps(ctx context.Context, tx pgx.Tx, documentID string) ([]model.DocumentStep, error) {
	rows, err := tx.Query(ctx, `SELECT seq, action, status, actor_msp, actor_client_id, actor_role,
			actor_enterprise_id, actor_name, actor_user_id, actor_user_role, tx_id, at_text, reason, source, rule_id, rule_version
		FROM document_steps WHERE document_id = $1 ORDER BY seq`, documentID)
	if err != nil {
		return nil, fmt.Errorf("list steps: %w", err)
	}
	list := []model.DocumentStep{}
	var s model.DocumentStep
	var ruleID *string
	var ruleVersion *int
	_, err = pgx.ForEachRow(rows, []any{&s.Seq, &s.Action, &s.Status, &s.Actor.MspID, &s.Actor.ClientID,
		&s.Actor.Role, &s.Actor.EnterpriseID, &s.Actor.Name, &s.Actor.UserID, &s.Actor.UserRole, &s.TxID, &s.At, &s.Reason, &s.Source, &ruleID, &ruleVersion}, func() error {
		s.DecidedBy = ruleRef(ruleID, ruleVersion)
		list = append(list, s)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list steps: %w", err)
	}
	return list, nil
}
