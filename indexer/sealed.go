package indexer

import (
	"context"
	"fmt"
	"strconv"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"zonetrace/internal/sealing"
)

// The commercial values the mirror keeps sealed (docs/architecture.md,
// "Sensitive fields at rest"): a prefiling's average price and a document
// line's unit price and value, in their columns and inside the doc copies
// of the records. No query filters, sorts or sums on them, so nothing
// searchable is lost; the query layer opens the doc columns on read.
var (
	// PrefilingSealed are the sealed members of prefilings.doc.
	PrefilingSealed = sealing.Fields{Place: "prefilings.doc", Paths: []string{"data.avgPriceFen"}}
	// DocumentSealed are the sealed members of documents.doc.
	DocumentSealed = sealing.Fields{Place: "documents.doc", Paths: []string{"lines.*.unitPriceFen", "lines.*.valueFen"}}
)

// Places of the sealed columns.
const (
	placeAvgPrice  = "prefilings.avg_price_fen"
	placeUnitPrice = "document_lines.unit_price_fen"
	placeLineValue = "document_lines.value_fen"
)

// WithSealer seals the commercial values of the rows written with s. The
// node, rebuild and the auditor's replay all pass the same database's keys,
// so a replay writes the very same texts (sealing is deterministic). Without
// it the values are kept in clear (tests of the projection alone).
func WithSealer(s *sealing.Sealer) Option {
	return func(ix *Indexer) { ix.sealer = s }
}

// sealAmount is the stored text of an amount of the field place in row.
func sealAmount(s *sealing.Sealer, place, row string, amount int64) string {
	text := strconv.FormatInt(amount, 10)
	if s == nil {
		return text
	}
	return s.Seal(place, row, []byte(text))
}

func sealDoc(s *sealing.Sealer, f sealing.Fields, row string, doc []byte) ([]byte, error) {
	if s == nil {
		return doc, nil
	}
	return f.Seal(s, row, doc)
}

func lineRow(documentID string, seq int) string { return documentID + "#" + strconv.Itoa(seq) }

// SealExisting seals the commercial values a mirror written before sealing
// still holds in clear, in batches, exactly as the indexer would have
// written them; it runs at start before the indexer, and once it finished
// (table indexer_sealing) later starts skip the scan of the large tables.
func SealExisting(ctx context.Context, pool *pgxpool.Pool, s *sealing.Sealer) (int, error) {
	var done bool
	if err := pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM indexer_sealing)`).Scan(&done); err != nil {
		return 0, fmt.Errorf("seal existing mirror rows: %w", err)
	}
	if done {
		return 0, nil
	}
	total := 0
	for _, step := range []func(context.Context, pgx.Tx, *sealing.Sealer) (int, error){sealPrefilings, sealDocuments, sealLines, sealCockpit} {
		for {
			var n int
			err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
				var err error
				n, err = step(ctx, tx, s)
				return err
			})
			if err != nil {
				return total, fmt.Errorf("seal existing mirror rows: %w", err)
			}
			total += n
			if n == 0 {
				break
			}
		}
	}
	if _, err := pool.Exec(ctx, `INSERT INTO indexer_sealing (sealed_at) VALUES (now())`); err != nil {
		return total, fmt.Errorf("seal existing mirror rows: %w", err)
	}
	return total, nil
}

const sealBatch = 500

func sealPrefilings(ctx context.Context, tx pgx.Tx, s *sealing.Sealer) (int, error) {
	rows, err := tx.Query(ctx, `SELECT id, avg_price_fen, doc FROM prefilings
		WHERE avg_price_fen NOT LIKE 'zt1:%' OR jsonb_typeof(doc->'data'->'avgPriceFen') = 'number'
		LIMIT $1 FOR UPDATE`, sealBatch)
	if err != nil {
		return 0, err
	}
	type row struct {
		id, price string
		doc       []byte
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (row, error) {
		var v row
		return v, r.Scan(&v.id, &v.price, &v.doc)
	})
	if err != nil {
		return 0, err
	}
	for _, r := range list {
		price := r.price
		if !sealing.IsSealed(price) {
			price = s.Seal(placeAvgPrice, r.id, []byte(price))
		}
		doc, err := PrefilingSealed.Seal(s, r.id, r.doc)
		if err != nil {
			return 0, err
		}
		if _, err := tx.Exec(ctx, `UPDATE prefilings SET avg_price_fen = $2, doc = $3 WHERE id = $1`, r.id, price, doc); err != nil {
			return 0, err
		}
	}
	return len(list), nil
}

func sealDocuments(ctx context.Context, tx pgx.Tx, s *sealing.Sealer) (int, error) {
	rows, err := tx.Query(ctx, `SELECT id, doc FROM documents d
		WHERE EXISTS (SELECT 1 FROM jsonb_array_elements(d.doc->'lines') l
			WHERE jsonb_typeof(l->'unitPriceFen') = 'number' OR jsonb_typeof(l->'valueFen') = 'number')
		LIMIT $1 FOR UPDATE`, sealBatch)
	if err != nil {
		return 0, err
	}
	type row struct {
		id  string
		doc []byte
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (row, error) {
		var v row
		return v, r.Scan(&v.id, &v.doc)
	})
	if err != nil {
		return 0, err
	}
	for _, r := range list {
		doc, err := DocumentSealed.Seal(s, r.id, r.doc)
		if err != nil {
			return 0, err
		}
		if _, err := tx.Exec(ctx, `UPDATE documents SET doc = $2 WHERE id = $1`, r.id, doc); err != nil {
			return 0, err
		}
	}
	return len(list), nil
}

func sealLines(ctx context.Context, tx pgx.Tx, s *sealing.Sealer) (int, error) {
	rows, err := tx.Query(ctx, `SELECT document_id, seq, unit_price_fen, value_fen FROM document_lines
		WHERE unit_price_fen NOT LIKE 'zt1:%' OR value_fen NOT LIKE 'zt1:%'
		LIMIT $1 FOR UPDATE`, sealBatch)
	if err != nil {
		return 0, err
	}
	type row struct {
		id           string
		seq          int
		price, value string
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (row, error) {
		var v row
		return v, r.Scan(&v.id, &v.seq, &v.price, &v.value)
	})
	if err != nil {
		return 0, err
	}
	for _, r := range list {
		line := lineRow(r.id, r.seq)
		if !sealing.IsSealed(r.price) {
			r.price = s.Seal(placeUnitPrice, line, []byte(r.price))
		}
		if !sealing.IsSealed(r.value) {
			r.value = s.Seal(placeLineValue, line, []byte(r.value))
		}
		if _, err := tx.Exec(ctx, `UPDATE document_lines SET unit_price_fen = $3, value_fen = $4 WHERE document_id = $1 AND seq = $2`,
			r.id, r.seq, r.price, r.value); err != nil {
			return 0, err
		}
	}
	return len(list), nil
}
