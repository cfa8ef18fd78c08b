package gateway

import (
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"time"

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
	g         *Gateway
	store     *alerts.Store
	disposals alerts.Disposals
}

func (g *Gateway) routeAlerts(api *gin.RouterGroup) {
	store := alerts.NewStore(g.cfg.Pool)
	r := alertRoutes{g: g, store: store,
		disposals: alerts.Disposals{Store: store, Signers: g.identities, Submit: g.ledgerTx(), Uploads: g.attachments}}
	a := api.Group("/alerts", allow(alertReaders...))
	a.GET("", r.list)
	a.GET("/export.xlsx", r.exportDisposals)
	a.GET("/stats", r.stats)
	a.GET("/stats.xlsx", r.exportStats(excelReport))
	a.GET("/stats.pdf", r.exportStats(g.pdfReport))
	a.GET("/disposal-options", r.options)
	a.GET("/:id", r.get)
	a.POST("/:id/assessment", g.idempotent(true), r.assess)
	a.POST("/:id/disposition", g.idempotent(true), r.dispose)
	a.POST("/:id/closing", g.idempotent(true), r.close)
	a.POST("/:id/revocation", g.idempotent(true), r.revoke)
	api.POST("/trace-codes/:code/high-risk", allow(alertReaders...), g.idempotent(true), r.mark)
}

// ClosingRequest closes a disposed alert.
type ClosingRequest struct {
	Note string `json:"note"`
}

// RevocationRequest revokes an alert's disposal.
type RevocationRequest struct {
	Reason string `json:"reason"`
}

func (r alertRoutes) assess(c *gin.Context) {
	var req model.AssessmentInput
	r.step(c, &req, func(w service.Write, id int64) (alerts.Disposed, error) {
		return r.disposals.Assess(c.Request.Context(), w, id, req)
	})
}

func (r alertRoutes) dispose(c *gin.Context) {
	var req model.DispositionInput
	r.step(c, &req, func(w service.Write, id int64) (alerts.Disposed, error) {
		return r.disposals.Dispose(c.Request.Context(), w, id, req)
	})
}

func (r alertRoutes) close(c *gin.Context) {
	var req ClosingRequest
	r.step(c, &req, func(w service.Write, id int64) (alerts.Disposed, error) {
		return r.disposals.Close(c.Request.Context(), w, id, req.Note)
	})
}

func (r alertRoutes) revoke(c *gin.Context) {
	var req RevocationRequest
	r.step(c, &req, func(w service.Write, id int64) (alerts.Disposed, error) {
		return r.disposals.Revoke(c.Request.Context(), w, id, req.Reason)
	})
}

// step decodes a disposal step into req and takes it.
func (r alertRoutes) step(c *gin.Context, req any, take func(service.Write, int64) (alerts.Disposed, error)) {
	id, err := alertID(c)
	if err == nil {
		err = decodeJSON(c, req)
	}
	if err != nil {
		r.g.fail(c, err)
		return
	}
	out, err := take(writeOf(c), id)
	recordTx(c, out.Tx)
	if err == nil {
		_, err = r.g.awaitIndexed(c)
	}
	if err != nil {
		r.g.fail(c, alertError(err))
		return
	}
	c.JSON(http.StatusOK, out.Alert)
}

func alertID(c *gin.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return 0, badRequest("id", "alert id must be an integer", "预警编号须为整数")
	}
	return id, nil
}

func alertError(err error) error {
	if errors.Is(err, alerts.ErrNotFound) {
		return apierror.New(apierror.NotFound).WithCause(err)
	}
	return err
}

func (r alertRoutes) options(c *gin.Context) {
	out, err := r.store.Options(c.Request.Context())
	if err != nil {
		r.g.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, out)
}

func (r alertRoutes) stats(c *gin.Context) {
	f, err := alertFilter(c)
	if err != nil {
		r.g.fail(c, err)
		return
	}
	out, err := r.store.Stats(c.Request.Context(), f)
	if err != nil {
		r.g.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, out)
}

func (r alertRoutes) exportDisposals(c *gin.Context) {
	f, err := alertFilter(c)
	if err != nil {
		r.g.fail(c, err)
		return
	}
	rep, rows, err := r.store.DisposalReport(c.Request.Context(), f, time.Now())
	if err != nil {
		r.g.fail(c, err)
		return
	}
	r.g.sendReport(c, excelReport, rep, rows, "预警处置记录", "风险预警处置记录")
}

func (r alertRoutes) exportStats(format reportFormat) gin.HandlerFunc {
	return func(c *gin.Context) {
		f, err := alertFilter(c)
		if err != nil {
			r.g.fail(c, err)
			return
		}
		by := c.DefaultQuery("by", alerts.ByMonth)
		if by != alerts.ByMonth && by != alerts.ByEnterprise {
			r.g.fail(c, badRequest("by", "by must be month or enterprise", "统计方式须为按月或按企业"))
			return
		}
		rep, rows, err := r.store.StatsReport(c.Request.Context(), f, by, time.Now())
		if err != nil {
			r.g.fail(c, err)
			return
		}
		r.g.sendReport(c, format, rep, rows, "预警统计", "风险预警统计")
	}
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
	filters := []openapi.Param{
		{Name: "kind", Type: "string", Description: "alert kind: long_storage|high_risk|high_value|price_difference|quarantine"},
		{Name: "status", Type: "string", Description: "disposal state: open|assessed|disposed|closed"},
		{Name: "level", Type: "string", Description: "assessed level: low|medium|high"},
		{Name: "enterpriseId", Type: "string", Description: "the enterprise concerned"},
		{Name: "subject", Type: "string", Description: "trace code or document id"},
		{Name: "from", Type: "string", Description: "first day raised (YYYY-MM-DD, China Standard Time)"},
		{Name: "to", Type: "string", Description: "last day raised (YYYY-MM-DD, China Standard Time)"},
	}
	byParam := openapi.Param{Name: "by", Type: "string", Description: "month (default) or enterprise (the 20 with the most alerts)"}
	step := func(path, summary string, req any) openapi.Operation {
		return openapi.Operation{Method: "POST", Path: v1 + "/alerts/{id}/" + path, Tag: "alerts", Summary: summary,
			Idempotent: true, Request: req, Status: 200, Response: alerts.AlertDetail{}}
	}
	return []openapi.Operation{
		{Method: "GET", Path: v1 + "/alerts", Tag: "alerts", Summary: "Risk alerts newest first (customs), with the configuration version, the facts that fired each, and customs' handling as the ledger records it (status, level, disposal type)", Query: append(filters, pageQuery...), Status: 200, Response: alerts.AlertPage{}},
		{Method: "GET", Path: v1 + "/alerts/{id}", Tag: "alerts", Summary: "One risk alert with its disposal record from the ledger (null until first assessed)", Status: 200, Response: alerts.AlertDetail{}},
		{Method: "GET", Path: v1 + "/alerts/disposal-options", Tag: "alerts", Summary: "What the disposal forms offer: the level matrix and opinion templates of the rule configuration in force, and the kinds, states, levels, disposal types and grades with their Chinese names", Status: 200, Response: alerts.DisposalOptions{}},
		step("assessment", "Assess an alert (AssessRiskAlert): probability, impact and urgency 1–3, levelled by the configuration's matrix; allowed while open or assessed", model.AssessmentInput{}),
		step("disposition", "Dispose of an assessed alert (DisposeRiskAlert): type, handler, reason, opinion (optionally from a template of the configuration in force) and evidence files customs uploaded", model.DispositionInput{}),
		step("closing", "Close a disposed alert (CloseRiskAlert) with an optional note", ClosingRequest{}),
		step("revocation", "Revoke the disposal of a disposed or closed alert (RevokeRiskDisposal) with a reason; the alert returns to assessed and the revoked disposal is kept", RevocationRequest{}),
		{Method: "GET", Path: v1 + "/alerts/export.xlsx", Tag: "alerts", Summary: "Excel of the alerts the filters select with their disposal records (at most 5000 rows)", Query: filters, Status: 200, Content: xlsxType},
		{Method: "GET", Path: v1 + "/alerts/stats", Tag: "alerts", Summary: "Alert statistics: counts by kind, level, state, enterprise (top 20) and month (zone time)", Query: filters, Status: 200, Response: alerts.Statistics{}},
		{Method: "GET", Path: v1 + "/alerts/stats.xlsx", Tag: "alerts", Summary: "Excel of the alert counts by kind per month or per enterprise, with totals", Query: append(filters, byParam), Status: 200, Content: xlsxType},
		{Method: "GET", Path: v1 + "/alerts/stats.pdf", Tag: "alerts", Summary: "PDF of the same statistics", Query: append(filters, byParam), Status: 200, Content: "application/pdf"},
		{Method: "POST", Path: v1 + "/trace-codes/{code}/high-risk", Tag: "alerts", Summary: "Mark a batch high risk on the ledger (MarkHighRisk; customs): the mark stays on the trace code through every transfer and clears when the batch's last holding leaves the zone", Idempotent: true, Request: MarkRequest{}, Status: 200, Response: model.TraceCode{}},
	}
}

// alertFilter reads the filters the listing, the statistics and the
// exports share.
func alertFilter(c *gin.Context) (alerts.Filter, error) {
	f := alerts.Filter{Kind: model.AlertKind(c.Query("kind")), Status: model.DisposalState(c.Query("status")),
		Level: model.RiskLevel(c.Query("level")), EnterpriseID: c.Query("enterpriseId"), Subject: c.Query("subject")}
	switch {
	case f.Kind != "" && !slices.Contains(model.AlertKinds, f.Kind):
		return f, badRequest("kind", "unknown alert kind", "预警类型无效")
	case f.Status != "" && !slices.Contains(model.DisposalStates, f.Status):
		return f, badRequest("status", "unknown disposal state", "处置状态无效")
	case f.Level != "" && !slices.Contains(model.RiskLevels, f.Level):
		return f, badRequest("level", "unknown risk level", "风险等级无效")
	}
	var err error
	if f.From, err = dayParam(c, "from", false); err == nil {
		f.To, err = dayParam(c, "to", true)
	}
	return f, err
}

func (r alertRoutes) list(c *gin.Context) {
	f, err := alertFilter(c)
	if err == nil {
		f.Page, f.Size, err = pageParams(c)
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
	id, err := alertID(c)
	if err != nil {
		r.g.fail(c, err)
		return
	}
	a, err := r.store.Get(c.Request.Context(), id)
	if err != nil {
		r.g.fail(c, alertError(err))
		return
	}
	c.JSON(http.StatusOK, a)
}
