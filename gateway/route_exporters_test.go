package gateway

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
)

// The registry's routes: customs keep it, enterprises look it up and see
// their own claims, refusals come coded with Chinese built from the code.
func TestExporterRoutes(t *testing.T) {
	t.Parallel()
	e := setup(t)
	officer, clerk, admin := e.login("officer"), e.login("ent-a"), e.login("admin")
	entry := model.ExporterEntry{RegNo: "cbra02001202300017", Name: "COOXUPE EXPORTADORA LTDA", Country: "BR", ExpiresOn: "2099-05-16"}

	require.Equal(t, 403, e.do(clerk, "POST", "/api/v1/exporters", entry, nil).Code, "enterprises do not keep the registry")
	require.Equal(t, 403, e.do(admin, "POST", "/api/v1/exporters", entry, nil).Code)
	r := e.do(officer, "POST", "/api/v1/exporters", entry, nil)
	require.Equal(t, 201, r.Code, r.Body.String())
	require.Equal(t, "CBRA02001202300017", r.json(t)["regNo"])
	id := fmt.Sprint(r.json(t)["id"])

	r = e.do(officer, "POST", "/api/v1/exporters", entry, nil)
	require.Equal(t, 409, r.Code)
	body := r.json(t)["error"].(map[string]any)
	require.Equal(t, string(model.ReasonExporterExists), body["reason"])
	require.Equal(t, "备案号 CBRA02001202300017 的境外出口商已在备案库中", body["messageZh"])

	r = e.do(officer, "POST", "/api/v1/exporters", model.ExporterEntry{RegNo: "X", Name: "Y", Country: "ZZ"}, nil)
	require.Equal(t, 422, r.Code)
	details := r.json(t)["error"].(map[string]any)["details"].([]any)
	require.Equal(t, "境外出口商国家（地区）格式错误，须为两位国家（地区）代码", details[0].(map[string]any)["messageZh"])

	r = e.do(clerk, "GET", "/api/v1/exporters?q=cooxupe", nil, nil)
	require.Equal(t, 200, r.Code, "enterprises look exporters up")
	require.EqualValues(t, 1, r.json(t)["total"])
	require.Equal(t, 403, e.do(clerk, "GET", "/api/v1/exporters/"+id, nil, nil).Code)
	r = e.do(officer, "POST", "/api/v1/exporters/"+id+"/suspend", map[string]string{"reason": "输华产品检出问题"}, nil)
	require.Equal(t, 200, r.Code, r.Body.String())
	require.Equal(t, "suspended", r.json(t)["status"])
	r = e.do(officer, "GET", "/api/v1/exporters/"+id, nil, nil)
	require.Equal(t, 200, r.Code)
	require.Len(t, r.json(t)["history"], 2)

	r = uploadTo(t, e, officer, "/api/v1/exporters/import", "registry.xlsx", []byte("not a workbook"))
	require.Equal(t, 422, r.Code)
	details = r.json(t)["error"].(map[string]any)["details"].([]any)
	require.Equal(t, "文件不是可读取的Excel（.xlsx）工作簿", details[0].(map[string]any)["messageZh"])
	require.Equal(t, 200, e.do(officer, "GET", "/api/v1/exporters/template.xlsx", nil, nil).Code)

	r = e.do(officer, "POST", "/api/v1/exporters/crawls", nil, nil)
	require.Equal(t, 409, r.Code, "no registry website is configured")
	require.Equal(t, "未配置备案网站地址，不能爬取境外出口商备案数据", r.json(t)["error"].(map[string]any)["messageZh"])
	r = e.do(officer, "GET", "/api/v1/exporters/crawls", nil, nil)
	require.Equal(t, 200, r.Code)
	require.Equal(t, false, r.json(t)["on"])

	r = e.do(clerk, "GET", "/api/v1/exporter-claims", nil, nil)
	require.Equal(t, 200, r.Code)
	require.EqualValues(t, 0, r.json(t)["total"])
	require.Equal(t, 403, e.do(clerk, "POST", "/api/v1/exporter-claims/1/confirm", map[string]int{"exporterId": 1}, nil).Code)
	r = e.do(officer, "POST", "/api/v1/exporter-claims/1/reject", map[string]string{"reason": "无"}, nil)
	require.Equal(t, 404, r.Code)
	require.Equal(t, string(model.ReasonClaimNotFound), r.json(t)["error"].(map[string]any)["reason"])
}
