package ledgertx_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/service/ledgertx"
	"zonetrace/gateway/service/servicetest"
)

// TestCommittedEarlier: simulating a write tells, without ordering
// anything, whether its request id was carried out, and answers then like
// the first attempt did.
func TestCommittedEarlier(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	node := servicetest.New(t)
	tx := ledgertx.Submitter{Ledger: node.Ledger}
	admin, err := node.Identities.ZoneAdmin()
	require.NoError(t, err)
	raw, err := json.Marshal(model.Enterprise{ID: enterprise, Name: "甲", Kind: model.KindImporter})
	require.NoError(t, err)
	register := ledgertx.Call{Signer: admin, Function: "RegisterEnterprise", Args: []string{"req-early", string(raw)},
		ReadBack: tx.Evaluator(admin, "GetEnterprise", enterprise)}

	_, done, err := tx.CommittedEarlier(ctx, register)
	require.NoError(t, err)
	require.False(t, done, "not carried out yet")
	height := node.Height(t)

	first, err := tx.Submit(ctx, register)
	require.NoError(t, err)
	again, done, err := tx.CommittedEarlier(ctx, register)
	require.NoError(t, err)
	require.True(t, done)
	require.Equal(t, first.Tx.ID, again.Tx.ID)
	var e model.Enterprise
	require.NoError(t, json.Unmarshal(again.Payload, &e))
	require.Equal(t, enterprise, e.ID)

	other := register
	other.Args = []string{"req-other", string(raw)}
	_, done, err = tx.CommittedEarlier(ctx, other)
	require.NoError(t, err)
	require.False(t, done, "another request id refused for another reason (the enterprise exists) did not do it")
	require.Equal(t, height+1, node.Height(t), "only the one submit was ordered")
}
