package gateway

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/accounts"
	"zonetrace/gateway/apierror"
	"zonetrace/gateway/docdrafts"
	"zonetrace/gateway/gates"
	"zonetrace/gateway/identities"
	"zonetrace/gateway/openapi"
	"zonetrace/gateway/service"
	"zonetrace/gateway/service/documents"
	"zonetrace/network/ledger"
)

// gateReaders see the gate events and the vehicles: the zone admin, who
// runs the gates, and customs, who supervise them.
var gateReaders = []accounts.Role{accounts.RoleZoneAdmin, accounts.RoleCustomsOfficer, accounts.RoleCustomsAdmin}

// gateIntakeUser is who the node's gate passes are written for: the
// zone administration's own identity signs them.
var gateIntakeUser = accounts.User{Username: "gate-intake", Role: accounts.RoleZoneAdmin}

// nodeSigner signs every write with the node's zone administration
// identity, as the node's other work of its own (enterprise
// registration, operation log anchors) is signed.
type nodeSigner struct{ r *identities.Resolver }

func (n nodeSigner) For(accounts.User) (ledger.Signer, error) { return n.r.ZoneAdmin() }

// gatePasser records gate passes through the documents service's GatePass
// (RecordGatePass), signed by the node.
type gatePasser struct{ svc *documents.Service }

func (p gatePasser) GatePass(ctx context.Context, requestID, documentID string) (string, error) {
	w, err := p.svc.GatePass(ctx, service.Write{Caller: gateIntakeUser, RequestID: requestID}, documentID)
	if err != nil {
		return "", err
	}
	if w.Tx != nil {
		return w.Tx.ID, nil
	}
	// An earlier attempt committed: its transaction is on the document's
	// gate pass step.
	var d model.Document
	if err := json.Unmarshal(w.Payload, &d); err != nil {
		return "", err
	}
	for _, s := range d.Steps {
		if s.Action == model.DocActionGatePass {
			return s.TxID, nil
		}
	}
	return "", fmt.Errorf("gate pass of %s: the request committed earlier, yet the document has no gate pass step", documentID)
}

// newGates builds the gate intake on the gateway's stores.
func (g *Gateway) newGates() (*gates.Service, error) {
	docs := &documents.Service{Reads: g.cfg.Reads, Drafts: docdrafts.New(g.cfg.Pool, docdrafts.WithSealer(g.cfg.Sealer)),
		Signers: nodeSigner{g.identities}, Ledger: g.ledgerTx()}
	return gates.New(g.cfg.Pool, g.cfg.Reads, gatePasser{docs}, g.cfg.Gates)
}

// Gates is the gate intake: the job queue works its gate passes
// (AddWorkers).
func (g *Gateway) Gates() *gates.Service { return g.gates }

type gateRoutes struct {
	g   *Gateway
	svc *gates.Service
}

// routeGates serves the gates: the signed event intake on api (a gate is
// no user: its signature authenticates it), the rest on authed.
func (g *Gateway) routeGates(api, authed *gin.RouterGroup) {
	r := gateRoutes{g: g, svc: g.gates}
	api.POST("/gate-events", r.intake)
	authed.GET("/gates", allow(gateReaders...), r.list)
	authed.POST("/gates", allow(zoneAdminOnly...), g.idempotent(true), r.register)
	authed.POST("/gates/:id/disable", allow(zoneAdminOnly...), g.idempotent(true), r.disable)
	authed.GET("/gate-events", allow(gateReaders...), r.events)
	authed.POST("/gate-events/:id/match", allow(zoneAdminOnly...), g.idempotent(true), r.match)
	authed.POST("/gate-events/:id/ignore", allow(zoneAdminOnly...), g.idempotent(true), r.ignore)
	authed.GET("/gate-events/:id/playback", allow(gateReaders...), r.playback)
	authed.GET("/gate-events/:id/candidates", allow(zoneAdminOnly...), r.candidates)
	authed.GET("/vehicles/inside", allow(gateReaders...), r.inside)
	authed.GET("/vehicles/route", allow(gateReaders...), r.route)
}

func (r gateRoutes) answer(c *gin.Context, status int, v any, err error) {
	if err != nil {
		r.g.fail(c, err)
		return
	}
	c.JSON(status, v)
}

func (r gateRoutes) intake(c *gin.Context) {
	body, err := io.ReadAll(c.Request.Body)
	if err != nil {
		r.g.fail(c, apierror.Newf(apierror.BadRequest, "the body could not be read", "请求内容读取失败").WithCause(err))
		return
	}
	ev, err := r.svc.Intake(c.Request.Context(), c.GetHeader, body)
	r.answer(c, http.StatusCreated, ev, err)
}

func (r gateRoutes) list(c *gin.Context) {
	out, err := r.svc.Gates(c.Request.Context())
	r.answer(c, http.StatusOK, out, err)
}

func (r gateRoutes) register(c *gin.Context) {
	var req gates.GateRequest
	if err := decodeJSON(c, &req); err != nil {
		r.g.fail(c, err)
		return
	}
	out, err := r.svc.Register(c.Request.Context(), mustUser(c), req)
	r.answer(c, http.StatusCreated, out, err)
}

func (r gateRoutes) disable(c *gin.Context) {
	out, err := r.svc.Disable(c.Request.Context(), mustUser(c), c.Param("id"))
	r.answer(c, http.StatusOK, out, err)
}

func (r gateRoutes) events(c *gin.Context) {
	page, size, err := pageParams(c)
	if err != nil {
		r.g.fail(c, err)
		return
	}
	out, err := r.svc.Events(c.Request.Context(), gates.EventFilter{State: c.Query("state"), Plate: c.Query("plate"), Page: page, Size: size})
	r.answer(c, http.StatusOK, out, err)
}

func eventID(c *gin.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return 0, badRequest("id", "gate event id must be an integer", "过卡记录编号须为整数")
	}
	return id, nil
}

// MatchRequest names the document an unmatched event is matched to.
type MatchRequest struct {
	DocumentID string `json:"documentId"`
}

func (r gateRoutes) match(c *gin.Context) {
	id, err := eventID(c)
	var req MatchRequest
	if err == nil {
		err = decodeJSON(c, &req)
	}
	if err != nil {
		r.g.fail(c, err)
		return
	}
	out, err := r.svc.Match(c.Request.Context(), mustUser(c), id, req.DocumentID)
	r.answer(c, http.StatusOK, out, err)
}

func (r gateRoutes) ignore(c *gin.Context) {
	id, err := eventID(c)
	var req gates.IgnoreRequest
	if err == nil {
		err = decodeJSON(c, &req)
	}
	if err != nil {
		r.g.fail(c, err)
		return
	}
	out, err := r.svc.Ignore(c.Request.Context(), mustUser(c), id, req)
	r.answer(c, http.StatusOK, out, err)
}

func (r gateRoutes) playback(c *gin.Context) {
	id, err := eventID(c)
	if err != nil {
		r.g.fail(c, err)
		return
	}
	out, err := r.svc.PlaybackOf(c.Request.Context(), id)
	r.answer(c, http.StatusOK, out, err)
}

func (r gateRoutes) candidates(c *gin.Context) {
	id, err := eventID(c)
	if err != nil {
		r.g.fail(c, err)
		return
	}
	out, err := r.svc.Candidates(c.Request.Context(), id)
	r.answer(c, http.StatusOK, out, err)
}

func (r gateRoutes) inside(c *gin.Context) {
	out, err := r.svc.Inside(c.Request.Context())
	r.answer(c, http.StatusOK, out, err)
}

func (r gateRoutes) route(c *gin.Context) {
	out, err := r.svc.RouteOf(c.Request.Context(), c.Query("plate"))
	r.answer(c, http.StatusOK, out, err)
}

type gateList []gates.Gate

type vehicleList []gates.Vehicle

type candidateList []gates.Candidate

func gateOperations() []openapi.Operation {
	const v1 = APIPrefix
	return []openapi.Operation{
		{Method: "POST", Path: v1 + "/gate-events", Tag: "gates", Summary: "A barrier gate's vehicle event, signed by the gate (no bearer token): headers X-Gate-Id, X-Gate-Timestamp (Unix seconds, within ±5 min), X-Gate-Nonce (16-64 [A-Za-z0-9_-], once), X-Gate-Signature (base64 Ed25519 over \"ZT-GATE-1\\n<gate>\\n<timestamp>\\n<nonce>\\n<hex sha256 of the body>\"); 401 GATE_* when unsigned, unknown or disabled gate, tampered, stale or replayed. The event is matched to an approved zone entry/exit document and its gate pass recorded on the ledger", Request: gates.EventRequest{}, Status: 201, Response: gates.Event{}},
		{Method: "GET", Path: v1 + "/gates", Tag: "gates", Summary: "Registered gates with their schematic position and public key (zone_admin, customs)", Status: 200, Response: gateList{}},
		{Method: "POST", Path: v1 + "/gates", Tag: "gates", Summary: "Register a gate with its Ed25519 public key (zone_admin)", Idempotent: true, Request: gates.GateRequest{}, Status: 201, Response: gates.Gate{}},
		{Method: "POST", Path: v1 + "/gates/{id}/disable", Tag: "gates", Summary: "Disable a gate: its requests are refused from now on (zone_admin)", Idempotent: true, Status: 200, Response: gates.Gate{}},
		{Method: "GET", Path: v1 + "/gate-events", Tag: "gates", Summary: "Gate events newest first (zone_admin, customs)", Query: append([]openapi.Param{
			{Name: "state", Type: "string", Enum: []string{gates.StateMatched, gates.StateUnmatched, gates.StateResolved, gates.StateIgnored}},
			{Name: "plate", Type: "string"}}, pageQuery...), Status: 200, Response: gates.EventPage{}},
		{Method: "POST", Path: v1 + "/gate-events/{id}/match", Tag: "gates", Summary: "Match an unmatched event to a document by hand; its gate pass is then recorded (zone_admin); 409 GATE_DOCUMENT_UNFIT with params.why", Idempotent: true, Request: MatchRequest{}, Status: 200, Response: gates.Event{}},
		{Method: "POST", Path: v1 + "/gate-events/{id}/ignore", Tag: "gates", Summary: "Set an unmatched event aside with a reason (zone_admin)", Idempotent: true, Request: gates.IgnoreRequest{}, Status: 200, Response: gates.Event{}},
		{Method: "GET", Path: v1 + "/gate-events/{id}/playback", Tag: "gates", Summary: "The camera playback link of a crossing's time window (zone_admin, customs); 404 when no camera system is configured", Status: 200, Response: gates.Playback{}},
		{Method: "GET", Path: v1 + "/gate-events/{id}/candidates", Tag: "gates", Summary: "The documents an unmatched event could be matched to: approved, not crossed, of its direction; those naming its plate first, at most 100 (zone_admin)", Status: 200, Response: candidateList{}},
		{Method: "GET", Path: v1 + "/vehicles/inside", Tag: "gates", Summary: "Vehicles whose last crossing was into the zone (zone_admin, customs)", Status: 200, Response: vehicleList{}},
		{Method: "GET", Path: v1 + "/vehicles/route", Tag: "gates", Summary: "A vehicle's crossings in order with the gates' schematic positions (zone_admin, customs)", Query: []openapi.Param{
			{Name: "plate", Type: "string", Description: "the vehicle plate"}}, Status: 200, Response: gates.Route{}},
	}
}
