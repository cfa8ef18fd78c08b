package query

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"zonetrace/chaincode/model"
)

// LedgerProof places a transaction on the chain: the block holding it and
// that block's header hash (hex), which anyone holding a copy of the ledger
// can check. BlockHash is empty while the block explorer's mirror lacks the
// block.
type LedgerProof struct {
	BlockNumber uint64 `json:"blockNumber"`
	TxID        string `json:"txId"`
	BlockHash   string `json:"blockHash"`
}

// JourneyMovement is a movement of a trace code with the document family
// that caused it and its place on the chain.
type JourneyMovement struct {
	model.Movement
	Family       model.Family       `json:"family"`
	BusinessType model.BusinessType `json:"businessType"`
	Proof        LedgerProof        `json:"proof"`
}

// MaxJourney bounds the movements TraceJourney returns: a batch is split over
// a few dozen documents, never thousands.
const MaxJourney = 5000

// TraceJourney returns the movements of trace code code in chain order, at
// most MaxJourney, each with its document's family and block proof.
func (r *Reader) TraceJourney(ctx context.Context, code string) ([]JourneyMovement, error) {
	rows, err := r.pool.Query(ctx, `SELECT m.tx_id, m.document_id, m.line_seq, m.kind, m.trace_code, m.from_enterprise,
			m.from_bonded, m.to_enterprise, m.to_bonded, m.weight_grams, m.at, m.at_text,
			coalesce(d.family, ''), coalesce(d.business_type, ''), m.block_number, coalesce(b.header_hash, '')
		FROM movements m
		LEFT JOIN documents d ON d.id = m.document_id
		LEFT JOIN ledger_blocks b ON b.block_number = m.block_number
		WHERE m.trace_code = $1
		ORDER BY m.block_number, m.tx_index, m.event_index LIMIT $2`, code, MaxJourney)
	if err != nil {
		return nil, fmt.Errorf("trace journey of %q: %w", code, err)
	}
	list := []JourneyMovement{}
	var j JourneyMovement
	var fromEnterprise, toEnterprise, atText *string
	var fromBonded, toBonded *bool
	var at time.Time
	var block int64
	var hash []byte
	_, err = pgx.ForEachRow(rows, []any{&j.TxID, &j.DocumentID, &j.LineSeq, &j.Kind, &j.TraceCode, &fromEnterprise,
		&fromBonded, &toEnterprise, &toBonded, &j.WeightGrams, &at, &atText, &j.Family, &j.BusinessType, &block, &hash}, func() error {
		v := j
		v.ID = fmt.Sprintf("%s:%s:%d", j.TxID, j.DocumentID, j.LineSeq)
		v.From, v.To = holding(fromEnterprise, fromBonded), holding(toEnterprise, toBonded)
		v.At = canonicalTime(at)
		if atText != nil {
			v.At = *atText
		}
		v.Proof = LedgerProof{BlockNumber: uint64(block), TxID: j.TxID, BlockHash: hex.EncodeToString(hash)}
		list = append(list, v)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("trace journey of %q: %w", code, err)
	}
	return list, nil
}

// TxProof returns where the valid transaction txID is on the chain, or
// ErrNotFound.
func (r *Reader) TxProof(ctx context.Context, txID string) (LedgerProof, error) {
	var block int64
	var hash []byte
	err := r.pool.QueryRow(ctx, `SELECT t.block_number, coalesce(b.header_hash, '')
		FROM ledger_transactions t LEFT JOIN ledger_blocks b USING (block_number)
		WHERE t.tx_id = $1 AND t.valid`, txID).Scan(&block, &hash)
	if errors.Is(err, pgx.ErrNoRows) {
		return LedgerProof{}, fmt.Errorf("proof of transaction %q: %w", txID, ErrNotFound)
	}
	if err != nil {
		return LedgerProof{}, fmt.Errorf("proof of transaction %q: %w", txID, err)
	}
	return LedgerProof{BlockNumber: uint64(block), TxID: txID, BlockHash: hex.EncodeToString(hash)}, nil
}
