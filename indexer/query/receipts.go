package query

import (
	"context"
	"fmt"
	"math"

	"github.com/jackc/pgx/v5"

	"zonetrace/chaincode/model"
	"zonetrace/internal/pgpage"
)

// Limits of ReceiptsAfter.
const (
	DefaultReceiptBatch = 100
	MaxReceiptBatch     = 1000
)

// ReceiptFilter selects receipts. Empty fields do not filter.
type ReceiptFilter struct {
	EnterpriseID string
	DocumentID   string
	// Page counts from 1 (0 means 1); PageSize defaults to DefaultPageSize
	// and is capped at MaxPageSize.
	Page     int
	PageSize int
}

// ReceiptPage is one page of receipts.
type ReceiptPage struct {
	Items    []model.Receipt `json:"items"`
	Total    int             `json:"total"`
	Page     int             `json:"page"`
	PageSize int             `json:"pageSize"`
}

// ReceiptPosition is where a receipt was issued: its block and its order
// within the block (transaction index * 1000 + the receipt's ordinal among
// the transaction's receipts). Positions order receipts the way the chain
// issued them.
type ReceiptPosition struct {
	Block uint64
	Index int
}

// PositionedReceipt is a receipt with its position.
type PositionedReceipt struct {
	Position ReceiptPosition
	Receipt  model.Receipt
}

const receiptColumns = `id, document_id, family, enterprise_id, status, action, message, source, tx_id, at_text`

// Receipts returns the page of receipts matching f, newest first.
func (r *Reader) Receipts(ctx context.Context, f ReceiptFilter) (ReceiptPage, error) {
	var err error
	if f.Page, f.PageSize, err = normalisePage(f.Page, f.PageSize); err != nil {
		return ReceiptPage{}, fmt.Errorf("list receipts: %w", err)
	}
	c := &conditions{}
	if f.EnterpriseID != "" {
		c.add("enterprise_id = ?", f.EnterpriseID)
	}
	if f.DocumentID != "" {
		c.add("document_id = ?", f.DocumentID)
	}
	page := ReceiptPage{Page: f.Page, PageSize: f.PageSize}
	items, total, err := pgpage.Read(ctx, r.pool, pgpage.List{Columns: receiptColumns, From: `receipts WHERE ` + c.where(),
		OrderBy: `block_number DESC, position_index DESC`}, c.args, f.PageSize, (f.Page-1)*f.PageSize,
		func(row pgx.Row) (model.Receipt, error) {
			var rc model.Receipt
			return rc, row.Scan(receiptFields(&rc)...)
		})
	if err != nil {
		return ReceiptPage{}, fmt.Errorf("list receipts: %w", err)
	}
	page.Total, page.Items = total, items
	return page, nil
}

// ReceiptsAfter returns up to limit receipts issued strictly after after,
// in the order they were issued (limit 0 means DefaultReceiptBatch; it is
// capped at MaxReceiptBatch). The zero position excludes a receipt at
// block 0, index 0; ReceiptPosition{Index: -1} starts at the very beginning.
func (r *Reader) ReceiptsAfter(ctx context.Context, after ReceiptPosition, limit int) ([]PositionedReceipt, error) {
	if limit < 0 {
		return nil, fmt.Errorf("list receipts after %v: %w: limit %d must not be negative", after, ErrInvalidFilter, limit)
	}
	if after.Block > math.MaxInt64 {
		return nil, fmt.Errorf("list receipts after %v: %w: block out of range", after, ErrInvalidFilter)
	}
	if limit == 0 {
		limit = DefaultReceiptBatch
	}
	rows, err := r.pool.Query(ctx, `SELECT block_number, position_index, `+receiptColumns+` FROM receipts
		WHERE (block_number, position_index) > ($1, $2)
		ORDER BY block_number, position_index LIMIT $3`, int64(after.Block), after.Index, min(limit, MaxReceiptBatch))
	if err != nil {
		return nil, fmt.Errorf("list receipts after %v: %w", after, err)
	}
	list := []PositionedReceipt{}
	var p PositionedReceipt
	var block int64
	_, err = pgx.ForEachRow(rows, append([]any{&block, &p.Position.Index}, receiptFields(&p.Receipt)...), func() error {
		p.Position.Block = uint64(block)
		list = append(list, p)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list receipts after %v: %w", after, err)
	}
	return list, nil
}

func receiptFields(r *model.Receipt) []any {
	return []any{&r.ID, &r.DocumentID, &r.Family, &r.EnterpriseID, &r.Status, &r.Action, &r.Message, &r.Source,
		&r.TxID, &r.At}
}
