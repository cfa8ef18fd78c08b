package indexer

import (
	"fmt"

	"github.com/jackc/pgx/v5"

	"zonetrace/chaincode/model"
)

// maxReceiptsPerTx bounds the receipts of one transaction so that
// tx index * maxReceiptsPerTx + ordinal orders the receipts of a block.
const maxReceiptsPerTx = 1000

// queueReceipt inserts r at its position in the block. The position counts
// receipts rather than all events: a document of many lines emits a movement
// and balances per line, which could outnumber maxReceiptsPerTx, while a
// transaction issues a receipt per document it changes.
func queueReceipt(batch *pgx.Batch, pos position, r *model.Receipt) error {
	if pos.receipt >= maxReceiptsPerTx {
		return fmt.Errorf("receipt %q: more than %d receipts in one transaction", r.ID, maxReceiptsPerTx)
	}
	at, err := parseTime("at", r.At)
	if err != nil {
		return err
	}
	batch.Queue(`INSERT INTO receipts
		(id, document_id, family, enterprise_id, status, action, message, source, tx_id, at, at_text,
		 block_number, position_index)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
		r.ID, r.DocumentID, string(r.Family), r.EnterpriseID, string(r.Status), r.Action, r.Message, r.Source,
		r.TxID, at, r.At, pos.block, pos.txIndex*maxReceiptsPerTx+pos.receipt)
	return nil
}
