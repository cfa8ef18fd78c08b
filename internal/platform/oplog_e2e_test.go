package platform

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"zonetrace/gateway/oplog"
)

// TestOperationLogAnchoredOnTheLedger: the head goes through the real
// chaincode and the check reads it back from the ledger, so rewriting the
// log after an anchor is found.
func TestOperationLogAnchoredOnTheLedger(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	n := startNode(t)
	admin := n.client("admin")
	var page map[string]any
	require.NoError(t, admin.Get(ctx, "/api/v1/enterprises", &page))

	a, err := n.Gateway.AnchorOperationLog(ctx)
	require.NoError(t, err)
	require.NotNil(t, a)
	require.NotEmpty(t, a.TxID)

	var rep oplog.CheckReport
	require.NoError(t, admin.Get(ctx, "/api/v1/operation-log/check", &rep))
	require.True(t, rep.OK, "%+v", rep.Problem)
	require.Empty(t, rep.AnchorsUnavailable)
	require.Equal(t, 1, rep.Anchors)
	require.Equal(t, a.Seq, rep.LastAnchor.Seq)
	require.Equal(t, a.Hash, rep.LastAnchor.Hash)
	require.False(t, rep.LastAnchor.At.IsZero(), "the ledger recorded the transaction time")

	// Cut the log back to before the anchored row and move the head with
	// it, as an intruder with the database could: the chain is whole in
	// itself and only the anchor on the ledger shows rows are gone.
	conn, err := n.Pool.Acquire(ctx)
	require.NoError(t, err)
	defer conn.Release()
	_, err = conn.Exec(ctx, `SET session_replication_role = replica`)
	require.NoError(t, err)
	_, err = conn.Exec(ctx, `DELETE FROM operation_log WHERE seq >= $1`, a.Seq)
	require.NoError(t, err)
	_, err = conn.Exec(ctx, `UPDATE operation_log_head SET seq = $1 - 1, hash = coalesce((SELECT hash FROM operation_log WHERE seq = $1 - 1), '\x')`, a.Seq)
	require.NoError(t, err)
	rep = oplog.CheckReport{}
	require.NoError(t, admin.Get(ctx, "/api/v1/operation-log/check", &rep))
	require.False(t, rep.OK)
	require.Equal(t, oplog.ProblemTruncated, rep.Problem.Kind)
	require.Equal(t, a.Seq, rep.Problem.Seq)

	// Rows appended since make the log long again, but the row at the
	// anchored seq is not the one anchored.
	rep = oplog.CheckReport{}
	require.NoError(t, admin.Get(ctx, "/api/v1/operation-log/check", &rep))
	require.False(t, rep.OK)
	require.Equal(t, oplog.ProblemAnchorMismatch, rep.Problem.Kind)
	require.Equal(t, a.Seq, rep.Problem.Seq)
}
