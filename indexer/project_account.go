package indexer

import (
	"encoding/json"
	"fmt"
	"slices"

	"github.com/jackc/pgx/v5"

	"zonetrace/chaincode/model"
)

// Flow is the account a leg of a movement is listed under.
type Flow string

// Flows of the accounts (docs/architecture.md "Accounting").
const (
	FlowEntry         Flow = "entry"          // into the zone (入区)
	FlowExit          Flow = "exit"           // out of the zone (出区)
	FlowTransferIn    Flow = "transfer_in"    // from another enterprise in the zone (流转入)
	FlowTransferOut   Flow = "transfer_out"   // to another enterprise in the zone (流转出)
	FlowConversionIn  Flow = "conversion_in"  // into the non-bonded book (非保税转入)
	FlowConversionOut Flow = "conversion_out" // out of the bonded book (保税转出)
)

// Leg is a movement seen from one holding it touches: Incoming when the
// goods come into the holding. Grams is negative when the leg undoes an
// earlier one (a reversal): the transferee's leg of a voided transfer's
// reversal goes out of its holding but is booked as transfer_in −grams.
type Leg struct {
	Incoming bool
	Holding  model.Holding
	Flow     Flow
	Grams    int64
}

// StockDelta is what the leg changes the holding's stock by: the ins add,
// the outs take (a reversal's negative grams undo either).
func (l Leg) StockDelta() int64 {
	if l.Flow.Adds() {
		return l.Grams
	}
	return -l.Grams
}

// Adds reports whether the flow adds to a holding's stock.
func (f Flow) Adds() bool {
	return f == FlowEntry || f == FlowTransferIn || f == FlowConversionIn
}

// Legs classifies m. A reversal (of a voided document) has its original's
// holdings swapped, so its shape tells which flow it undoes: no source
// undoes an exit, no destination an entry, one enterprise with two
// statuses a conversion, two enterprises a transfer.
func Legs(m *model.Movement) []Leg {
	var legs []Leg
	if m.To != nil {
		flow, grams := incomingFlow(m), m.WeightGrams
		if m.Kind == model.MoveReversal {
			flow, grams = outgoingOriginal(m), -grams
		}
		legs = append(legs, Leg{Incoming: true, Holding: *m.To, Flow: flow, Grams: grams})
	}
	if m.From != nil {
		flow, grams := outgoingFlow(m), m.WeightGrams
		if m.Kind == model.MoveReversal {
			flow, grams = incomingOriginal(m), -grams
		}
		legs = append(legs, Leg{Incoming: false, Holding: *m.From, Flow: flow, Grams: grams})
	}
	return legs
}

func conversionShape(m *model.Movement) bool {
	return m.From != nil && m.To != nil && m.From.EnterpriseID == m.To.EnterpriseID && m.From.Bonded != m.To.Bonded
}

// incomingFlow is the flow of the destination leg of a forward movement.
func incomingFlow(m *model.Movement) Flow {
	switch {
	case m.From == nil:
		return FlowEntry
	case m.Kind == model.MoveConversion || conversionShape(m):
		return FlowConversionIn
	}
	return FlowTransferIn
}

// outgoingFlow is the flow of the source leg of a forward movement.
func outgoingFlow(m *model.Movement) Flow {
	switch {
	case m.To == nil:
		return FlowExit
	case m.Kind == model.MoveConversion || conversionShape(m):
		return FlowConversionOut
	}
	return FlowTransferOut
}

// outgoingOriginal is the flow a reversal's destination leg undoes: the
// source leg of the original movement.
func outgoingOriginal(m *model.Movement) Flow {
	switch {
	case m.From == nil:
		return FlowExit
	case conversionShape(m):
		return FlowConversionOut
	}
	return FlowTransferOut
}

// incomingOriginal is the flow a reversal's source leg undoes: the
// destination leg of the original movement.
func incomingOriginal(m *model.Movement) Flow {
	switch {
	case m.To == nil:
		return FlowEntry
	case conversionShape(m):
		return FlowConversionIn
	}
	return FlowTransferIn
}

// stockFlows are the flows in the order of account_stock's columns.
var stockFlows = []Flow{FlowEntry, FlowExit, FlowTransferIn, FlowTransferOut, FlowConversionIn, FlowConversionOut}

// queueAccountLegs records m's legs and adds them to the running stock of
// their holdings. Each movement is inserted once (its position is its
// key), so the sums count it once.
func queueAccountLegs(batch *pgx.Batch, pos position, m *model.Movement) error {
	at, err := parseTime("at", m.At)
	if err != nil {
		return err
	}
	for _, l := range Legs(m) {
		batch.Queue(`INSERT INTO account_legs
			(block_number, grams, at, tx_index, event_index, incoming, bonded, flow, enterprise_id, trace_code, document_id)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
			pos.block, l.Grams, at, pos.txIndex, pos.event, l.Incoming, l.Holding.Bonded, string(l.Flow),
			l.Holding.EnterpriseID, m.TraceCode, m.DocumentID)
		var firstIn any
		if l.Incoming && l.Grams > 0 {
			firstIn = at
		}
		flows := make([]int64, len(stockFlows))
		flows[slices.Index(stockFlows, l.Flow)] = l.Grams
		batch.Queue(`INSERT INTO account_stock
			(trace_code, enterprise_id, bonded, entry_grams, exit_grams, transfer_in_grams, transfer_out_grams,
			 conversion_in_grams, conversion_out_grams, stock_grams, first_in_at, last_at, block_number)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::timestamptz, $12, $13)
			ON CONFLICT (trace_code, enterprise_id, bonded) DO UPDATE SET
				entry_grams = account_stock.entry_grams + EXCLUDED.entry_grams,
				exit_grams = account_stock.exit_grams + EXCLUDED.exit_grams,
				transfer_in_grams = account_stock.transfer_in_grams + EXCLUDED.transfer_in_grams,
				transfer_out_grams = account_stock.transfer_out_grams + EXCLUDED.transfer_out_grams,
				conversion_in_grams = account_stock.conversion_in_grams + EXCLUDED.conversion_in_grams,
				conversion_out_grams = account_stock.conversion_out_grams + EXCLUDED.conversion_out_grams,
				stock_grams = account_stock.stock_grams + EXCLUDED.stock_grams,
				first_in_at = coalesce(account_stock.first_in_at, EXCLUDED.first_in_at),
				last_at = EXCLUDED.last_at, block_number = EXCLUDED.block_number`,
			m.TraceCode, l.Holding.EnterpriseID, l.Holding.Bonded, flows[0], flows[1], flows[2], flows[3], flows[4], flows[5],
			l.StockDelta(), firstIn, at, pos.block)
	}
	return nil
}

// PeriodFiguresSQL computes model.PeriodFigure rows of enterprise $1 over
// [$2, $3): per trace code and status, the stock before $2, each flow
// within the range and the stock before $3; batches with nothing to show
// (all zero) are left out. Columns in model.PeriodFigure order; rows by
// trace code (bytewise), bonded first.
const PeriodFiguresSQL = `SELECT trace_code, bonded,
		coalesce(sum(CASE WHEN flow IN ('entry', 'transfer_in', 'conversion_in') THEN grams ELSE -grams END) FILTER (WHERE at < $2), 0)::bigint AS opening,
		coalesce(sum(grams) FILTER (WHERE at >= $2 AND flow = 'entry'), 0)::bigint AS entry,
		coalesce(sum(grams) FILTER (WHERE at >= $2 AND flow = 'transfer_in'), 0)::bigint AS transfer_in,
		coalesce(sum(grams) FILTER (WHERE at >= $2 AND flow = 'conversion_in'), 0)::bigint AS conversion_in,
		coalesce(sum(grams) FILTER (WHERE at >= $2 AND flow = 'exit'), 0)::bigint AS exit,
		coalesce(sum(grams) FILTER (WHERE at >= $2 AND flow = 'transfer_out'), 0)::bigint AS transfer_out,
		coalesce(sum(grams) FILTER (WHERE at >= $2 AND flow = 'conversion_out'), 0)::bigint AS conversion_out,
		coalesce(sum(CASE WHEN flow IN ('entry', 'transfer_in', 'conversion_in') THEN grams ELSE -grams END), 0)::bigint AS closing
	FROM account_legs
	WHERE enterprise_id = $1 AND at < $3
	GROUP BY trace_code, bonded
	HAVING bool_or(at >= $2) OR sum(CASE WHEN flow IN ('entry', 'transfer_in', 'conversion_in') THEN grams ELSE -grams END) <> 0
	ORDER BY trace_code COLLATE "C", bonded DESC`

// queueAccountPeriod upserts an enterprise's accounting period.
func queueAccountPeriod(batch *pgx.Batch, block int64, p *model.AccountPeriod) error {
	var closedAt any
	if p.ClosedAt != "" {
		t, err := parseTime("closedAt", p.ClosedAt)
		if err != nil {
			return err
		}
		closedAt = t
	}
	doc, err := json.Marshal(p)
	if err != nil {
		return fmt.Errorf("encode account period: %w", err)
	}
	batch.Queue(`INSERT INTO account_periods
		(enterprise_id, period_id, from_day, to_day, status, totals_hash, closed_at, block_number, doc)
		VALUES ($1, $2, $3::date, $4::date, $5, $6, $7, $8, $9)
		ON CONFLICT (enterprise_id, period_id) DO UPDATE SET from_day = EXCLUDED.from_day, to_day = EXCLUDED.to_day,
			status = EXCLUDED.status, totals_hash = EXCLUDED.totals_hash, closed_at = EXCLUDED.closed_at,
			block_number = EXCLUDED.block_number, doc = EXCLUDED.doc`,
		p.EnterpriseID, p.PeriodID, p.From, p.To, string(p.Status), p.TotalsHash, closedAt, block, doc)
	if p.Status != model.PeriodClosed {
		return nil
	}
	start, end, err := model.PeriodBounds(p.From, p.To)
	if err != nil {
		return err
	}
	// The legs of earlier transactions of this block are queued before,
	// so the figures are those of the chain up to the closing transaction.
	batch.Queue(`INSERT INTO account_period_figures
		(enterprise_id, period_id, trace_code, bonded, opening_grams, entry_grams, transfer_in_grams, conversion_in_grams,
		 exit_grams, transfer_out_grams, conversion_out_grams, closing_grams)
		SELECT $1, $4, f.* FROM (`+PeriodFiguresSQL+`) f
		ON CONFLICT (enterprise_id, period_id, trace_code, bonded) DO NOTHING`, p.EnterpriseID, start, end, p.PeriodID)
	return nil
}
