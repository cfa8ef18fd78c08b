package indexer

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"zonetrace/chaincode/model"
	"zonetrace/internal/sealing"
	"zonetrace/network/ledger"
)

// The cockpit's figures (migration 00015, docs/architecture.md "Cockpit").
const (
	CockpitMonth    = "month"    // period YYYY-MM, k1 import|export
	CockpitCountry  = "country"  // period YYYY, k1 origin
	CockpitImporter = "importer" // period YYYY, k1 enterprise id
	CockpitExporter = "exporter" // period YYYY, k1 foreign exporter's name
	CockpitPrice    = "price"    // period YYYY-MM-DD, k1 origin, k2 HS code
	CockpitTicket   = "ticket"   // period YYYY, k1 enterprise id, k2 family, k3 business type
	CockpitStock    = "stock"    // no period, k1 enterprise id, k2 HS code, k3 bonded|nonbonded
)

// Directions of the month figure and statuses of the stock figure.
const (
	CockpitImport    = "import"
	CockpitExport    = "export"
	CockpitBonded    = "bonded"
	CockpitNonBonded = "nonbonded"
)

// errCockpitData marks a block whose cockpit sums cannot be computed from
// what the mirror holds; retrying would fail the same way.
var errCockpitData = errors.New("cockpit")

// PlaceCockpitValue is the sealing place of cockpit_sums.value.
const PlaceCockpitValue = "cockpit_sums.value"

// CockpitKey names one sum of cockpit_sums.
type CockpitKey struct {
	Figure, Period, K1, K2, K3 string
}

// Row is the sealing row of the key's value.
func (k CockpitKey) Row() string {
	return strings.Join([]string{k.Figure, k.Period, k.K1, k.K2, k.K3}, "\x1f")
}

// CockpitSum is one sum: grams, value (fen; for stock grams × fen/kg, so
// dividing by 1000 once gives fen without rounding every movement) and a
// count (lines, or documents for tickets).
type CockpitSum struct {
	Grams, Value, Count int64
}

// cockpitMove is a leg of a movement in a block with the document line
// that moved it (carried in clear by the same transaction's event).
type cockpitMove struct {
	leg  Leg
	at   time.Time
	code string
	doc  string
	line model.DocumentLine
	// known says line came with the movement.
	known bool
}

// batchFacts are what the cockpit needs of a batch beyond the line: its
// HS code, foreign exporter and average price (fen/kg). Stock is grouped by
// HS code (商品编码), not by product name: names are free text, one per
// batch, and would make the stock figure as large as the balances.
type batchFacts struct {
	hsCode, exporter string
	priceFen         int64
}

// applyCockpit adds what block b changes to the cockpit's sums. It runs in
// the block's transaction after the projections were written, since the
// stock value and the exporter need the batch's prefiling, which an
// earlier block or this one wrote. Values are opened, added and sealed
// again here: a sealed sum cannot be added in SQL.
func applyCockpit(ctx context.Context, tx pgx.Tx, s *sealing.Sealer, b ledger.Block) error {
	deltas := map[CockpitKey]*CockpitSum{}
	var moves []cockpitMove
	for _, t := range b.Transactions {
		if !t.Valid || t.Event == nil || t.Event.Name != model.EventName {
			continue
		}
		env, err := decodeEnvelope(t.Event.Payload)
		if err != nil {
			return err
		}
		storeTexts(&env)
		found, err := envelopeMoves(env, deltas)
		if err != nil {
			return fmt.Errorf("transaction %s: %w", t.ID, err)
		}
		moves = append(moves, found...)
	}
	if len(moves) > 0 {
		if err := loadMissingLines(ctx, tx, s, moves); err != nil {
			return err
		}
		facts, err := loadBatchFacts(ctx, tx, s, moves)
		if err != nil {
			return err
		}
		for _, m := range moves {
			addMove(deltas, m, facts[m.code])
		}
	}
	return writeCockpit(ctx, tx, s, deltas)
}

// envelopeMoves counts the documents declared in env into deltas and
// returns its movements' legs with their lines.
func envelopeMoves(env model.EventEnvelope, deltas map[CockpitKey]*CockpitSum) ([]cockpitMove, error) {
	lines := map[string]model.DocumentLine{}
	for _, ev := range env.Events {
		if ev.Document == nil {
			continue
		}
		d := ev.Document
		for _, l := range d.Lines {
			lines[lineRow(d.ID, l.Seq)] = l
		}
		if ev.Type == model.EventDocumentDeclared {
			at, err := parseTime("declaredAt", d.DeclaredAt)
			if err != nil {
				return nil, err
			}
			k := CockpitKey{CockpitTicket, zoneYear(at), d.EnterpriseID, string(d.Family), string(d.BusinessType)}
			add(deltas, k, CockpitSum{Count: 1})
		}
	}
	var moves []cockpitMove
	for _, ev := range env.Events {
		m := ev.Movement
		if ev.Type != model.EventMovementRecorded || m == nil {
			continue
		}
		// The contract writes the moved document in the movement's
		// transaction; a line not there is read from the mirror later.
		line, ok := lines[lineRow(m.DocumentID, m.LineSeq)]
		if !ok {
			line = model.DocumentLine{Seq: m.LineSeq}
		}
		at, err := parseTime("at", m.At)
		if err != nil {
			return nil, err
		}
		for _, l := range Legs(m) {
			moves = append(moves, cockpitMove{leg: l, at: at, code: m.TraceCode, doc: m.DocumentID, line: line, known: ok})
		}
	}
	return moves, nil
}

// addMove adds one leg: an entry is an import, an exit an export (a
// reversal's negative grams undo them), and every leg changes the holding's
// stock.
func addMove(deltas map[CockpitKey]*CockpitSum, m cockpitMove, f batchFacts) {
	sign := int64(1)
	if m.leg.Grams < 0 {
		sign = -1
	}
	trade := CockpitSum{Grams: m.leg.Grams, Value: sign * m.line.ValueFen, Count: sign}
	at := m.at.In(model.ZoneTime)
	year, month, day := at.Format("2006"), at.Format("2006-01"), at.Format(time.DateOnly)
	switch m.leg.Flow {
	case FlowEntry:
		add(deltas, CockpitKey{Figure: CockpitMonth, Period: month, K1: CockpitImport}, trade)
		add(deltas, CockpitKey{Figure: CockpitCountry, Period: year, K1: m.line.Origin}, trade)
		add(deltas, CockpitKey{Figure: CockpitImporter, Period: year, K1: m.leg.Holding.EnterpriseID}, trade)
		add(deltas, CockpitKey{Figure: CockpitExporter, Period: year, K1: f.exporter}, trade)
		add(deltas, CockpitKey{Figure: CockpitPrice, Period: day, K1: m.line.Origin, K2: m.line.HSCode}, trade)
	case FlowExit:
		add(deltas, CockpitKey{Figure: CockpitMonth, Period: month, K1: CockpitExport}, trade)
	}
	status := CockpitNonBonded
	if m.leg.Holding.Bonded {
		status = CockpitBonded
	}
	grams := m.leg.StockDelta()
	add(deltas, CockpitKey{Figure: CockpitStock, K1: m.leg.Holding.EnterpriseID, K2: f.hsCode, K3: status},
		CockpitSum{Grams: grams, Value: grams * f.priceFen})
}

func add(deltas map[CockpitKey]*CockpitSum, k CockpitKey, d CockpitSum) {
	s := deltas[k]
	if s == nil {
		s = &CockpitSum{}
		deltas[k] = s
	}
	s.Grams += d.Grams
	s.Value += d.Value
	s.Count += d.Count
}

func zoneYear(t time.Time) string { return t.In(model.ZoneTime).Format("2006") }

// loadBatchFacts reads the HS code, exporter and opened average price of
// the batches moves touch.
func loadBatchFacts(ctx context.Context, tx pgx.Tx, s *sealing.Sealer, moves []cockpitMove) (map[string]batchFacts, error) {
	var codes []string
	for _, m := range moves {
		if !slices.Contains(codes, m.code) {
			codes = append(codes, m.code)
		}
	}
	rows, err := tx.Query(ctx, `SELECT t.code, p.hs_code, p.exporter_name, p.avg_price_fen
		FROM trace_codes t JOIN prefilings p ON p.id = t.prefiling_id WHERE t.code = ANY($1)`, codes)
	if err != nil {
		return nil, fmt.Errorf("cockpit: read batches: %w", err)
	}
	facts := map[string]batchFacts{}
	if err := scanFacts(rows, s, facts); err != nil {
		return nil, fmt.Errorf("cockpit: read batches: %w", err)
	}
	// A batch not mirrored (which the contract never moves) counts its
	// weight under no HS code, exporter or price.
	return facts, nil
}

// loadMissingLines fills in the lines of the moves whose transaction did
// not carry their document, from the mirror; a line the mirror lacks too
// counts its weight with no value, origin or HS code.
func loadMissingLines(ctx context.Context, tx pgx.Tx, s *sealing.Sealer, moves []cockpitMove) error {
	for i := range moves {
		m := &moves[i]
		if m.known {
			continue
		}
		var value string
		err := tx.QueryRow(ctx, `SELECT origin, hs_code, value_fen FROM document_lines WHERE document_id = $1 AND seq = $2`,
			m.doc, m.line.Seq).Scan(&m.line.Origin, &m.line.HSCode, &value)
		if errors.Is(err, pgx.ErrNoRows) {
			continue
		}
		if err != nil {
			return fmt.Errorf("cockpit: read line %s: %w", lineRow(m.doc, m.line.Seq), err)
		}
		if m.line.ValueFen, err = openAmount(s, placeLineValue, value); err != nil {
			return fmt.Errorf("%w: line %s: %w", errCockpitData, lineRow(m.doc, m.line.Seq), err)
		}
	}
	return nil
}

// scanFacts reads rows of code, HS code, exporter and sealed average price
// into facts.
func scanFacts(rows pgx.Rows, s *sealing.Sealer, facts map[string]batchFacts) error {
	var code, hsCode, exporter, price string
	_, err := pgx.ForEachRow(rows, []any{&code, &hsCode, &exporter, &price}, func() error {
		fen, err := openAmount(s, placeAvgPrice, price)
		if err != nil {
			return fmt.Errorf("%w: batch %s: %w", errCockpitData, code, err)
		}
		facts[code] = batchFacts{hsCode: hsCode, exporter: exporter, priceFen: fen}
		return nil
	})
	return err
}

// openAmount reads a stored amount, sealed or (without a sealer) in clear.
func openAmount(s *sealing.Sealer, place, text string) (int64, error) {
	if sealing.IsSealed(text) {
		plain, err := s.Open(place, text)
		if err != nil {
			return 0, err
		}
		text = string(plain)
	}
	return strconv.ParseInt(text, 10, 64)
}

// writeCockpit adds deltas to the stored sums.
func writeCockpit(ctx context.Context, tx pgx.Tx, s *sealing.Sealer, deltas map[CockpitKey]*CockpitSum) error {
	if len(deltas) == 0 {
		return nil
	}
	cols := make([][]string, 5)
	for k := range deltas {
		for i, v := range []string{k.Figure, k.Period, k.K1, k.K2, k.K3} {
			cols[i] = append(cols[i], v)
		}
	}
	rows, err := tx.Query(ctx, `SELECT c.figure, c.period, c.k1, c.k2, c.k3, c.grams, c.count, c.value
		FROM cockpit_sums c
		JOIN unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) AS k(figure, period, k1, k2, k3)
			USING (figure, period, k1, k2, k3)`, cols[0], cols[1], cols[2], cols[3], cols[4])
	if err != nil {
		return fmt.Errorf("cockpit: read sums: %w", err)
	}
	var (
		k            CockpitKey
		grams, count int64
		value        string
	)
	_, err = pgx.ForEachRow(rows, []any{&k.Figure, &k.Period, &k.K1, &k.K2, &k.K3, &grams, &count, &value}, func() error {
		v, err := openAmount(s, PlaceCockpitValue, value)
		if err != nil {
			return fmt.Errorf("%w: sum %v: %w", errCockpitData, k, err)
		}
		add(deltas, k, CockpitSum{Grams: grams, Value: v, Count: count})
		return nil
	})
	if err != nil {
		return fmt.Errorf("cockpit: read sums: %w", err)
	}
	batch := &pgx.Batch{}
	for k, sum := range deltas {
		batch.Queue(`INSERT INTO cockpit_sums (figure, period, k1, k2, k3, grams, count, value)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
			ON CONFLICT (figure, period, k1, k2, k3) DO UPDATE SET
				grams = EXCLUDED.grams, count = EXCLUDED.count, value = EXCLUDED.value`,
			k.Figure, k.Period, k.K1, k.K2, k.K3, sum.Grams, sum.Count, sealAmount(s, PlaceCockpitValue, k.Row(), sum.Value))
	}
	if err := tx.SendBatch(ctx, batch).Close(); err != nil {
		return fmt.Errorf("cockpit: write sums: %w", err)
	}
	return nil
}

// sealCockpit seals the sums a mirror written without a sealer holds in
// clear, as writeCockpit would have written them.
func sealCockpit(ctx context.Context, tx pgx.Tx, s *sealing.Sealer) (int, error) {
	rows, err := tx.Query(ctx, `SELECT figure, period, k1, k2, k3, value FROM cockpit_sums
		WHERE value NOT LIKE 'zt1:%' LIMIT $1 FOR UPDATE`, sealBatch)
	if err != nil {
		return 0, err
	}
	type row struct {
		key   CockpitKey
		value string
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (row, error) {
		var v row
		return v, r.Scan(&v.key.Figure, &v.key.Period, &v.key.K1, &v.key.K2, &v.key.K3, &v.value)
	})
	if err != nil {
		return 0, err
	}
	for _, r := range list {
		k := r.key
		if _, err := tx.Exec(ctx, `UPDATE cockpit_sums SET value = $6
			WHERE figure = $1 AND period = $2 AND k1 = $3 AND k2 = $4 AND k3 = $5`,
			k.Figure, k.Period, k.K1, k.K2, k.K3, s.Seal(PlaceCockpitValue, k.Row(), []byte(r.value))); err != nil {
			return 0, err
		}
	}
	return len(list), nil
}
