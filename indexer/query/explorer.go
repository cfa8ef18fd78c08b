package query

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"zonetrace/indexer"
	"zonetrace/internal/pgpage"
)

// Explorer answers the block explorer's queries from the mirror's
// ledger_blocks, ledger_transactions and ledger_tx_subjects.
type Explorer struct {
	pool *pgxpool.Pool
}

// NewExplorer returns an Explorer on pool, which the caller keeps owning.
func NewExplorer(pool *pgxpool.Pool) *Explorer { return &Explorer{pool: pool} }

// BlockView is a block header as the explorer shows it; hashes are hex.
type BlockView struct {
	Number       int64      `json:"number"`
	HeaderHash   string     `json:"headerHash"`
	PreviousHash string     `json:"previousHash"`
	DataHash     string     `json:"dataHash"`
	MetadataHash string     `json:"metadataHash,omitempty"`
	TxCount      int        `json:"txCount"`
	At           *time.Time `json:"at,omitempty"`
}

// BlockDetail is a block with its transactions.
type BlockDetail struct {
	BlockView
	Transactions []TxSummary `json:"transactions"`
}

// BlockPage is one page of blocks, newest first.
type BlockPage struct {
	Items    []BlockView `json:"items"`
	Total    int         `json:"total"`
	Page     int         `json:"page"`
	PageSize int         `json:"pageSize"`
}

// TxSummary is a transaction in lists: who did what, and the verdict.
type TxSummary struct {
	TxID           string             `json:"txId"`
	Block          int64              `json:"block"`
	Index          int                `json:"index"`
	Valid          bool               `json:"valid"`
	ValidationCode string             `json:"validationCode"`
	Function       string             `json:"function"`
	CreatorMspID   string             `json:"creatorMspId"`
	Individual     indexer.Individual `json:"individual"`
	At             time.Time          `json:"at"`
}

// TxDetail is everything the explorer shows of one transaction.
type TxDetail struct {
	TxSummary
	CreatorID    string                `json:"creatorId"`
	CreatorCert  string                `json:"creatorCertPem"`
	Endorsements []indexer.Endorsement `json:"endorsements"`
	Writes       []indexer.KeyWrite    `json:"writes"`
	// Subjects are the trace codes, documents and prefilings it touched.
	Subjects []Subject `json:"subjects"`
	// Size is the length of the transaction's committed bytes.
	Size   int         `json:"size"`
	Header BlockHeader `json:"blockHeader"`
}

// BlockHeader is the header of the block a transaction is in.
type BlockHeader struct {
	HeaderHash   string `json:"headerHash"`
	PreviousHash string `json:"previousHash"`
	DataHash     string `json:"dataHash"`
}

// Subject is one thing a transaction touched.
type Subject struct {
	Kind string `json:"kind"`
	ID   string `json:"id"`
}

// Blocks lists blocks newest first.
func (e *Explorer) Blocks(ctx context.Context, page, size int) (BlockPage, error) {
	page, size, err := normalisePage(page, size)
	if err != nil {
		return BlockPage{}, err
	}
	out := BlockPage{Page: page, PageSize: size}
	items, total, err := pgpage.Read(ctx, e.pool, pgpage.List{Columns: blockColumns, From: `ledger_blocks`,
		OrderBy: `block_number DESC`}, nil, size, (page-1)*size, scanBlock)
	if err != nil {
		return out, fmt.Errorf("list blocks: %w", err)
	}
	out.Total, out.Items = total, items
	return out, nil
}

const blockColumns = `block_number, header_hash, previous_hash, data_hash, metadata_hash, tx_count, at`

func scanBlock(r pgx.Row) (BlockView, error) {
	var b BlockView
	var header, prev, data, meta []byte
	err := r.Scan(&b.Number, &header, &prev, &data, &meta, &b.TxCount, &b.At)
	b.HeaderHash, b.PreviousHash, b.DataHash, b.MetadataHash =
		hex.EncodeToString(header), hex.EncodeToString(prev), hex.EncodeToString(data), hex.EncodeToString(meta)
	return b, err
}

// Block returns block n with its transactions, or ErrNotFound.
func (e *Explorer) Block(ctx context.Context, n int64) (BlockDetail, error) {
	var d BlockDetail
	var err error
	d.BlockView, err = scanBlock(e.pool.QueryRow(ctx, `SELECT `+blockColumns+` FROM ledger_blocks WHERE block_number = $1`, n))
	if errors.Is(err, pgx.ErrNoRows) {
		return d, fmt.Errorf("get block %d: %w", n, ErrNotFound)
	}
	if err != nil {
		return d, fmt.Errorf("get block %d: %w", n, err)
	}
	rows, err := e.pool.Query(ctx, `SELECT `+txSummaryColumns+` FROM ledger_transactions t
		WHERE block_number = $1 ORDER BY tx_index`, n)
	if err != nil {
		return d, fmt.Errorf("get block %d: %w", n, err)
	}
	if d.Transactions, err = pgx.CollectRows(rows, scanTxSummary); err != nil {
		return d, fmt.Errorf("get block %d: %w", n, err)
	}
	return d, nil
}

const txSummaryColumns = `t.tx_id, t.block_number, t.tx_index, t.valid, t.validation_code, t.function,
	t.creator_msp, t.creator_name, t.user_id, t.user_role, t.user_enterprise, t.at`

func scanTxSummary(r pgx.CollectableRow) (TxSummary, error) {
	var s TxSummary
	err := r.Scan(&s.TxID, &s.Block, &s.Index, &s.Valid, &s.ValidationCode, &s.Function, &s.CreatorMspID,
		&s.Individual.Name, &s.Individual.UserID, &s.Individual.Role, &s.Individual.EnterpriseID, &s.At)
	s.At = s.At.UTC()
	return s, err
}

// Transaction returns the transaction txID, or ErrNotFound. An id that an
// invalid transaction reused names the valid one, else the latest.
func (e *Explorer) Transaction(ctx context.Context, txID string) (TxDetail, error) {
	var d TxDetail
	var header, prev, data, raw []byte
	err := e.pool.QueryRow(ctx, `SELECT `+txSummaryColumns+`, t.creator_id, t.creator_cert, t.endorsements, t.writes,
			t.raw, b.header_hash, b.previous_hash, b.data_hash
		FROM ledger_transactions t JOIN ledger_blocks b USING (block_number)
		WHERE t.tx_id = $1 ORDER BY t.valid DESC, t.block_number DESC LIMIT 1`, txID).Scan(
		&d.TxID, &d.Block, &d.Index, &d.Valid, &d.ValidationCode, &d.Function, &d.CreatorMspID,
		&d.Individual.Name, &d.Individual.UserID, &d.Individual.Role, &d.Individual.EnterpriseID, &d.At,
		&d.CreatorID, &d.CreatorCert, &d.Endorsements, &d.Writes, &raw, &header, &prev, &data)
	if errors.Is(err, pgx.ErrNoRows) {
		return d, fmt.Errorf("get transaction %s: %w", txID, ErrNotFound)
	}
	if err != nil {
		return d, fmt.Errorf("get transaction %s: %w", txID, err)
	}
	d.At = d.At.UTC()
	d.Size = len(raw)
	d.Header = BlockHeader{HeaderHash: hex.EncodeToString(header), PreviousHash: hex.EncodeToString(prev), DataHash: hex.EncodeToString(data)}
	rows, err := e.pool.Query(ctx, `SELECT kind, subject FROM ledger_tx_subjects
		WHERE block_number = $1 AND tx_index = $2 ORDER BY kind, subject COLLATE "C"`, d.Block, d.Index)
	if err != nil {
		return d, fmt.Errorf("get transaction %s: %w", txID, err)
	}
	if d.Subjects, err = pgx.CollectRows(rows, pgx.RowToStructByPos[Subject]); err != nil {
		return d, fmt.Errorf("get transaction %s: %w", txID, err)
	}
	return d, nil
}

// SearchResult is what a search term found: the transactions with that id,
// or that touched the trace code, document or prefiling of that id, oldest
// first (at most MaxPageSize).
type SearchResult struct {
	Term         string      `json:"term"`
	Transactions []TxSummary `json:"transactions"`
}

// subjectKinds lists every kind so that a search by subject uses
// ledger_tx_subjects' primary key, which leads with the kind.
var subjectKinds = []string{indexer.SubjectTraceCode, indexer.SubjectDocument, indexer.SubjectPrefiling}

// Search finds transactions by transaction id, trace code, document id or
// prefiling id (exact, surrounding spaces ignored).
func (e *Explorer) Search(ctx context.Context, term string) (SearchResult, error) {
	term = strings.TrimSpace(term)
	out := SearchResult{Term: term, Transactions: []TxSummary{}}
	if term == "" {
		return out, fmt.Errorf("%w: empty search term", ErrInvalidFilter)
	}
	rows, err := e.pool.Query(ctx, `SELECT `+txSummaryColumns+` FROM ledger_transactions t
		WHERE t.tx_id = $1 OR (t.block_number, t.tx_index) IN
			(SELECT block_number, tx_index FROM ledger_tx_subjects WHERE kind = ANY($3) AND subject = $1)
		ORDER BY t.block_number, t.tx_index LIMIT $2`, term, MaxPageSize, subjectKinds)
	if err != nil {
		return out, fmt.Errorf("search %q: %w", term, err)
	}
	if out.Transactions, err = pgx.CollectRows(rows, scanTxSummary); err != nil {
		return out, fmt.Errorf("search %q: %w", term, err)
	}
	return out, nil
}
