package platform

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/gates"
	"zonetrace/gateway/identities"
	"zonetrace/internal/apiclient"
)

// sendGateEvent posts ev as gate gateID, signed with key, straight over
// HTTP as a barrier gate would.
func (m *market) sendGateEvent(gateID string, key ed25519.PrivateKey, ev gates.EventRequest) (int, gates.Event) {
	m.t.Helper()
	body, err := json.Marshal(ev)
	require.NoError(m.t, err)
	nonce := make([]byte, 16)
	_, err = rand.Read(nonce)
	require.NoError(m.t, err)
	req, err := http.NewRequest(http.MethodPost, m.URL+"/api/v1/gate-events", bytes.NewReader(body))
	require.NoError(m.t, err)
	for k, v := range gates.Sign(key, gateID, time.Now(), hex.EncodeToString(nonce), body) {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(m.t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(m.t, err)
	var got gates.Event
	if resp.StatusCode == http.StatusCreated {
		require.NoError(m.t, json.Unmarshal(raw, &got))
	}
	return resp.StatusCode, got
}

// enableFlowModel has customs' admin switch on the flow model (流向校验)
// for non-bonded applications.
func (m *market) enableFlowModel() {
	m.t.Helper()
	ctx := context.Background()
	require.NoError(m.t, m.admin.Post(ctx, "/api/v1/users", map[string]string{"username": "rules-admin", "password": testPassword,
		"displayName": "Chief Wang", "role": "customs_admin"}, nil))
	chief := m.client("rules-admin")
	var current model.RuleConfig
	require.NoError(m.t, chief.Get(ctx, "/api/v1/rules/config", &current))
	draft := current.RuleConfigDraft
	draft.Tags = append(draft.Tags, model.TagDef{Code: model.TagFlowAnomaly, NameZh: "流向异常", Category: "流向校验", Colour: "#1D39C4"})
	draft.Models = append(draft.Models, model.ValidationModel{Code: model.ModelFlow, Tag: model.TagFlowAnomaly, Enabled: true,
		Params: []model.ModelParam{}})
	draft.Bindings = append(draft.Bindings, model.TagBinding{Tag: model.TagFlowAnomaly, Target: string(model.FamilyNonBondedApplication), Enabled: true})
	_, err := chief.Do(ctx, apiclient.Request{Method: http.MethodPut, Path: "/api/v1/rules/config",
		Body: map[string]any{"baseVersion": current.Version, "config": draft}}, nil)
	require.NoError(m.t, err)
}

func hasTag(d model.Document, code string) bool {
	return slices.ContainsFunc(d.Tags, func(t model.Tag) bool { return t.Code == code })
}

// TestGateEventsRecordTheGatePass: a barrier gate's signed event of a
// vehicle carrying an approved zone entry records the document's gate pass
// on the ledger, signed by the node's zone administration, and the goods
// move; until a gate has seen the goods come in, declaring them out is a
// flow anomaly. An exit the gate could not match is matched by the zone
// admin, which records that gate pass too.
func TestGateEventsRecordTheGatePass(t *testing.T) {
	ctx := context.Background()
	m := newMarket(t)
	m.enableFlowModel()
	_, key, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	require.NoError(t, m.admin.Post(ctx, "/api/v1/gates", gates.GateRequest{ID: "G1", Name: "一号卡口", X: 80, Y: 500,
		Directions: gates.DirectionBoth, PublicKey: gates.EncodePublicKey(key.Public().(ed25519.PublicKey))}, nil))
	const w int64 = 1_000_000
	head := model.DocumentHead{VehiclePlate: "苏E12345", PlannedDate: "2026-12-01"}

	entry := m.declare(m.a, model.FamilyNonBondedApplication, model.BusinessEntry, head, m.line(w))
	m.review(entry.ID, "approve")

	// No gate has seen the goods come in: taking them out is a flow anomaly.
	early := m.declare(m.a, model.FamilyNonBondedApplication, model.BusinessExit, head, m.line(w))
	require.True(t, hasTag(early, model.TagFlowAnomaly), "tags: %+v", early.Tags)

	// A forged event changes nothing.
	_, foreign, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	status, _ := m.sendGateEvent("G1", foreign, gates.EventRequest{Plate: "苏E 12345", Direction: "in", At: time.Now().Format(time.RFC3339)})
	require.Equal(t, http.StatusUnauthorized, status)
	require.Equal(t, model.DocApproved, m.document(m.customs, entry.ID).Status)

	status, in := m.sendGateEvent("G1", key, gates.EventRequest{Plate: "苏E 12345", Direction: "in", At: time.Now().Format(time.RFC3339),
		ImageRef: "cam://G1/0001.jpg"})
	require.Equal(t, http.StatusCreated, status)
	require.Equal(t, gates.StateMatched, in.State)
	require.Equal(t, entry.ID, in.DocumentID)
	require.Eventually(t, func() bool { return m.document(m.customs, entry.ID).Status == model.DocEffective }, 30*time.Second, 100*time.Millisecond)
	crossed := m.document(m.customs, entry.ID)
	require.NotEmpty(t, crossed.GatePassed)
	i := slices.IndexFunc(crossed.Steps, func(s model.DocumentStep) bool { return s.Action == model.DocActionGatePass })
	require.GreaterOrEqual(t, i, 0)
	require.Equal(t, model.ZoneAdminMSP, crossed.Steps[i].Actor.MspID)
	require.Equal(t, identities.ZoneAdminCN, crossed.Steps[i].Actor.Name, "the node signs the gate pass")
	require.Equal(t, w, m.stock()[holdingKey(enterpriseA, false)])

	// Now the goods came in through a gate, an exit is no flow anomaly.
	exit := m.declare(m.a, model.FamilyNonBondedApplication, model.BusinessExit, head, m.line(w))
	require.False(t, hasTag(exit, model.TagFlowAnomaly), "tags: %+v", exit.Tags)
	m.review(exit.ID, "approve")

	// The camera misread the plate on the way out: the zone admin matches it.
	status, out := m.sendGateEvent("G1", key, gates.EventRequest{Plate: "苏E1Z345", Direction: "out", At: time.Now().Format(time.RFC3339)})
	require.Equal(t, http.StatusCreated, status)
	require.Equal(t, gates.StateUnmatched, out.State)
	require.Equal(t, gates.WhyNoDocument, out.UnmatchedWhy)
	var inside []gates.Vehicle
	require.NoError(t, m.customs.Get(ctx, "/api/v1/vehicles/inside", &inside))
	require.Len(t, inside, 1)
	require.Equal(t, "苏E12345", inside[0].Plate)
	var resolved gates.Event
	require.NoError(t, m.admin.Post(ctx, "/api/v1/gate-events/"+jsonInt(out.ID)+"/match", map[string]string{"documentId": exit.ID}, &resolved))
	require.Equal(t, gates.StateResolved, resolved.State)
	require.Eventually(t, func() bool { return m.document(m.customs, exit.ID).Status == model.DocEffective }, 30*time.Second, 100*time.Millisecond)
	require.Zero(t, m.stock()[holdingKey(enterpriseA, false)])
	// The crossing counts for the document's vehicle: it is out, and its
	// route shows both crossings.
	require.NoError(t, m.customs.Get(ctx, "/api/v1/vehicles/inside", &inside))
	require.Empty(t, inside)
	var route gates.Route
	require.NoError(t, m.customs.Get(ctx, "/api/v1/vehicles/route?plate="+url.QueryEscape("苏E12345"), &route))
	require.Len(t, route.Events, 2)
	require.Equal(t, "苏E1Z345", route.Events[1].Plate)
	require.False(t, route.Inside)
}

func jsonInt(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}
