package platform

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/alerts"
	"zonetrace/gateway/oplog"
	"zonetrace/internal/apiclient"
)

// TestRiskAlertsThroughTheGateway: customs' admin sets risk parameters in
// the rule configuration; an approved Brazilian batch declared without its
// quarantine certificate raises one high-risk and one quarantine alert
// through the node's job queue, and an Ethiopian one with its certificate
// raises none.
func TestRiskAlertsThroughTheGateway(t *testing.T) {
	ctx := context.Background()
	n := startNode(t)
	n.staffEnterpriseA([]map[string]string{
		{"username": "risk-admin", "displayName": "Chief Wang", "role": "customs_admin"},
		{"username": "officer", "displayName": "Officer Li", "role": "customs_officer"},
	})
	a, chief, officer := n.client("ent-a"), n.client("risk-admin"), n.client("officer")

	var current model.RuleConfig
	require.NoError(t, chief.Get(ctx, "/api/v1/rules/config", &current))
	draft := current.RuleConfigDraft
	draft.Risk = &model.RiskParams{
		HighRisk:   model.HighRiskParams{Origins: []string{"BR"}},
		Quarantine: model.QuarantineParams{Unqualified: true, NoCertificate: true},
	}
	var v1 model.RuleConfig
	_, err := chief.Do(ctx, apiclient.Request{Method: http.MethodPut, Path: "/api/v1/rules/config",
		Body: map[string]any{"baseVersion": current.Version, "config": draft}}, &v1)
	require.NoError(t, err)
	require.Equal(t, "BR", v1.RiskParams().HighRisk.Origins[0], "the parameters read back through the rule routes")

	approve := func(data model.PrefilingData) model.Prefiling {
		t.Helper()
		var d draftJSON
		require.NoError(t, a.Post(ctx, "/api/v1/prefiling-drafts", map[string]any{"data": data}, &d))
		var p model.Prefiling
		require.NoError(t, a.Post(ctx, "/api/v1/prefiling-drafts/"+d.ID+"/declare", nil, &p))
		require.NoError(t, officer.Post(ctx, "/api/v1/prefilings/"+p.ID+"/review", map[string]string{"decision": "approve"}, &p))
		return p
	}
	brazil := coffee("Santos NY2")
	brazil.Origin, brazil.ExporterName = "BR", "Santos Export SA"
	br := approve(brazil)
	et := approve(coffee("耶加雪菲 G1"))
	require.NotEmpty(t, br.TraceCode)

	var page alerts.AlertPage
	require.Eventually(t, func() bool {
		page = alerts.AlertPage{}
		return officer.Get(ctx, "/api/v1/alerts?subject="+br.TraceCode, &page) == nil && page.Total == 2
	}, 30*time.Second, 100*time.Millisecond, "the engine follows the indexed blocks")
	kinds := map[model.AlertKind]alerts.RiskAlert{}
	for _, al := range page.Items {
		kinds[al.Kind] = al
	}
	require.Equal(t, "origin", kinds[model.AlertHighRisk].Facts["field"])
	require.Equal(t, "no_certificate", kinds[model.AlertQuarantine].Facts["reason"])
	require.Equal(t, v1.Version, kinds[model.AlertHighRisk].ConfigVersion)
	require.Equal(t, br.EnterpriseID, kinds[model.AlertHighRisk].EnterpriseID)

	// The Ethiopian batch (no certificate either) is not on the high-risk
	// list; it raises only its quarantine alert, and nothing repeats.
	var etPage alerts.AlertPage
	require.Eventually(t, func() bool {
		etPage = alerts.AlertPage{}
		return officer.Get(ctx, "/api/v1/alerts?subject="+et.TraceCode, &etPage) == nil && etPage.Total == 1
	}, 30*time.Second, 100*time.Millisecond)
	require.Equal(t, model.AlertQuarantine, etPage.Items[0].Kind)
	time.Sleep(2 * time.Second) // more rounds of the job
	var all alerts.AlertPage
	require.NoError(t, officer.Get(ctx, "/api/v1/alerts", &all))
	require.Equal(t, 3, all.Total)
	n.refused(http.StatusForbidden, a, apiclient.Request{Method: http.MethodGet, Path: "/api/v1/alerts"})

	// Each alert reached the officer's bell once, as a risk message linking
	// to the alert's page; the enterprise was told nothing.
	var inbox oplog.Inbox
	require.Eventually(t, func() bool {
		inbox = oplog.Inbox{}
		return officer.Get(ctx, "/api/v1/notifications", &inbox) == nil && riskMessages(inbox) == 3
	}, 30*time.Second, 100*time.Millisecond, "the alerts are told to customs")
	told := map[string]string{}
	for _, it := range inbox.Items {
		if it.Message != nil && it.Message.Source == "risk" && it.Message.Subject == br.TraceCode {
			told[it.Message.Kind] = it.Message.Link
		}
	}
	require.Equal(t, map[string]string{
		string(model.AlertHighRisk):   fmt.Sprintf("/alerts/%d", kinds[model.AlertHighRisk].ID),
		string(model.AlertQuarantine): fmt.Sprintf("/alerts/%d", kinds[model.AlertQuarantine].ID),
	}, told)
	var clerkInbox oplog.Inbox
	require.NoError(t, a.Get(ctx, "/api/v1/notifications", &clerkInbox))
	require.Zero(t, riskMessages(clerkInbox))

	// Customs acts on the alert: the mark is written on the ledger with the
	// alert's configuration version and shows on the batch.
	mark := apiclient.Request{Method: http.MethodPost, Path: "/api/v1/trace-codes/" + br.TraceCode + "/high-risk",
		Body: map[string]any{"reason": "原产地为疫区", "configVersion": kinds[model.AlertHighRisk].ConfigVersion}}
	n.refused(http.StatusForbidden, a, mark)
	var marked model.TraceCode
	_, err = officer.Do(ctx, mark, &marked)
	require.NoError(t, err)
	require.Equal(t, "原产地为疫区", marked.HighRisk.Reason)
	require.Equal(t, v1.Version, marked.HighRisk.ConfigVersion)
	require.Eventually(t, func() bool {
		var view struct {
			TraceCode model.TraceCode `json:"traceCode"`
		}
		return a.Get(ctx, "/api/v1/trace-codes/"+br.TraceCode, &view) == nil && view.TraceCode.HighRisk != nil
	}, 10*time.Second, 50*time.Millisecond, "the holder sees the mark")
}

// BenchmarkRiskAlertLatency measures, under the declaration benchmark's
// load (16 clients declaring entry checklists, whose lines the engine
// checks for price differences), the time from sending a high-risk
// batch's approval to its alert readable through GET /api/v1/alerts — an
// upper bound of commit to alert, as it also counts the endorsement and the
// ordering of the approval. The engine follows the indexer's
// notifications, so the alert takes one engine step after the indexer, not
// a round of the job queue.
func BenchmarkRiskAlertLatency(b *testing.B) {
	ctx := context.Background()
	m := newMarket(b)
	require.NoError(b, m.admin.Post(ctx, "/api/v1/users", map[string]string{"username": "risk-admin", "role": "customs_admin",
		"password": testPassword, "displayName": "Chief Wang"}, nil))
	chief := m.client("risk-admin")
	var current model.RuleConfig
	require.NoError(b, chief.Get(ctx, "/api/v1/rules/config", &current))
	draft := current.RuleConfigDraft
	draft.Risk = &model.RiskParams{HighRisk: model.HighRiskParams{Origins: []string{"BR"}},
		PriceDifference: model.PriceDifferenceParams{HighPermille: 100, LowPermille: 50}}
	_, err := chief.Do(ctx, apiclient.Request{Method: http.MethodPut, Path: "/api/v1/rules/config",
		Body: map[string]any{"baseVersion": current.Version, "config": draft}}, nil)
	require.NoError(b, err)
	brazil := coffee("Santos NY2")
	brazil.Origin, brazil.ExporterName = "BR", "Santos Export SA"

	load := startDeclarationLoad(b, m, 16, 40)
	var lat []time.Duration
	for !load.done() {
		var d draftJSON
		require.NoError(b, m.a.Post(ctx, "/api/v1/prefiling-drafts", map[string]any{"data": brazil}, &d))
		var p model.Prefiling
		require.NoError(b, m.a.Post(ctx, "/api/v1/prefiling-drafts/"+d.ID+"/declare", nil, &p))
		t0 := time.Now()
		require.NoError(b, m.customs.Post(ctx, "/api/v1/prefilings/"+p.ID+"/review", map[string]string{"decision": "approve"}, &p))
		for {
			var page alerts.AlertPage
			require.NoError(b, m.customs.Get(ctx, "/api/v1/alerts?subject="+p.TraceCode, &page))
			if page.Total == 1 {
				break
			}
			require.Less(b, time.Since(t0), time.Minute)
			time.Sleep(5 * time.Millisecond)
		}
		lat = append(lat, time.Since(t0))
	}
	declared, elapsed := load.wait()
	b.ReportMetric(float64(len(declared))/elapsed.Seconds(), "declarations/s")
	b.ReportMetric(float64(len(lat)), "alerts")
	b.ReportMetric(percentile(lat, 0.50), "p50-ms")
	b.ReportMetric(percentile(lat, 0.99), "p99-ms")
}

// TestPriceAlertsThroughTheGateway: the engine reads sealed prices and the
// holdings from the mirror. A batch priced just over 120 % of the earlier
// batch of the same origin and HS code is high value; entry lines priced
// just over +10 % of the batch's entry price differ, at +10 % they do not;
// held goods are over their storage limit from day 91.
func TestPriceAlertsThroughTheGateway(t *testing.T) {
	ctx := context.Background()
	m := newMarket(t) // one approved batch at 7200 fen/kg, before any risk parameter
	require.NoError(t, m.admin.Post(ctx, "/api/v1/users", map[string]string{"username": "risk-admin", "role": "customs_admin",
		"password": testPassword, "displayName": "Chief Wang"}, nil))
	chief := m.client("risk-admin")
	var current model.RuleConfig
	require.NoError(t, chief.Get(ctx, "/api/v1/rules/config", &current))
	draft := current.RuleConfigDraft
	draft.Risk = &model.RiskParams{HighValue: model.HighValueParams{PeriodDays: 30, ThresholdPermille: 200},
		PriceDifference: model.PriceDifferenceParams{HighPermille: 100, LowPermille: 50},
		LongStorage:     model.LongStorageParams{Limits: []model.StorageLimit{{Commodity: "coffee", MaxDays: 90}}}}
	_, err := chief.Do(ctx, apiclient.Request{Method: http.MethodPut, Path: "/api/v1/rules/config",
		Body: map[string]any{"baseVersion": current.Version, "config": draft}}, nil)
	require.NoError(t, err)

	dear := coffee("耶加雪菲 G1 精选")
	dear.AvgPriceFen = 8_641
	var d draftJSON
	require.NoError(t, m.a.Post(ctx, "/api/v1/prefiling-drafts", map[string]any{"data": dear}, &d))
	var pf model.Prefiling
	require.NoError(t, m.a.Post(ctx, "/api/v1/prefiling-drafts/"+d.ID+"/declare", nil, &pf))
	require.NoError(t, m.customs.Post(ctx, "/api/v1/prefilings/"+pf.ID+"/review", map[string]string{"decision": "approve"}, &pf))

	priced := func(fen int64) model.DocumentLine {
		l := m.line(1_000_000)
		l.UnitPriceFen, l.ValueFen = fen, 1_000*fen
		return l
	}
	over := m.declare(m.a, model.FamilyChecklist, model.BusinessEntry, model.DocumentHead{}, priced(7_921))
	at := m.declare(m.a, model.FamilyChecklist, model.BusinessEntry, model.DocumentHead{}, priced(7_920))

	wait := func(query string, n int) alerts.AlertPage {
		t.Helper()
		var page alerts.AlertPage
		require.Eventually(t, func() bool {
			page = alerts.AlertPage{}
			return m.customs.Get(ctx, "/api/v1/alerts"+query, &page) == nil && page.Total == n
		}, 30*time.Second, 100*time.Millisecond, query)
		return page
	}
	hv := wait("?kind=high_value", 1).Items[0]
	require.Equal(t, pf.TraceCode, hv.Subject)
	require.EqualValues(t, 7_200, hv.Facts["referencePriceFen"])
	require.EqualValues(t, 8_641, hv.Facts["avgPriceFen"])
	pd := wait("?kind=price_difference", 1).Items[0]
	require.Equal(t, over.ID, pd.Subject)
	require.Equal(t, "high", pd.Facts["side"])
	require.EqualValues(t, 7_200, pd.Facts["entryPriceFen"])
	time.Sleep(2 * time.Second)
	require.Zero(t, wait("?subject="+at.ID, 0).Total, "at the bound nothing fires")
	require.Equal(t, 2, wait("", 2).Total, "nothing else fired")

	// Storage age: the entry takes effect at the gate; on the 90th day the
	// batch is within its limit, on the 91st it is over — checked here by
	// an engine on the node's database with a clock moved forward.
	m.customsReceipt(over.ID, "1")
	require.NoError(t, m.gatePass(over.ID))
	require.Eventually(t, func() bool { return len(m.stock()) > 0 }, 10*time.Second, 50*time.Millisecond, "the goods are held")
	var tc struct {
		TraceCode model.TraceCode `json:"traceCode"`
	}
	require.NoError(t, m.customs.Get(ctx, "/api/v1/trace-codes/"+m.code, &tc))
	issued, err := time.Parse(time.RFC3339Nano, tc.TraceCode.IssuedAt)
	require.NoError(t, err)
	check := func(days int) int {
		e := alerts.New(m.Pool, alerts.NewPGSource(m.Pool, m.Reads),
			alerts.WithClock(func() time.Time { return issued.AddDate(0, 0, days).Add(time.Hour) }))
		n, err := e.CheckStorage(ctx)
		require.NoError(t, err)
		return n
	}
	require.Zero(t, check(90))
	require.Equal(t, 1, check(91))
	require.Zero(t, check(92), "one alert per stay")
	ls := wait("?kind=long_storage", 1).Items[0]
	require.Equal(t, m.code, ls.Subject)
	require.EqualValues(t, 91, ls.Facts["days"])
}

// riskMessages counts the risk alerts in an inbox.
func riskMessages(in oplog.Inbox) int {
	n := 0
	for _, it := range in.Items {
		if it.Message != nil && it.Message.Source == "risk" {
			n++
		}
	}
	return n
}
