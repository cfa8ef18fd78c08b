package platform

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/exporters"
)

// registryListing is one page of the registry website (gateway/exporters
// tests its parser on many more).
const registryListing = `<html><body><table class="table-list">
<thead><tr><th>序号</th><th>国家（地区）</th><th>在华注册编号</th><th>企业名称</th><th>产品类别</th><th>注册日期</th><th>有效期至</th><th>注册状态</th></tr></thead>
<tbody>
<tr><td>1</td><td>巴西</td><td>CBRA02001202300017</td><td>COOXUPE EXPORTADORA LTDA</td><td>咖啡豆</td><td>2023-05-17</td><td>2099-05-16</td><td>有效</td></tr>
<tr><td>2</td><td>埃塞俄比亚</td><td>CETH02001202400003</td><td>YIRGA CHEFFE COFFEE FARMERS COOPERATIVE UNION</td><td>咖啡豆</td><td>2024-01-09</td><td>2099-01-08</td><td>有效</td></tr>
<tr><td>3</td><td>埃塞俄比亚</td><td>CETH02001202400021</td><td>SIDAMA COFFEE FARMERS COOPERATIVE UNION</td><td>咖啡豆</td><td>2024-02-01</td><td>2099-01-31</td><td>有效</td></tr>
</tbody></table><div class="page">共 1 页</div></body></html>`

type claimJSON struct {
	ID       int64              `json:"id"`
	Status   model.ClaimStatus  `json:"status"`
	Finding  model.ClaimFinding `json:"finding"`
	Exporter *struct {
		ID    int64  `json:"id"`
		RegNo string `json:"regNo"`
	} `json:"exporter"`
	DecidedBy string `json:"decidedBy"`
	Suspects  []struct {
		ID            int64 `json:"id"`
		ScorePermille int   `json:"scorePermille"`
	} `json:"suspects"`
}

// TestExporterClaimsEndToEnd: customs crawl the registry website now (the
// node's job queue runs the crawl), an enterprise's prefiling naming a
// registered exporter exactly is confirmed automatically, and one naming
// it loosely is declared all the same and confirmed by customs from the
// suspected matches.
func TestExporterClaimsEndToEnd(t *testing.T) {
	ctx := context.Background()
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(registryListing))
	}))
	t.Cleanup(site.Close)
	n := startNodeWith(t, func(c *Config) { c.Exporters = exporters.Config{RegistryURL: site.URL + "/query"} })
	admin := n.client("admin")
	require.NoError(t, admin.Post(ctx, "/api/v1/enterprises", map[string]string{"id": enterpriseA, "name": "昆山咖啡进口有限公司", "kind": "importer"}, nil))
	for _, u := range []map[string]string{
		{"username": "ent-a", "role": "enterprise", "enterpriseId": enterpriseA},
		{"username": "customs", "role": "customs_officer"},
	} {
		u["password"], u["displayName"] = testPassword, u["username"]
		require.NoError(t, admin.Post(ctx, "/api/v1/users", u, nil))
	}
	a, customs := n.client("ent-a"), n.client("customs")

	// Crawl now: queued, worked by the job queue.
	require.NoError(t, customs.Post(ctx, "/api/v1/exporters/crawls", nil, nil))
	var registry pageJSON[exporters.Exporter]
	require.Eventually(t, func() bool {
		require.NoError(t, customs.Get(ctx, "/api/v1/exporters", &registry))
		return registry.Total == 3
	}, 30*time.Second, 100*time.Millisecond, "the crawl fills the registry")
	ids := map[string]int64{}
	for _, e := range registry.Items {
		ids[e.RegNo] = e.ID
	}

	declare := func(exporterName, regNo string) string {
		t.Helper()
		data := coffee("耶加雪菲 G1 生豆")
		data.ExporterName, data.ExporterRegNo = exporterName, regNo
		var d draftJSON
		require.NoError(t, a.Post(ctx, "/api/v1/prefiling-drafts", map[string]any{"data": data}, &d))
		var pf model.Prefiling
		require.NoError(t, a.Post(ctx, "/api/v1/prefiling-drafts/"+d.ID+"/declare", nil, &pf))
		require.Equal(t, model.PrefilingDeclared, pf.Status)
		return pf.ID
	}
	claimOf := func(prefilingID string) claimJSON {
		t.Helper()
		var page pageJSON[claimJSON]
		require.NoError(t, a.Get(ctx, "/api/v1/exporter-claims?q="+prefilingID, &page))
		require.Len(t, page.Items, 1)
		return page.Items[0]
	}

	exact := claimOf(declare("Cooxupé Exportadora Ltda.", "CBRA02001202300017"))
	require.Equal(t, model.ClaimConfirmed, exact.Status)
	require.Equal(t, model.FindingMatched, exact.Finding)
	require.Empty(t, exact.DecidedBy, "confirmed automatically")

	// A loosely written exporter without its number: the prefiling is
	// declared all the same, the claim waits for customs.
	looseID := declare("Yirga Chefe Cofee Farmers Union", "")
	loose := claimOf(looseID)
	require.Equal(t, model.ClaimPending, loose.Status)
	var detail claimJSON
	require.NoError(t, customs.Get(ctx, "/api/v1/exporter-claims/"+strconv.FormatInt(loose.ID, 10), &detail))
	require.GreaterOrEqual(t, len(detail.Suspects), 2)
	require.Equal(t, ids["CETH02001202400003"], detail.Suspects[0].ID, "the closest name first")
	require.Equal(t, ids["CETH02001202400021"], detail.Suspects[1].ID)

	// The enterprise cannot decide; customs confirm the first suspect.
	refused := n.refused(http.StatusForbidden, a, post("/api/v1/exporter-claims/"+strconv.FormatInt(loose.ID, 10)+"/confirm",
		map[string]int64{"exporterId": detail.Suspects[0].ID}))
	require.Equal(t, "FORBIDDEN", refused.Code)
	require.NoError(t, customs.Post(ctx, "/api/v1/exporter-claims/"+strconv.FormatInt(loose.ID, 10)+"/confirm",
		map[string]int64{"exporterId": detail.Suspects[0].ID}, nil))
	confirmed := claimOf(looseID)
	require.Equal(t, model.ClaimConfirmed, confirmed.Status)
	require.Equal(t, "customs", confirmed.DecidedBy)
	require.Equal(t, "CETH02001202400003", confirmed.Exporter.RegNo)
}
