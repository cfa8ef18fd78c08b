package gateway

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
	"zonetrace/network/ledger"
)

func TestDrafts(t *testing.T) {
	t.Parallel()
	e := setup(t)
	a, b := e.login("ent-a"), e.login("ent-b")

	r := e.do(a, "POST", "/api/v1/prefiling-drafts", map[string]any{"data": map[string]any{"productName": "<b>咖啡</b>'; DROP TABLE users; --"}}, nil)
	require.Equal(t, 201, r.Code, r.Body.String())
	draft := r.json(t)
	id := draft["id"].(string)
	require.Equal(t, entA, draft["enterpriseId"])
	require.Equal(t, "ent-a", draft["createdBy"])
	require.NotEmpty(t, draft["warnings"], "an incomplete draft lists what declaring would reject")
	require.NotEmpty(t, r.Header().Get("Idempotency-Key"), "a key is generated when the client sends none")

	t.Run("injection strings are stored and returned verbatim", func(t *testing.T) {
		r := e.do(a, "GET", "/api/v1/prefiling-drafts/"+id, nil, nil)
		require.Equal(t, 200, r.Code)
		require.Equal(t, "<b>咖啡</b>'; DROP TABLE users; --", r.json(t)["data"].(map[string]any)["productName"])
	})
	t.Run("another enterprise gets 404", func(t *testing.T) {
		require.Equal(t, 404, e.do(b, "GET", "/api/v1/prefiling-drafts/"+id, nil, nil).Code)
		require.Equal(t, 404, e.do(b, "PUT", "/api/v1/prefiling-drafts/"+id, map[string]any{"data": completeData()}, nil).Code)
	})
	t.Run("customs cannot use drafts", func(t *testing.T) {
		require.Equal(t, 403, e.do(e.login("officer"), "GET", "/api/v1/prefiling-drafts", nil, nil).Code)
	})
	t.Run("an unknown enum value is 422 and a wrong type 400 with the field", func(t *testing.T) {
		r := e.do(a, "PUT", "/api/v1/prefiling-drafts/"+id, `{"data":{"quarantineResult":"maybe"}}`, nil)
		require.Equal(t, 422, r.Code)
		require.Contains(t, r.Body.String(), "data.quarantineResult")
		r = e.do(a, "PUT", "/api/v1/prefiling-drafts/"+id, `{"data":{"weightGrams":"heavy"}}`, nil)
		require.Equal(t, 400, r.Code)
		require.Contains(t, r.Body.String(), `"field":"data.weightGrams"`)
	})
	t.Run("declaring an incomplete draft is 422 with details and submits nothing", func(t *testing.T) {
		r := e.do(a, "POST", "/api/v1/prefiling-drafts/"+id+"/declare", nil, nil)
		require.Equal(t, 422, r.Code)
		require.Equal(t, "VALIDATION_FAILED", r.code(t))
		require.Contains(t, r.Body.String(), "data.hsCode")
		require.Empty(t, e.ledger.submitted())
	})
	t.Run("the list holds the draft and searches", func(t *testing.T) {
		r := e.do(a, "GET", "/api/v1/prefiling-drafts?q=咖啡&page=1&pageSize=5", nil, nil)
		require.Equal(t, 200, r.Code)
		m := r.json(t)
		require.EqualValues(t, 1, m["total"])
		require.EqualValues(t, 5, m["pageSize"])
		require.Equal(t, 422, e.do(a, "GET", "/api/v1/prefiling-drafts?pageSize=1000", nil, nil).Code)
		require.Equal(t, 400, e.do(a, "GET", "/api/v1/prefiling-drafts?page=x", nil, nil).Code)
	})

	e.echoPrefiling()
	r = e.do(a, "PUT", "/api/v1/prefiling-drafts/"+id, map[string]any{"data": completeData()}, nil)
	require.Equal(t, 200, r.Code, r.Body.String())
	require.Empty(t, r.json(t)["warnings"])

	t.Run("a copy keeps the goods but not the quarantine result", func(t *testing.T) {
		r := e.do(a, "POST", "/api/v1/prefiling-drafts/"+id+"/copy", nil, nil)
		require.Equal(t, 201, r.Code)
		c := r.json(t)
		require.NotEqual(t, id, c["id"])
		require.Equal(t, "Yirgacheffe G1", c["data"].(map[string]any)["productName"])
		require.Empty(t, c["data"].(map[string]any)["quarantineResult"])
		require.Equal(t, 204, e.do(a, "DELETE", "/api/v1/prefiling-drafts/"+c["id"].(string), nil, nil).Code)
		require.Equal(t, 404, e.do(a, "GET", "/api/v1/prefiling-drafts/"+c["id"].(string), nil, nil).Code)
	})

	var prefilingID string
	t.Run("declaring submits DeclarePrefiling, waits for the indexer and answers the prefiling", func(t *testing.T) {
		r := e.do(a, "POST", "/api/v1/prefiling-drafts/"+id+"/declare?wait=indexed", nil, map[string]string{"Idempotency-Key": "declare-1"})
		require.Equal(t, 201, r.Code, r.Body.String())
		p := r.json(t)
		prefilingID = p["id"].(string)
		require.Regexp(t, model.PrefilingIDPattern, prefilingID)
		require.Equal(t, "declared", p["status"])
		require.Equal(t, "甲咖啡进口有限公司", p["enterpriseName"])
		require.Equal(t, "1", r.Header().Get("X-Ledger-Block"))
		require.Equal(t, []uint64{1}, e.reads.waited)
	})
	t.Run("repeating the request replays the first answer without submitting", func(t *testing.T) {
		r := e.do(a, "POST", "/api/v1/prefiling-drafts/"+id+"/declare?wait=indexed", nil, map[string]string{"Idempotency-Key": "declare-1"})
		require.Equal(t, 201, r.Code)
		require.Equal(t, prefilingID, r.json(t)["id"])
		require.Equal(t, "1", r.Header().Get("X-Ledger-Block"))
		require.Equal(t, "true", r.Header().Get("Idempotent-Replayed"))
		require.Equal(t, []string{"DeclarePrefiling"}, e.ledger.submitted())
	})
	t.Run("the same key with another body is refused", func(t *testing.T) {
		r := e.do(a, "POST", "/api/v1/prefiling-drafts/"+id+"/declare", `{}`, map[string]string{"Idempotency-Key": "declare-1"})
		require.Equal(t, 409, r.Code)
		require.Equal(t, "IDEMPOTENCY_KEY_REUSED", r.code(t))
	})
	t.Run("a declared draft cannot be declared, edited or deleted again", func(t *testing.T) {
		r := e.do(a, "POST", "/api/v1/prefiling-drafts/"+id+"/declare", nil, nil)
		require.Equal(t, 409, r.Code)
		require.Equal(t, "CONFLICT", r.code(t))
		require.Equal(t, 409, e.do(a, "PUT", "/api/v1/prefiling-drafts/"+id, map[string]any{"data": completeData()}, nil).Code)
		require.Equal(t, 409, e.do(a, "DELETE", "/api/v1/prefiling-drafts/"+id, nil, nil).Code)
		r = e.do(a, "GET", "/api/v1/prefiling-drafts/"+id, nil, nil)
		require.Equal(t, prefilingID, r.json(t)["declaredPrefilingId"])
		require.Equal(t, []string{"DeclarePrefiling"}, e.ledger.submitted())
	})
}

func TestDeclareSurvivesLedgerOutageAndRestart(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.echoPrefiling()
	a := e.login("ent-a")
	r := e.do(a, "POST", "/api/v1/prefiling-drafts", map[string]any{"data": completeData()}, nil)
	require.Equal(t, 201, r.Code)
	id := r.json(t)["id"].(string)

	e.ledger.down = true
	r = e.do(a, "POST", "/api/v1/prefiling-drafts/"+id+"/declare", nil, map[string]string{"Idempotency-Key": "k-outage"})
	require.Equal(t, 503, r.Code)
	require.Equal(t, "LEDGER_UNAVAILABLE", r.code(t))

	t.Run("the draft is locked while its declaration is owed", func(t *testing.T) {
		require.Equal(t, 409, e.do(a, "PUT", "/api/v1/prefiling-drafts/"+id, map[string]any{"data": completeData()}, nil).Code)
	})
	t.Run("recovery after a restart declares it once", func(t *testing.T) {
		e.ledger.down = false
		g := e.restart()
		redriveAll(t, g)
		require.Equal(t, []string{"DeclarePrefiling"}, e.ledger.submitted())
		r := doOn(t, g, a, "GET", "/api/v1/prefiling-drafts/"+id, nil, nil)
		require.NotEmpty(t, r.json(t)["declaredPrefilingId"])
		require.Zero(t, redriveAll(t, g), "nothing is left pending")
	})
	t.Run("the client's retry gets the stored answer", func(t *testing.T) {
		r := e.do(a, "POST", "/api/v1/prefiling-drafts/"+id+"/declare", nil, map[string]string{"Idempotency-Key": "k-outage"})
		require.Equal(t, 201, r.Code, r.Body.String())
		require.Equal(t, "declared", r.json(t)["status"])
		require.Equal(t, []string{"DeclarePrefiling"}, e.ledger.submitted())
	})
}

func TestDeclareAfterCrashBetweenSubmitAndAnswer(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.echoPrefiling()
	a := e.login("ent-a")
	r := e.do(a, "POST", "/api/v1/prefiling-drafts", map[string]any{"data": completeData()}, nil)
	id := r.json(t)["id"].(string)

	// The ledger commits but the gateway dies before storing the answer:
	// simulate by committing the same request id directly.
	d, err := e.g.drafts.Reserve(context.Background(), entA, id, "PF20250101CRASHED0")
	require.NoError(t, err)
	requestID := LedgerRequestID("ent-a", "k-crash")
	_, err = e.ledger.Submit(context.Background(), nil, "DeclarePrefiling", requestID, d.PrefilingID, `{"productName":"x"}`)
	require.NoError(t, err)

	t.Run("the retry gets DUPLICATE_REQUEST and answers from a read-back", func(t *testing.T) {
		r := e.do(a, "POST", "/api/v1/prefiling-drafts/"+id+"/declare", nil, map[string]string{"Idempotency-Key": "k-crash"})
		require.Equal(t, 201, r.Code, r.Body.String())
		require.Equal(t, "PF20250101CRASHED0", r.json(t)["id"])
		require.Len(t, e.ledger.submitted(), 1)
	})
}

func TestDeclareRejectedFreesTheDraft(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.ledger.on["DeclarePrefiling"] = func([]string) ([]byte, error) {
		return nil, &ledger.ChaincodeError{Message: "INVALID_ARGUMENT: exporter not registered"}
	}
	a := e.login("ent-a")
	r := e.do(a, "POST", "/api/v1/prefiling-drafts", map[string]any{"data": completeData()}, nil)
	id := r.json(t)["id"].(string)
	r = e.do(a, "POST", "/api/v1/prefiling-drafts/"+id+"/declare", nil, nil)
	require.Equal(t, 422, r.Code)
	require.Equal(t, "exporter not registered", r.json(t)["error"].(map[string]any)["message"])
	r = e.do(a, "PUT", "/api/v1/prefiling-drafts/"+id, map[string]any{"data": completeData()}, nil)
	require.Equal(t, 200, r.Code, "a refused declaration leaves the draft editable")
}

func TestConcurrentRepeatIsInProgress(t *testing.T) {
	t.Parallel()
	e := setup(t)
	a := e.login("ent-a")
	release := make(chan struct{})
	entered := make(chan struct{})
	e.echoPrefiling()
	declare := e.ledger.on["DeclarePrefiling"]
	e.ledger.on["DeclarePrefiling"] = func(args []string) ([]byte, error) {
		close(entered)
		<-release
		return declare(args)
	}
	r := e.do(a, "POST", "/api/v1/prefiling-drafts", map[string]any{"data": completeData()}, nil)
	id := r.json(t)["id"].(string)
	done := make(chan resp)
	go func() {
		//nolint:testifylint // a nil body: doOn asserts nothing on this path
		done <- doOn(t, e.g, a, "POST", "/api/v1/prefiling-drafts/"+id+"/declare", nil, map[string]string{"Idempotency-Key": "slow"})
	}()
	<-entered
	// The fake ledger holds its lock while blocked; the repeat never
	// reaches it, it waits on the outbox and gives up.
	r = e.do(a, "POST", "/api/v1/prefiling-drafts/"+id+"/declare", nil, map[string]string{"Idempotency-Key": "slow"})
	require.Equal(t, 409, r.Code)
	require.Equal(t, "REQUEST_IN_PROGRESS", r.code(t))
	close(release)
	first := <-done
	require.Equal(t, 201, first.Code, fmt.Sprint(first.Body.String()))
}
