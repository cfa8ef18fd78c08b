package gateway

import (
	"testing"

	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
	"zonetrace/chaincode/model/zh"
	"zonetrace/network/ledger"
)

func TestDeclareDocumentDraft(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.echoDocuments()
	a := e.login("ent-a")
	missing := docLine(t, 2)
	missing.TraceCode = ""
	r := e.do(a, "POST", "/api/v1/document-drafts", transferOut(t, docLine(t, 1), missing, docLine(t, 3)), nil)
	require.Equal(t, 201, r.Code, r.Body.String())
	id := r.json(t)["id"].(string)

	t.Run("a line without trace code is 422 naming the line and submits nothing", func(t *testing.T) {
		r := e.do(a, "POST", "/api/v1/document-drafts/"+id+"/declare", nil, nil)
		require.Equal(t, 422, r.Code)
		details := r.json(t)["error"].(map[string]any)["details"].([]any)
		require.Len(t, details, 1)
		require.Equal(t, "lines[1].traceCode", details[0].(map[string]any)["field"])
		require.Empty(t, e.ledger.submitted())
	})
	require.Equal(t, 200, e.do(a, "PUT", "/api/v1/document-drafts/"+id, transferOut(t, docLine(t, 1), docLine(t, 2), docLine(t, 3)), nil).Code)

	var number string
	t.Run("declaring submits DeclareDocument with a family number and writes it back", func(t *testing.T) {
		r := e.do(a, "POST", "/api/v1/document-drafts/"+id+"/declare?wait=indexed", nil, map[string]string{"Idempotency-Key": "declare-doc"})
		require.Equal(t, 201, r.Code, r.Body.String())
		doc := r.json(t)
		number = doc["id"].(string)
		require.Regexp(t, model.DocumentIDPattern, number)
		require.Equal(t, "BL", number[:2])
		require.Equal(t, "declared", doc["status"])
		require.Equal(t, "甲咖啡进口有限公司", doc["enterpriseName"])
		require.Len(t, doc["lines"], 3)
		require.Equal(t, []string{"DeclareDocument"}, e.ledger.submitted())
		d := e.do(a, "GET", "/api/v1/document-drafts/"+id, nil, nil).json(t)
		require.Equal(t, number, d["declaredDocumentId"])
	})
	t.Run("a declared draft cannot be declared, edited or deleted again", func(t *testing.T) {
		require.Equal(t, 409, e.do(a, "POST", "/api/v1/document-drafts/"+id+"/declare", nil, nil).Code)
		require.Equal(t, 409, e.do(a, "PUT", "/api/v1/document-drafts/"+id, transferOut(t, docLine(t, 1)), nil).Code)
		require.Equal(t, 409, e.do(a, "DELETE", "/api/v1/document-drafts/"+id, nil, nil).Code)
		require.Equal(t, []string{"DeclareDocument"}, e.ledger.submitted())
	})
	t.Run("a repeat with the same key replays the answer", func(t *testing.T) {
		r := e.do(a, "POST", "/api/v1/document-drafts/"+id+"/declare?wait=indexed", nil, map[string]string{"Idempotency-Key": "declare-doc"})
		require.Equal(t, 201, r.Code)
		require.Equal(t, number, r.json(t)["id"])
		require.Equal(t, "true", r.Header().Get("Idempotent-Replayed"))
	})
}

func TestDeclareDocumentRefusedPerLine(t *testing.T) {
	t.Parallel()
	e := setup(t)
	a := e.login("ent-a")
	e.ledger.on["DeclareDocument"] = func([]string) ([]byte, error) {
		var ps model.Problems
		ps.Add("lines[0].traceCode", model.RuleTraceCodeOfOther, model.Params{"traceCode": testTraceCode(t, 1)})
		ps.Add("head.counterpartyId", model.RuleNotRegistered, model.Params{"enterpriseId": "X"})
		return nil, &ledger.ChaincodeError{Message: ps.Err().Error()}
	}
	r := e.do(a, "POST", "/api/v1/document-drafts", transferOut(t, docLine(t, 1)), nil)
	id := r.json(t)["id"].(string)

	r = e.do(a, "POST", "/api/v1/document-drafts/"+id+"/declare", nil, nil)
	require.Equal(t, 422, r.Code, r.Body.String())
	var fields []string
	for _, d := range r.json(t)["error"].(map[string]any)["details"].([]any) {
		p := d.(map[string]any)
		fields = append(fields, p["field"].(string))
		require.NotEmpty(t, p["rule"])
		params, _ := p["params"].(map[string]any)
		require.Empty(t, zh.EnglishWords(p["messageZh"].(string), params), "English in the Chinese message of %v", p)
	}
	require.Equal(t, []string{"lines[0].traceCode", "head.counterpartyId"}, fields)

	t.Run("the refused draft is editable again", func(t *testing.T) {
		r := e.do(a, "GET", "/api/v1/document-drafts/"+id, nil, nil)
		require.Nil(t, r.json(t)["declaredDocumentId"])
		require.Equal(t, 200, e.do(a, "PUT", "/api/v1/document-drafts/"+id, transferOut(t, docLine(t, 1)), nil).Code)
	})
}

func TestDeclareDocumentAfterLedgerOutage(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.echoDocuments()
	a := e.login("ent-a")
	r := e.do(a, "POST", "/api/v1/document-drafts", transferOut(t, docLine(t, 1)), nil)
	id := r.json(t)["id"].(string)
	e.ledger.down = true
	r = e.do(a, "POST", "/api/v1/document-drafts/"+id+"/declare", nil, map[string]string{"Idempotency-Key": "k1"})
	require.Equal(t, 503, r.Code)
	require.Equal(t, 409, e.do(a, "PUT", "/api/v1/document-drafts/"+id, transferOut(t, docLine(t, 1)), nil).Code,
		"the draft stays locked while its declaration is owed")
	e.ledger.down = false
	r = e.do(a, "POST", "/api/v1/document-drafts/"+id+"/declare", nil, map[string]string{"Idempotency-Key": "k2"})
	require.Equal(t, 201, r.Code, r.Body.String())
	r = e.do(a, "POST", "/api/v1/document-drafts/"+id+"/declare", nil, map[string]string{"Idempotency-Key": "k1"})
	require.Equal(t, 409, r.Code, "the first attempt's retry finds the draft declared")
	require.Equal(t, []string{"DeclareDocument"}, e.ledger.submitted())
	require.Len(t, e.reads.documents, 1)
	for _, d := range e.reads.documents {
		require.Equal(t, model.FamilyBondedTransfer, d.Family)
	}
}
