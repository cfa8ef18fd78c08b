package gateway

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
	"zonetrace/indexer/query"
	"zonetrace/network/ledger"
)

func TestPrefilings(t *testing.T) {
	t.Parallel()
	e := setup(t)
	pf := model.Prefiling{ID: "PF20250101AAAAAAAA", EnterpriseID: entA, Status: model.PrefilingDeclared, Data: completeData(), Version: 1}
	e.reads.prefilings[pf.ID] = query.PrefilingView{Prefiling: pf, EnterpriseName: "甲咖啡进口有限公司"}
	e.reads.prefilings["PF20250101BBBBBBBB"] = query.PrefilingView{Prefiling: model.Prefiling{ID: "PF20250101BBBBBBBB", EnterpriseID: entB}}
	a, officer := e.login("ent-a"), e.login("officer")

	t.Run("an enterprise sees only its own prefilings, whatever it asks", func(t *testing.T) {
		r := e.do(a, "GET", "/api/v1/prefilings?enterpriseId="+entB, nil, nil)
		require.Equal(t, 200, r.Code)
		m := r.json(t)
		require.EqualValues(t, 1, m["total"])
		require.Equal(t, pf.ID, m["items"].([]any)[0].(map[string]any)["id"])
		require.Equal(t, 403, e.do(a, "GET", "/api/v1/prefilings/PF20250101BBBBBBBB", nil, nil).Code, "another's prefiling is refused")
		require.Equal(t, 200, e.do(a, "GET", "/api/v1/prefilings/"+pf.ID, nil, nil).Code)
	})
	t.Run("customs sees all", func(t *testing.T) {
		r := e.do(officer, "GET", "/api/v1/prefilings?needsReview=true", nil, nil)
		require.Equal(t, 200, r.Code)
		require.EqualValues(t, 2, r.json(t)["total"])
	})
	t.Run("an unknown status is 422, a non-boolean needsReview 400", func(t *testing.T) {
		require.Equal(t, 422, e.do(officer, "GET", "/api/v1/prefilings?status=lost", nil, nil).Code)
		require.Equal(t, 400, e.do(officer, "GET", "/api/v1/prefilings?needsReview=maybe", nil, nil).Code)
	})
	t.Run("the list pages by cursor; one the API did not issue is 400 CURSOR_INVALID", func(t *testing.T) {
		r := e.do(officer, "GET", "/api/v1/prefilings?cursor=c1&pageSize=5", nil, nil)
		require.Equal(t, 200, r.Code, r.Body.String())
		require.Equal(t, "before-c1", r.json(t)["prev"])
		r = e.do(officer, "GET", "/api/v1/prefilings?cursor=bogus", nil, nil)
		require.Equal(t, 400, r.Code)
		body := r.json(t)["error"].(map[string]any)
		require.Equal(t, "CURSOR_INVALID", body["reason"])
		require.Equal(t, "翻页参数 cursor 无效：不是系统给出的翻页位置，请从第一页重新查询", body["messageZh"])
	})
	t.Run("a return needs a reason", func(t *testing.T) {
		r := e.do(officer, "POST", "/api/v1/prefilings/"+pf.ID+"/review", map[string]string{"decision": "return"}, nil)
		require.Equal(t, 422, r.Code)
		require.Contains(t, r.Body.String(), `"field":"reason"`)
		require.Equal(t, 422, e.do(officer, "POST", "/api/v1/prefilings/"+pf.ID+"/review", map[string]string{"decision": "maybe"}, nil).Code)
	})
	t.Run("enterprises cannot review", func(t *testing.T) {
		require.Equal(t, 403, e.do(a, "POST", "/api/v1/prefilings/"+pf.ID+"/review", map[string]string{"decision": "approve"}, nil).Code)
	})
	t.Run("a review submits ReviewPrefiling and answers the prefiling", func(t *testing.T) {
		var got []string
		e.ledger.on["ReviewPrefiling"] = func(args []string) ([]byte, error) {
			got = args
			approved := pf
			approved.Status = model.PrefilingApproved
			return json.Marshal(approved)
		}
		r := e.do(officer, "POST", "/api/v1/prefilings/"+pf.ID+"/review", map[string]string{"decision": "approve", "reason": "ok"}, nil)
		require.Equal(t, 200, r.Code, r.Body.String())
		require.Equal(t, "approved", r.json(t)["status"])
		require.Equal(t, "甲咖啡进口有限公司", r.json(t)["enterpriseName"])
		require.Equal(t, []string{pf.ID, "approve", "ok"}, got[1:])
		require.Regexp(t, `^gw-[0-9a-f]{40}$`, got[0])
	})
	t.Run("a chaincode CONFLICT is 409 with its message", func(t *testing.T) {
		e.ledger.on["ReviewSupplement"] = func([]string) ([]byte, error) {
			return nil, &ledger.ChaincodeError{Message: "CONFLICT: no supplement under review"}
		}
		r := e.do(officer, "POST", "/api/v1/prefilings/"+pf.ID+"/supplement/review", map[string]string{"decision": "approve"}, nil)
		require.Equal(t, 409, r.Code)
		require.Equal(t, "no supplement under review", r.json(t)["error"].(map[string]any)["message"])
	})
	t.Run("an enterprise supplementing another's prefiling is forbidden", func(t *testing.T) {
		e.ledger.on["DeclareSupplement"] = func([]string) ([]byte, error) {
			return nil, &ledger.ChaincodeError{Message: "FORBIDDEN: not the owner"}
		}
		r := e.do(a, "POST", "/api/v1/prefilings/PF20250101BBBBBBBB/supplement", map[string]any{"quarantineBatchNo": "Q1", "quarantineResult": "qualified"}, nil)
		require.Equal(t, 403, r.Code)
	})
	t.Run("a supplement without a quarantine batch is 422", func(t *testing.T) {
		r := e.do(a, "POST", "/api/v1/prefilings/"+pf.ID+"/supplement", map[string]any{"quarantineResult": "qualified"}, nil)
		require.Equal(t, 422, r.Code)
		require.Contains(t, r.Body.String(), `"field":"quarantineBatchNo"`)
	})
	t.Run("an auditor cannot write", func(t *testing.T) {
		require.Equal(t, 403, e.do(e.login("auditor"), "POST", "/api/v1/prefilings/"+pf.ID+"/review", map[string]string{"decision": "approve"}, nil).Code)
	})
	t.Run("a prefiling copies into a new draft without quarantine data", func(t *testing.T) {
		r := e.do(a, "POST", "/api/v1/prefilings/"+pf.ID+"/copy-to-draft", nil, nil)
		require.Equal(t, 201, r.Code, r.Body.String())
		d := r.json(t)
		require.Equal(t, "Yirgacheffe G1", d["data"].(map[string]any)["productName"])
		require.Empty(t, d["data"].(map[string]any)["quarantineResult"])
		require.Equal(t, 403, e.do(a, "POST", "/api/v1/prefilings/PF20250101BBBBBBBB/copy-to-draft", nil, nil).Code)
	})
}
