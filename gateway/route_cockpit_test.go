package gateway

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"zonetrace/indexer"
	"zonetrace/indexer/query"
)

// The fake mirror's cockpit answers figures derived from the arguments, so
// the routes' decoding and the names are visible; the sums themselves are
// tested on PostgreSQL in indexer/cockpit_test.go.
func (r *fakeReads) CockpitTrade(_ context.Context, year int) (query.CockpitTrade, error) {
	return query.CockpitTrade{Year: year, Import: query.TradeFigure{ValueFen: int64(year)}, Months: []query.TradeMonth{}}, nil
}

func (r *fakeReads) CockpitRanking(_ context.Context, figure string, _, limit int) (query.Ranking, error) {
	key := figure
	if figure == indexer.CockpitImporter {
		key = entA
	}
	return query.Ranking{Top: []query.Ranked{{Key: key}}, Entries: limit}, nil
}

func (r *fakeReads) CockpitTickets(context.Context, int) (query.CockpitTickets, error) {
	return query.CockpitTickets{Enterprises: []query.TicketShare{{EnterpriseID: entA, Inbound: 2, Outbound: 1}}, Inbound: 2, Outbound: 1}, nil
}

func (r *fakeReads) CockpitStock(_ context.Context, limit int) (query.CockpitStock, error) {
	return query.CockpitStock{Enterprises: []query.StockFigure{{Key: entA, Grams: int64(limit)}}, HSCodes: []query.StockFigure{}}, nil
}

func (r *fakeReads) CockpitPrices(_ context.Context, from, to string) ([]query.PricePoint, error) {
	return []query.PricePoint{{Day: from, Origin: "BR"}, {Day: to, Origin: "ET"}}, nil
}

func TestCockpitRoutes(t *testing.T) {
	t.Parallel()
	e := setup(t)
	officer, admin, a, auditor := e.login("officer"), e.login("admin"), e.login("ent-a"), e.login("auditor")

	t.Run("customs and the zone administration read the overview with names", func(t *testing.T) {
		for _, s := range []string{officer, admin} {
			r := e.do(s, "GET", "/api/v1/cockpit/overview?year=2025&limit=3", nil, nil)
			require.Equal(t, 200, r.Code, r.Body.String())
			m := r.json(t)
			require.EqualValues(t, 2025, m["year"])
			require.EqualValues(t, 2025, m["trade"].(map[string]any)["import"].(map[string]any)["valueFen"])
			importers := m["importers"].(map[string]any)
			require.EqualValues(t, 3, importers["entries"], "the limit reaches the reader")
			top := importers["top"].([]any)[0].(map[string]any)
			require.Equal(t, entA, top["key"])
			require.Equal(t, e.reads.enterprises[entA].Name, top["name"])
			require.NotContains(t, m["countries"].(map[string]any)["top"].([]any)[0], "name", "origins have no enterprise name")
			require.Equal(t, e.reads.enterprises[entA].Name, m["tickets"].(map[string]any)["enterprises"].([]any)[0].(map[string]any)["name"])
			require.EqualValues(t, 3, m["stock"].(map[string]any)["enterprises"].([]any)[0].(map[string]any)["grams"])
		}
	})
	t.Run("the vehicle figures come from the gate intake", func(t *testing.T) {
		e.registerGate(t, admin, "G1", "both", 10, 10)
		// 2024-12-31 16:30 UTC is January 2025 in the zone.
		for _, ev := range []struct{ plate, direction, at, state string }{
			{"苏E00001", "in", "2024-12-31T16:30:00Z", "matched"},
			{"苏E00001", "out", "2025-03-02T08:00:00Z", "unmatched"},
			{"苏E00002", "in", "2025-03-03T08:00:00Z", "matched"},
			{"苏E00003", "in", "2025-03-04T08:00:00Z", "ignored"},
		} {
			_, err := e.cfg.Pool.Exec(t.Context(), `INSERT INTO gate_events (gate_id, plate, vehicle, direction, at, image_ref, document_no,
				state, received_at) VALUES ('G1', $1, $1, $2, $3, '', '', $4, $3)`, ev.plate, ev.direction, ev.at, ev.state)
			require.NoError(t, err)
		}
		r := e.do(officer, "GET", "/api/v1/cockpit/overview?year=2025", nil, nil)
		require.Equal(t, 200, r.Code, r.Body.String())
		v := r.json(t)["vehicles"].(map[string]any)
		require.EqualValues(t, 2, v["entries"])
		require.EqualValues(t, 1, v["exits"])
		require.EqualValues(t, 1, v["inside"])
		months := v["byMonth"].([]any)
		require.Len(t, months, 12)
		require.Equal(t, map[string]any{"month": "2025-01", "entries": 1.0, "exits": 0.0}, months[0])
		require.Equal(t, map[string]any{"month": "2025-03", "entries": 1.0, "exits": 1.0}, months[2])
	})
	t.Run("defaults: this year and ten entries", func(t *testing.T) {
		r := e.do(officer, "GET", "/api/v1/cockpit/overview", nil, nil)
		require.Equal(t, 200, r.Code, r.Body.String())
		m := r.json(t)
		require.Positive(t, m["year"])
		require.EqualValues(t, 10, m["importers"].(map[string]any)["entries"])
	})
	t.Run("bad parameters are refused on their field", func(t *testing.T) {
		for query, want := range map[string]struct {
			status int
			field  string
		}{
			"year=abc":       {400, "year"},
			"year=1999":      {422, "year"},
			"limit=51":       {422, "limit"},
			"limit=0&year=x": {400, "year"},
		} {
			r := e.do(officer, "GET", "/api/v1/cockpit/overview?"+query, nil, nil)
			require.Equal(t, want.status, r.Code, query)
			details := r.json(t)["error"].(map[string]any)["details"].([]any)
			require.Equal(t, want.field, details[0].(map[string]any)["field"], query)
		}
	})
	t.Run("prices default to the last 90 days and bound the range", func(t *testing.T) {
		r := e.do(officer, "GET", "/api/v1/cockpit/prices?from=2025-01-01&to=2025-03-31", nil, nil)
		require.Equal(t, 200, r.Code, r.Body.String())
		m := r.json(t)
		require.Equal(t, "2025-01-01", m["from"])
		require.Equal(t, "2025-03-31", m["to"])
		require.Len(t, m["points"], 2)
		r = e.do(officer, "GET", "/api/v1/cockpit/prices?to=2025-03-31", nil, nil)
		require.Equal(t, 200, r.Code, r.Body.String())
		require.Equal(t, "2025-01-01", r.json(t)["from"], "90 days up to the last")
		for _, q := range []string{"from=2024-01-01&to=2025-03-31", "from=2025-04-01&to=2025-03-31", "from=2025-13-01"} {
			r := e.do(officer, "GET", "/api/v1/cockpit/prices?"+q, nil, nil)
			require.Equal(t, 422, r.Code, fmt.Sprint(q, r.Body.String()))
		}
	})
	t.Run("enterprises and auditors do not see the cockpit", func(t *testing.T) {
		for _, s := range []string{a, auditor} {
			require.Equal(t, 403, e.do(s, "GET", "/api/v1/cockpit/overview", nil, nil).Code)
			require.Equal(t, 403, e.do(s, "GET", "/api/v1/cockpit/prices", nil, nil).Code)
		}
	})
}
