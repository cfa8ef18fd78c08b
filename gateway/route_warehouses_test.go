package gateway

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
	"zonetrace/chaincode/tracecode"
	"zonetrace/indexer"
)

// The warehouse routes end to end: entB (乙仓储) is a warehouse operator,
// entA an importer.
func TestWarehouseRoutesKeepEachOperatorToItsOwn(t *testing.T) {
	t.Parallel()
	e := setup(t)
	require.NoError(t, indexer.Migrate(context.Background(), e.cfg.Pool))
	tok := map[string]string{}
	for _, u := range []string{"ent-a", "ent-b", "officer", "admin", "auditor"} {
		tok[u] = e.login(u)
	}
	code, err := tracecode.Compose(tracecode.CommodityCode("coffee"), time.Now(), 1)
	require.NoError(t, err)

	for _, l := range []model.NewLocation{{Code: "A", Name: "库区", Level: model.LevelArea},
		{Code: "W", Name: "仓库", Level: model.LevelWarehouse, ParentCode: "A"},
		{Code: "S", Name: "货架", Level: model.LevelShelf, ParentCode: "W"},
		{Code: "B", Name: "库位", Level: model.LevelBin, ParentCode: "S"}} {
		r := e.do(tok["ent-b"], "POST", "/api/v1/warehouse/locations", l, nil)
		require.Equal(t, 201, r.Code, r.Body.String())
	}
	feed := FeedRequest{Records: []model.WarehouseRecord{{RecordID: "R1", Kind: model.WarehouseIn, TraceCode: code, Location: "B",
		WeightGrams: 1500, At: time.Now().Add(-time.Hour).Format(time.RFC3339)}}}
	r := e.do(tok["ent-b"], "POST", "/api/v1/warehouse/records", feed, nil)
	require.Equal(t, 200, r.Code, r.Body.String())
	require.EqualValues(t, 1, r.json(t)["kept"])

	t.Run("only warehouse operators write", func(t *testing.T) {
		r := e.do(tok["ent-a"], "POST", "/api/v1/warehouse/records", feed, nil)
		require.Equal(t, 403, r.Code)
		require.Equal(t, string(model.ReasonNotWarehouseOperator), r.json(t)["error"].(map[string]any)["reason"])
		for _, u := range []string{"officer", "admin"} {
			require.Equal(t, 403, e.do(tok[u], "POST", "/api/v1/warehouse/records", feed, nil).Code, u)
			require.Equal(t, 403, e.do(tok[u], "POST", "/api/v1/warehouse/locations", model.NewLocation{}, nil).Code, u)
		}
		require.Equal(t, 403, e.do(tok["auditor"], "GET", "/api/v1/warehouse/locations?enterpriseId="+entB, nil, nil).Code)
	})
	t.Run("a file upload is all or nothing", func(t *testing.T) {
		csv := "记录编号,类型,溯源码,库位,重量（克）,时间\nR2,入库," + code + ",B,10,2026-11-02 09:00:00\nR3,入库," + code + ",X,10,2026-11-02 09:00:00\n"
		r := uploadTo(t, e, tok["ent-b"], "/api/v1/warehouse/records/import", "feed.csv", []byte(csv))
		require.Equal(t, 422, r.Code, r.Body.String())
		details := r.json(t)["error"].(map[string]any)["details"].([]any)
		require.Len(t, details, 1)
		require.Equal(t, "第3行的库位编码的取值无效", details[0].(map[string]any)["messageZh"])
		var n int
		require.NoError(t, e.cfg.Pool.QueryRow(context.Background(), `SELECT count(*) FROM warehouse_records`).Scan(&n))
		require.Equal(t, 1, n)
	})
	t.Run("reconciliation: operators their own, customs and the zone administration everyone's", func(t *testing.T) {
		r := e.do(tok["ent-b"], "POST", "/api/v1/warehouse/reconciliations", ReconcileRequest{}, nil)
		require.Equal(t, 201, r.Code, r.Body.String())
		run := r.json(t)
		require.EqualValues(t, 1, run["missingOnLedger"])
		id := fmt.Sprint(run["id"])

		r = e.do(tok["officer"], "GET", "/api/v1/warehouse/reconciliations/"+id, nil, nil)
		require.Equal(t, 200, r.Code, r.Body.String())
		diff := r.json(t)["differences"].([]any)[0].(map[string]any)
		require.Equal(t, code, diff["traceCode"])
		require.EqualValues(t, 1500, diff["wmsGrams"])
		require.Nil(t, diff["ledgerGrams"])

		require.Equal(t, 404, e.do(tok["ent-a"], "GET", "/api/v1/warehouse/reconciliations/"+id, nil, nil).Code)
		require.EqualValues(t, 0, e.do(tok["ent-a"], "GET", "/api/v1/warehouse/reconciliations", nil, nil).json(t)["total"])
		require.EqualValues(t, 1, e.do(tok["admin"], "GET", "/api/v1/warehouse/reconciliations", nil, nil).json(t)["total"])
		r = e.do(tok["admin"], "GET", "/api/v1/warehouse/reconciliations/"+id+"/export.xlsx", nil, nil)
		require.Equal(t, 200, r.Code)
		require.Equal(t, xlsxType, r.Header().Get("Content-Type"))
		require.Equal(t, 400, e.do(tok["admin"], "GET", "/api/v1/warehouse/reconciliations/"+id+"?kind=other", nil, nil).Code)
	})
	t.Run("location history reaches customs", func(t *testing.T) {
		r := e.do(tok["ent-b"], "POST", "/api/v1/warehouse/locations/B/changes", model.LocationChange{Action: model.LocationRename, Name: "一号库位"}, nil)
		require.Equal(t, 200, r.Code, r.Body.String())
		r = e.do(tok["officer"], "GET", "/api/v1/warehouse/locations/B/history?enterpriseId="+entB, nil, nil)
		require.Equal(t, 200, r.Code, r.Body.String())
		require.Len(t, r.json(t)["items"], 2)
		r = e.do(tok["ent-a"], "GET", "/api/v1/warehouse/locations/B/history?enterpriseId="+entB, nil, nil)
		require.Equal(t, 404, r.Code, "ent-a reads its own locations, where B is not")
	})
}
