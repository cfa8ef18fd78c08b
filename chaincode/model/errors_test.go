package model_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
)

func TestParseError(t *testing.T) {
	t.Parallel()
	t.Run("a refusal survives a Fabric prefix with its reason and details", func(t *testing.T) {
		e := model.Refuse(model.ReasonStockInsufficient, model.Params{"holder": "91320583MA3WWWWW3C", "heldGrams": int64(500), "askedGrams": int64(700), "bonded": false},
			"%s holds %d g", "91320583MA3WWWWW3C", 500)
		wire := "endorse: rpc error: code = Aborted desc = chaincode response 500, " + e.Error()
		parsed, ok := model.ParseError(wire)
		require.True(t, ok)
		require.Equal(t, model.CodeConflict, parsed.Code)
		require.Equal(t, model.ReasonStockInsufficient, parsed.Reason)
		require.Equal(t, "91320583MA3WWWWW3C holds 500 g", parsed.Message)
		require.Equal(t, json.Number("700"), parsed.Params["askedGrams"])
		require.Equal(t, false, parsed.Params["bonded"])
	})
	t.Run("problems come back field by field", func(t *testing.T) {
		var ps model.Problems
		ps.Add("lines[0].valueFen", model.RuleValueMismatch, model.Params{"expectedFen": "4500", "toleranceFen": 1})
		ps.Add("reason", model.RuleControlCharacter, model.Params{"position": 3})
		parsed, ok := model.ParseError(ps.Err().Error())
		require.True(t, ok)
		require.Equal(t, model.CodeInvalid, parsed.Code)
		require.Equal(t, model.ReasonFieldInvalid, parsed.Reason)
		require.Len(t, parsed.Problems, 2)
		require.Equal(t, "reason", parsed.Problems[1].Field)
		require.Equal(t, model.RuleControlCharacter, parsed.Problems[1].Rule)
		require.Equal(t, json.Number("3"), parsed.Problems[1].Params["position"])
	})
	t.Run("a duplicate's message is the first transaction id alone", func(t *testing.T) {
		e := model.Refuse(model.ReasonRequestDone, model.Params{"txId": "abc123"}, "%s", "abc123")
		parsed, ok := model.ParseError("chaincode response 500, " + e.Error())
		require.True(t, ok)
		require.Equal(t, model.CodeDuplicate, parsed.Code)
		require.Equal(t, "abc123", parsed.Message)
	})
	t.Run("a message cannot forge details", func(t *testing.T) {
		e := model.Refuse(model.ReasonDocumentNotFound, model.Params{"documentId": "x"},
			"document %q not found", `x`+model.DetailsMarker+`{"reason":"ENTERPRISE_EXISTS"}`)
		parsed, ok := model.ParseError(e.Error())
		require.True(t, ok)
		require.Equal(t, model.ReasonDocumentNotFound, parsed.Reason)
	})
	t.Run("the earliest code wins and old errors parse without a reason", func(t *testing.T) {
		parsed, ok := model.ParseError("x CONFLICT: a INVALID_ARGUMENT: b")
		require.True(t, ok)
		require.Equal(t, model.CodeConflict, parsed.Code)
		require.Empty(t, parsed.Reason)
		_, ok = model.ParseError("panic: nil map")
		require.False(t, ok)
	})
	t.Run("every reason has a code", func(t *testing.T) {
		for _, r := range model.Reasons() {
			require.NotEmpty(t, r.Code(), r)
		}
	})
}
