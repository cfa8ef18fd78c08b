package indexer

import (
	"cmp"
	"encoding/json"
	"fmt"

	"github.com/jackc/pgx/v5"

	"zonetrace/chaincode/model"
	"zonetrace/internal/sealing"
)

// queueDocument upserts the document without its history, replaces its lines
// and tags (the event carries them in full) and appends the steps not yet
// stored, which keep the block that first carried them.
func queueDocument(batch *pgx.Batch, block int64, d *model.Document, s *sealing.Sealer) error {
	declaredAt, err := parseTime("declaredAt", d.DeclaredAt)
	if err != nil {
		return err
	}
	updatedAt, err := parseTime("updatedAt", d.UpdatedAt)
	if err != nil {
		return err
	}
	head := *d
	head.Steps = nil
	doc, err := json.Marshal(head)
	if err != nil {
		return fmt.Errorf("encode document: %w", err)
	}
	if doc, err = sealDoc(s, DocumentSealed, d.ID, doc); err != nil {
		return err
	}
	batch.Queue(`INSERT INTO documents
		(id, family, business_type, enterprise_id, counterparty_id, status, linked_document_id, in_leg_id,
		 customs_no, abnormal, deleted_or_modified, declared_at, updated_at, updated_tx, block_number, doc, consolidated_in)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
		ON CONFLICT (id) DO UPDATE SET family = EXCLUDED.family, business_type = EXCLUDED.business_type,
			enterprise_id = EXCLUDED.enterprise_id, counterparty_id = EXCLUDED.counterparty_id,
			status = EXCLUDED.status, linked_document_id = EXCLUDED.linked_document_id,
			in_leg_id = EXCLUDED.in_leg_id, customs_no = EXCLUDED.customs_no, abnormal = EXCLUDED.abnormal,
			deleted_or_modified = EXCLUDED.deleted_or_modified, declared_at = EXCLUDED.declared_at,
			updated_at = EXCLUDED.updated_at, updated_tx = EXCLUDED.updated_tx,
			block_number = EXCLUDED.block_number, doc = EXCLUDED.doc, consolidated_in = EXCLUDED.consolidated_in`,
		d.ID, string(d.Family), string(d.BusinessType), d.EnterpriseID, d.Head.CounterpartyID, string(d.Status),
		d.Head.LinkedDocumentID, d.InLegID, d.CustomsNo, len(d.Tags) > 0, deletedOrModified(d),
		declaredAt, updatedAt, d.UpdatedTx, block, doc, d.ConsolidatedIn)

	batch.Queue(`DELETE FROM document_lines WHERE document_id = $1`, d.ID)
	for _, l := range d.Lines {
		batch.Queue(`INSERT INTO document_lines
			(document_id, seq, trace_code, material_no, product_name, hs_code, origin, weight_grams,
			 unit_price_fen, value_fen, currency)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
			d.ID, l.Seq, l.TraceCode, l.MaterialNo, l.ProductName, l.HSCode, l.Origin, l.WeightGrams,
			sealAmount(s, placeUnitPrice, lineRow(d.ID, l.Seq), l.UnitPriceFen),
			sealAmount(s, placeLineValue, lineRow(d.ID, l.Seq), l.ValueFen), l.Currency)
	}
	batch.Queue(`DELETE FROM document_tags WHERE document_id = $1`, d.ID)
	for i, tag := range d.Tags {
		addedBy := ""
		if tag.AddedBy != nil {
			addedBy = cmp.Or(tag.AddedBy.UserID, tag.AddedBy.Name)
		}
		fields := tag.Fields
		if fields == nil {
			fields = []string{}
		}
		batch.Queue(`INSERT INTO document_tags (document_id, seq, code, reason, tx_id, config_version, model, fields, added_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
			d.ID, i+1, tag.Code, tag.Reason, tag.TxID, tag.ConfigVersion, tag.Model, fields, addedBy)
	}
	for _, s := range d.Steps {
		if err := queueDocumentStep(batch, block, d.ID, s); err != nil {
			return fmt.Errorf("step %d: %w", s.Seq, err)
		}
	}
	return nil
}

func queueDocumentStep(batch *pgx.Batch, block int64, documentID string, s model.DocumentStep) error {
	at, err := parseTime("at", s.At)
	if err != nil {
		return err
	}
	ruleID, ruleVersion := ruleColumns(s.DecidedBy)
	batch.Queue(`INSERT INTO document_steps
		(document_id, seq, action, status, actor_msp, actor_client_id, actor_role, actor_enterprise_id,
		 actor_name, actor_user_id, actor_user_role, tx_id, at, at_text, reason, source, block_number, rule_id, rule_version)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)
		ON CONFLICT (document_id, seq) DO NOTHING`,
		documentID, s.Seq, s.Action, string(s.Status), s.Actor.MspID, s.Actor.ClientID, string(s.Actor.Role),
		s.Actor.EnterpriseID, s.Actor.Name, s.Actor.UserID, s.Actor.UserRole, s.TxID, at, s.At, s.Reason, s.Source, block, ruleID, ruleVersion)
	return nil
}

// deletedOrModified says whether a deletion or customs' change ever
// touched d: it is voided or awaiting deletion, or its history holds a
// deletion or change step (a rejected request leaves the document changed
// after its declaration). Customs' lists
// highlight these rows.
func deletedOrModified(d *model.Document) bool {
	if d.Status == model.DocDeletionAsked || d.Status == model.DocVoided || d.Deletion != nil {
		return true
	}
	for _, s := range d.Steps {
		switch s.Action {
		case model.DocActionRequestDeletion, model.DocActionConfirmDeletion, model.DocActionApproveDeletion,
			model.DocActionRejectDeletion, model.DocActionVoid, model.DocActionAmend:
			return true
		}
	}
	return false
}
