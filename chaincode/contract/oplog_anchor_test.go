package contract

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
)

func TestAnchorOperationLogMovesForwardOnlyAndReadsBack(t *testing.T) {
	t.Parallel()
	z := newZone(t)
	h1, h2 := strings.Repeat("a", 64), strings.Repeat("b", 64)

	var a model.OperationLogAnchor
	require.NoError(t, json.Unmarshal(z.mustInvoke(z.admin, "AnchorOperationLog", z.req(), "10", h1), &a))
	require.Equal(t, int64(10), a.Seq)
	require.Equal(t, h1, a.HeadHash)
	require.NotEmpty(t, a.At, "recorded with the transaction time")
	require.Equal(t, model.RoleZoneAdmin, a.Actor.Role)
	z.mustInvoke(z.admin, "AnchorOperationLog", z.req(), "25", h2)

	// A head at or behind the newest anchor would let a rewritten log be
	// anchored over the old one.
	ref := z.refusal(model.CodeInvalid, z.admin, "AnchorOperationLog", z.req(), "25", h1)
	require.Equal(t, []string{"seq"}, problemFields(ref))
	ref = z.refusal(model.CodeInvalid, z.admin, "AnchorOperationLog", z.req(), "26", "not-a-hash")
	require.Equal(t, []string{"headHash"}, problemFields(ref))
	ref = z.refusal(model.CodeInvalid, z.admin, "AnchorOperationLog", z.req(), "x", h1)
	require.Equal(t, []string{"seq"}, problemFields(ref))
	z.refused(model.CodeForbidden, z.customs, "AnchorOperationLog", z.req(), "30", h1)
	z.refused(model.CodeForbidden, z.entA, "AnchorOperationLog", z.req(), "30", h1)

	var anchors []model.OperationLogAnchor
	require.NoError(t, json.Unmarshal(z.mustInvoke(z.admin, "GetOperationLogAnchors"), &anchors))
	require.Len(t, anchors, 2)
	require.Equal(t, []int64{10, 25}, []int64{anchors[0].Seq, anchors[1].Seq})
	require.Equal(t, h2, anchors[1].HeadHash)
	z.refused(model.CodeForbidden, z.entA, "GetOperationLogAnchors")
}
