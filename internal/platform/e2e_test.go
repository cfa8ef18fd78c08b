package platform

import (
	"bytes"
	"context"
	"image/png"
	"net/http"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
	"zonetrace/chaincode/tracecode"
	"zonetrace/gateway/service/publictrace"
	"zonetrace/indexer/query"
	"zonetrace/internal/apiclient"
)

const (
	enterpriseA = "91320583MA1XXXXX1A"
	enterpriseB = "91320583MA2YYYYY2B"
)

type draftJSON struct {
	ID                  string              `json:"id"`
	EnterpriseID        string              `json:"enterpriseId"`
	Data                model.PrefilingData `json:"data"`
	DeclaredPrefilingID string              `json:"declaredPrefilingId"`
}

type pageJSON[T any] struct {
	Items []T `json:"items"`
	Total int `json:"total"`
}

func coffee(product string) model.PrefilingData {
	return model.PrefilingData{
		Commodity: "coffee", ProductName: product, HSCode: "0901110000", Origin: "ET",
		ExporterName: "Yirgacheffe Coffee Farmers Union", QuarantineBatchNo: "320400126000812",
		QuarantineResult: model.QuarantineQualified, AvgPriceFen: 7200, Currency: "CNY",
		WeightGrams: 19_200_000, Grade: "G1", PlantingRegion: "Gedeo", Attachments: []model.Attachment{},
	}
}

// TestPrefilingToTraceCode walks the foundation's business flow through the
// HTTP API of a running node: embedded ledger, indexer, real PostgreSQL.
func TestPrefilingToTraceCode(t *testing.T) {
	ctx := context.Background()
	n := startNode(t)
	admin := n.client("admin")

	// The zone admin registers two enterprises and their users.
	for _, e := range []map[string]string{
		{"id": enterpriseA, "name": "昆山咖啡进口有限公司", "kind": "importer"},
		{"id": enterpriseB, "name": "综保仓储物流有限公司", "kind": "warehouse"},
	} {
		require.NoError(t, admin.Post(ctx, "/api/v1/enterprises", e, nil))
	}
	for _, u := range []map[string]string{
		{"username": "ent-a", "displayName": "A clerk", "role": "enterprise", "enterpriseId": enterpriseA},
		{"username": "ent-b", "displayName": "B clerk", "role": "enterprise", "enterpriseId": enterpriseB},
		{"username": "customs", "displayName": "Officer Li", "role": "customs_officer"},
	} {
		u["password"] = testPassword
		require.NoError(t, admin.Post(ctx, "/api/v1/users", u, nil))
	}
	a, b, customs := n.client("ent-a"), n.client("ent-b"), n.client("customs")

	var enterprises pageJSON[model.Enterprise]
	require.NoError(t, customs.Get(ctx, "/api/v1/enterprises", &enterprises))
	require.Len(t, enterprises.Items, 2)

	// A creates, edits, copies and deletes drafts: all off chain.
	heightBeforeDrafts := n.state().height
	var d1 draftJSON
	require.NoError(t, a.Post(ctx, "/api/v1/prefiling-drafts", map[string]any{"data": coffee("耶加雪菲 G1")}, &d1))
	edited := coffee("耶加雪菲 G1 水洗")
	edited.WeightGrams = 20_000_000
	var d1Edited draftJSON
	_, err := a.Do(ctx, apiclient.Request{Method: http.MethodPut, Path: "/api/v1/prefiling-drafts/" + d1.ID, Body: map[string]any{"data": edited}}, &d1Edited)
	require.NoError(t, err)
	require.Equal(t, edited.ProductName, d1Edited.Data.ProductName)
	var copied draftJSON
	require.NoError(t, a.Post(ctx, "/api/v1/prefiling-drafts/"+d1.ID+"/copy", nil, &copied))
	require.NotEqual(t, d1.ID, copied.ID)
	require.Equal(t, edited.ProductName, copied.Data.ProductName)
	require.Empty(t, copied.Data.QuarantineBatchNo, "a copy leaves out quarantine outcome")
	var spare draftJSON
	require.NoError(t, a.Post(ctx, "/api/v1/prefiling-drafts", map[string]any{"data": coffee("to be deleted")}, &spare))
	_, err = a.Do(ctx, apiclient.Request{Method: http.MethodDelete, Path: "/api/v1/prefiling-drafts/" + spare.ID}, nil)
	require.NoError(t, err)
	require.Equal(t, 404, apiclient.StatusOf(a.Get(ctx, "/api/v1/prefiling-drafts/"+spare.ID, nil)))
	require.Equal(t, heightBeforeDrafts, n.state().height, "drafts stay off chain")

	// A declares two prefilings.
	var returnedPF, approvedPF model.Prefiling
	require.NoError(t, a.Post(ctx, "/api/v1/prefiling-drafts/"+d1.ID+"/declare", nil, &returnedPF))
	require.Equal(t, model.PrefilingDeclared, returnedPF.Status)
	copiedData := coffee("耶加雪菲 G1 日晒")
	_, err = a.Do(ctx, apiclient.Request{Method: http.MethodPut, Path: "/api/v1/prefiling-drafts/" + copied.ID, Body: map[string]any{"data": copiedData}}, nil)
	require.NoError(t, err)
	require.NoError(t, a.Post(ctx, "/api/v1/prefiling-drafts/"+copied.ID+"/declare", nil, &approvedPF))

	var declaredDraft draftJSON
	require.NoError(t, a.Get(ctx, "/api/v1/prefiling-drafts/"+d1.ID, &declaredDraft))
	require.Equal(t, returnedPF.ID, declaredDraft.DeclaredPrefilingID, "the declared number is written back into the draft")

	// Customs sees both in its queue, returns one and approves the other.
	var queue pageJSON[query.PrefilingView]
	require.NoError(t, customs.Get(ctx, "/api/v1/prefilings?needsReview=true", &queue))
	require.Equal(t, 2, queue.Total)
	require.NoError(t, customs.Post(ctx, "/api/v1/prefilings/"+returnedPF.ID+"/review", map[string]string{"decision": "return", "reason": "原产地证书与申报不符"}, nil))
	require.NoError(t, customs.Post(ctx, "/api/v1/prefilings/"+approvedPF.ID+"/review", map[string]string{"decision": "approve"}, nil))

	var seenByA query.PrefilingView
	require.NoError(t, a.Get(ctx, "/api/v1/prefilings/"+returnedPF.ID, &seenByA))
	require.Equal(t, model.PrefilingReturned, seenByA.Status)
	require.Equal(t, "原产地证书与申报不符", seenByA.ReturnReason)

	require.NoError(t, a.Get(ctx, "/api/v1/prefilings/"+approvedPF.ID, &seenByA))
	require.Equal(t, model.PrefilingApproved, seenByA.Status)
	code := seenByA.TraceCode
	require.True(t, tracecode.Valid(code), code)

	// The trace code's QR decodes to its trace URI: the GS1 Digital Link of
	// the public trace page.
	var traced struct {
		TraceCode model.TraceCode `json:"traceCode"`
		URI       string          `json:"uri"`
	}
	require.NoError(t, a.Get(ctx, "/api/v1/trace-codes/"+code, &traced))
	require.Equal(t, approvedPF.ID, traced.TraceCode.PrefilingID)
	require.Equal(t, publictrace.URI(n.URL, code), traced.URI)
	qr, err := a.Do(ctx, apiclient.Request{Method: http.MethodGet, Path: "/api/v1/trace-codes/" + code + "/qr.png"}, nil)
	require.NoError(t, err)
	require.Equal(t, traced.URI, decodeQR(t, qr.Body))

	// A supplements; customs approves the supplement.
	require.NoError(t, a.Post(ctx, "/api/v1/prefilings/"+approvedPF.ID+"/supplement", map[string]any{
		"quarantineBatchNo": "320400126000999", "quarantineResult": "qualified", "quarantineDate": "2026-11-20", "attachments": []any{},
	}, nil))
	require.NoError(t, customs.Post(ctx, "/api/v1/prefilings/"+approvedPF.ID+"/supplement/review", map[string]string{"decision": "approve"}, nil))

	// History shows every step with actor and time.
	var detail query.PrefilingView
	require.NoError(t, a.Get(ctx, "/api/v1/prefilings/"+approvedPF.ID, &detail))
	require.Equal(t, model.SupplementApproved, detail.SupplementStatus)
	require.Equal(t, "320400126000999", detail.Data.QuarantineBatchNo)
	wantSteps := []struct {
		action string
		role   model.Role
	}{
		{model.ActionDeclare, model.RoleEnterprise},
		{model.ActionApprove, model.RoleCustoms},
		{model.ActionSupplement, model.RoleEnterprise},
		{model.ActionSupplementApprove, model.RoleCustoms},
	}
	require.Len(t, detail.Steps, len(wantSteps))
	for i, want := range wantSteps {
		step := detail.Steps[i]
		require.Equal(t, want.action, step.Action)
		require.Equal(t, want.role, step.Actor.Role)
		require.NotEmpty(t, step.Actor.Name)
		require.NotEmpty(t, step.TxID)
		require.NotEmpty(t, step.At)
	}

	// B sees none of A's data.
	var ofB pageJSON[query.PrefilingView]
	require.NoError(t, b.Get(ctx, "/api/v1/prefilings", &ofB))
	require.Zero(t, ofB.Total)
	var draftsOfB pageJSON[draftJSON]
	require.NoError(t, b.Get(ctx, "/api/v1/prefiling-drafts", &draftsOfB))
	require.Zero(t, draftsOfB.Total)
	require.NoError(t, b.Get(ctx, "/api/v1/prefilings?enterpriseId="+enterpriseA, &ofB))
	require.Zero(t, ofB.Total, "an enterprise filter cannot widen an enterprise's view")

	// Forbidden actions are refused and change nothing.
	t.Run("A cannot edit or delete a declared prefiling's draft", func(t *testing.T) {
		n.refused(409, a, apiclient.Request{Method: http.MethodPut, Path: "/api/v1/prefiling-drafts/" + d1.ID, Body: map[string]any{"data": coffee("changed")}})
		n.refused(409, a, apiclient.Request{Method: http.MethodDelete, Path: "/api/v1/prefiling-drafts/" + d1.ID})
		n.refused(409, a, post("/api/v1/prefiling-drafts/"+d1.ID+"/declare", nil))
	})
	t.Run("A cannot review", func(t *testing.T) {
		n.refused(403, a, post("/api/v1/prefilings/"+returnedPF.ID+"/review", map[string]string{"decision": "approve"}))
		n.refused(403, a, post("/api/v1/prefilings/"+approvedPF.ID+"/supplement/review", map[string]string{"decision": "approve"}))
	})
	t.Run("B cannot read or touch A's records", func(t *testing.T) {
		n.refused(403, b, apiclient.Request{Method: http.MethodGet, Path: "/api/v1/prefilings/" + approvedPF.ID})
		n.refused(403, b, apiclient.Request{Method: http.MethodGet, Path: "/api/v1/trace-codes/" + code})
		n.refused(404, b, apiclient.Request{Method: http.MethodGet, Path: "/api/v1/prefiling-drafts/" + d1.ID})
		n.refused(403, b, post("/api/v1/prefilings/"+approvedPF.ID+"/supplement", map[string]any{"quarantineBatchNo": "X", "quarantineResult": "qualified", "attachments": []any{}}))
	})
	t.Run("customs cannot declare for an enterprise", func(t *testing.T) {
		n.refused(403, customs, post("/api/v1/prefiling-drafts", map[string]any{"data": coffee("by customs")}))
	})
	t.Run("reviews in the wrong state conflict", func(t *testing.T) {
		n.refused(409, customs, post("/api/v1/prefilings/"+approvedPF.ID+"/review", map[string]string{"decision": "return", "reason": "late"}))
	})
	t.Run("an identity the zone admin never bound is refused by the chaincode", func(t *testing.T) {
		stranger, err := n.PKI.Issue(model.ZoneAdminMSP, "unregistered-clerk", "client")
		require.NoError(t, err)
		before := n.state()
		_, err = n.Ledger.Submit(ctx, stranger, "DeclarePrefiling", "stranger-1", "PF20261126STRANGER", `{}`)
		require.Error(t, err)
		parsed, ok := model.ParseError(err.Error())
		require.True(t, ok, "%v", err)
		require.Equal(t, model.CodeForbidden, parsed.Code)
		require.Equal(t, before, n.state())
	})
	t.Run("an unauthenticated request is refused", func(t *testing.T) {
		n.refused(401, apiclient.New(n.URL), post("/api/v1/prefiling-drafts", map[string]any{"data": coffee("anonymous")}))
	})
}

func decodeQR(t *testing.T, pngBytes []byte) string {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(pngBytes))
	require.NoError(t, err)
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	require.NoError(t, err)
	res, err := qrcode.NewQRCodeReader().Decode(bmp, nil)
	require.NoError(t, err)
	return strings.TrimSpace(res.GetText())
}
