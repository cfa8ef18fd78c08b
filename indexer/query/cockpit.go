package query

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/jackc/pgx/v5"

	"zonetrace/chaincode/model"
	"zonetrace/indexer"
)

// The cockpit reads the sums the indexer keeps in cockpit_sums (migration
// 00015); no figure scans movements, documents or balances.

// CockpitSum is one stored sum with its keys; Value is opened (fen, for
// stock grams × fen/kg).
type CockpitSum struct {
	indexer.CockpitKey
	indexer.CockpitSum
}

// cockpitSums reads the sums of figure whose period is in [from, to]
// (text order, which is date order for the periods' formats).
func (r *Reader) cockpitSums(ctx context.Context, figure, from, to string) ([]CockpitSum, error) {
	rows, err := r.pool.Query(ctx, `SELECT figure, period, k1, k2, k3, grams, count, value FROM cockpit_sums
		WHERE figure = $1 AND period COLLATE "C" BETWEEN $2 AND $3`, figure, from, to)
	if err != nil {
		return nil, fmt.Errorf("read cockpit %s: %w", figure, err)
	}
	var (
		list  []CockpitSum
		s     CockpitSum
		value string
	)
	_, err = pgx.ForEachRow(rows, []any{&s.Figure, &s.Period, &s.K1, &s.K2, &s.K3, &s.Grams, &s.Count, &value}, func() error {
		v, err := r.openAmount(indexer.PlaceCockpitValue, value)
		if err != nil {
			return err
		}
		s.Value = v
		list = append(list, s)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read cockpit %s: %w", figure, err)
	}
	return list, nil
}

// TradeFigure is a weight, a value and a number of document lines.
type TradeFigure struct {
	Grams    int64 `json:"grams"`
	ValueFen int64 `json:"valueFen"`
	Lines    int64 `json:"lines"`
}

func (t *TradeFigure) add(s indexer.CockpitSum) {
	t.Grams += s.Grams
	t.ValueFen += s.Value
	t.Lines += s.Count
}

// TradeMonth is one month's imports (zone entries) and exports (zone exits).
type TradeMonth struct {
	Month  string      `json:"month"` // YYYY-MM, zone time
	Import TradeFigure `json:"import"`
	Export TradeFigure `json:"export"`
}

// CockpitTrade is a year's imports and exports, in total and per month
// (all twelve, empty ones zero).
type CockpitTrade struct {
	Year   int          `json:"year"`
	Import TradeFigure  `json:"import"`
	Export TradeFigure  `json:"export"`
	Months []TradeMonth `json:"months"`
}

// CockpitTrade answers year's trade.
func (r *Reader) CockpitTrade(ctx context.Context, year int) (CockpitTrade, error) {
	y := fmt.Sprintf("%04d", year)
	sums, err := r.cockpitSums(ctx, indexer.CockpitMonth, y+"-01", y+"-12")
	if err != nil {
		return CockpitTrade{}, err
	}
	out := CockpitTrade{Year: year, Months: make([]TradeMonth, 12)}
	for i := range out.Months {
		out.Months[i].Month = fmt.Sprintf("%s-%02d", y, i+1)
	}
	for _, s := range sums {
		m := slices.IndexFunc(out.Months, func(m TradeMonth) bool { return m.Month == s.Period })
		if m < 0 {
			continue
		}
		switch s.K1 {
		case indexer.CockpitImport:
			out.Months[m].Import.add(s.CockpitSum)
			out.Import.add(s.CockpitSum)
		case indexer.CockpitExport:
			out.Months[m].Export.add(s.CockpitSum)
			out.Export.add(s.CockpitSum)
		}
	}
	return out, nil
}

// Ranked is one entry of a ranking: its key (origin, enterprise id or
// exporter name) and its imports.
type Ranked struct {
	Key string `json:"key"`
	TradeFigure
}

// Ranking is the first entries of a ranking by value and the total of all
// of them, so the rest is Total minus the listed ones.
type Ranking struct {
	Top     []Ranked    `json:"top"`
	Total   TradeFigure `json:"total"`
	Entries int         `json:"entries"`
}

// CockpitRanking ranks year's imports by figure (indexer.CockpitCountry,
// CockpitImporter or CockpitExporter), value first, then weight, then key;
// entries whose imports were all undone are left out.
func (r *Reader) CockpitRanking(ctx context.Context, figure string, year, limit int) (Ranking, error) {
	y := fmt.Sprintf("%04d", year)
	sums, err := r.cockpitSums(ctx, figure, y, y)
	if err != nil {
		return Ranking{}, err
	}
	var out Ranking
	var all []Ranked
	for _, s := range sums {
		if s.Count == 0 && s.Grams == 0 && s.Value == 0 {
			continue
		}
		e := Ranked{Key: s.K1}
		e.add(s.CockpitSum)
		out.Total.add(s.CockpitSum)
		all = append(all, e)
	}
	slices.SortFunc(all, func(a, b Ranked) int {
		return cmp.Or(cmp.Compare(b.ValueFen, a.ValueFen), cmp.Compare(b.Grams, a.Grams), cmp.Compare(a.Key, b.Key))
	})
	out.Entries = len(all)
	out.Top = all[:min(limit, len(all))]
	if out.Top == nil {
		out.Top = []Ranked{}
	}
	return out, nil
}

// TicketShare is an enterprise's documents of a year: inbound (into its
// stock: zone entries, transfers' in legs) and outbound (out of it: zone
// exits, transfers' out legs). Conversions and consolidated or transfer
// checklists are neither.
type TicketShare struct {
	EnterpriseID string `json:"enterpriseId"`
	Inbound      int64  `json:"inbound"`
	Outbound     int64  `json:"outbound"`
}

// CockpitTickets are year's documents per enterprise, most tickets first.
type CockpitTickets struct {
	Enterprises []TicketShare `json:"enterprises"`
	Inbound     int64         `json:"inbound"`
	Outbound    int64         `json:"outbound"`
}

// TicketDirection is "in", "out" or "" for a document of family f and
// business type bt (model.RuleOf).
func TicketDirection(f model.Family, bt model.BusinessType) string {
	rule, ok := model.RuleOf(f, bt)
	switch {
	case !ok:
		return ""
	case rule.Leg == model.LegIn || rule.Leg == "" && rule.From == nil && rule.To != nil:
		return "in"
	case rule.Leg == model.LegOut || rule.Leg == "" && rule.From != nil && rule.To == nil:
		return "out"
	}
	return ""
}

// CockpitTickets answers year's ticket shares.
func (r *Reader) CockpitTickets(ctx context.Context, year int) (CockpitTickets, error) {
	y := fmt.Sprintf("%04d", year)
	sums, err := r.cockpitSums(ctx, indexer.CockpitTicket, y, y)
	if err != nil {
		return CockpitTickets{}, err
	}
	per := map[string]*TicketShare{}
	out := CockpitTickets{Enterprises: []TicketShare{}}
	for _, s := range sums {
		dir := TicketDirection(model.Family(s.K2), model.BusinessType(s.K3))
		if dir == "" {
			continue
		}
		e := per[s.K1]
		if e == nil {
			e = &TicketShare{EnterpriseID: s.K1}
			per[s.K1] = e
		}
		if dir == "in" {
			e.Inbound += s.Count
			out.Inbound += s.Count
		} else {
			e.Outbound += s.Count
			out.Outbound += s.Count
		}
	}
	for _, e := range per {
		out.Enterprises = append(out.Enterprises, *e)
	}
	slices.SortFunc(out.Enterprises, func(a, b TicketShare) int {
		return cmp.Or(cmp.Compare(b.Inbound+b.Outbound, a.Inbound+a.Outbound), cmp.Compare(a.EnterpriseID, b.EnterpriseID))
	})
	return out, nil
}

// StockFigure is goods held now and their value at their batches' average
// prices.
type StockFigure struct {
	Key      string `json:"key"`
	Grams    int64  `json:"grams"`
	ValueFen int64  `json:"valueFen"`
}

// CockpitStock is the zone's stock now: in total, bonded and non-bonded,
// per warehouse enterprise and per HS code of the batches' prefilings,
// largest value first (limit entries each; the totals cover all).
type CockpitStock struct {
	Total           StockFigure   `json:"total"`
	Bonded          StockFigure   `json:"bonded"`
	NonBonded       StockFigure   `json:"nonBonded"`
	Enterprises     []StockFigure `json:"enterprises"`
	HSCodes         []StockFigure `json:"hsCodes"`
	EnterpriseCount int           `json:"enterpriseCount"`
	HSCodeCount     int           `json:"hsCodeCount"`
}

// CockpitStock answers the stock now.
func (r *Reader) CockpitStock(ctx context.Context, limit int) (CockpitStock, error) {
	sums, err := r.cockpitSums(ctx, indexer.CockpitStock, "", "")
	if err != nil {
		return CockpitStock{}, err
	}
	// Values are grams × fen/kg: summed exactly, divided once.
	type acc struct{ grams, milli int64 }
	var total, bonded, nonBonded acc
	byEnterprise, byHSCode := map[string]*acc{}, map[string]*acc{}
	into := func(m map[string]*acc, k string, s CockpitSum) {
		a := m[k]
		if a == nil {
			a = &acc{}
			m[k] = a
		}
		a.grams += s.Grams
		a.milli += s.Value
	}
	for _, s := range sums {
		if s.Grams == 0 {
			continue
		}
		total.grams += s.Grams
		total.milli += s.Value
		if s.K3 == indexer.CockpitBonded {
			bonded.grams += s.Grams
			bonded.milli += s.Value
		} else {
			nonBonded.grams += s.Grams
			nonBonded.milli += s.Value
		}
		into(byEnterprise, s.K1, s)
		into(byHSCode, s.K2, s)
	}
	fig := func(k string, a acc) StockFigure {
		return StockFigure{Key: k, Grams: a.grams, ValueFen: FenOfMilli(a.milli)}
	}
	list := func(m map[string]*acc) []StockFigure {
		out := []StockFigure{}
		for k, a := range m {
			out = append(out, fig(k, *a))
		}
		slices.SortFunc(out, func(a, b StockFigure) int {
			return cmp.Or(cmp.Compare(b.ValueFen, a.ValueFen), cmp.Compare(b.Grams, a.Grams), cmp.Compare(a.Key, b.Key))
		})
		return out[:min(limit, len(out))]
	}
	return CockpitStock{Total: fig("", total), Bonded: fig("bonded", bonded), NonBonded: fig("nonbonded", nonBonded),
		Enterprises: list(byEnterprise), HSCodes: list(byHSCode),
		EnterpriseCount: len(byEnterprise), HSCodeCount: len(byHSCode)}, nil
}

// FenOfMilli rounds grams × fen/kg to fen, half away from zero.
func FenOfMilli(v int64) int64 {
	if v < 0 {
		return -FenOfMilli(-v)
	}
	return (v + 500) / 1000
}

// perKilo is fen per kilogram of value fen over grams, rounded half up.
func perKilo(valueFen, grams int64) int64 {
	return (valueFen*2000 + grams) / (2 * grams)
}

// PricePoint is one day's imports of one origin and HS code: their weight,
// value and average unit price (fen/kg, rounded).
type PricePoint struct {
	Day         string `json:"day"`
	Origin      string `json:"origin"`
	HSCode      string `json:"hsCode"`
	Grams       int64  `json:"grams"`
	ValueFen    int64  `json:"valueFen"`
	Lines       int64  `json:"lines"`
	AvgPriceFen int64  `json:"avgPriceFen"`
}

// CockpitPrices are the import price points of the days from..to
// (YYYY-MM-DD, zone time, inclusive), by day, origin and HS code; points
// whose imports were all undone are left out.
func (r *Reader) CockpitPrices(ctx context.Context, from, to string) ([]PricePoint, error) {
	sums, err := r.cockpitSums(ctx, indexer.CockpitPrice, from, to)
	if err != nil {
		return nil, err
	}
	out := []PricePoint{}
	for _, s := range sums {
		if s.Grams <= 0 {
			continue
		}
		out = append(out, PricePoint{Day: s.Period, Origin: s.K1, HSCode: s.K2, Grams: s.Grams, ValueFen: s.Value,
			Lines: s.Count, AvgPriceFen: perKilo(s.Value, s.Grams)})
	}
	slices.SortFunc(out, func(a, b PricePoint) int {
		return cmp.Or(cmp.Compare(a.Day, b.Day), cmp.Compare(a.Origin, b.Origin), cmp.Compare(a.HSCode, b.HSCode))
	})
	return out, nil
}
