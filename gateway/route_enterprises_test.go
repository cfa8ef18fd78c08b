package gateway

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
)

func TestRegisterEnterprise(t *testing.T) {
	t.Parallel()
	e := setup(t)
	const newID = "91320583MA1CCCCC0C"
	var bound []string
	e.ledger.on["RegisterEnterprise"] = func(args []string) ([]byte, error) {
		var req model.Enterprise
		require.NoError(t, json.Unmarshal([]byte(args[1]), &req))
		req.Status = model.EnterpriseActive
		return json.Marshal(req)
	}
	e.ledger.on["BindIdentity"] = func(args []string) ([]byte, error) {
		bound = append(bound, args[1]+"/"+args[2])
		return []byte(`{}`), nil
	}
	e.ledger.eval["GetEnterprise"] = func(args []string) ([]byte, error) {
		return json.Marshal(model.Enterprise{ID: args[0], Name: "丙贸易", Kind: model.KindTrader, Status: model.EnterpriseActive})
	}
	admin := e.login("admin")
	body := map[string]any{"id": newID, "name": "丙贸易", "kind": "trader"}

	t.Run("only the zone admin registers", func(t *testing.T) {
		require.Equal(t, 403, e.do(e.login("officer"), "POST", "/api/v1/enterprises", body, nil).Code)
		require.Equal(t, 403, e.do(e.login("auditor"), "POST", "/api/v1/enterprises", body, nil).Code)
	})
	t.Run("a bad USCC or kind is 422", func(t *testing.T) {
		r := e.do(admin, "POST", "/api/v1/enterprises", map[string]any{"id": "123", "name": "x", "kind": "pirate"}, nil)
		require.Equal(t, 422, r.Code)
		require.Contains(t, r.Body.String(), `"field":"id"`)
		require.Contains(t, r.Body.String(), `"field":"kind"`)
	})
	t.Run("registering submits the registration and binds a newly issued identity", func(t *testing.T) {
		r := e.do(admin, "POST", "/api/v1/enterprises", body, map[string]string{"Idempotency-Key": "reg-c"})
		require.Equal(t, 201, r.Code, r.Body.String())
		require.Equal(t, newID, r.json(t)["id"])
		require.Equal(t, []string{"RegisterEnterprise", "BindIdentity"}, e.ledger.submitted())
		require.Equal(t, []string{newID + "/" + model.ZoneAdminMSP}, bound)
		id, err := e.pki.Load(model.ZoneAdminMSP, "ent-"+newID)
		require.NoError(t, err)
		require.Equal(t, "ent-"+newID, id.Certificate().Subject.CommonName)
		require.Equal(t, "2", r.Header().Get("X-Ledger-Block"), "the answer carries the last block")
	})
	t.Run("a recovery re-drive after a crash after the registration finishes with the binding only", func(t *testing.T) {
		const otherID = "91320583MA1DDDDD0D"
		rid := LedgerRequestID("admin", "reg-d")
		_, err := e.ledger.Submit(context.Background(), nil, "RegisterEnterprise", rid+":register", `{"id":"`+otherID+`","name":"丁","kind":"trader"}`)
		require.NoError(t, err)
		r := e.do(admin, "POST", "/api/v1/enterprises", map[string]any{"id": otherID, "name": "丁", "kind": "trader"}, map[string]string{"Idempotency-Key": "reg-d"})
		require.Equal(t, 201, r.Code, r.Body.String())
		require.Equal(t, []string{"RegisterEnterprise", "BindIdentity", "RegisterEnterprise", "BindIdentity"}, e.ledger.submitted())
	})
	t.Run("customs and auditors may read enterprises, enterprises may not", func(t *testing.T) {
		r := e.do(e.login("auditor"), "GET", "/api/v1/enterprises", nil, nil)
		require.Equal(t, 200, r.Code)
		require.Len(t, r.json(t)["items"], 2)
		r = e.do(e.login("officer"), "GET", "/api/v1/enterprises/"+entA, nil, nil)
		require.Equal(t, 200, r.Code)
		require.Equal(t, []any{}, r.json(t)["identities"])
		require.Equal(t, 404, e.do(admin, "GET", "/api/v1/enterprises/nope", nil, nil).Code)
		require.Equal(t, 403, e.do(e.login("ent-a"), "GET", "/api/v1/enterprises", nil, nil).Code)
	})
}
