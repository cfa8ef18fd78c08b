package gateway

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
)

func TestEnterpriseAdministrationRoutes(t *testing.T) {
	t.Parallel()
	e := setup(t)
	// The fake ledger plays the chaincode and the indexer: a change lands
	// in the read model at once.
	apply := func(change func(*model.Enterprise, []string)) func([]string) ([]byte, error) {
		return func(args []string) ([]byte, error) {
			e.reads.mu.Lock()
			defer e.reads.mu.Unlock()
			var id string
			if err := json.Unmarshal([]byte(args[1]), &struct {
				ID *string `json:"id"`
			}{&id}); err != nil {
				id = args[1]
			}
			ent := e.reads.enterprises[id]
			change(&ent, args)
			e.reads.enterprises[id] = ent
			return json.Marshal(ent)
		}
	}
	e.ledger.on["UpdateEnterprise"] = apply(func(ent *model.Enterprise, args []string) {
		require.NoError(t, json.Unmarshal([]byte(args[1]), ent))
	})
	e.ledger.on["SetEnterpriseStatus"] = apply(func(ent *model.Enterprise, args []string) { ent.Status = args[2] })
	admin := e.login("admin")

	t.Run("only the zone admin edits, disables and enables", func(t *testing.T) {
		for _, who := range []string{"officer", "auditor", "ent-a"} {
			token := e.login(who)
			require.Equal(t, 403, e.do(token, "PUT", "/api/v1/enterprises/"+entA, map[string]any{"name": "x", "kind": "trader"}, nil).Code, who)
			require.Equal(t, 403, e.do(token, "POST", "/api/v1/enterprises/"+entA+"/disable", nil, nil).Code, who)
			require.Equal(t, 403, e.do(token, "POST", "/api/v1/enterprises/"+entA+"/enable", nil, nil).Code, who)
		}
		require.Empty(t, e.ledger.submitted())
	})
	t.Run("bad input is 422 and reaches no ledger", func(t *testing.T) {
		r := e.do(admin, "PUT", "/api/v1/enterprises/"+entA, map[string]any{"name": "", "kind": "pirate", "customsCode": "32-23"}, nil)
		require.Equal(t, 422, r.Code, r.Body.String())
		for _, field := range []string{"name", "kind", "customsCode"} {
			require.Contains(t, r.Body.String(), `"field":"`+field+`"`)
		}
		require.Equal(t, 400, e.do(admin, "PUT", "/api/v1/enterprises/"+entA, map[string]any{"name": "x", "kind": "trader", "status": "disabled"}, nil).Code)
		require.Empty(t, e.ledger.submitted())
	})
	t.Run("the zone admin edits an enterprise", func(t *testing.T) {
		r := e.do(admin, "PUT", "/api/v1/enterprises/"+entA, map[string]any{"name": "甲咖啡贸易", "kind": "trader", "customsCode": "3223960001"}, nil)
		require.Equal(t, 200, r.Code, r.Body.String())
		require.Equal(t, "甲咖啡贸易", r.json(t)["name"])
		require.NotEmpty(t, r.Header().Get("X-Ledger-Block"))
	})
	t.Run("users of a disabled enterprise can neither log in nor use their sessions", func(t *testing.T) {
		clerk := e.login("ent-a")
		r := e.do(admin, "POST", "/api/v1/enterprises/"+entA+"/disable", nil, nil)
		require.Equal(t, 200, r.Code, r.Body.String())
		require.Equal(t, model.EnterpriseDisabled, r.json(t)["status"])

		r = e.do(clerk, "GET", "/api/v1/prefiling-drafts", nil, nil)
		require.Equal(t, 403, r.Code)
		body := r.json(t)["error"].(map[string]any)
		require.Equal(t, "ENTERPRISE_DISABLED", body["reason"])
		require.Equal(t, "企业 "+entA+" 已停用，不能办理业务", body["messageZh"])
		r = e.do("", "POST", "/api/v1/auth/login", map[string]string{"username": "ent-a", "password": pw}, nil)
		require.Equal(t, 403, r.Code)
		require.Equal(t, "ACCOUNT_DISABLED", r.code(t))
		require.Equal(t, 200, e.do(e.login("ent-b"), "GET", "/api/v1/prefiling-drafts", nil, nil).Code, "another enterprise is not touched")

		require.Equal(t, 200, e.do(admin, "POST", "/api/v1/enterprises/"+entA+"/enable", nil, nil).Code)
		require.Equal(t, 200, e.do(e.login("ent-a"), "GET", "/api/v1/prefiling-drafts", nil, nil).Code)
	})
}
