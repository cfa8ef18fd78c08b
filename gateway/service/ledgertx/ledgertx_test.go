package ledgertx_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/apierror"
	"zonetrace/gateway/service/ledgertx"
	"zonetrace/gateway/service/servicetest"
)

const enterprise = "91320583MA1XXXXX1A"

func TestSubmit(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	node := servicetest.New(t)
	var outcomes []string
	tx := ledgertx.Submitter{Ledger: node.Ledger, Observe: func(function, outcome string, _ time.Duration) {
		outcomes = append(outcomes, function+":"+outcome)
	}}
	admin, err := node.Identities.ZoneAdmin()
	require.NoError(t, err)
	raw, err := json.Marshal(model.Enterprise{ID: enterprise, Name: "甲", Kind: model.KindImporter})
	require.NoError(t, err)
	register := ledgertx.Call{Signer: admin, Function: "RegisterEnterprise", Args: []string{"req-1", string(raw)},
		ReadBack: tx.Evaluator(admin, "GetEnterprise", enterprise)}

	first, err := tx.Submit(ctx, register)
	require.NoError(t, err)
	require.NotNil(t, first.Tx)
	require.Equal(t, node.Height(t)-1, first.Tx.Block)

	t.Run("the same request again is the first one's success, read back", func(t *testing.T) {
		again, err := tx.Submit(ctx, register)
		require.NoError(t, err)
		require.Equal(t, first.Tx.ID, again.Tx.ID)
		var e model.Enterprise
		require.NoError(t, json.Unmarshal(again.Payload, &e))
		require.Equal(t, enterprise, e.ID)
	})
	t.Run("without a read-back a duplicate answers no payload", func(t *testing.T) {
		noReadBack := register
		noReadBack.ReadBack = nil
		again, err := tx.Submit(ctx, noReadBack)
		require.NoError(t, err)
		require.Nil(t, again.Payload)
		require.Equal(t, first.Tx.ID, again.Tx.ID)
	})
	t.Run("a chaincode refusal is its coded API error", func(t *testing.T) {
		other := register
		other.Args = []string{"req-2", string(raw)}
		_, err := tx.Submit(ctx, other)
		var e *apierror.Error
		require.ErrorAs(t, err, &e)
		require.Equal(t, apierror.Conflict, e.Code, "the enterprise is registered already")
	})
	t.Run("an unreachable ledger is LEDGER_UNAVAILABLE", func(t *testing.T) {
		closed := servicetest.New(t)
		require.NoError(t, closed.Ledger.Close())
		_, err := ledgertx.Submitter{Ledger: closed.Ledger}.Submit(ctx, register)
		require.Equal(t, apierror.LedgerUnavailable, apierror.From(err).Code)
	})
	require.Equal(t, []string{"RegisterEnterprise:committed", "RegisterEnterprise:rejected", "RegisterEnterprise:rejected",
		"RegisterEnterprise:rejected"}, outcomes)
}

func TestLast(t *testing.T) {
	t.Parallel()
	a, b := &ledgertx.Tx{ID: "a", Block: 1}, &ledgertx.Tx{ID: "b", Block: 2}
	require.Equal(t, b, ledgertx.Last(a, b))
	require.Equal(t, a, ledgertx.Last(a, nil))
	require.Nil(t, ledgertx.Last(nil, nil))
}
