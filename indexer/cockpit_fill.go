package indexer

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"zonetrace/chaincode/model"
	"zonetrace/internal/sealing"
)

// FillCockpit computes the cockpit's sums of a mirror indexed before
// migration 00015 from its tables, so an upgraded node needs no rebuild. It
// runs at start before the indexer and does nothing when the sums are
// there or the mirror holds no documents yet (the indexer keeps them from
// the first block). It holds the checkpoint lock, so a running indexer waits.
// Lines are the mirror's current ones, as the projection's fallback reads.
func FillCockpit(ctx context.Context, pool *pgxpool.Pool, s *sealing.Sealer) (bool, error) {
	filled := false
	err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT next_block FROM indexer_checkpoint FOR UPDATE`); err != nil {
			return err
		}
		var kept, documents bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM cockpit_sums), EXISTS (SELECT 1 FROM documents)`).
			Scan(&kept, &documents); err != nil {
			return err
		}
		if kept || !documents {
			return nil
		}
		deltas := map[CockpitKey]*CockpitSum{}
		if err := fillTickets(ctx, tx, deltas); err != nil {
			return err
		}
		if err := fillMoves(ctx, tx, s, deltas); err != nil {
			return err
		}
		filled = true
		return writeCockpit(ctx, tx, s, deltas)
	})
	if err != nil {
		return false, fmt.Errorf("fill cockpit sums: %w", err)
	}
	return filled, nil
}

func fillTickets(ctx context.Context, tx pgx.Tx, deltas map[CockpitKey]*CockpitSum) error {
	rows, err := tx.Query(ctx, `SELECT declared_at, enterprise_id, family, business_type FROM documents`)
	if err != nil {
		return err
	}
	var (
		at                       time.Time
		enterprise, family, kind string
	)
	_, err = pgx.ForEachRow(rows, []any{&at, &enterprise, &family, &kind}, func() error {
		add(deltas, CockpitKey{CockpitTicket, zoneYear(at), enterprise, family, kind}, CockpitSum{Count: 1})
		return nil
	})
	return err
}

// fillMoves adds every mirrored movement as applyCockpit adds it.
func fillMoves(ctx context.Context, tx pgx.Tx, s *sealing.Sealer, deltas map[CockpitKey]*CockpitSum) error {
	facts := map[string]batchFacts{}
	rows, err := tx.Query(ctx, `SELECT t.code, p.hs_code, p.exporter_name, p.avg_price_fen
		FROM trace_codes t JOIN prefilings p ON p.id = t.prefiling_id`)
	if err != nil {
		return err
	}
	if err := scanFacts(rows, s, facts); err != nil {
		return err
	}
	rows, err = tx.Query(ctx, `SELECT m.kind, m.weight_grams, m.at, m.trace_code, m.from_enterprise, m.from_bonded,
			m.to_enterprise, m.to_bonded, l.origin, l.hs_code, l.value_fen
		FROM movements m LEFT JOIN document_lines l ON l.document_id = m.document_id AND l.seq = m.line_seq`)
	if err != nil {
		return err
	}
	var (
		m                 model.Movement
		at                time.Time
		fromID, toID      *string
		fromBond, toBond  *bool
		origin, hs, value *string
	)
	_, err = pgx.ForEachRow(rows, []any{&m.Kind, &m.WeightGrams, &at, &m.TraceCode, &fromID, &fromBond, &toID, &toBond, &origin, &hs, &value}, func() error {
		m.From, m.To = holding(fromID, fromBond), holding(toID, toBond)
		var line model.DocumentLine
		if value != nil {
			fen, err := openAmount(s, placeLineValue, *value)
			if err != nil {
				return fmt.Errorf("%w: %w", errCockpitData, err)
			}
			line = model.DocumentLine{Origin: *origin, HSCode: *hs, ValueFen: fen}
		}
		for _, l := range Legs(&m) {
			addMove(deltas, cockpitMove{leg: l, at: at, code: m.TraceCode, line: line, known: true}, facts[m.TraceCode])
		}
		return nil
	})
	return err
}

func holding(id *string, bonded *bool) *model.Holding {
	if id == nil {
		return nil
	}
	return &model.Holding{EnterpriseID: *id, Bonded: bonded != nil && *bonded}
}
