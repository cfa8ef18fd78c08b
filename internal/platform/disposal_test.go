package platform

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"mime/multipart"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/alerts"
	"zonetrace/internal/apiclient"
)

// TestRiskDisposalThroughTheGateway: customs assesses a high-risk alert by
// the configured matrix, disposes of it from a template with an uploaded
// evidence file, closes it, revokes the disposal with a reason and
// disposes again. Every step is a ledger transaction whose record the
// alert listing, the statistics and the export show once indexed.
func TestRiskDisposalThroughTheGateway(t *testing.T) {
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
	matrix := model.DefaultRiskMatrix()
	for u := range matrix { // nothing is low risk here
		for p := range matrix[u] {
			for i := range matrix[u][p] {
				if matrix[u][p][i] == model.RiskLow {
					matrix[u][p][i] = model.RiskMedium
				}
			}
		}
	}
	draft.Risk = &model.RiskParams{HighRisk: model.HighRiskParams{Origins: []string{"BR"}},
		Disposal: &model.DisposalParams{Matrix: matrix, Templates: []model.OpinionTemplate{
			{ID: "inspect-origin", Title: "疫区查验", Text: "原产地为疫区，布控查验", Kinds: []model.AlertKind{model.AlertHighRisk},
				Type: model.DisposalInspect}}}}
	var v1 model.RuleConfig
	_, err := chief.Do(ctx, apiclient.Request{Method: http.MethodPut, Path: "/api/v1/rules/config",
		Body: map[string]any{"baseVersion": current.Version, "config": draft}}, &v1)
	require.NoError(t, err)

	var options alerts.DisposalOptions
	require.NoError(t, officer.Get(ctx, "/api/v1/alerts/disposal-options", &options))
	require.Equal(t, v1.Version, options.ConfigVersion)
	require.Equal(t, model.RiskMedium, options.Matrix[0][0][0])
	require.Equal(t, "inspect-origin", options.Templates[0].ID)
	require.Len(t, options.Types, len(model.DisposalTypes))

	brazil := coffee("Santos NY2")
	brazil.Origin, brazil.ExporterName = "BR", "Santos Export SA"
	brazil.QuarantineResult = model.QuarantinePending
	var d draftJSON
	require.NoError(t, a.Post(ctx, "/api/v1/prefiling-drafts", map[string]any{"data": brazil}, &d))
	var p model.Prefiling
	require.NoError(t, a.Post(ctx, "/api/v1/prefiling-drafts/"+d.ID+"/declare", nil, &p))
	require.NoError(t, officer.Post(ctx, "/api/v1/prefilings/"+p.ID+"/review", map[string]string{"decision": "approve"}, &p))

	var page alerts.AlertPage
	require.Eventually(t, func() bool {
		page = alerts.AlertPage{}
		return officer.Get(ctx, "/api/v1/alerts?kind=high_risk&subject="+p.TraceCode, &page) == nil && page.Total == 1
	}, 30*time.Second, 100*time.Millisecond)
	alert := page.Items[0]
	require.Equal(t, model.DisposalOpen, alert.Status)
	require.NotEmpty(t, alert.EnterpriseName)
	path := fmt.Sprintf("/api/v1/alerts/%d", alert.ID)

	step := func(c *apiclient.Client, what string, body any) alerts.AlertDetail {
		t.Helper()
		var out alerts.AlertDetail
		require.NoError(t, c.Post(ctx, path+"/"+what, body, &out), what)
		return out
	}
	refused := func(status int, c *apiclient.Client, what string, body any) *apiclient.Error {
		t.Helper()
		return n.refused(status, c, apiclient.Request{Method: http.MethodPost, Path: path + "/" + what, Body: body})
	}

	// Only customs; bad input changes nothing; steps out of order are refused
	// by the ledger.
	refused(http.StatusForbidden, a, "assessment", map[string]any{"probability": 1, "impact": 1, "urgency": 1})
	e := refused(http.StatusUnprocessableEntity, officer, "assessment", map[string]any{"probability": 0, "impact": 1, "urgency": 4})
	require.Len(t, e.Details, 2)
	e = refused(http.StatusNotFound, officer, "closing", map[string]any{"note": ""})
	require.Contains(t, e.MessageZh, "尚无处置记录")
	n.refused(http.StatusNotFound, officer, apiclient.Request{Method: http.MethodPost, Path: "/api/v1/alerts/999999/assessment",
		Body: map[string]any{"probability": 1, "impact": 1, "urgency": 1}})

	got := step(officer, "assessment", map[string]any{"probability": 1, "impact": 1, "urgency": 1, "note": "初判"})
	require.Equal(t, model.DisposalAssessed, got.Status)
	require.Equal(t, model.RiskMedium, got.Level, "the configured matrix")
	require.Equal(t, v1.Version, got.Disposal.Assessment.ConfigVersion)
	require.Equal(t, alert.ID, got.Disposal.Alert.AlertID)

	e = refused(http.StatusConflict, officer, "revocation", map[string]any{"reason": "误报"})
	require.Contains(t, e.MessageZh, "已定级")

	// Evidence must be a file customs uploaded.
	evidence := []byte("%PDF-1.4 查验记录")
	sum := sha256.Sum256(evidence)
	hexSum := hex.EncodeToString(sum[:])
	disposition := map[string]any{"type": "inspect", "handler": "李关员", "reason": "原产地为疫区",
		"opinion": "原产地为疫区，布控查验", "templateId": "inspect-origin",
		"attachments": []map[string]any{{"kind": "other", "name": "查验记录.pdf", "sha256": hexSum, "size": len(evidence)}}}
	e = refused(http.StatusUnprocessableEntity, officer, "disposition", disposition)
	require.Equal(t, "attachments[0].sha256", e.Details[0].Field)
	upload(t, officer, "查验记录.pdf", evidence)
	got = step(officer, "disposition", disposition)
	require.Equal(t, model.DisposalDisposed, got.Status)
	require.Equal(t, model.DisposalInspect, got.DisposalType)
	require.Equal(t, "inspect-origin", got.Disposal.Disposition.TemplateID)
	require.Len(t, got.Disposal.Disposition.Attachments, 1)

	got = step(officer, "closing", map[string]any{"note": "查验无异常"})
	require.Equal(t, model.DisposalClosed, got.Status)
	refused(http.StatusUnprocessableEntity, officer, "revocation", map[string]any{"reason": ""})
	got = step(chief, "revocation", map[string]any{"reason": "处置类型录入错误"})
	require.Equal(t, model.DisposalAssessed, got.Status)
	require.Len(t, got.Disposal.Revoked, 1)
	require.Equal(t, "处置类型录入错误", got.Disposal.Revoked[0].Revocation.Reason)
	got = step(officer, "disposition", map[string]any{"type": "release", "handler": "李关员", "reason": "复核",
		"opinion": "复核无风险，放行", "attachments": []any{}})
	require.Equal(t, model.DisposalRelease, got.DisposalType)

	// The listing, the detail, the statistics and the export read the
	// ledger's record as the indexer mirrored it (the writes waited for it).
	var listed alerts.AlertPage
	require.NoError(t, officer.Get(ctx, "/api/v1/alerts?status=disposed&level=medium&subject="+p.TraceCode, &listed))
	require.Equal(t, 1, listed.Total)
	require.Equal(t, model.DisposalRelease, listed.Items[0].DisposalType)
	var detail alerts.AlertDetail
	require.NoError(t, officer.Get(ctx, path, &detail))
	require.Equal(t, got.Disposal, detail.Disposal)
	require.NoError(t, officer.Get(ctx, "/api/v1/alerts?status=open&subject="+p.TraceCode, &listed))
	require.Zero(t, listed.Total)

	var stats alerts.Statistics
	require.NoError(t, officer.Get(ctx, "/api/v1/alerts/stats?kind=high_risk", &stats))
	require.Equal(t, 1, stats.Total)
	require.Equal(t, alerts.StateCount{State: model.DisposalDisposed, Count: 1}, stats.ByState[2])
	require.Equal(t, alerts.LevelCount{Level: model.RiskMedium, Count: 1}, stats.ByLevel[2])
	require.Equal(t, p.EnterpriseID, stats.ByEnterprise[0].EnterpriseID)
	require.Equal(t, time.Now().In(model.ZoneTime).Format("2006-01"), stats.ByMonth[0].Month)

	res, err := officer.Do(ctx, apiclient.Request{Method: http.MethodGet, Path: "/api/v1/alerts/export.xlsx?kind=high_risk"}, nil)
	require.NoError(t, err)
	book, err := excelize.OpenReader(bytes.NewReader(res.Body))
	require.NoError(t, err)
	rows, err := book.GetRows(book.GetSheetName(0))
	require.NoError(t, err)
	var found []string
	for _, r := range rows {
		if len(r) > 10 && r[2] == p.TraceCode {
			found = r
		}
	}
	require.NotNil(t, found, "the alert is a row of the export")
	require.Equal(t, []string{"高风险货物", "已处置", "中风险", "排除风险放行", "李关员", "复核"},
		[]string{found[1], found[5], found[6], found[7], found[8], found[9]})
	res, err = officer.Do(ctx, apiclient.Request{Method: http.MethodGet, Path: "/api/v1/alerts/stats.pdf?by=enterprise"}, nil)
	require.NoError(t, err)
	require.True(t, bytes.HasPrefix(res.Body, []byte("%PDF-")))
}

// upload stores a file through the attachment route.
func upload(t *testing.T, c *apiclient.Client, name string, content []byte) {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	part, err := w.CreateFormFile("file", name)
	require.NoError(t, err)
	_, err = part.Write(content)
	require.NoError(t, err)
	require.NoError(t, w.Close())
	_, err = c.Do(context.Background(), apiclient.Request{Method: http.MethodPost, Path: "/api/v1/attachments",
		Body: body.Bytes(), ContentType: w.FormDataContentType(), NoWait: true}, nil)
	require.NoError(t, err)
}
