package gateway

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/gates"
	"zonetrace/indexer/query"
	"zonetrace/internal/jobs"
	"zonetrace/network/ledger"
)

const (
	plateA = "苏E·A1234"
	plateB = "苏E B5678"
)

func newGateKey(t *testing.T) ed25519.PrivateKey {
	t.Helper()
	_, k, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	return k
}

func nonce(t *testing.T) string {
	t.Helper()
	b := make([]byte, 16)
	_, err := rand.Read(b)
	require.NoError(t, err)
	return hex.EncodeToString(b)
}

// gateEvent is what a gate sends.
func gateEvent(plate, direction, documentNo string) map[string]string {
	return map[string]string{"plate": plate, "direction": direction, "at": time.Now().Add(-time.Second).Format(time.RFC3339),
		"imageRef": "cam://gate/" + plate + ".jpg", "documentNo": documentNo}
}

// sendSigned posts body as gate id signed with key; tamper, when set,
// changes the request after signing.
func sendSigned(t *testing.T, g *Gateway, id string, key ed25519.PrivateKey, body any, tamper func(raw []byte, h map[string]string) []byte) resp {
	t.Helper()
	raw, h := signedEvent(t, id, key, body)
	if tamper != nil {
		raw = tamper(raw, h)
	}
	return doOn(t, g, "", "POST", "/api/v1/gate-events", raw, h)
}

// signedEvent encodes a gate event and signs it as gate id.
func signedEvent(t *testing.T, id string, key ed25519.PrivateKey, body any) ([]byte, map[string]string) {
	t.Helper()
	raw, err := json.Marshal(body)
	require.NoError(t, err)
	return raw, gates.Sign(key, id, time.Now(), nonce(t), raw)
}

func (e *env) registerGate(t *testing.T, token, id, directions string, x, y int) ed25519.PrivateKey {
	t.Helper()
	k := newGateKey(t)
	r := e.do(token, "POST", "/api/v1/gates", map[string]any{"id": id, "name": "卡口" + id, "x": x, "y": y,
		"directions": directions, "publicKey": gates.EncodePublicKey(k.Public().(ed25519.PublicKey))}, nil)
	require.Equal(t, 201, r.Code, r.Body.String())
	return k
}

// gateDoc puts an approved, uncrossed zone entry or exit document into the
// read model.
func (e *env) gateDoc(id string, bt model.BusinessType, plate string) {
	e.reads.mu.Lock()
	defer e.reads.mu.Unlock()
	e.reads.documents[id] = query.DocumentView{Document: model.Document{ID: id, Family: model.FamilyNonBondedApplication,
		BusinessType: bt, EnterpriseID: entA, Status: model.DocApproved, Head: model.DocumentHead{VehiclePlate: plate}}}
}

func (e *env) eventCount(t *testing.T) int {
	t.Helper()
	var n int
	require.NoError(t, e.cfg.Pool.QueryRow(context.Background(), `SELECT count(*) FROM gate_events`).Scan(&n))
	return n
}

func errorReason(t *testing.T, r resp) string {
	t.Helper()
	return r.json(t)["error"].(map[string]any)["reason"].(string)
}

// startGateWorker works the gate pass jobs as the node's queue does.
func (e *env) startGateWorker(t *testing.T, g *Gateway) {
	t.Helper()
	workers := river.NewWorkers()
	g.Gates().AddWorkers(workers)
	worker, err := river.NewClient(riverpgxv5.New(e.cfg.Pool), &river.Config{Workers: workers,
		Queues: map[string]river.QueueConfig{gates.Queue: {MaxWorkers: 2}}, FetchPollInterval: 100 * time.Millisecond})
	require.NoError(t, err)
	require.NoError(t, worker.Start(context.Background()))
	t.Cleanup(func() { require.NoError(t, worker.Stop(context.Background())) })
}

func (e *env) event(t *testing.T, token string, id float64) map[string]any {
	t.Helper()
	r := e.do(token, "GET", "/api/v1/gate-events?pageSize=200", nil, nil)
	require.Equal(t, 200, r.Code, r.Body.String())
	for _, it := range r.json(t)["items"].([]any) {
		if ev := it.(map[string]any); ev["id"] == id {
			return ev
		}
	}
	t.Fatalf("no event %v", id)
	return nil
}

func TestGateSignatures(t *testing.T) {
	t.Parallel()
	e := setup(t)
	admin, officer := e.login("admin"), e.login("officer")
	require.Equal(t, 403, e.do(officer, "POST", "/api/v1/gates", map[string]any{"id": "G9"}, nil).Code)
	bad := e.do(admin, "POST", "/api/v1/gates", map[string]any{"id": "G 1", "name": "", "x": 2000, "y": 0, "directions": "up",
		"publicKey": "not a key"}, nil)
	require.Equal(t, 422, bad.Code, bad.Body.String())
	require.Len(t, bad.json(t)["error"].(map[string]any)["details"], 5)
	key := e.registerGate(t, admin, "G1", gates.DirectionBoth, 100, 500)
	require.Equal(t, 409, e.do(admin, "POST", "/api/v1/gates", map[string]any{"id": "G1", "name": "重复", "x": 1, "y": 1,
		"directions": "in", "publicKey": gates.EncodePublicKey(key.Public().(ed25519.PublicKey))}, nil).Code)
	foreign := newGateKey(t)
	ev := gateEvent(plateA, "in", "")

	refused := func(t *testing.T, r resp, reason string) {
		t.Helper()
		require.Equal(t, 401, r.Code, r.Body.String())
		require.Equal(t, reason, errorReason(t, r))
		require.NotEmpty(t, r.json(t)["error"].(map[string]any)["messageZh"])
		require.Zero(t, e.eventCount(t), "a refused request stores nothing")
	}
	t.Run("unsigned", func(t *testing.T) {
		refused(t, e.do("", "POST", "/api/v1/gate-events", ev, nil), gates.ReasonSignatureMissing)
		// A user's token is no gate's signature.
		refused(t, e.do(admin, "POST", "/api/v1/gate-events", ev, nil), gates.ReasonSignatureMissing)
	})
	t.Run("signed by a key the gate does not have", func(t *testing.T) {
		refused(t, sendSigned(t, e.g, "G1", foreign, ev, nil), gates.ReasonSignatureInvalid)
	})
	t.Run("signed as a gate nobody registered", func(t *testing.T) {
		refused(t, sendSigned(t, e.g, "G404", foreign, ev, nil), gates.ReasonGateUnknown)
	})
	t.Run("a body changed after signing", func(t *testing.T) {
		refused(t, sendSigned(t, e.g, "G1", key, ev, func(raw []byte, _ map[string]string) []byte {
			return []byte(string(raw[:len(raw)-1]) + `,"x":1}`)
		}), gates.ReasonSignatureInvalid)
		other := gateEvent(plateB, "in", "")
		refused(t, sendSigned(t, e.g, "G1", key, ev, func(_ []byte, _ map[string]string) []byte {
			raw, _ := json.Marshal(other)
			return raw
		}), gates.ReasonSignatureInvalid)
	})
	t.Run("a timestamp outside the window", func(t *testing.T) {
		raw, _ := json.Marshal(ev)
		h := gates.Sign(key, "G1", time.Now().Add(-gates.DefaultWindow-time.Minute), nonce(t), raw)
		refused(t, doOn(t, e.g, "", "POST", "/api/v1/gate-events", raw, h), gates.ReasonStaleTimestamp)
		h = gates.Sign(key, "G1", time.Now().Add(gates.DefaultWindow+time.Minute), nonce(t), raw)
		refused(t, doOn(t, e.g, "", "POST", "/api/v1/gate-events", raw, h), gates.ReasonStaleTimestamp)
	})
	t.Run("a replay is refused, the first is stored once", func(t *testing.T) {
		raw, _ := json.Marshal(ev)
		h := gates.Sign(key, "G1", time.Now(), nonce(t), raw)
		first := doOn(t, e.g, "", "POST", "/api/v1/gate-events", raw, h)
		require.Equal(t, 201, first.Code, first.Body.String())
		again := doOn(t, e.g, "", "POST", "/api/v1/gate-events", raw, h)
		require.Equal(t, 401, again.Code)
		require.Equal(t, gates.ReasonReplayed, errorReason(t, again))
		require.Equal(t, 1, e.eventCount(t))
	})
	t.Run("a disabled gate is refused", func(t *testing.T) {
		require.Equal(t, 200, e.do(admin, "POST", "/api/v1/gates/G1/disable", nil, nil).Code)
		r := sendSigned(t, e.g, "G1", key, ev, nil)
		require.Equal(t, 401, r.Code)
		require.Equal(t, gates.ReasonGateDisabled, errorReason(t, r))
		require.Equal(t, 1, e.eventCount(t))
		require.Equal(t, 404, e.do(admin, "POST", "/api/v1/gates/G404/disable", nil, nil).Code)
	})
	t.Run("a signed event with bad fields is 422 and stored nowhere", func(t *testing.T) {
		k2 := e.registerGate(t, admin, "G2", gates.DirectionIn, 0, 0)
		r := sendSigned(t, e.g, "G2", k2, map[string]string{"plate": "", "direction": "out", "at": "yesterday", "imageRef": ""}, nil)
		require.Equal(t, 422, r.Code, r.Body.String())
		require.Len(t, r.json(t)["error"].(map[string]any)["details"], 3)
		require.Equal(t, 1, e.eventCount(t))
	})
}

func TestGateMatchingRecordsTheGatePass(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := setup(t)
	require.NoError(t, jobs.Migrate(ctx, e.cfg.Pool))
	e.cfg.Gates = gates.Config{CameraURLTemplate: "https://cam.example/{gate}?from={from}&to={to}", CameraWindow: 20 * time.Second}
	g := e.restart()
	e.startGateWorker(t, g)
	admin, officer, clerk := e.login("admin"), e.login("officer"), e.login("ent-a")
	k1 := e.registerGate(t, admin, "G1", gates.DirectionIn, 100, 500)
	k2 := e.registerGate(t, admin, "G2", gates.DirectionOut, 900, 500)
	e.gateDoc("FB20261128ENTRY001", model.BusinessEntry, "苏EA1234")
	e.gateDoc("FB20261128EXIT0001", model.BusinessExit, "苏EB5678")
	e.gateDoc("FB20261128EXIT0002", model.BusinessExit, "")
	var passes [][]string
	e.ledger.on["RecordGatePass"] = func(args []string) ([]byte, error) {
		passes = append(passes, args)
		return nil, nil
	}
	eventOf := func(r resp) map[string]any {
		t.Helper()
		require.Equal(t, 201, r.Code, r.Body.String())
		return r.json(t)
	}
	awaitPass := func(id float64) map[string]any {
		t.Helper()
		var ev map[string]any
		require.Eventually(t, func() bool {
			ev = e.event(t, officer, id)
			return ev["passTx"] != nil
		}, 20*time.Second, 50*time.Millisecond)
		return ev
	}

	// The plate is compared without its separators and spaces.
	in := eventOf(sendSigned(t, g, "G1", k1, gateEvent(plateA, "in", ""), nil))
	require.Equal(t, gates.StateMatched, in["state"])
	require.Equal(t, "FB20261128ENTRY001", in["documentId"])
	require.Equal(t, "苏EA1234", in["plate"])
	awaitPass(in["id"].(float64))
	require.Equal(t, [][]string{{gates.RequestID(int64(in["id"].(float64))), "FB20261128ENTRY001"}}, passes)

	t.Run("an exit without an approved exit document waits for the zone admin", func(t *testing.T) {
		// The plate of the first exit document, as the camera reads it,
		// takes it first among the candidates.
		sameVehicle := eventOf(sendSigned(t, g, "G2", k2, gateEvent(plateB, "out", "FB20261128ENTRY001"), nil))
		cands := e.do(admin, "GET", "/api/v1/gate-events/"+jsonNumber(sameVehicle["id"])+"/candidates", nil, nil)
		require.Equal(t, 200, cands.Code, cands.Body.String())
		var offered []gates.Candidate
		require.NoError(t, json.Unmarshal(cands.Body.Bytes(), &offered))
		require.Len(t, offered, 2)
		require.Equal(t, gates.Candidate{DocumentID: "FB20261128EXIT0001", Family: model.FamilyNonBondedApplication,
			BusinessType: model.BusinessExit, EnterpriseID: entA, VehiclePlate: "苏EB5678", SamePlate: true}, offered[0])
		require.Equal(t, 200, e.do(admin, "POST", "/api/v1/gate-events/"+jsonNumber(sameVehicle["id"])+"/ignore",
			map[string]string{"reason": "测试"}, nil).Code)

		out := eventOf(sendSigned(t, g, "G2", k2, gateEvent(plateA, "out", ""), nil))
		require.Equal(t, gates.StateUnmatched, out["state"])
		require.Equal(t, gates.WhyNoDocument, out["unmatchedWhy"])
		// The entry document it names is the wrong direction.
		named := eventOf(sendSigned(t, g, "G2", k2, gateEvent(plateA, "out", "FB20261128ENTRY001"), nil))
		require.Equal(t, gates.WhyDirection, named["unmatchedWhy"])
		// Another vehicle's exit document does not take it either.
		other := eventOf(sendSigned(t, g, "G2", k2, gateEvent(plateA, "out", "FB20261128EXIT0001"), nil))
		require.Equal(t, gates.WhyPlate, other["unmatchedWhy"])

		list := e.do(officer, "GET", "/api/v1/gate-events?state=unmatched", nil, nil)
		require.Equal(t, 200, list.Code)
		require.EqualValues(t, 3, list.json(t)["total"])
		require.Equal(t, 403, e.do(clerk, "GET", "/api/v1/gate-events", nil, nil).Code)

		id := func(ev map[string]any) string { return jsonNumber(ev["id"]) }
		require.Equal(t, 403, e.do(officer, "POST", "/api/v1/gate-events/"+id(out)+"/match",
			map[string]string{"documentId": "FB20261128EXIT0002"}, nil).Code)
		wrong := e.do(admin, "POST", "/api/v1/gate-events/"+id(out)+"/match", map[string]string{"documentId": "FB20261128ENTRY001"}, nil)
		require.Equal(t, 409, wrong.Code, wrong.Body.String())
		require.Equal(t, gates.ReasonDocumentUnfit, errorReason(t, wrong))
		require.Equal(t, 404, e.do(admin, "POST", "/api/v1/gate-events/"+id(out)+"/match",
			map[string]string{"documentId": "FB20261128NOSUCH01"}, nil).Code)

		// The admin is offered the approved exits not yet crossed.
		pick := e.do(admin, "GET", "/api/v1/gate-events/"+id(out)+"/candidates", nil, nil)
		require.Equal(t, 200, pick.Code, pick.Body.String())
		var choices []gates.Candidate
		require.NoError(t, json.Unmarshal(pick.Body.Bytes(), &choices))
		require.Len(t, choices, 2)
		require.Equal(t, []string{"FB20261128EXIT0001", "FB20261128EXIT0002"}, []string{choices[0].DocumentID, choices[1].DocumentID})
		require.Equal(t, 403, e.do(officer, "GET", "/api/v1/gate-events/"+id(out)+"/candidates", nil, nil).Code)

		// The zone admin's judgement covers a document without a plate.
		m := e.do(admin, "POST", "/api/v1/gate-events/"+id(out)+"/match", map[string]string{"documentId": "FB20261128EXIT0002"}, nil)
		require.Equal(t, 200, m.Code, m.Body.String())
		require.Equal(t, gates.StateResolved, m.json(t)["state"])
		require.Equal(t, "admin", m.json(t)["resolvedBy"])
		awaitPass(out["id"].(float64))
		require.Equal(t, []string{gates.RequestID(int64(out["id"].(float64))), "FB20261128EXIT0002"}, passes[len(passes)-1])
		again := e.do(admin, "POST", "/api/v1/gate-events/"+id(out)+"/match", map[string]string{"documentId": "FB20261128EXIT0002"}, nil)
		require.Equal(t, 409, again.Code)
		require.Equal(t, gates.ReasonEventHandled, errorReason(t, again))

		require.Equal(t, 422, e.do(admin, "POST", "/api/v1/gate-events/"+id(named)+"/ignore", map[string]string{"reason": " "}, nil).Code)
		ig := e.do(admin, "POST", "/api/v1/gate-events/"+id(named)+"/ignore", map[string]string{"reason": "车牌误识别"}, nil)
		require.Equal(t, 200, ig.Code, ig.Body.String())
		require.Equal(t, gates.StateIgnored, ig.json(t)["state"])
	})

	t.Run("a second crossing of a crossed document is not matched again", func(t *testing.T) {
		again := eventOf(sendSigned(t, g, "G1", k1, gateEvent(plateA, "in", "FB20261128ENTRY001"), nil))
		require.Equal(t, gates.StateUnmatched, again["state"])
		require.Equal(t, gates.WhyCrossed, again["unmatchedWhy"])
		require.Equal(t, 200, e.do(admin, "POST", "/api/v1/gate-events/"+jsonNumber(again["id"])+"/ignore",
			map[string]string{"reason": "重复抓拍"}, nil).Code)
	})

	t.Run("vehicles inside, a route and a playback link", func(t *testing.T) {
		eventOf(sendSigned(t, g, "G1", k1, gateEvent(plateB, "in", ""), nil))
		inside := e.do(officer, "GET", "/api/v1/vehicles/inside", nil, nil)
		require.Equal(t, 200, inside.Code)
		var vs []gates.Vehicle
		require.NoError(t, json.Unmarshal(inside.Body.Bytes(), &vs))
		// 苏EA1234 went in and out (the ignored events do not count);
		// 苏EB5678 is in.
		require.Len(t, vs, 1)
		require.Equal(t, "苏EB5678", vs[0].Plate)

		r := e.do(officer, "GET", "/api/v1/vehicles/route?plate=苏E-A1234", nil, nil)
		require.Equal(t, 200, r.Code, r.Body.String())
		var route gates.Route
		require.NoError(t, json.Unmarshal(r.Body.Bytes(), &route))
		require.False(t, route.Inside)
		require.Len(t, route.Events, 5)
		require.Equal(t, "in", route.Events[0].Direction)
		require.Equal(t, 100, route.Events[0].GateX)
		require.Equal(t, 900, route.Events[1].GateX)

		pb := doOn(t, g, officer, "GET", "/api/v1/gate-events/"+jsonNumber(in["id"])+"/playback", nil, nil)
		require.Equal(t, 200, pb.Code, pb.Body.String())
		var p gates.Playback
		require.NoError(t, json.Unmarshal(pb.Body.Bytes(), &p))
		require.Equal(t, 40*time.Second, p.To.Sub(p.From))
		esc := func(at time.Time) string { return strings.ReplaceAll(at.UTC().Format(time.RFC3339), ":", "%3A") }
		require.Equal(t, "https://cam.example/G1?from="+esc(p.From)+"&to="+esc(p.To), p.URL)
		require.Equal(t, 404, doOn(t, g, officer, "GET", "/api/v1/gate-events/999999/playback", nil, nil).Code)
		// Without a camera template there is no link.
		require.Equal(t, 404, e.do(officer, "GET", "/api/v1/gate-events/"+jsonNumber(in["id"])+"/playback", nil, nil).Code)
	})
}

func TestGatePassRetriesThroughAnOutage(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := setup(t)
	require.NoError(t, jobs.Migrate(ctx, e.cfg.Pool))
	admin := e.login("admin")
	k := e.registerGate(t, admin, "G1", gates.DirectionBoth, 10, 10)
	e.gateDoc("FB20261128ENTRY009", model.BusinessEntry, "沪A00001")
	e.ledger.mu.Lock()
	e.ledger.down = true
	e.ledger.mu.Unlock()
	r := sendSigned(t, e.g, "G1", k, gateEvent("沪A00001", "in", ""), nil)
	require.Equal(t, 201, r.Code, r.Body.String())
	id := r.json(t)["id"]
	e.startGateWorker(t, e.g)
	// The first attempt fails; River keeps the job for a later attempt.
	require.Eventually(t, func() bool {
		var errs int
		require.NoError(t, e.cfg.Pool.QueryRow(ctx, `SELECT coalesce(array_length(errors, 1), 0) FROM river_job WHERE kind = 'gate_pass'`).Scan(&errs))
		return errs > 0
	}, 20*time.Second, 50*time.Millisecond)
	require.Nil(t, e.event(t, admin, id.(float64))["passTx"])
	e.ledger.mu.Lock()
	e.ledger.down = false
	e.ledger.mu.Unlock()
	require.Eventually(t, func() bool { return e.event(t, admin, id.(float64))["passTx"] != nil }, 30*time.Second, 100*time.Millisecond)
	require.Equal(t, []string{"RecordGatePass"}, e.ledger.submitted())
}

func jsonNumber(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func TestGateRaceAndRefusal(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := setup(t)
	require.NoError(t, jobs.Migrate(ctx, e.cfg.Pool))
	admin := e.login("admin")
	k1 := e.registerGate(t, admin, "G1", gates.DirectionIn, 100, 100)
	k2 := e.registerGate(t, admin, "G2", gates.DirectionIn, 100, 900)

	t.Run("two gates racing for one document: one crossing takes it", func(t *testing.T) {
		e.gateDoc("FB20261128RACE0001", model.BusinessEntry, "浙B77777")
		results := make(chan map[string]any, 2)
		for _, g := range []struct {
			id  string
			key ed25519.PrivateKey
		}{{"G1", k1}, {"G2", k2}} {
			// Signed here: the goroutine only sends, asserting nothing.
			raw, h := signedEvent(t, g.id, g.key, gateEvent("浙B77777", "in", "FB20261128RACE0001"))
			req := newRequest(t, "", "POST", "/api/v1/gate-events", raw, h)
			go func() {
				w := httptest.NewRecorder()
				e.g.Handler().ServeHTTP(w, req)
				var ev map[string]any
				_ = json.Unmarshal(w.Body.Bytes(), &ev)
				results <- ev
			}()
		}
		states := map[any]int{}
		for range 2 {
			ev := <-results
			states[ev["state"]]++
			if ev["state"] == gates.StateUnmatched {
				require.Equal(t, gates.WhyCrossed, ev["unmatchedWhy"])
			}
		}
		require.Equal(t, map[any]int{gates.StateMatched: 1, gates.StateUnmatched: 1}, states)
	})

	t.Run("a refusal of the chaincode is final and kept on the event", func(t *testing.T) {
		e.gateDoc("FB20261128VOID0001", model.BusinessEntry, "浙B88888")
		e.ledger.mu.Lock()
		e.ledger.on["RecordGatePass"] = func([]string) ([]byte, error) {
			return nil, &ledger.ChaincodeError{Message: `CONFLICT: document voided |zt-details| {"reason":"DOCUMENT_NOT_APPROVED","params":{"documentId":"FB20261128VOID0001","status":"voided"}}`}
		}
		e.ledger.mu.Unlock()
		r := sendSigned(t, e.g, "G1", k1, gateEvent("浙B88888", "in", ""), nil)
		require.Equal(t, 201, r.Code, r.Body.String())
		id := r.json(t)["id"].(float64)
		e.startGateWorker(t, e.g)
		require.Eventually(t, func() bool { return e.event(t, admin, id)["passRefused"] != nil }, 20*time.Second, 50*time.Millisecond)
		require.Equal(t, "DOCUMENT_NOT_APPROVED", e.event(t, admin, id)["passRefused"])
		// River records the job's outcome a moment after the work.
		require.Eventually(t, func() bool {
			var state string
			var attempt int
			require.NoError(t, e.cfg.Pool.QueryRow(ctx, `SELECT state, attempt FROM river_job WHERE kind = 'gate_pass' AND args->>'eventId' = $1`,
				jsonNumber(id)).Scan(&state, &attempt))
			require.Equal(t, 1, attempt, "a refusal is not retried")
			return state == "completed"
		}, 20*time.Second, 50*time.Millisecond)
	})
}

// A gate pass whose first attempt committed without the answer reaching
// the node is the same chaincode request the next time: the ledger answers
// DUPLICATE_REQUEST and the event takes the first transaction from the
// document's gate pass step.
func TestGatePassCommittedEarlier(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := setup(t)
	require.NoError(t, jobs.Migrate(ctx, e.cfg.Pool))
	admin := e.login("admin")
	k := e.registerGate(t, admin, "G1", gates.DirectionIn, 10, 10)
	e.gateDoc("FB20261128ONCE0001", model.BusinessEntry, "皖C12345")
	r := sendSigned(t, e.g, "G1", k, gateEvent("皖C12345", "in", ""), nil)
	require.Equal(t, 201, r.Code, r.Body.String())
	id := r.json(t)["id"].(float64)

	crossed := model.Document{ID: "FB20261128ONCE0001", Family: model.FamilyNonBondedApplication, BusinessType: model.BusinessEntry,
		Status: model.DocEffective, Steps: []model.DocumentStep{{Seq: 1, Action: model.DocActionApprove, TxID: "tx-approve"},
			{Seq: 2, Action: model.DocActionGatePass, TxID: "tx-first"}}}
	raw, err := json.Marshal(crossed)
	require.NoError(t, err)
	e.ledger.mu.Lock()
	e.ledger.requests[gates.RequestID(int64(id))] = "tx-first"
	e.ledger.eval["GetDocument"] = func([]string) ([]byte, error) { return raw, nil }
	e.ledger.mu.Unlock()

	e.startGateWorker(t, e.g)
	require.Eventually(t, func() bool { return e.event(t, admin, id)["passTx"] != nil }, 20*time.Second, 50*time.Millisecond)
	require.Equal(t, "tx-first", e.event(t, admin, id)["passTx"])
	require.Empty(t, e.ledger.submitted(), "nothing was written twice")
}
