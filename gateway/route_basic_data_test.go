package gateway

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/basicdata/connector"
	"zonetrace/internal/jobs"
)

// platformDrop writes a delivery into the basic data drop folder.
func platformDrop(t *testing.T, dir, name, content string) {
	t.Helper()
	require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600))
}

// syncBasicData asks for a sync as the zone administration and carries it
// out as the node's job queue would.
func (e *env) syncBasicData(t *testing.T, admin string) map[string]any {
	t.Helper()
	r := e.do(admin, "POST", "/api/v1/basic-data/syncs", nil, nil)
	require.Equal(t, 202, r.Code, r.Body.String())
	id := int64(r.json(t)["id"].(float64))
	_, err := e.g.BasicData().Run(t.Context(), id)
	require.NoError(t, err)
	r = e.do(admin, "GET", "/api/v1/basic-data/syncs/"+strconv.FormatInt(id, 10), nil, nil)
	require.Equal(t, 200, r.Code, r.Body.String())
	return r.json(t)
}

func details(t *testing.T, r resp) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, d := range r.json(t)["error"].(map[string]any)["details"].([]any) {
		m := d.(map[string]any)
		out[m["field"].(string)] = m["rule"].(string)
	}
	return out
}

func TestBasicData(t *testing.T) {
	t.Parallel()
	e := setup(t)
	require.NoError(t, jobs.Migrate(t.Context(), e.cfg.Pool))
	drop := t.TempDir()
	cfg := e.cfg
	cfg.BasicData = connector.Directory{Dir: drop}
	var err error
	e.g, err = New(cfg)
	require.NoError(t, err)
	admin, a, b := e.login("admin"), e.login("ent-a"), e.login("ent-b")
	e.echoPrefiling()
	e.echoDocuments()

	platformDrop(t, drop, "hs_codes_1.json", `{"dataset":"hs_codes","full":true,"records":[
		{"code":"0901110000","name":"未焙炒的咖啡，未浸除咖啡碱","unit":"千克","validFrom":"2017-01-01"},
		{"code":"2101110000","name":"咖啡浓缩精汁","unit":"千克","validFrom":"2017-01-01"}]}`)
	platformDrop(t, drop, "account_books_1.json", `{"dataset":"account_books","full":true,"records":[
		{"number":"T2301W000001","enterpriseId":"`+entA+`","type":"bonded","validFrom":"2024-01-01","validTo":"2099-12-31","status":"active"},
		{"number":"T2301W000002","enterpriseId":"`+entB+`","type":"bonded","validFrom":"2024-01-01","validTo":"2099-12-31","status":"active"}]}`)

	t.Run("only the zone administration syncs; supervisors read the log", func(t *testing.T) {
		require.Equal(t, 403, e.do(a, "POST", "/api/v1/basic-data/syncs", nil, nil).Code)
		require.Equal(t, 403, e.do(a, "GET", "/api/v1/basic-data/syncs", nil, nil).Code)
		r := e.do(e.login("officer"), "GET", "/api/v1/basic-data/syncs", nil, nil)
		require.Equal(t, 200, r.Code, r.Body.String())
		require.Equal(t, true, r.json(t)["configured"])
		require.EqualValues(t, 0, r.json(t)["total"])
		r = e.do(admin, "GET", "/api/v1/basic-data/syncs/77", nil, nil)
		require.Equal(t, 404, r.Code)
		require.Equal(t, "BASIC_DATA_SYNC_NOT_FOUND", r.json(t)["error"].(map[string]any)["reason"])
		require.Equal(t, "同步记录 77 不存在", r.json(t)["error"].(map[string]any)["messageZh"])
	})

	// A draft with a code the tariff will not hold.
	data := completeData()
	data.HSCode = "2101300000"
	r := e.do(a, "POST", "/api/v1/prefiling-drafts", map[string]any{"data": data}, nil)
	require.Equal(t, 201, r.Code, r.Body.String())
	draft := r.json(t)["id"].(string)

	y := e.syncBasicData(t, admin)
	require.Equal(t, "done", y["state"], y)
	require.EqualValues(t, 2, y["counts"].(map[string]any)["hs_codes"].(map[string]any)["added"])
	require.FileExists(t, filepath.Join(drop, "done", "hs_codes_1.json"))

	t.Run("the data sets are queried; an enterprise sees its own", func(t *testing.T) {
		r := e.do(a, "GET", "/api/v1/basic-data/sets/hs_codes?q=精汁", nil, nil)
		require.Equal(t, 200, r.Code, r.Body.String())
		items := r.json(t)["items"].([]any)
		require.Len(t, items, 1)
		require.Equal(t, "咖啡浓缩精汁", items[0].(map[string]any)["data"].(map[string]any)["name"])
		r = e.do(a, "GET", "/api/v1/basic-data/sets/account_books", nil, nil)
		require.EqualValues(t, 1, r.json(t)["total"])
		r = e.do(admin, "GET", "/api/v1/basic-data/sets/account_books", nil, nil)
		require.EqualValues(t, 2, r.json(t)["total"])
		r = e.do(a, "GET", "/api/v1/basic-data/sets/tariffs", nil, nil)
		require.Equal(t, 404, r.Code)
		require.Equal(t, 422, e.do(a, "GET", "/api/v1/basic-data/sets/hs_codes?pageSize=1000", nil, nil).Code)
	})

	t.Run("a draft with an HS code the tariff lacks is refused, and declared once it is synced", func(t *testing.T) {
		r := e.do(a, "GET", "/api/v1/prefiling-drafts/"+draft, nil, nil)
		require.Equal(t, 200, r.Code, r.Body.String())
		warnings := r.json(t)["warnings"].([]any)
		require.Len(t, warnings, 1, "the form shows it before declaring")
		require.Equal(t, "data.hsCode", warnings[0].(map[string]any)["field"])
		require.Equal(t, "HS_CODE_UNKNOWN", warnings[0].(map[string]any)["rule"])

		r = e.do(a, "POST", "/api/v1/prefiling-drafts/"+draft+"/declare", nil, nil)
		require.Equal(t, 422, r.Code, r.Body.String())
		require.Equal(t, map[string]string{"data.hsCode": "HS_CODE_UNKNOWN"}, details(t, r))
		require.Contains(t, r.Body.String(), "商品编码 2101300000 不在海关商品编码表中")
		require.Empty(t, e.ledger.submitted())

		platformDrop(t, drop, "hs_codes_2.json", `{"dataset":"hs_codes","full":false,"records":[
			{"code":"2101300000","name":"烘焙咖啡代用品及其浓缩精汁","unit":"千克","validFrom":"2017-01-01"}]}`)
		y := e.syncBasicData(t, admin)
		require.EqualValues(t, 1, y["counts"].(map[string]any)["hs_codes"].(map[string]any)["added"])
		r = e.do(a, "POST", "/api/v1/prefiling-drafts/"+draft+"/declare", nil, nil)
		require.Equal(t, 201, r.Code, r.Body.String())
		require.Equal(t, []string{"DeclarePrefiling"}, e.ledger.submitted())
	})

	t.Run("a document draft naming another enterprise's account book is refused", func(t *testing.T) {
		body := transferOut(t, docLine(t, 1))
		body["head"] = model.DocumentHead{CounterpartyID: entB, AccountBookNo: "T2301W000002"}
		r := e.do(a, "POST", "/api/v1/document-drafts", body, nil)
		require.Equal(t, 201, r.Code, r.Body.String())
		id := r.json(t)["id"].(string)
		require.Equal(t, "ACCOUNT_BOOK_OF_OTHER", r.json(t)["warnings"].([]any)[0].(map[string]any)["rule"])
		r = e.do(a, "POST", "/api/v1/document-drafts/"+id+"/declare", nil, nil)
		require.Equal(t, 422, r.Code, r.Body.String())
		require.Equal(t, map[string]string{"head.accountBookNo": "ACCOUNT_BOOK_OF_OTHER"}, details(t, r))

		body["head"] = model.DocumentHead{CounterpartyID: entB, AccountBookNo: "T2301W000001"}
		require.Equal(t, 200, e.do(a, "PUT", "/api/v1/document-drafts/"+id, body, nil).Code)
		r = e.do(a, "POST", "/api/v1/document-drafts/"+id+"/declare", nil, nil)
		require.Equal(t, 201, r.Code, r.Body.String())
	})

	t.Run("the transferee's in-draft arrives with its bonded account book", func(t *testing.T) {
		out := e.seedTransfer(t)
		r := e.do(b, "GET", "/api/v1/transfers/incoming", nil, nil)
		require.Equal(t, 200, r.Code, r.Body.String())
		var item map[string]any
		for _, i := range r.json(t)["items"].([]any) {
			if i.(map[string]any)["outDocument"].(map[string]any)["id"] == out.ID {
				item = i.(map[string]any)
			}
		}
		require.NotNil(t, item)
		require.Nil(t, item["accountBookMissing"])
		d := e.do(b, "GET", "/api/v1/document-drafts/"+item["inDraftId"].(string), nil, nil).json(t)
		require.Equal(t, "T2301W000002", d["head"].(map[string]any)["accountBookNo"])
	})
}
