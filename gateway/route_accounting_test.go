package gateway

import (
	"context"
	"encoding/json"
	"net/url"
	"slices"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
	"zonetrace/indexer"
	"zonetrace/indexer/query"
)

// fakeAccounting is the accounts' part of fakeReads: it records what the
// service asked and answers periods it holds. Paging itself is the query
// layer's (indexer/query accounting tests); here the routes must pass the
// cursor through and scope each role.
type fakeAccounting struct {
	movements []query.AccountMovementFilter
	stock     []query.StockFilter
	// stockRows are the stock report's rows, paged by f.Limit.
	stockRows []query.StockRow
	// movementRows, when set, are the movements, paged by f.Limit;
	// otherwise every page is empty and names a next one.
	movementRows []query.AccountMovement
	periods      []model.AccountPeriod
	figures      []model.PeriodFigure
}

func (r *fakeReads) AccountMovements(_ context.Context, f query.AccountMovementFilter) (query.AccountMovementPage, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.accounting.movements = append(r.accounting.movements, f)
	rows := r.accounting.movementRows
	if rows == nil {
		return query.AccountMovementPage{Items: []query.AccountMovement{}, Next: "next-of-" + f.After}, nil
	}
	start, _ := strconv.Atoi(f.After)
	page := query.AccountMovementPage{Items: append([]query.AccountMovement{}, rows[min(start, len(rows)):min(start+f.Limit, len(rows))]...)}
	if start+f.Limit < len(rows) {
		page.Next = strconv.Itoa(start + f.Limit)
	}
	return page, nil
}

func (r *fakeReads) Stock(_ context.Context, f query.StockFilter) (query.StockPage, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.accounting.stock = append(r.accounting.stock, f)
	start, _ := strconv.Atoi(f.After)
	limit := f.Limit
	if limit == 0 {
		limit = query.DefaultAccountPage
	}
	rows := r.accounting.stockRows
	page := query.StockPage{Items: append([]query.StockRow{}, rows[min(start, len(rows)):min(start+limit, len(rows))]...)}
	if start+limit < len(rows) {
		page.Next = strconv.Itoa(start + limit)
	}
	return page, nil
}

func (r *fakeReads) AccountPeriods(_ context.Context, enterpriseID string) ([]model.AccountPeriod, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := []model.AccountPeriod{}
	for _, p := range r.accounting.periods {
		if enterpriseID == "" || p.EnterpriseID == enterpriseID {
			out = append(out, p)
		}
	}
	return out, nil
}

func (r *fakeReads) AccountPeriod(_ context.Context, enterpriseID, periodID string) (model.AccountPeriod, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	i := slices.IndexFunc(r.accounting.periods, func(p model.AccountPeriod) bool {
		return p.EnterpriseID == enterpriseID && p.PeriodID == periodID
	})
	if i < 0 {
		return model.AccountPeriod{}, query.ErrNotFound
	}
	return r.accounting.periods[i], nil
}

func (r *fakeReads) PeriodFigures(context.Context, model.AccountPeriod) ([]model.PeriodFigure, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.accounting.figures, nil
}

func (r *fakeReads) VerifyPeriod(_ context.Context, p model.AccountPeriod) (query.PeriodCheck, error) {
	return query.PeriodCheck{Period: p, Changes: []query.FigureChange{}}, nil
}

func (r *fakeReads) BalancesPage(ctx context.Context, f query.BalanceFilter, after string, limit int) (query.BalancePage, error) {
	all, err := r.Balances(ctx, f)
	if err != nil {
		return query.BalancePage{}, err
	}
	start := 0
	if after != "" {
		start, _ = strconv.Atoi(after)
	}
	if limit == 0 {
		limit = query.DefaultBalancePage
	}
	page := query.BalancePage{Items: all[min(start, len(all)):min(start+limit, len(all))]}
	if start+limit < len(all) {
		page.Next = strconv.Itoa(start + limit)
	}
	return page, nil
}

func TestAccountRoutes(t *testing.T) {
	t.Parallel()
	e := setup(t)
	officer, entUser, auditor := e.login("officer"), e.login("ent-a"), e.login("auditor")

	t.Run("an enterprise sees its own accounts only; customs asks for any", func(t *testing.T) {
		r := e.do(entUser, "GET", "/api/v1/accounts/movements?enterpriseId="+entB+"&flow=entry,exit&after=c1&limit=50&from=2026-01-01&to=2026-01-31", nil, nil)
		require.Equal(t, 200, r.Code, r.Body.String())
		require.Equal(t, "next-of-c1", r.json(t)["next"])
		r = e.do(officer, "GET", "/api/v1/accounts/movements?enterpriseId="+entB+"&materialNo=M1&checklistNo=HZ1&vehiclePlate=P1&bonded=false", nil, nil)
		require.Equal(t, 200, r.Code, r.Body.String())
		e.reads.mu.Lock()
		asked := e.reads.accounting.movements
		e.reads.mu.Unlock()
		require.Len(t, asked, 2)
		require.Equal(t, entA, asked[0].EnterpriseID)
		require.Equal(t, []indexer.Flow{indexer.FlowEntry, indexer.FlowExit}, asked[0].Flows)
		require.Equal(t, "c1", asked[0].After)
		require.Equal(t, 50, asked[0].Limit)
		start, end, err := model.PeriodBounds("2026-01-01", "2026-01-31")
		require.NoError(t, err)
		require.True(t, asked[0].Since.Equal(start) && asked[0].Until.Equal(end))
		no := false
		require.Equal(t, query.AccountKeys{EnterpriseID: entB, MaterialNo: "M1", ChecklistNo: "HZ1", VehiclePlate: "P1", Bonded: &no}, asked[1].AccountKeys)
	})

	t.Run("stock and pass-through pass their grouping", func(t *testing.T) {
		require.Equal(t, 200, e.do(auditor, "GET", "/api/v1/accounts/stock?groupBy=material&inStock=true&asOf=2026-06-30", nil, nil).Code)
		require.Equal(t, 200, e.do(entUser, "GET", "/api/v1/accounts/pass-through?groupBy=enterprise", nil, nil).Code)
		e.reads.mu.Lock()
		asked := e.reads.accounting.stock
		e.reads.mu.Unlock()
		require.Equal(t, query.GroupMaterial, asked[0].GroupBy)
		require.True(t, asked[0].InStock)
		require.Empty(t, asked[0].EnterpriseID)
		require.Equal(t, query.GroupTrace, asked[1].GroupBy, "pass-through is per batch whatever is asked")
		require.Equal(t, entA, asked[1].EnterpriseID)
	})

	t.Run("bad parameters are 400", func(t *testing.T) {
		for _, q := range []string{"/movements?flow=sideways", "/movements?limit=0", "/movements?from=2026-02-30", "/stock?bonded=maybe",
			"/stock?limit=x", "/stock?asOf=tomorrow"} {
			require.Equal(t, 400, e.do(officer, "GET", "/api/v1/accounts"+q, nil, nil).Code, q)
		}
	})

	t.Run("periods: enterprises define and close their own", func(t *testing.T) {
		defined := model.AccountPeriod{EnterpriseID: entA, PeriodID: "2026H1", From: "2026-01-01", To: "2026-06-30", Status: model.PeriodOpen}
		e.ledger.on["DefinePeriod"] = func(args []string) ([]byte, error) {
			require.Equal(t, []string{"2026H1", "2026-01-01", "2026-06-30"}, args[1:])
			return json.Marshal(defined)
		}
		body := map[string]string{"periodId": "2026H1", "from": "2026-01-01", "to": "2026-06-30"}
		require.Equal(t, 403, e.do(officer, "POST", "/api/v1/accounts/periods", body, nil).Code)
		r := e.do(entUser, "POST", "/api/v1/accounts/periods", map[string]string{"periodId": "bad id", "from": "x", "to": "2026-06-30"}, nil)
		require.Equal(t, 422, r.Code, r.Body.String())
		r = e.do(entUser, "POST", "/api/v1/accounts/periods", body, nil)
		require.Equal(t, 201, r.Code, r.Body.String())
		require.Equal(t, "2026H1", r.json(t)["periodId"])

		e.reads.mu.Lock()
		e.reads.accounting.periods = []model.AccountPeriod{defined,
			{EnterpriseID: entB, PeriodID: "2026H1", From: "2026-01-01", To: "2026-06-30", Status: model.PeriodOpen}}
		e.reads.accounting.figures = []model.PeriodFigure{{TraceCode: "TC1", Bonded: true, EntryGrams: 5, ClosingGrams: 5}}
		e.reads.mu.Unlock()
		count := func(token, q string) int {
			r := e.do(token, "GET", "/api/v1/accounts/periods"+q, nil, nil)
			require.Equal(t, 200, r.Code, r.Body.String())
			return len(r.json(t)["items"].([]any))
		}
		require.Equal(t, 2, count(officer, ""))
		require.Equal(t, 1, count(officer, "?enterpriseId="+entB))
		require.Equal(t, 1, count(entUser, "?enterpriseId="+entB), "an enterprise lists its own whatever it asks")

		require.Equal(t, 403, e.do(entUser, "GET", "/api/v1/accounts/periods/"+entB+"/2026H1/figures", nil, nil).Code)
		require.Equal(t, 404, e.do(officer, "GET", "/api/v1/accounts/periods/"+entB+"/2027/figures", nil, nil).Code)
		r = e.do(officer, "GET", "/api/v1/accounts/periods/"+entA+"/2026H1/figures", nil, nil)
		require.Equal(t, 200, r.Code, r.Body.String())
		var figures struct {
			TotalsHash string `json:"totalsHash"`
		}
		require.NoError(t, json.Unmarshal(r.Body.Bytes(), &figures))
		require.Equal(t, model.PeriodTotalsHash(defined, e.reads.accounting.figures), figures.TotalsHash)
		require.Equal(t, 200, e.do(auditor, "GET", "/api/v1/accounts/periods/"+entB+"/2026H1/verification", nil, nil).Code)

		// Closing sends the hash of the figures computed from the mirror.
		var sentHash string
		e.ledger.on["ClosePeriod"] = func(args []string) ([]byte, error) {
			sentHash = args[2]
			closed := defined
			closed.Status, closed.TotalsHash = model.PeriodClosed, args[2]
			return json.Marshal(closed)
		}
		require.Equal(t, 403, e.do(entUser, "POST", "/api/v1/accounts/periods/"+url.PathEscape(entB)+"/2026H1/close", nil, nil).Code)
		require.Equal(t, 403, e.do(officer, "POST", "/api/v1/accounts/periods/"+entA+"/2026H1/close", nil, nil).Code)
		r = e.do(entUser, "POST", "/api/v1/accounts/periods/"+entA+"/2026H1/close", nil, nil)
		require.Equal(t, 200, r.Code, r.Body.String())
		require.Equal(t, figures.TotalsHash, sentHash)
	})
}

func TestBalancesArePaged(t *testing.T) {
	t.Parallel()
	e := setup(t)
	for i := range 5 {
		e.reads.balances = append(e.reads.balances, query.BalanceView{Balance: model.Balance{TraceCode: "TC" + strconv.Itoa(i), EnterpriseID: entA, Bonded: true}})
	}
	token := e.login("officer")
	var codes []string
	after := ""
	for {
		r := e.do(token, "GET", "/api/v1/balances?limit=2&after="+after, nil, nil)
		require.Equal(t, 200, r.Code, r.Body.String())
		body := r.json(t)
		for _, it := range body["items"].([]any) {
			codes = append(codes, it.(map[string]any)["traceCode"].(string))
		}
		next, _ := body["next"].(string)
		if next == "" {
			break
		}
		after = next
	}
	require.Equal(t, []string{"TC0", "TC1", "TC2", "TC3", "TC4"}, codes)
	require.Equal(t, 400, e.do(token, "GET", "/api/v1/balances?limit=-1", nil, nil).Code)
}
