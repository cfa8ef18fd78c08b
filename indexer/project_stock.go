package indexer

import (
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"zonetrace/chaincode/model"
)

// movementID is the id the chaincode gives a movement. The movements table
// stores its parts only; the read model rebuilds the id from them.
func movementID(txID, documentID string, lineSeq int) string {
	return fmt.Sprintf("%s:%s:%d", txID, documentID, lineSeq)
}

// queueMovement inserts m at its chain position. A movement is recorded once
// and never changes, so a second insert at the same position is an error.
func queueMovement(batch *pgx.Batch, pos position, m *model.Movement) error {
	if want := movementID(m.TxID, m.DocumentID, m.LineSeq); m.ID != want {
		return fmt.Errorf("movement id %q is not txID:documentID:lineSeq (%q)", m.ID, want)
	}
	at, err := parseTime("at", m.At)
	if err != nil {
		return err
	}
	var fromEnterprise, toEnterprise *string
	var fromBonded, toBonded *bool
	if m.From != nil {
		fromEnterprise, fromBonded = &m.From.EnterpriseID, &m.From.Bonded
	}
	if m.To != nil {
		toEnterprise, toBonded = &m.To.EnterpriseID, &m.To.Bonded
	}
	batch.Queue(`INSERT INTO movements
		(block_number, weight_grams, at, tx_index, event_index, line_seq, from_bonded, to_bonded, kind,
		 document_id, trace_code, from_enterprise, to_enterprise, tx_id, at_text)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
		pos.block, m.WeightGrams, at, pos.txIndex, pos.event, m.LineSeq, fromBonded, toBonded, string(m.Kind),
		m.DocumentID, m.TraceCode, fromEnterprise, toEnterprise, m.TxID, unlessCanonical(m.At, at))
	return nil
}

// queueBalance upserts the full new state of a balance.
func queueBalance(batch *pgx.Batch, block int64, b *model.Balance) error {
	at, err := parseTime("updatedAt", b.UpdatedAt)
	if err != nil {
		return err
	}
	batch.Queue(`INSERT INTO balances
		(trace_code, enterprise_id, bonded, weight_grams, reserved_grams, inbound_grams, outbound_grams,
		 updated_tx, updated_at, updated_at_text, block_number)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
		ON CONFLICT (trace_code, enterprise_id, bonded) DO UPDATE SET weight_grams = EXCLUDED.weight_grams,
			reserved_grams = EXCLUDED.reserved_grams, inbound_grams = EXCLUDED.inbound_grams,
			outbound_grams = EXCLUDED.outbound_grams, updated_tx = EXCLUDED.updated_tx,
			updated_at = EXCLUDED.updated_at, updated_at_text = EXCLUDED.updated_at_text,
			block_number = EXCLUDED.block_number`,
		b.TraceCode, b.EnterpriseID, b.Bonded, b.WeightGrams, b.ReservedGrams, b.InboundGrams, b.OutboundGrams,
		b.UpdatedTx, at, b.UpdatedAt, block)
	return nil
}

// unlessCanonical returns nil when the chain's time string s is what the
// read model rebuilds from the stored timestamp (UTC, RFC 3339, microseconds,
// as the embedded ledger writes it), and s otherwise (Fabric's nanoseconds,
// another offset), so the movements table stores the string only when needed.
func unlessCanonical(s string, t time.Time) *string {
	if canonicalTime(t) == s {
		return nil
	}
	return &s
}

// canonicalTime formats a stored timestamp the way the chaincode formats
// transaction times, at PostgreSQL's microsecond precision; the read model
// formats at_text-less rows the same way.
func canonicalTime(t time.Time) string {
	return t.UTC().Truncate(time.Microsecond).Format(time.RFC3339Nano)
}
