// Package cockpit is the supervision cockpit (监管驾驶舱): the zone's trade,
// rankings, ticket shares, stock, import prices and vehicles for customs and
// the zone administration, read from the sums the indexer keeps (migration
// 00015) and those the gate intake keeps (gateway migration 00019), so no
// figure scans the mirror or the gate events on a page load. Enterprises do not see it:
// every figure is the whole zone's.
package cockpit

import (
	"context"
	"time"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/gates"
	"zonetrace/gateway/validation"
	"zonetrace/indexer"
	"zonetrace/indexer/query"
)

// Reads is what the cockpit reads from the indexer's mirror.
type Reads interface {
	CockpitTrade(ctx context.Context, year int) (query.CockpitTrade, error)
	CockpitRanking(ctx context.Context, figure string, year, limit int) (query.Ranking, error)
	CockpitTickets(ctx context.Context, year int) (query.CockpitTickets, error)
	CockpitStock(ctx context.Context, limit int) (query.CockpitStock, error)
	CockpitPrices(ctx context.Context, from, to string) ([]query.PricePoint, error)
	Enterprises(ctx context.Context) ([]model.Enterprise, error)
}

// Vehicles is what the cockpit reads from the gate intake (gates.Service).
type Vehicles interface {
	Traffic(ctx context.Context, year int) (gates.Traffic, error)
}

// Service answers the cockpit.
type Service struct {
	Reads    Reads
	Vehicles Vehicles
	// Now is the clock the default year and days are taken from.
	Now func() time.Time
}

// Limits of the requests.
const (
	DefaultLimit = 10
	MaxLimit     = 50
	MinYear      = 2000
	MaxYear      = 2100
	// DefaultPriceDays is how many days the price scatter shows by default;
	// MaxPriceDays how many it may span.
	DefaultPriceDays = 90
	MaxPriceDays     = 366
)

// RankEntry is a ranking entry with the enterprise's name when the key is an
// enterprise id.
type RankEntry struct {
	query.Ranked
	Name string `json:"name,omitempty"`
}

// RankList is the first entries of a ranking and the total of all entries.
type RankList struct {
	Top     []RankEntry       `json:"top"`
	Total   query.TradeFigure `json:"total"`
	Entries int               `json:"entries"`
}

// EnterpriseTickets is an enterprise's inbound and outbound documents.
type EnterpriseTickets struct {
	query.TicketShare
	Name string `json:"name"`
}

// Tickets are the year's documents per enterprise.
type Tickets struct {
	Enterprises []EnterpriseTickets `json:"enterprises"`
	Inbound     int64               `json:"inbound"`
	Outbound    int64               `json:"outbound"`
}

// EnterpriseStock is a stock figure with the enterprise's name when the key is
// an enterprise id.
type EnterpriseStock struct {
	query.StockFigure
	Name string `json:"name,omitempty"`
}

// Stock is the stock now (goods in warehouses and their value).
type Stock struct {
	Total           query.StockFigure   `json:"total"`
	Bonded          query.StockFigure   `json:"bonded"`
	NonBonded       query.StockFigure   `json:"nonBonded"`
	Enterprises     []EnterpriseStock   `json:"enterprises"`
	HSCodes         []query.StockFigure `json:"hsCodes"`
	EnterpriseCount int                 `json:"enterpriseCount"`
	HSCodeCount     int                 `json:"hsCodeCount"`
}

// Overview is every figure of the cockpit for a year but the price
// scatter. Members are added, never changed.
type Overview struct {
	Year      int                `json:"year"`
	Trade     query.CockpitTrade `json:"trade"`
	Countries RankList           `json:"countries"`
	Importers RankList           `json:"importers"`
	Exporters RankList           `json:"exporters"`
	Tickets   Tickets            `json:"tickets"`
	Stock     Stock              `json:"stock"`
	// Vehicles are the year's gate crossings and the vehicles inside now.
	Vehicles gates.Traffic `json:"vehicles"`
}

// Prices are the import price points of the days From..To.
type Prices struct {
	From   string             `json:"from"`
	To     string             `json:"to"`
	Points []query.PricePoint `json:"points"`
}

// Overview answers year's figures (0: this year, zone time); rankings and
// stock lists hold limit entries (0: DefaultLimit).
func (s *Service) Overview(ctx context.Context, year, limit int) (Overview, error) {
	if year == 0 {
		year = s.now().Year()
	}
	if limit == 0 {
		limit = DefaultLimit
	}
	var p validation.Problems
	if year < MinYear || year > MaxYear {
		p.AddModel(model.Problem{Field: "year", Rule: model.RuleOutOfRange, Params: model.Params{"min": MinYear, "max": MaxYear}})
	}
	if limit < 1 || limit > MaxLimit {
		p.AddModel(model.Problem{Field: "limit", Rule: model.RuleOutOfRange, Params: model.Params{"min": 1, "max": MaxLimit}})
	}
	if err := p.Err(); err != nil {
		return Overview{}, err
	}
	names, err := s.names(ctx)
	if err != nil {
		return Overview{}, err
	}
	out := Overview{Year: year}
	if out.Trade, err = s.Reads.CockpitTrade(ctx, year); err != nil {
		return Overview{}, err
	}
	for _, r := range []struct {
		figure string
		into   *RankList
		named  bool
	}{
		{indexer.CockpitCountry, &out.Countries, false},
		{indexer.CockpitImporter, &out.Importers, true},
		{indexer.CockpitExporter, &out.Exporters, false},
	} {
		got, err := s.Reads.CockpitRanking(ctx, r.figure, year, limit)
		if err != nil {
			return Overview{}, err
		}
		*r.into = RankList{Top: make([]RankEntry, len(got.Top)), Total: got.Total, Entries: got.Entries}
		for i, e := range got.Top {
			r.into.Top[i] = RankEntry{Ranked: e}
			if r.named {
				r.into.Top[i].Name = names[e.Key]
			}
		}
	}
	tickets, err := s.Reads.CockpitTickets(ctx, year)
	if err != nil {
		return Overview{}, err
	}
	out.Tickets = Tickets{Enterprises: make([]EnterpriseTickets, len(tickets.Enterprises)), Inbound: tickets.Inbound, Outbound: tickets.Outbound}
	for i, e := range tickets.Enterprises {
		out.Tickets.Enterprises[i] = EnterpriseTickets{TicketShare: e, Name: names[e.EnterpriseID]}
	}
	stock, err := s.Reads.CockpitStock(ctx, limit)
	if err != nil {
		return Overview{}, err
	}
	out.Stock = Stock{Total: stock.Total, Bonded: stock.Bonded, NonBonded: stock.NonBonded,
		Enterprises: make([]EnterpriseStock, len(stock.Enterprises)), HSCodes: stock.HSCodes,
		EnterpriseCount: stock.EnterpriseCount, HSCodeCount: stock.HSCodeCount}
	for i, e := range stock.Enterprises {
		out.Stock.Enterprises[i] = EnterpriseStock{StockFigure: e, Name: names[e.Key]}
	}
	if out.Vehicles, err = s.Vehicles.Traffic(ctx, year); err != nil {
		return Overview{}, err
	}
	return out, nil
}

// Prices answers the import price points of the days from..to (YYYY-MM-DD,
// zone time, inclusive; empty to: today, empty from: DefaultPriceDays
// days up to to), at most MaxPriceDays days.
func (s *Service) Prices(ctx context.Context, from, to string) (Prices, error) {
	var p validation.Problems
	last := s.now()
	if to != "" {
		t, err := time.ParseInLocation(time.DateOnly, to, model.ZoneTime)
		if err != nil {
			p.AddModel(model.Problem{Field: "to", Rule: model.RulePattern, Params: model.Params{"format": model.FormatDate}})
		}
		last = t
	}
	first := last.AddDate(0, 0, 1-DefaultPriceDays)
	if from != "" {
		t, err := time.ParseInLocation(time.DateOnly, from, model.ZoneTime)
		if err != nil {
			p.AddModel(model.Problem{Field: "from", Rule: model.RulePattern, Params: model.Params{"format": model.FormatDate}})
		}
		first = t
	}
	if err := p.Err(); err != nil {
		return Prices{}, err
	}
	if first.After(last) {
		p.AddModel(model.Problem{Field: "to", Rule: model.RuleStopBeforeStart, Params: model.Params{"start": first.Format(time.DateOnly)}})
	} else if days := int(last.Sub(first).Hours()/24) + 1; days > MaxPriceDays {
		p.AddModel(model.Problem{Field: "from", Rule: model.RuleOutOfRange, Params: model.Params{"min": 1, "max": MaxPriceDays}})
	}
	if err := p.Err(); err != nil {
		return Prices{}, err
	}
	out := Prices{From: first.Format(time.DateOnly), To: last.Format(time.DateOnly)}
	var err error
	out.Points, err = s.Reads.CockpitPrices(ctx, out.From, out.To)
	return out, err
}

func (s *Service) now() time.Time {
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	t := now().In(model.ZoneTime)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, model.ZoneTime)
}

// names are the enterprises' names by id.
func (s *Service) names(ctx context.Context) (map[string]string, error) {
	list, err := s.Reads.Enterprises(ctx)
	if err != nil {
		return nil, err
	}
	names := make(map[string]string, len(list))
	for _, e := range list {
		names[e.ID] = e.Name
	}
	return names, nil
}
