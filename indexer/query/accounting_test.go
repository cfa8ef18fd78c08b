package query_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
	"zonetrace/indexer"
	"zonetrace/indexer/internal/blockfeed"
	"zonetrace/indexer/query"
	"zonetrace/internal/pgtest"
)

// holding is a batch at an enterprise in one status.
type holding struct {
	trace, enterprise string
	bonded            bool
}

// booked is one leg of trade as the generator meant it, independent of
// the movements the chain records: what flow, into or out of which holding.
type booked struct {
	at    time.Time
	h     holding
	flow  indexer.Flow
	grams int64 // negative for an undone leg
}

func (b booked) delta() int64 {
	if b.flow == indexer.FlowEntry || b.flow == indexer.FlowTransferIn || b.flow == indexer.FlowConversionIn {
		return b.grams
	}
	return -b.grams
}

// trade generates a year of zone trade on a chain and keeps its own books.
type trade struct {
	t        *testing.T
	c        *blockfeed.Chain
	rnd      *rand.Rand
	docs     int
	books    []booked
	stock    map[holding]int64
	gateOnly map[string]int64 // trace → entries − exits that crossed the gate
	material map[string]string
	plated   map[string]bool // trace codes on documents of vehicle plateA
	checked  map[string]bool // trace codes on checklist checkedDoc
	checkDoc string
}

const plateA = "苏E12345"

var tradeEnterprises = []string{"91320583MA1TRADE01", "91320583MA1TRADE02", "91320583MA1TRADE03", "91320583MA1TRADE04"}

func (tr *trade) docID(prefix string) string {
	tr.docs++
	return fmt.Sprintf("%s%s%08d", prefix, tr.c.Now().Format("20060102"), tr.docs)
}

func (tr *trade) book(h holding, flow indexer.Flow, grams int64) {
	b := booked{at: tr.c.Now(), h: h, flow: flow, grams: grams}
	tr.books = append(tr.books, b)
	tr.stock[h] += b.delta()
}

func line(trace string, grams int64) []model.DocumentLine {
	return []model.DocumentLine{{Seq: 1, TraceCode: trace, ProductName: "Santos NY2", HSCode: "0901110000", Origin: "BR",
		WeightGrams: grams, UnitPriceFen: 3_800_00, ValueFen: grams * 3_800_00 / 1000, Currency: "CNY"}}
}

func (tr *trade) declare(prefix string, f model.Family, bt model.BusinessType, enterprise string, head model.DocumentHead, trace string, grams int64) string {
	id := tr.docID(prefix)
	tr.c.DeclareDocument(model.Document{ID: id, Family: f, BusinessType: bt, EnterpriseID: enterprise, Head: head, Lines: line(trace, grams)})
	return id
}

func (tr *trade) entry(trace, enterprise string) {
	grams := int64(100_000 + tr.rnd.IntN(1_900_000))
	var id string
	bonded := tr.rnd.IntN(2) == 0
	switch {
	case bonded && tr.rnd.IntN(2) == 0:
		id = tr.declare("HZ", model.FamilyChecklist, model.BusinessEntry, enterprise, model.DocumentHead{}, trace, grams)
		if tr.checkDoc == "" {
			tr.checkDoc = id
		}
		if tr.checkDoc == id {
			tr.checked[trace] = true
		}
	case bonded:
		id = tr.declare("JB", model.FamilyWarehouseReceipt, model.BusinessIn, enterprise, model.DocumentHead{}, trace, grams)
	case tr.rnd.IntN(2) == 0:
		id = tr.declare("FS", model.FamilyNonBondedApplication, model.BusinessEntry, enterprise, model.DocumentHead{VehiclePlate: plateA}, trace, grams)
		tr.plated[trace] = true
	default:
		id = tr.declare("KK", model.FamilyGateRegistration, model.BusinessEntry, enterprise, model.DocumentHead{VehiclePlate: "苏E99999"}, trace, grams)
	}
	tr.c.ReviewDocument(id, "approve", "")
	if tr.rnd.IntN(8) == 0 {
		return // approved, but the goods never came through the gate: nothing moved
	}
	tr.c.GatePass(id)
	tr.book(holding{trace, enterprise, bonded}, indexer.FlowEntry, grams)
	tr.gateOnly[trace] += grams
}

func (tr *trade) exit(h holding) {
	grams := 1 + tr.rnd.Int64N(tr.stock[h])
	var id string
	switch {
	case h.bonded && tr.rnd.IntN(2) == 0:
		id = tr.declare("HZ", model.FamilyChecklist, model.BusinessExit, h.enterprise, model.DocumentHead{}, h.trace, grams)
	case h.bonded:
		id = tr.declare("JB", model.FamilyWarehouseReceipt, model.BusinessOut, h.enterprise, model.DocumentHead{}, h.trace, grams)
	case tr.rnd.IntN(2) == 0:
		id = tr.declare("FS", model.FamilyNonBondedApplication, model.BusinessExit, h.enterprise, model.DocumentHead{VehiclePlate: plateA}, h.trace, grams)
		tr.plated[h.trace] = true
	default:
		id = tr.declare("KK", model.FamilyGateRegistration, model.BusinessExit, h.enterprise, model.DocumentHead{VehiclePlate: "苏E99999"}, h.trace, grams)
	}
	tr.c.ReviewDocument(id, "approve", "")
	tr.c.GatePass(id)
	tr.book(h, indexer.FlowExit, grams)
	tr.gateOnly[h.trace] -= grams
}

func (tr *trade) transfer(h holding) {
	grams := 1 + tr.rnd.Int64N(tr.stock[h])
	to := tradeEnterprises[tr.rnd.IntN(len(tradeEnterprises))]
	if to == h.enterprise {
		to = tradeEnterprises[(slices.Index(tradeEnterprises, to)+1)%len(tradeEnterprises)]
	}
	family, prefix := model.FamilyNonBondedTransfer, "FL"
	if h.bonded {
		family, prefix = model.FamilyBondedTransfer, "BL"
	}
	out := tr.declare(prefix, family, model.BusinessOut, h.enterprise, model.DocumentHead{CounterpartyID: to}, h.trace, grams)
	tr.c.ReviewDocument(out, "approve", "")
	in := tr.declare(prefix, family, model.BusinessIn, to, model.DocumentHead{LinkedDocumentID: out}, h.trace, grams)
	tr.c.ReviewDocument(in, "approve", "")
	dest := holding{h.trace, to, h.bonded}
	tr.book(h, indexer.FlowTransferOut, grams)
	tr.book(dest, indexer.FlowTransferIn, grams)
	if tr.rnd.IntN(6) == 0 {
		// Voided after it took effect: the reversal undoes both legs.
		tr.c.RequestDeletion(out, "申报错误")
		tr.c.ConfirmDeletion(out)
		tr.c.ReviewDeletion(out, true, "")
		tr.book(h, indexer.FlowTransferOut, -grams)
		tr.book(dest, indexer.FlowTransferIn, -grams)
	}
}

func (tr *trade) convert(h holding) {
	grams := 1 + tr.rnd.Int64N(tr.stock[h])
	id := tr.declare("HZ", model.FamilyChecklist, model.BusinessConversion, h.enterprise, model.DocumentHead{}, h.trace, grams)
	tr.c.ReviewDocument(id, "approve", "")
	tr.book(h, indexer.FlowConversionOut, grams)
	tr.book(holding{h.trace, h.enterprise, false}, indexer.FlowConversionIn, grams)
}

// held lists the holdings with stock, in a fixed order.
func (tr *trade) held(bondedOnly bool) []holding {
	var list []holding
	for h, g := range tr.stock {
		if g > 0 && (!bondedOnly || h.bonded) {
			list = append(list, h)
		}
	}
	slices.SortFunc(list, func(a, b holding) int {
		return compareStrings(fmt.Sprint(a), fmt.Sprint(b))
	})
	return list
}

func compareStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// generateYear trades every day of 2025 over twelve batches and four
// enterprises, with a deterministic seed.
func generateYear(t *testing.T, c *blockfeed.Chain) *trade {
	tr := &trade{t: t, c: c, rnd: rand.New(rand.NewPCG(2025, 10)), stock: map[holding]int64{}, gateOnly: map[string]int64{},
		material: map[string]string{}, plated: map[string]bool{}, checked: map[string]bool{}}
	for i, e := range tradeEnterprises {
		c.RegisterEnterprise(e, fmt.Sprintf("Trader %d", i+1))
	}
	var traces []string
	for n := 1; n <= 12; n++ {
		id := fmt.Sprintf("PF20250101%08d", n)
		d := data(fmt.Sprintf("Batch %d", n), "BR", "Santos Export SA")
		d.MaterialNo = fmt.Sprintf("MAT-%d", n%3)
		d.BatchNo = fmt.Sprintf("B-%02d", n)
		c.Declare(id, tradeEnterprises[n%len(tradeEnterprises)], d)
		p := c.Review(id, true, "")
		traces = append(traces, p.TraceCode)
		tr.material[p.TraceCode] = d.MaterialNo
	}
	for day := 0; day < 365; day++ {
		c.Advance(24 * time.Hour)
		for range 1 + tr.rnd.IntN(3) {
			held, bonded := tr.held(false), tr.held(true)
			switch k := tr.rnd.IntN(10); {
			case k < 4 || len(held) == 0:
				tr.entry(traces[tr.rnd.IntN(len(traces))], tradeEnterprises[tr.rnd.IntN(len(tradeEnterprises))])
			case k < 6:
				tr.exit(held[tr.rnd.IntN(len(held))])
			case k < 8:
				tr.transfer(held[tr.rnd.IntN(len(held))])
			case k < 9 && len(bonded) > 0:
				tr.convert(bonded[tr.rnd.IntN(len(bonded))])
			default:
				// A consolidated checklist reports goods already booked:
				// it moves nothing and counts nowhere.
				id := tr.declare("HZ", model.FamilyChecklist, model.BusinessConsolidated, tradeEnterprises[0], model.DocumentHead{},
					traces[0], 1000)
				c.ReviewDocument(id, "approve", "")
			}
		}
	}
	return tr
}

func (tr *trade) expectedFigures(enterprise, from, to string) []model.PeriodFigure {
	start, end, err := model.PeriodBounds(from, to)
	require.NoError(tr.t, err)
	type key struct {
		trace  string
		bonded bool
	}
	figures := map[key]*model.PeriodFigure{}
	active := map[key]bool{}
	for _, b := range tr.books {
		if b.h.enterprise != enterprise || !b.at.Before(end) {
			continue
		}
		k := key{b.h.trace, b.h.bonded}
		f := figures[k]
		if f == nil {
			f = &model.PeriodFigure{TraceCode: k.trace, Bonded: k.bonded}
			figures[k] = f
		}
		f.ClosingGrams += b.delta()
		if b.at.Before(start) {
			f.OpeningGrams += b.delta()
			continue
		}
		active[k] = true
		switch b.flow {
		case indexer.FlowEntry:
			f.EntryGrams += b.grams
		case indexer.FlowExit:
			f.ExitGrams += b.grams
		case indexer.FlowTransferIn:
			f.TransferInGrams += b.grams
		case indexer.FlowTransferOut:
			f.TransferOutGrams += b.grams
		case indexer.FlowConversionIn:
			f.ConversionInGrams += b.grams
		case indexer.FlowConversionOut:
			f.ConversionOutGrams += b.grams
		}
	}
	list := []model.PeriodFigure{}
	for k, f := range figures {
		if active[k] || f.ClosingGrams != 0 {
			list = append(list, *f)
		}
	}
	slices.SortFunc(list, func(a, b model.PeriodFigure) int {
		if c := compareStrings(a.TraceCode, b.TraceCode); c != 0 || a.Bonded == b.Bonded {
			return c
		}
		if a.Bonded {
			return -1
		}
		return 1
	})
	return list
}

// allStock reads a whole stock report page by page.
func allStock(t *testing.T, r *query.Reader, f query.StockFilter) []query.StockRow {
	t.Helper()
	var rows []query.StockRow
	for {
		page, err := r.Stock(t.Context(), f)
		require.NoError(t, err)
		rows = append(rows, page.Items...)
		if page.Next == "" {
			return rows
		}
		f.After = page.Next
	}
}

// drillDown sums what the movements behind keys did to the stock, page by
// page.
func drillDown(t *testing.T, r *query.Reader, keys query.AccountKeys) int64 {
	t.Helper()
	var stock int64
	after := ""
	for {
		page, err := r.AccountMovements(t.Context(), query.AccountMovementFilter{AccountKeys: keys, After: after, Limit: 5})
		require.NoError(t, err)
		for _, m := range page.Items {
			if m.Flow.Adds() {
				stock += m.WeightGrams
			} else {
				stock -= m.WeightGrams
			}
		}
		if after = page.Next; after == "" {
			return stock
		}
	}
}

// TestAccountsOverAYearOfTrade generates a year of trade on the chain,
// indexes it and holds every account figure to the generator's own books.
func TestAccountsOverAYearOfTrade(t *testing.T) {
	t.Parallel()
	pool := pgtest.NewPool(t)
	require.NoError(t, indexer.Migrate(t.Context(), pool))
	feed := blockfeed.New()
	c := blockfeed.NewChain(feed, time.Date(2024, 12, 31, 16, 30, 0, 0, time.UTC))
	tr := generateYear(t, c)
	periods := [][3]string{{"2025H1", "2025-01-01", "2025-06-30"}, {"2025H2", "2025-07-01", "2025-12-31"}, {"2025", "2025-01-01", "2025-12-31"}}
	for _, e := range tradeEnterprises {
		for _, p := range periods {
			c.DefinePeriod(e, p[0], p[1], p[2])
		}
	}
	r := query.New(pool)
	index := func() {
		height, err := feed.Height(t.Context())
		require.NoError(t, err)
		ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
		defer cancel()
		require.NoError(t, indexer.New(pool, feed).CatchUp(ctx, height))
	}
	index()
	asOf := c.Now()

	t.Run("in − out = stock for every trace × enterprise × status", func(t *testing.T) {
		rows := allStock(t, r, query.StockFilter{GroupBy: query.GroupHolding, Limit: 7, AsOf: asOf})
		require.Len(t, rows, len(tr.stock))
		for _, row := range rows {
			h := holding{row.TraceCode, row.EnterpriseID, *row.Bonded}
			require.Equal(t, tr.stock[h], row.StockGrams, "%v", h)
			require.Equal(t, c.Balance(h.trace, h.enterprise, h.bonded).WeightGrams, row.StockGrams, "chain balance of %v", h)
			in := row.EntryGrams + row.TransferInGrams + row.ConversionInGrams
			out := row.ExitGrams + row.TransferOutGrams + row.ConversionOutGrams
			require.Equal(t, in-out, row.StockGrams, "%v", h)
			require.Equal(t, (row.StockGrams*3_800_00+500)/1000, row.ValueFen, "%v", h)
			if row.StockGrams > 0 {
				require.NotEmpty(t, row.FirstInAt)
			}
			require.Equal(t, tr.material[h.trace], row.MaterialNo)

			// The figure drills down to its movements.
			b := h.bonded
			drilled := drillDown(t, r, query.AccountKeys{TraceCode: h.trace, EnterpriseID: h.enterprise, Bonded: &b})
			require.Equal(t, row.StockGrams, drilled, "drill-down of %v", h)
		}
	})

	t.Run("pass-through is gate-in − gate-out per batch", func(t *testing.T) {
		rows := allStock(t, r, query.StockFilter{GroupBy: query.GroupTrace, AsOf: asOf})
		require.Len(t, rows, len(tr.gateOnly))
		for _, row := range rows {
			require.Equal(t, tr.gateOnly[row.TraceCode], row.PassThroughGrams, row.TraceCode)
			// Within the zone a batch's transfers and conversions cancel.
			require.Equal(t, row.TransferInGrams, row.TransferOutGrams)
			require.Equal(t, row.ConversionInGrams, row.ConversionOutGrams)
			require.Equal(t, row.PassThroughGrams, row.StockGrams)
		}
	})

	t.Run("stock by material number, enterprise, checklist and vehicle plate", func(t *testing.T) {
		byMaterial := map[string]int64{}
		byEnterprise := map[string]int64{}
		for h, g := range tr.stock {
			byMaterial[tr.material[h.trace]] += g
			byEnterprise[h.enterprise] += g
		}
		for _, row := range allStock(t, r, query.StockFilter{GroupBy: query.GroupMaterial, Limit: 2}) {
			require.Equal(t, byMaterial[row.MaterialNo], row.StockGrams, row.MaterialNo)
			// The material number's figure drills down to its movements.
			require.Equal(t, row.StockGrams, drillDown(t, r, query.AccountKeys{MaterialNo: row.MaterialNo}), row.MaterialNo)
		}
		for _, row := range allStock(t, r, query.StockFilter{GroupBy: query.GroupEnterprise}) {
			require.Equal(t, byEnterprise[row.EnterpriseID], row.StockGrams, row.EnterpriseID)
		}
		mat := allStock(t, r, query.StockFilter{GroupBy: query.GroupTrace, AccountKeys: query.AccountKeys{MaterialNo: "MAT-1"}})
		require.NotEmpty(t, mat)
		for _, row := range mat {
			require.Equal(t, "MAT-1", tr.material[row.TraceCode])
		}
		plated := allStock(t, r, query.StockFilter{GroupBy: query.GroupTrace, AccountKeys: query.AccountKeys{VehiclePlate: plateA}})
		require.Len(t, plated, len(tr.plated))
		for _, row := range plated {
			require.True(t, tr.plated[row.TraceCode])
		}
		checked := allStock(t, r, query.StockFilter{GroupBy: query.GroupTrace, AccountKeys: query.AccountKeys{ChecklistNo: tr.checkDoc}})
		require.Len(t, checked, len(tr.checked))
		var checkedStock int64
		for _, row := range checked {
			require.True(t, tr.checked[row.TraceCode])
			checkedStock += row.StockGrams
		}
		require.Equal(t, checkedStock, drillDown(t, r, query.AccountKeys{ChecklistNo: tr.checkDoc}))
	})

	t.Run("period figures, close and verify", func(t *testing.T) {
		for _, e := range tradeEnterprises {
			for _, p := range periods {
				period, err := r.AccountPeriod(t.Context(), e, p[0])
				require.NoError(t, err)
				figures, err := r.PeriodFigures(t.Context(), period)
				require.NoError(t, err)
				require.Equal(t, tr.expectedFigures(e, p[1], p[2]), figures, "%s %s", e, p[0])
				for _, f := range figures {
					require.True(t, f.Balanced(), "%+v", f)
				}
			}
		}
		// Closing records the hash; the mirror keeps the figures.
		e := tradeEnterprises[1]
		h1, err := r.AccountPeriod(t.Context(), e, "2025H1")
		require.NoError(t, err)
		figures, err := r.PeriodFigures(t.Context(), h1)
		require.NoError(t, err)
		c.ClosePeriod(e, "2025H1", model.PeriodTotalsHash(h1, figures))
		index()
		h1, err = r.AccountPeriod(t.Context(), e, "2025H1")
		require.NoError(t, err)
		check, err := r.VerifyPeriod(t.Context(), h1)
		require.NoError(t, err)
		require.True(t, check.Matches)
		require.Equal(t, h1.TotalsHash, check.KeptHash)
		require.Empty(t, check.Changes)

		// A movement back-dated into the closed period (as a rebuild from
		// an altered chain would bring) shows as a mismatch.
		start, _, err := model.PeriodBounds("2025-03-01", "2025-03-01")
		require.NoError(t, err)
		_, err = pool.Exec(t.Context(), `INSERT INTO account_legs
			(block_number, grams, at, tx_index, event_index, incoming, bonded, flow, enterprise_id, trace_code, document_id)
			VALUES (999999, 5000, $1, 0, 0, true, true, 'entry', $2, $3, 'HZ20250301BACKDATE')`, start, e, figures[0].TraceCode)
		require.NoError(t, err)
		check, err = r.VerifyPeriod(t.Context(), h1)
		require.NoError(t, err)
		require.False(t, check.Matches)
		require.NotEqual(t, h1.TotalsHash, check.CurrentHash)
		require.Len(t, check.Changes, 1)
		require.Equal(t, figures[0].TraceCode, check.Changes[0].TraceCode)
		require.Equal(t, check.Changes[0].Kept.EntryGrams+5000, check.Changes[0].Current.EntryGrams)
	})

	t.Run("a rebuild reproduces the accounts", func(t *testing.T) {
		_, err := pool.Exec(t.Context(), `DELETE FROM account_legs WHERE block_number = 999999`)
		require.NoError(t, err)
		before := allStock(t, r, query.StockFilter{AsOf: asOf})
		ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
		defer cancel()
		require.NoError(t, indexer.Rebuild(ctx, pool, feed))
		require.Equal(t, before, allStock(t, r, query.StockFilter{AsOf: asOf}))
	})
}
