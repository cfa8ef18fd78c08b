package bundle

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"zonetrace/indexer"
)

// ErrNoEvidence means no valid transaction in the mirror touched the trace
// code.
var ErrNoEvidence = errors.New("no transaction touched the trace code")

// Source says where a bundle's content comes from.
type Source struct {
	// Mirror is the indexer's database (ledger_blocks, ledger_transactions,
	// ledger_tx_subjects).
	Mirror *pgxpool.Pool
	// Ledger is LedgerEmbedded or LedgerFabric.
	Ledger string
	// CARoots are the channel MSPs' root certificates (PEM) by MSP ID.
	CARoots map[string]string
	Now     func() time.Time
}

// Build assembles the evidence bundle of traceCode from one snapshot of the
// mirror.
func Build(ctx context.Context, src Source, traceCode string) (*Bundle, error) {
	b := &Bundle{Format: Format, Ledger: src.Ledger, TraceCode: traceCode, GeneratedAt: src.Now().UTC(), CARoots: src.CARoots}
	opts := pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}
	err := pgx.BeginTxFunc(ctx, src.Mirror, opts, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT s.block_number, s.tx_index, t.tx_id
			FROM ledger_tx_subjects s JOIN ledger_transactions t USING (block_number, tx_index)
			WHERE s.kind = $1 AND s.subject = $2 AND t.valid
			ORDER BY s.block_number, s.tx_index`, indexer.SubjectTraceCode, traceCode)
		if err != nil {
			return err
		}
		b.Evidence, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (TxRef, error) {
			var ref TxRef
			var block int64
			err := r.Scan(&block, &ref.Index, &ref.TxID)
			ref.Block = uint64(block)
			return ref, err
		})
		if err != nil {
			return err
		}
		if len(b.Evidence) == 0 {
			return ErrNoEvidence
		}
		first, last := b.Evidence[0].Block, b.Evidence[len(b.Evidence)-1].Block
		rows, err = tx.Query(ctx, `SELECT block_number, previous_hash, data_hash, metadata_hash, header_hash
			FROM ledger_blocks WHERE block_number BETWEEN $1 AND $2 ORDER BY block_number`, int64(first), int64(last))
		if err != nil {
			return err
		}
		b.Headers, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (Header, error) {
			var h Header
			var n int64
			err := r.Scan(&n, &h.PreviousHash, &h.DataHash, &h.MetadataHash, &h.Hash)
			h.Number = uint64(n)
			return h, err
		})
		if err != nil {
			return err
		}
		for _, ref := range b.Evidence {
			if len(b.Blocks) > 0 && b.Blocks[len(b.Blocks)-1].Number == ref.Block {
				continue
			}
			blk, err := readBlock(ctx, tx, ref.Block)
			if err != nil {
				return err
			}
			b.Blocks = append(b.Blocks, blk)
		}
		return nil
	})
	if errors.Is(err, ErrNoEvidence) {
		return nil, err
	}
	if err != nil {
		return nil, fmt.Errorf("build evidence bundle of %s: %w", traceCode, err)
	}
	return b, nil
}

func readBlock(ctx context.Context, tx pgx.Tx, n uint64) (Block, error) {
	blk := Block{Number: n, Transactions: [][]byte{}, ValidationCodes: []string{}}
	rows, err := tx.Query(ctx, `SELECT raw, validation_code FROM ledger_transactions
		WHERE block_number = $1 ORDER BY tx_index`, int64(n))
	if err != nil {
		return blk, err
	}
	var raw []byte
	var code string
	_, err = pgx.ForEachRow(rows, []any{&raw, &code}, func() error {
		blk.Transactions = append(blk.Transactions, append([]byte(nil), raw...))
		blk.ValidationCodes = append(blk.ValidationCodes, code)
		return nil
	})
	return blk, err
}
