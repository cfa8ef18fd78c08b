package gateway

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/docdrafts"
	"zonetrace/gateway/service/documents"
	"zonetrace/gateway/validation"
)

// docDraftJSON is the API's document draft.
type docDraftJSON struct {
	ID                 string               `json:"id"`
	DisplayNo          string               `json:"displayNo"`
	EnterpriseID       string               `json:"enterpriseId"`
	Family             model.Family         `json:"family"`
	BusinessType       model.BusinessType   `json:"businessType"`
	Head               model.DocumentHead   `json:"head"`
	Lines              []model.DocumentLine `json:"lines"`
	CreatedAt          time.Time            `json:"createdAt"`
	CreatedBy          string               `json:"createdBy"`
	UpdatedAt          time.Time            `json:"updatedAt"`
	UpdatedBy          string               `json:"updatedBy"`
	DeclaredDocumentID string               `json:"declaredDocumentId,omitempty"`
	SourceDocumentID   string               `json:"sourceDocumentId,omitempty"`
	Warnings           []validation.Problem `json:"warnings"`
	MissingTraceCodes  int                  `json:"missingTraceCodes"`
}

type docDraftPage struct {
	Items    []docDraftJSON `json:"items"`
	Total    int            `json:"total"`
	Page     int            `json:"page"`
	PageSize int            `json:"pageSize"`
}

type templateList struct {
	Items []docdrafts.Template `json:"items"`
}

func toDocDraftJSON(d docdrafts.Draft) docDraftJSON {
	out := docDraftJSON{ID: d.ID, DisplayNo: d.DisplayNo, EnterpriseID: d.EnterpriseID, Family: d.Family, BusinessType: d.BusinessType, Head: d.Head,
		Lines: d.Lines, CreatedAt: d.CreatedAt, CreatedBy: d.CreatedBy, UpdatedAt: d.UpdatedAt, UpdatedBy: d.UpdatedBy,
		SourceDocumentID: d.SourceDocumentID, Warnings: docdrafts.Warnings(d.Family, d.BusinessType, d.Head, d.Lines),
		MissingTraceCodes: docdrafts.MissingTraceCodes(d.Lines)}
	if d.Declared() {
		out.DeclaredDocumentID = d.DocumentID
	}
	if out.Lines == nil {
		out.Lines = []model.DocumentLine{}
	}
	return out
}

// docDraftRoutes serves document drafts on their own store.
type docDraftRoutes struct {
	g     *Gateway
	store *docdrafts.Store
	svc   *documents.Service
}

func (g *Gateway) routeDocumentDrafts(api *gin.RouterGroup, svc *documents.Service) {
	r := &docDraftRoutes{g: g, store: svc.Drafts, svc: svc}
	api.GET("/document-templates", allow(enterpriseOnly...), r.templates)
	d := api.Group("/document-drafts", allow(enterpriseOnly...))
	d.GET("", r.list)
	d.POST("", g.idempotent(true), r.create)
	d.GET("/template.xlsx", r.templateWorkbook)
	d.POST("/import", g.idempotent(true), r.importWorkbook)
	d.GET("/export.xlsx", r.exportWorkbook)
	d.GET("/pickable-lines", r.pickableLines)
	d.GET("/:id", r.get)
	d.PUT("/:id", g.idempotent(true), r.update)
	d.DELETE("/:id", g.idempotent(true), r.remove)
	d.POST("/:id/copy", g.idempotent(true), r.copy)
	d.POST("/:id/declare", g.idempotent(true), r.declare)
}

func (r *docDraftRoutes) templates(c *gin.Context) {
	c.JSON(http.StatusOK, templateList{Items: docdrafts.Templates()})
}

// filter reads the list filters shared by the list and the export.
func draftFilter(c *gin.Context) (docdrafts.Filter, error) {
	f := docdrafts.Filter{Family: model.Family(c.Query("family")), BusinessType: model.BusinessType(c.Query("businessType")), Q: c.Query("q")}
	switch c.Query("declared") {
	case "":
	case "true", "false":
		v := c.Query("declared") == "true"
		f.Declared = &v
	default:
		return f, badRequest("declared", "must be true or false", "须为true或false")
	}
	switch c.Query("missingTraceCode") {
	case "", "false":
	case "true":
		f.MissingTraceCode = true
	default:
		return f, badRequest("missingTraceCode", "must be true or false", "须为true或false")
	}
	var p validation.Problems
	if f.Family != "" && !model.KnownFamily(f.Family) {
		p.Add("family", "is not a document family", "单据类型无效")
	}
	return f, p.Err()
}

func (r *docDraftRoutes) list(c *gin.Context) {
	f, err := draftFilter(c)
	if err != nil {
		r.g.fail(c, err)
		return
	}
	if f.Page, f.PageSize, err = pageParams(c); err != nil {
		r.g.fail(c, err)
		return
	}
	p, err := r.store.List(c.Request.Context(), mustUser(c).EnterpriseID, f)
	if err != nil {
		r.g.fail(c, err)
		return
	}
	out := docDraftPage{Items: make([]docDraftJSON, 0, len(p.Items)), Total: p.Total, Page: p.Page, PageSize: p.PageSize}
	for _, d := range p.Items {
		out.Items = append(out.Items, toDocDraftJSON(d))
	}
	c.JSON(http.StatusOK, out)
}

// answerDraft answers a draft a write made or changed.
func (r *docDraftRoutes) answerDraft(c *gin.Context, status int, d docdrafts.Draft, err error) {
	if err != nil {
		r.g.fail(c, err)
		return
	}
	out := toDocDraftJSON(d)
	if !d.Declared() {
		ref, err := r.g.basicData.CheckDocument(c.Request.Context(), d.EnterpriseID, d.Head, d.Lines, time.Now())
		if err != nil {
			r.g.fail(c, err)
			return
		}
		out.Warnings = append(out.Warnings, ref...)
	}
	c.JSON(status, out)
}

func (r *docDraftRoutes) create(c *gin.Context) {
	var req docdrafts.Content
	if err := decodeJSON(c, &req); err != nil {
		r.g.fail(c, err)
		return
	}
	r.newDraft(c, req)
}

// newDraft stores content as a new draft (documents.Service.NewDraft).
func (r *docDraftRoutes) newDraft(c *gin.Context, content docdrafts.Content) {
	d, err := r.svc.NewDraft(c.Request.Context(), writeOf(c), content)
	r.answerDraft(c, http.StatusCreated, d, err)
}

func (r *docDraftRoutes) get(c *gin.Context) {
	d, err := r.store.Get(c.Request.Context(), mustUser(c).EnterpriseID, c.Param("id"))
	r.answerDraft(c, http.StatusOK, d, err)
}

func (r *docDraftRoutes) update(c *gin.Context) {
	var req docdrafts.Content
	if err := decodeJSON(c, &req); err != nil {
		r.g.fail(c, err)
		return
	}
	u := mustUser(c)
	d, err := r.store.Update(c.Request.Context(), u.EnterpriseID, c.Param("id"), u.Username, req)
	r.answerDraft(c, http.StatusOK, d, err)
}

func (r *docDraftRoutes) remove(c *gin.Context) {
	u := mustUser(c)
	if err := r.store.Delete(c.Request.Context(), u.EnterpriseID, c.Param("id"), u.Username); err != nil {
		r.g.fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

func (r *docDraftRoutes) copy(c *gin.Context) {
	w := writeOf(c)
	d, err := r.store.Get(c.Request.Context(), w.Caller.EnterpriseID, c.Param("id"))
	if err == nil {
		d, err = r.svc.NewDraft(c.Request.Context(), w, docdrafts.CopyContent(d.Content))
	}
	r.answerDraft(c, http.StatusCreated, d, err)
}

// declare declares a complete draft on the ledger (one-click declaration).
func (r *docDraftRoutes) declare(c *gin.Context) {
	written, err := r.svc.Declare(c.Request.Context(), writeOf(c), c.Param("id"))
	documentRoutes{g: r.g, svc: r.svc}.answer(c, http.StatusCreated, written, err)
}
