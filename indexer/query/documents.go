package query

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"zonetrace/chaincode/model"
	"zonetrace/indexer"
)

// DocumentView is a document with the names of its declarant and
// counterparty and the flags customs' lists show.
type DocumentView struct {
	model.Document
	EnterpriseName   string `json:"enterpriseName"`
	CounterpartyName string `json:"counterpartyName"`
	// Abnormal says the document carries tags.
	Abnormal bool `json:"abnormal"`
	// DeletedOrModified says a deletion touched the document: voided,
	// awaiting deletion, or changed after its declaration by a deletion
	// request (a rejected one included).
	DeletedOrModified bool `json:"deletedOrModified"`
}

// DocumentPage is one page of a document search.
type DocumentPage struct {
	Items []DocumentView `json:"items"`
	Total int            `json:"total"`
	// TotalCapped says there are more than Total (CountCap) matches.
	TotalCapped bool `json:"totalCapped"`
	Page        int  `json:"page"`
	PageSize    int  `json:"pageSize"`
}

// documentColumns are the columns scanDocument reads, from documents d
// joined with the declarant e and the counterparty c.
const documentColumns = `d.doc, coalesce(e.name, ''), coalesce(c.name, ''), d.abnormal, d.deleted_or_modified
	FROM documents d
	LEFT JOIN enterprises e ON e.id = d.enterprise_id
	LEFT JOIN enterprises c ON c.id = d.counterparty_id AND d.counterparty_id <> ''`

// SearchDocuments returns the page of documents matching f: abnormal ones
// first, then newest update, then id. Items carry no Steps. An invalid
// filter is an ErrInvalidFilter.
func (r *Reader) SearchDocuments(ctx context.Context, f DocumentFilter) (DocumentPage, error) {
	f, err := f.normalise()
	if err != nil {
		return DocumentPage{}, fmt.Errorf("search documents: %w", err)
	}
	page := DocumentPage{Items: []DocumentView{}, Page: f.Page, PageSize: f.PageSize}
	c := f.conditions()
	limit, pageArgs := c.page(f.Page, f.PageSize)
	err = r.readOnly(ctx, func(tx pgx.Tx) error {
		var err error
		if page.Total, page.TotalCapped, err = countCapped(ctx, tx, `documents d WHERE `+c.where(), c.args); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT `+documentColumns+`
			WHERE `+c.where()+`
			ORDER BY d.abnormal DESC, d.updated_at DESC, d.id`+limit, pageArgs...)
		if err != nil {
			return fmt.Errorf("list: %w", err)
		}
		var raw []byte
		var name, counterparty string
		var abnormal, deleted bool
		_, err = pgx.ForEachRow(rows, []any{&raw, &name, &counterparty, &abnormal, &deleted}, func() error {
			v := DocumentView{EnterpriseName: name, CounterpartyName: counterparty, Abnormal: abnormal, DeletedOrModified: deleted}
			if err := r.decodeSealed(indexer.DocumentSealed, raw, &v.Document); err != nil {
				return fmt.Errorf("decode stored document: %w", err)
			}
			v.Steps = nil
			page.Items = append(page.Items, v)
			return nil
		})
		if err != nil {
			return fmt.Errorf("list: %w", err)
		}
		return nil
	})
	if err != nil {
		return DocumentPage{}, fmt.Errorf("search documents: %w", err)
	}
	return page, nil
}

// IncomingTransfers lists the out legs of bonded and non-bonded transfers
// naming enterpriseID as transferee that are approved and have no in leg
// yet, newest update first: the transfers it has to receive.
func (r *Reader) IncomingTransfers(ctx context.Context, enterpriseID string) ([]model.Document, error) {
	rows, err := r.pool.Query(ctx, `SELECT doc FROM documents WHERE `+incomingWhere+`
		ORDER BY updated_at DESC, id`, incomingArgs(enterpriseID)...)
	if err != nil {
		return nil, fmt.Errorf("list incoming transfers of %q: %w", enterpriseID, err)
	}
	list := []model.Document{}
	var raw []byte
	_, err = pgx.ForEachRow(rows, []any{&raw}, func() error {
		var d model.Document
		if err := r.decodeSealed(indexer.DocumentSealed, raw, &d); err != nil {
			return fmt.Errorf("decode stored document: %w", err)
		}
		list = append(list, d)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list incoming transfers of %q: %w", enterpriseID, err)
	}
	return list, nil
}
