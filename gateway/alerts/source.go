package alerts

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"zonetrace/chaincode/model"
	"zonetrace/indexer/query"
)

// PGSource reads the indexer's mirror in the same database; the sealed
// prices are opened through the query reader.
type PGSource struct {
	pool  *pgxpool.Pool
	reads *query.Reader
}

// NewPGSource reads pool, opening sealed values with reads.
func NewPGSource(pool *pgxpool.Pool, reads *query.Reader) *PGSource {
	return &PGSource{pool: pool, reads: reads}
}

// IndexedHeight is the last block applied (the checkpoint holds the next).
func (s *PGSource) IndexedHeight(ctx context.Context) (uint64, error) {
	next, err := s.reads.IndexedHeight(ctx)
	if err != nil || next == 0 {
		return 0, err
	}
	return next - 1, nil
}

// Config is the newest version mirrored at or before upto, or version 0.
func (s *PGSource) Config(ctx context.Context, upto uint64) (model.RuleConfig, error) {
	var raw []byte
	err := s.pool.QueryRow(ctx, `SELECT doc FROM rule_configs WHERE block_number <= $1 ORDER BY version DESC LIMIT 1`, int64(upto)).Scan(&raw)
	if errors.Is(err, pgx.ErrNoRows) {
		return model.DefaultRuleConfig(), nil
	}
	if err != nil {
		return model.RuleConfig{}, fmt.Errorf("risk alerts: read rule configuration: %w", err)
	}
	var cfg model.RuleConfig
	if err := json.Unmarshal(raw, &cfg); err != nil {
		return model.RuleConfig{}, fmt.Errorf("risk alerts: decode rule configuration: %w", err)
	}
	return cfg, nil
}

// ConfigChange is the first block in (after, upto] that mirrored a new
// rule configuration version.
func (s *PGSource) ConfigChange(ctx context.Context, after, upto uint64) (uint64, error) {
	var block *int64
	if err := s.pool.QueryRow(ctx, `SELECT min(block_number) FROM rule_configs WHERE block_number > $1 AND block_number <= $2`,
		int64(after), int64(upto)).Scan(&block); err != nil {
		return 0, fmt.Errorf("risk alerts: read rule configuration changes: %w", err)
	}
	if block == nil {
		return 0, nil
	}
	return uint64(*block), nil
}

func (s *PGSource) ids(ctx context.Context, sql string, args ...any) ([]string, error) {
	rows, err := s.pool.Query(ctx, sql, args...)
	if err != nil {
		return nil, fmt.Errorf("risk alerts: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}

func (s *PGSource) batch(ctx context.Context, id string) (Batch, error) {
	v, err := s.reads.Prefiling(ctx, id)
	if err != nil {
		return Batch{}, err
	}
	d := v.Data
	at, _ := time.Parse(time.RFC3339Nano, v.DeclaredAt)
	return Batch{PrefilingID: v.ID, TraceCode: v.TraceCode, EnterpriseID: v.EnterpriseID, Commodity: d.Commodity,
		ProductName: d.ProductName, HSCode: d.HSCode, Origin: d.Origin, QuarantineResult: d.QuarantineResult,
		HasCertificate: slices.ContainsFunc(d.Attachments, func(a model.Attachment) bool {
			return a.Kind == model.AttachmentQuarantineCertificate
		}), AvgPriceFen: d.AvgPriceFen, WeightGrams: d.WeightGrams, DeclaredAt: at}, nil
}

// Batches are the approved prefilings last written in (after, upto].
func (s *PGSource) Batches(ctx context.Context, after, upto uint64) ([]Batch, error) {
	ids, err := s.ids(ctx, `SELECT id FROM prefilings WHERE status = 'approved' AND trace_code <> ''
		AND block_number > $1 AND block_number <= $2 ORDER BY id`, int64(after), int64(upto))
	if err != nil {
		return nil, err
	}
	out := make([]Batch, 0, len(ids))
	for _, id := range ids {
		b, err := s.batch(ctx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, nil
}

// Lines are the lines of the documents last written in (after, upto],
// each with its batch's entry price.
func (s *PGSource) Lines(ctx context.Context, after, upto uint64) ([]Line, error) {
	ids, err := s.ids(ctx, `SELECT id FROM documents WHERE block_number > $1 AND block_number <= $2 ORDER BY id`, int64(after), int64(upto))
	if err != nil {
		return nil, err
	}
	entry := map[string]int64{}
	var out []Line
	for _, id := range ids {
		d, err := s.reads.Document(ctx, id)
		if err != nil {
			return nil, err
		}
		for _, l := range d.Lines {
			price, seen := entry[l.TraceCode]
			if !seen {
				if price, err = s.entryPrice(ctx, l.TraceCode); err != nil {
					return nil, err
				}
				entry[l.TraceCode] = price
			}
			out = append(out, Line{DocumentID: d.ID, Seq: l.Seq, EnterpriseID: d.EnterpriseID, TraceCode: l.TraceCode,
				UnitPriceFen: l.UnitPriceFen, EntryPriceFen: price})
		}
	}
	return out, nil
}

// entryPrice is the average price a trace code's batch was approved with,
// 0 for a code the mirror does not know.
func (s *PGSource) entryPrice(ctx context.Context, code string) (int64, error) {
	ids, err := s.ids(ctx, `SELECT prefiling_id FROM trace_codes WHERE code = $1`, code)
	if err != nil || len(ids) == 0 {
		return 0, err
	}
	b, err := s.batch(ctx, ids[0])
	return b.AvgPriceFen, err
}

// ReferencePrice averages, weighted by weight, the other approved batches
// of b's origin and HS code declared in the days before b.
func (s *PGSource) ReferencePrice(ctx context.Context, b Batch, days int) (int64, error) {
	ids, err := s.ids(ctx, `SELECT id FROM prefilings WHERE status = 'approved' AND origin = $1 AND hs_code = $2
		AND declared_at >= $3 AND declared_at < $4 AND id <> $5 ORDER BY id`,
		b.Origin, b.HSCode, b.DeclaredAt.AddDate(0, 0, -days), b.DeclaredAt, b.PrefilingID)
	if err != nil {
		return 0, err
	}
	// price × grams overflows int64 for large batches.
	sum, weight := new(big.Int), new(big.Int)
	for _, id := range ids {
		o, err := s.batch(ctx, id)
		if err != nil {
			return 0, err
		}
		g := big.NewInt(o.WeightGrams)
		sum.Add(sum, new(big.Int).Mul(big.NewInt(o.AvgPriceFen), g))
		weight.Add(weight, g)
	}
	if weight.Sign() == 0 {
		return 0, nil
	}
	return sum.Quo(sum, weight).Int64(), nil
}

// Holdings are the batches held with weight left, in the zone since their
// trace code was issued.
func (s *PGSource) Holdings(ctx context.Context) ([]Holding, error) {
	rows, err := s.pool.Query(ctx, `SELECT DISTINCT ON (b.trace_code) b.trace_code, b.enterprise_id, t.commodity, t.issued_at
		FROM balances b JOIN trace_codes t ON t.code = b.trace_code
		WHERE b.weight_grams > 0 ORDER BY b.trace_code, b.enterprise_id`)
	if err != nil {
		return nil, fmt.Errorf("risk alerts: holdings: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Holding, error) {
		var h Holding
		return h, r.Scan(&h.TraceCode, &h.EnterpriseID, &h.Commodity, &h.Since)
	})
}
