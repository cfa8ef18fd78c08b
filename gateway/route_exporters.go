package gateway

import (
	"bytes"
	"net/http"
	"slices"
	"strconv"

	"github.com/gin-gonic/gin"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/accounts"
	"zonetrace/gateway/exporters"
	"zonetrace/gateway/openapi"
)

// exporterReaders read the registry: customs keep it, the zone
// administration and auditors look, and enterprises look exporters up
// while filling a prefiling. Its writes and the claims queue are customs'.
var exporterReaders = []accounts.Role{accounts.RoleEnterprise, accounts.RoleCustomsOfficer, accounts.RoleCustomsAdmin,
	accounts.RoleZoneAdmin, accounts.RoleAuditor}

type exporterRoutes struct {
	g   *Gateway
	svc *exporters.Service
}

func (g *Gateway) routeExporters(api *gin.RouterGroup) {
	r := exporterRoutes{g: g, svc: g.exporters}
	x := api.Group("/exporters")
	keepers := allow(customs...)
	x.GET("", allow(exporterReaders...), r.list)
	x.POST("", keepers, r.create)
	x.GET("/template.xlsx", keepers, r.template)
	x.POST("/import", keepers, r.importFile)
	x.GET("/crawls", keepers, r.crawls)
	x.POST("/crawls", keepers, r.crawlNow)
	x.GET("/:id", allow(supervisors...), r.get)
	x.PUT("/:id", keepers, r.update)
	x.POST("/:id/suspend", keepers, r.suspend)
	claims := api.Group("/exporter-claims", allow(exporterReaders...))
	claims.GET("", r.claims)
	claims.GET("/:id", r.claim)
	claims.POST("/:id/confirm", keepers, r.decide(true))
	claims.POST("/:id/reject", keepers, r.decide(false))
}

// ExporterEditRequest is a manual edit of an entry, with why.
type ExporterEditRequest struct {
	model.ExporterEntry
	Note string `json:"note"`
}

// SuspendRequest suspends a registration.
type SuspendRequest struct {
	Reason string `json:"reason"`
}

type crawlList struct {
	// On says whether a registry website is configured.
	On    bool              `json:"on"`
	Items []exporters.Crawl `json:"items"`
}

func (r exporterRoutes) id(c *gin.Context) (int64, bool) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		r.g.fail(c, badRequest("id", "id must be an integer", "编号须为整数"))
		return 0, false
	}
	return id, true
}

func (r exporterRoutes) list(c *gin.Context) {
	page, size, err := pageParams(c)
	if err != nil {
		r.g.fail(c, err)
		return
	}
	status := model.ExporterStatus(c.Query("status"))
	if status != "" && !slices.Contains(model.ExporterStatuses, status) {
		r.g.fail(c, badRequest("status", "unknown status", "备案状态无效"))
		return
	}
	out, err := r.svc.List(c.Request.Context(), exporters.Filter{Q: c.Query("q"), Country: c.Query("country"), Status: status,
		Page: page, PageSize: size})
	r.answer(c, http.StatusOK, out, err)
}

func (r exporterRoutes) answer(c *gin.Context, status int, out any, err error) {
	if err != nil {
		r.g.fail(c, err)
		return
	}
	c.JSON(status, out)
}

func (r exporterRoutes) get(c *gin.Context) {
	if id, ok := r.id(c); ok {
		out, err := r.svc.Get(c.Request.Context(), id)
		r.answer(c, http.StatusOK, out, err)
	}
}

func (r exporterRoutes) create(c *gin.Context) {
	var req model.ExporterEntry
	if err := decodeJSON(c, &req); err != nil {
		r.g.fail(c, err)
		return
	}
	out, err := r.svc.Create(c.Request.Context(), mustUser(c), req)
	r.answer(c, http.StatusCreated, out, err)
}

func (r exporterRoutes) update(c *gin.Context) {
	id, ok := r.id(c)
	if !ok {
		return
	}
	var req ExporterEditRequest
	if err := decodeJSON(c, &req); err != nil {
		r.g.fail(c, err)
		return
	}
	out, err := r.svc.Update(c.Request.Context(), mustUser(c), id, req.ExporterEntry, req.Note)
	r.answer(c, http.StatusOK, out, err)
}

func (r exporterRoutes) suspend(c *gin.Context) {
	id, ok := r.id(c)
	if !ok {
		return
	}
	var req SuspendRequest
	if err := decodeJSON(c, &req); err != nil {
		r.g.fail(c, err)
		return
	}
	out, err := r.svc.Suspend(c.Request.Context(), mustUser(c), id, req.Reason)
	r.answer(c, http.StatusOK, out, err)
}

func (r exporterRoutes) template(c *gin.Context) {
	var buf bytes.Buffer
	if err := exporters.WriteTemplate(&buf); err != nil {
		r.g.fail(c, err)
		return
	}
	sendWorkbook(c, "境外出口商备案导入模板.xlsx", buf.Bytes())
}

func (r exporterRoutes) importFile(c *gin.Context) {
	file, _, err := uploadedFile(c, ".xlsx workbook", "Excel文件")
	if err != nil {
		r.g.fail(c, err)
		return
	}
	defer file.Close()
	out, err := r.svc.Import(c.Request.Context(), mustUser(c), file)
	if err == nil {
		noteRows(c, out.Rows)
	}
	r.answer(c, http.StatusOK, out, err)
}

func (r exporterRoutes) crawls(c *gin.Context) {
	items, err := r.svc.Crawls(c.Request.Context(), 20)
	r.answer(c, http.StatusOK, crawlList{On: r.svc.CrawlOn(), Items: items}, err)
}

func (r exporterRoutes) crawlNow(c *gin.Context) {
	err := r.svc.CrawlNow(c.Request.Context())
	r.answer(c, http.StatusAccepted, map[string]bool{"queued": true}, err)
}

func (r exporterRoutes) claims(c *gin.Context) {
	page, size, err := pageParams(c)
	if err != nil {
		r.g.fail(c, err)
		return
	}
	status := model.ClaimStatus(c.Query("status"))
	if status != "" && !slices.Contains(model.ClaimStatuses, status) {
		r.g.fail(c, badRequest("status", "unknown status", "核对状态无效"))
		return
	}
	out, err := r.svc.Claims(c.Request.Context(), mustUser(c), exporters.ClaimFilter{Status: status,
		EnterpriseID: c.Query("enterpriseId"), Q: c.Query("q"), Page: page, PageSize: size})
	r.answer(c, http.StatusOK, out, err)
}

func (r exporterRoutes) claim(c *gin.Context) {
	if id, ok := r.id(c); ok {
		out, err := r.svc.Claim(c.Request.Context(), mustUser(c), id)
		r.answer(c, http.StatusOK, out, err)
	}
}

func (r exporterRoutes) decide(confirm bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		id, ok := r.id(c)
		if !ok {
			return
		}
		var req exporters.ClaimDecision
		if err := decodeJSON(c, &req); err != nil {
			r.g.fail(c, err)
			return
		}
		out, err := r.svc.Decide(c.Request.Context(), mustUser(c), id, confirm, req)
		r.answer(c, http.StatusOK, out, err)
	}
}

func exporterOperations() []openapi.Operation {
	const v1 = APIPrefix
	query := []openapi.Param{{Name: "q", Type: "string", Description: "registration number prefix or part of the name (as written or normalised)"},
		{Name: "country", Type: "string", Description: "ISO 3166-1 alpha-2"}, {Name: "status", Type: "string", Enum: stringsOf(model.ExporterStatuses)}}
	claimQuery := []openapi.Param{{Name: "status", Type: "string", Enum: stringsOf(model.ClaimStatuses)},
		{Name: "enterpriseId", Type: "string", Description: "ignored for enterprises"},
		{Name: "q", Type: "string", Description: "part of the exporter's name, a registration number prefix or a prefiling id"}}
	return []openapi.Operation{
		{Method: "GET", Path: v1 + "/exporters", Tag: "exporters", Summary: "The foreign exporter registry (境外出口商备案) by registration number (every role; enterprises look exporters up while filling a prefiling)", Query: append(query, pageQuery...), Status: 200, Response: exporters.ExporterPage{Items: []exporters.Exporter{{}}}},
		{Method: "POST", Path: v1 + "/exporters", Tag: "exporters", Summary: "Add an entry by hand (customs); it is held against the crawl; 409 EXPORTER_EXISTS", Request: model.ExporterEntry{}, Status: 201, Response: exporters.Exporter{}},
		{Method: "GET", Path: v1 + "/exporters/template.xlsx", Tag: "exporters", Summary: "The import template (customs)", Status: 200, Content: xlsxType},
		{Method: "POST", Path: v1 + "/exporters/import", Tag: "exporters", Summary: "Import entries from an .xlsx of the template (customs), all or nothing: 422 with a problem per bad row as exporterRows[n] (n = the row number less one); imported entries are held against the crawl", Multipart: true, Status: 200, Response: exporters.ImportResult{}},
		{Method: "GET", Path: v1 + "/exporters/crawls", Tag: "exporters", Summary: "Whether crawling is configured and the latest crawls, newest first (customs)", Status: 200, Response: crawlList{Items: []exporters.Crawl{{}}}},
		{Method: "POST", Path: v1 + "/exporters/crawls", Tag: "exporters", Summary: "Queue a crawl of the registry website now (customs); 409 EXPORTER_CRAWL_OFF without a configured website", Request: noBody{}, Status: 202, Response: map[string]bool{"queued": true}},
		{Method: "GET", Path: v1 + "/exporters/{id}", Tag: "exporters", Summary: "An entry with its history (who, when, from where, old and new values; applied false: a crawl's values a person's hold kept out)", Status: 200, Response: exporters.ExporterDetail{History: []exporters.HistoryEdit{{}}}},
		{Method: "PUT", Path: v1 + "/exporters/{id}", Tag: "exporters", Summary: "Edit an entry by hand (customs); it is then held against the crawl", Request: ExporterEditRequest{}, Status: 200, Response: exporters.Exporter{}},
		{Method: "POST", Path: v1 + "/exporters/{id}/suspend", Tag: "exporters", Summary: "Suspend a registration by hand, with a reason (customs)", Request: SuspendRequest{}, Status: 200, Response: exporters.Exporter{}},
		{Method: "GET", Path: v1 + "/exporter-claims", Tag: "exporters", Summary: "Exporter claims of declared prefilings, newest first (enterprises: their own)", Query: append(claimQuery, pageQuery...), Status: 200, Response: exporters.ClaimPage{Items: []exporters.Claim{{}}}},
		{Method: "GET", Path: v1 + "/exporter-claims/{id}", Tag: "exporters", Summary: "A claim; customs see its suspected matches ranked by normalised-name similarity", Status: 200, Response: exporters.ClaimDetail{Suspects: []exporters.Suspect{{}}}},
		{Method: "POST", Path: v1 + "/exporter-claims/{id}/confirm", Tag: "exporters", Summary: "Confirm a pending claim with a registry entry (customs); 409 CLAIM_ALREADY_DECIDED", Request: exporters.ClaimDecision{}, Status: 200, Response: exporters.Claim{}},
		{Method: "POST", Path: v1 + "/exporter-claims/{id}/reject", Tag: "exporters", Summary: "Reject a pending claim with a reason (customs); 409 CLAIM_ALREADY_DECIDED", Request: exporters.ClaimDecision{}, Status: 200, Response: exporters.Claim{}},
	}
}
