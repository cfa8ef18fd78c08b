package gateway

import (
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strconv"

	"github.com/gin-gonic/gin"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/accounts"
	"zonetrace/gateway/alerts"
	"zonetrace/gateway/apierror"
	"zonetrace/gateway/openapi"
	"zonetrace/gateway/service"
)

// alertReaders read the risk alerts: customs.
var alertReaders = []accounts.Role{accounts.RoleCustomsOfficer, accounts.RoleCustomsAdmin}

type alertRoutes struct {
	g     *Gateway
	store *alerts.Store
}

func (g *Gateway) routeAlerts(api *gin.RouterGroup) {
	r := alertRoutes{g: g, store: alerts.NewStore(g.cfg.Pool)}
	a := api.Group("/alerts", allow(alertReaders...))
	a.GET("", r.list)
	a.GET("/:id", r.get)
	api.POST("/trace-codes/:code/high-risk", allow(alertReaders...), g.idempotent(true), r.mark)
}

// MarkRequest marks a batch high risk on the ledger.
type MarkRequest struct {
	Reason string `json:"reason"`
	// ConfigVersion is the rule configuration version the decision rests
	// on (an alert's configVersion).
	ConfigVersion int `json:"configVersion"`
}

// mark writes customs' high-risk mark on the trace code (MarkHighRisk); the
// chaincode checks the reason and the version.
func (r alertRoutes) mark(c *gin.Context) {
	var req MarkRequest
	if err := decodeJSON(c, &req); err != nil {
		r.g.fail(c, err)
		return
	}
	written, err := service.ChangeRecord(c.Request.Context(), r.g.identities, r.g.ledgerTx(), writeOf(c), "GetTraceCode",
		c.Param("code"), "MarkHighRisk", req.Reason, strconv.Itoa(req.ConfigVersion))
	if err != nil {
		r.g.fail(c, err)
		return
	}
	var tc model.TraceCode
	if err := json.Unmarshal(written.Payload, &tc); err != nil {
		r.g.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, tc)
}

func alertOperations() []openapi.Operation {
	const v1 = APIPrefix
	return []openapi.Operation{
		{Method: "GET", Path: v1 + "/alerts", Tag: "alerts", Summary: "Risk alerts newest first (customs): kind long_storage|high_risk|high_value|price_difference|quarantine, with the configuration version and the facts that fired each", Query: append([]openapi.Param{
			{Name: "kind", Type: "string", Description: "alert kind"},
			{Name: "status", Type: "string", Description: "open"},
			{Name: "enterpriseId", Type: "string", Description: "the enterprise concerned"},
			{Name: "subject", Type: "string", Description: "trace code or document id"},
			{Name: "from", Type: "string", Description: "first day raised (YYYY-MM-DD, China Standard Time)"},
			{Name: "to", Type: "string", Description: "last day raised (YYYY-MM-DD, China Standard Time)"},
		}, pageQuery...), Status: 200, Response: alerts.AlertPage{}},
		{Method: "GET", Path: v1 + "/alerts/{id}", Tag: "alerts", Summary: "One risk alert (customs)", Status: 200, Response: alerts.RiskAlert{}},
		{Method: "POST", Path: v1 + "/trace-codes/{code}/high-risk", Tag: "alerts", Summary: "Mark a batch high risk on the ledger (MarkHighRisk; customs): the mark stays on the trace code through every transfer and clears when the batch's last holding leaves the zone", Idempotent: true, Request: MarkRequest{}, Status: 200, Response: model.TraceCode{}},
	}
}

func (r alertRoutes) list(c *gin.Context) {
	page, size, err := pageParams(c)
	if err != nil {
		r.g.fail(c, err)
		return
	}
	f := alerts.Filter{Kind: model.AlertKind(c.Query("kind")), Status: c.Query("status"), EnterpriseID: c.Query("enterpriseId"),
		Subject: c.Query("subject"), Page: page, Size: size}
	if f.Kind != "" && !slices.Contains(model.AlertKinds, f.Kind) {
		r.g.fail(c, badRequest("kind", "unknown alert kind", "预警类型无效"))
		return
	}
	if f.From, err = dayParam(c, "from", false); err == nil {
		f.To, err = dayParam(c, "to", true)
	}
	if err != nil {
		r.g.fail(c, err)
		return
	}
	out, err := r.store.List(c.Request.Context(), f)
	if err != nil {
		r.g.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, out)
}

func (r alertRoutes) get(c *gin.Context) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		r.g.fail(c, badRequest("id", "alert id must be an integer", "预警编号须为整数"))
		return
	}
	a, err := r.store.Get(c.Request.Context(), id)
	if errors.Is(err, alerts.ErrNotFound) {
		err = apierror.New(apierror.NotFound).WithCause(err)
	}
	if err != nil {
		r.g.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, a)
}
