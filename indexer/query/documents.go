package query

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

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
	PageInfo
}

// documentColumns are the columns scanDocument reads, from documents d
// joined with the declarant e and the counterparty c.
const documentColumns = `d.doc, coalesce(e.name, ''), coalesce(c.name, ''), d.abnormal, d.deleted_or_modified
	FROM documents d
	LEFT JOIN enterprises e ON e.id = d.enterprise_id
	LEFT JOIN enterprises c ON c.id = d.counterparty_id AND d.counterparty_id <> ''`

// SearchDocuments returns the page of documents matching f: abnormal ones
// first, then newest update, then id descending; by page number or, for
// deep pages, by cursor (f.Cursor). Items carry no Steps. The page and the
// capped count of all matches come from one statement. An invalid filter
// is an ErrInvalidFilter, a cursor this API did not issue an
// ErrInvalidCursor.
func (r *Reader) SearchDocuments(ctx context.Context, f DocumentFilter) (DocumentPage, error) {
	items, info, err := searchDocuments(ctx, r, f, func(raw []byte, v DocumentView) (DocumentView, error) {
		if err := r.decodeSealed(indexer.DocumentSealed, raw, &v.Document); err != nil {
			return v, err
		}
		v.Steps = nil
		return v, nil
	})
	return DocumentPage{Items: items, PageInfo: info}, err
}

// SearchDocumentsJSON is SearchDocuments with the items passed through as
// stored (JSONPage), each with the members of a DocumentView.
func (r *Reader) SearchDocumentsJSON(ctx context.Context, f DocumentFilter) (JSONPage, error) {
	items, info, err := searchDocuments(ctx, r, f, func(raw []byte, v DocumentView) (json.RawMessage, error) {
		return r.storedItem(indexer.DocumentSealed, raw, member{"enterpriseName", v.EnterpriseName},
			member{"counterpartyName", v.CounterpartyName}, member{"abnormal", v.Abnormal},
			member{"deletedOrModified", v.DeletedOrModified})
	})
	return JSONPage{Items: items, PageInfo: info}, err
}

// searchDocuments runs the search of SearchDocuments, item making each
// row's item from its stored document and the view's other members (v
// without its Document).
func searchDocuments[T any](ctx context.Context, r *Reader, f DocumentFilter, item func(raw []byte, v DocumentView) (T, error)) ([]T, PageInfo, error) {
	f, err := f.normalise()
	if err != nil {
		return nil, PageInfo{}, fmt.Errorf("search documents: %w", err)
	}
	paging, err := newListPaging(f.Page, f.PageSize, f.Cursor)
	if err != nil {
		return nil, PageInfo{}, fmt.Errorf("search documents: %w", err)
	}
	info := PageInfo{Page: f.Page, PageSize: f.PageSize}
	if paging.cursor != nil {
		info.Page = 0
	}
	sql, args := f.statement(paging)
	rows, err := r.pool.Query(ctx, sql, args...)
	if err != nil {
		return nil, PageInfo{}, fmt.Errorf("search documents: %w", err)
	}
	items := []T{}
	var keys []listKey
	var raw []byte
	var name, counterparty string
	var abnormal, deleted *bool
	var updated *time.Time
	var id *string
	_, err = pgx.ForEachRow(rows, []any{&info.Total, &raw, &name, &counterparty, &abnormal, &deleted, &updated, &id}, func() error {
		if id == nil {
			return nil // no match: the count's row alone
		}
		v, err := item(raw, DocumentView{EnterpriseName: name, CounterpartyName: counterparty, Abnormal: *abnormal, DeletedOrModified: *deleted})
		if err != nil {
			return fmt.Errorf("decode stored document: %w", err)
		}
		items = append(items, v)
		keys = append(keys, listKey{Abnormal: *abnormal, UpdatedAt: *updated, ID: *id})
		return nil
	})
	if err != nil {
		return nil, PageInfo{}, fmt.Errorf("search documents: %w", err)
	}
	info.capTotal()
	kept, next, prev := paging.pageLinks(keys)
	info.Next, info.Prev = next, prev
	return trimmed(paging, items, kept), info, nil
}

// statement is the one statement of a page of the documents matching f:
// the capped count, then the page's rows newest first (one row of NULLs
// after the count when nothing matches).
func (f DocumentFilter) statement(paging listPaging) (string, []any) {
	c := f.conditions()
	spec := listSpec{table: "documents d", alias: "d", keys: []string{"abnormal", "updated_at", "id"},
		columns: "d.doc, d.enterprise_id, d.counterparty_id, d.abnormal, d.deleted_or_modified, d.updated_at, d.id",
		arms:    f.arms(c)}
	return spec.ctes(c, paging) + `
		SELECT t.n, p.doc, coalesce(e.name, ''), coalesce(cp.name, ''), p.abnormal, p.deleted_or_modified, p.updated_at, p.id
		FROM total t
		LEFT JOIN page p ON true
		LEFT JOIN enterprises e ON e.id = p.enterprise_id
		LEFT JOIN enterprises cp ON cp.id = p.counterparty_id AND p.counterparty_id <> ''
		ORDER BY p.abnormal DESC, p.updated_at DESC, p.id DESC`, c.args
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
