package platform

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/alerts"
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

// BenchmarkRiskAlertLatency measures, for approvals of high-risk batches
// one after another, the time from the approval's answer (its block
// committed) to the alert readable through GET /api/v1/alerts: the job
// queue's period (jobs.DefaultAlertsEvery) plus one engine step.
func BenchmarkRiskAlertLatency(b *testing.B) {
	ctx := context.Background()
	n := startNode(b)
	n.staffEnterpriseA([]map[string]string{
		{"username": "risk-admin", "displayName": "Chief Wang", "role": "customs_admin"},
		{"username": "officer", "displayName": "Officer Li", "role": "customs_officer"},
	})
	a, chief, officer := n.client("ent-a"), n.client("risk-admin"), n.client("officer")
	var current model.RuleConfig
	require.NoError(b, chief.Get(ctx, "/api/v1/rules/config", &current))
	draft := current.RuleConfigDraft
	draft.Risk = &model.RiskParams{HighRisk: model.HighRiskParams{Origins: []string{"BR"}}}
	_, err := chief.Do(ctx, apiclient.Request{Method: http.MethodPut, Path: "/api/v1/rules/config",
		Body: map[string]any{"baseVersion": current.Version, "config": draft}}, nil)
	require.NoError(b, err)
	brazil := coffee("Santos NY2")
	brazil.Origin, brazil.ExporterName = "BR", "Santos Export SA"
	const batches = 20
	var lat []time.Duration
	for range batches {
		var d draftJSON
		require.NoError(b, a.Post(ctx, "/api/v1/prefiling-drafts", map[string]any{"data": brazil}, &d))
		var p model.Prefiling
		require.NoError(b, a.Post(ctx, "/api/v1/prefiling-drafts/"+d.ID+"/declare", nil, &p))
		require.NoError(b, officer.Post(ctx, "/api/v1/prefilings/"+p.ID+"/review", map[string]string{"decision": "approve"}, &p))
		t0 := time.Now()
		for {
			var page alerts.AlertPage
			require.NoError(b, officer.Get(ctx, "/api/v1/alerts?subject="+p.TraceCode, &page))
			if page.Total == 1 {
				break
			}
			require.Less(b, time.Since(t0), time.Minute)
			time.Sleep(10 * time.Millisecond)
		}
		lat = append(lat, time.Since(t0))
	}
	b.ReportMetric(percentile(lat, 0.50), "p50-ms")
	b.ReportMetric(percentile(lat, 0.99), "p99-ms")
}
