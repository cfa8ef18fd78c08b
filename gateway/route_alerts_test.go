package gateway

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"zonetrace/gateway/alerts"
)

// Customs reads the alerts with filters and paging; nobody else does.
func TestAlertRoutes(t *testing.T) {
	t.Parallel()
	e := setup(t)
	ctx := context.Background()
	at := time.Date(2026, 11, 20, 2, 0, 0, 0, time.UTC) // 10:00 in China
	for i, row := range []struct{ kind, subject, enterprise string }{
		{"high_risk", "TC1", "E1"}, {"quarantine", "TC1", "E1"}, {"high_risk", "TC2", "E2"},
	} {
		_, err := e.cfg.Pool.Exec(ctx, `INSERT INTO risk_alerts (kind, subject_type, subject, period, enterprise_id,
			config_version, facts, block_number, fired_at) VALUES ($1, 'trace_code', $2, 'p', $3, 4, '{"field":"origin"}', 9, $4)`,
			row.kind, row.subject, row.enterprise, at.Add(time.Duration(i)*24*time.Hour))
		require.NoError(t, err)
	}
	officer := e.login("officer")
	list := func(query string) alerts.AlertPage {
		t.Helper()
		r := e.do(officer, "GET", "/api/v1/alerts"+query, nil, nil)
		require.Equal(t, 200, r.Code, r.Body.String())
		var p alerts.AlertPage
		require.NoError(t, json.Unmarshal(r.Body.Bytes(), &p))
		return p
	}
	all := list("")
	require.Equal(t, 3, all.Total)
	require.Equal(t, "TC2", all.Items[0].Subject, "newest first")
	require.Equal(t, 2, list("?kind=high_risk").Total)
	require.Equal(t, 2, list("?enterpriseId=E1").Total)
	require.Equal(t, 1, list("?subject=TC2").Total)
	require.Equal(t, 2, list("?from=2026-11-21").Total)
	require.Equal(t, 1, list("?from=2026-11-21&to=2026-11-21").Total)
	page := list("?pageSize=2&page=2")
	require.Equal(t, 3, page.Total)
	require.Len(t, page.Items, 1)

	r := e.do(officer, "GET", "/api/v1/alerts?kind=bogus", nil, nil)
	require.Equal(t, 400, r.Code)
	r = e.do(officer, "GET", fmt.Sprintf("/api/v1/alerts/%d", all.Items[2].ID), nil, nil)
	require.Equal(t, 200, r.Code)
	var one alerts.RiskAlert
	require.NoError(t, json.Unmarshal(r.Body.Bytes(), &one))
	require.Equal(t, 4, one.ConfigVersion)
	require.Equal(t, "origin", one.Facts["field"])
	require.Equal(t, 404, e.do(officer, "GET", "/api/v1/alerts/999999", nil, nil).Code)
	for _, who := range []string{"ent-a", "auditor"} {
		require.Equal(t, 403, e.do(e.login(who), "GET", "/api/v1/alerts", nil, nil).Code, who)
	}
}
