package gateway

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/drafts"
	"zonetrace/gateway/validation"
)

type draftRequest struct {
	Data model.PrefilingData `json:"data"`
}

// draftJSON is the API's draft.
type draftJSON struct {
	ID                  string               `json:"id"`
	EnterpriseID        string               `json:"enterpriseId"`
	Data                model.PrefilingData  `json:"data"`
	CreatedAt           time.Time            `json:"createdAt"`
	CreatedBy           string               `json:"createdBy"`
	UpdatedAt           time.Time            `json:"updatedAt"`
	UpdatedBy           string               `json:"updatedBy"`
	DeclaredPrefilingID string               `json:"declaredPrefilingId,omitempty"`
	Warnings            []validation.Problem `json:"warnings"`
}

type draftPage struct {
	Items    []draftJSON `json:"items"`
	Total    int         `json:"total"`
	Page     int         `json:"page"`
	PageSize int         `json:"pageSize"`
}

func toDraftJSON(d drafts.Draft) draftJSON {
	out := draftJSON{ID: d.ID, EnterpriseID: d.EnterpriseID, Data: d.Data, CreatedAt: d.CreatedAt, CreatedBy: d.CreatedBy,
		UpdatedAt: d.UpdatedAt, UpdatedBy: d.UpdatedBy, Warnings: drafts.Warnings(d.Data)}
	if d.Declared() {
		out.DeclaredPrefilingID = d.PrefilingID
	}
	if out.Data.Attachments == nil {
		out.Data.Attachments = []model.Attachment{}
	}
	return out
}

func (g *Gateway) routePrefilingDrafts(api *gin.RouterGroup) {
	r := prefilingRoutes{g: g, svc: g.prefilingService()}
	d := api.Group("/prefiling-drafts", allow(enterpriseOnly...))
	d.GET("", r.listDrafts)
	d.POST("", g.idempotent(true), r.createDraft)
	d.GET("/:id", r.getDraft)
	d.PUT("/:id", g.idempotent(true), r.updateDraft)
	d.DELETE("/:id", g.idempotent(true), r.deleteDraft)
	d.POST("/:id/copy", g.idempotent(true), r.copyDraft)
	d.POST("/:id/declare", g.idempotent(true), r.declareDraft)
}

func (r prefilingRoutes) listDrafts(c *gin.Context) {
	page, pageSize, err := pageParams(c)
	if err != nil {
		r.g.fail(c, err)
		return
	}
	p, err := r.svc.Drafts.List(c.Request.Context(), mustUser(c).EnterpriseID, c.Query("q"), page, pageSize)
	if err != nil {
		r.g.fail(c, err)
		return
	}
	out := draftPage{Items: make([]draftJSON, 0, len(p.Items)), Total: p.Total, Page: p.Page, PageSize: p.PageSize}
	for _, d := range p.Items {
		out.Items = append(out.Items, toDraftJSON(d))
	}
	c.JSON(http.StatusOK, out)
}

// answerDraft answers a draft a write made or changed.
func (r prefilingRoutes) answerDraft(c *gin.Context, status int, d drafts.Draft, err error) {
	if err != nil {
		r.g.fail(c, err)
		return
	}
	out := toDraftJSON(d)
	if !d.Declared() {
		ref, err := r.g.basicData.CheckPrefiling(c.Request.Context(), d.Data, time.Now())
		if err != nil {
			r.g.fail(c, err)
			return
		}
		out.Warnings = append(out.Warnings, ref...)
	}
	c.JSON(status, out)
}

func (r prefilingRoutes) createDraft(c *gin.Context) {
	var req draftRequest
	if err := decodeJSON(c, &req); err != nil {
		r.g.fail(c, err)
		return
	}
	d, err := r.svc.NewDraft(c.Request.Context(), writeOf(c), req.Data)
	r.answerDraft(c, http.StatusCreated, d, err)
}

func (r prefilingRoutes) getDraft(c *gin.Context) {
	d, err := r.svc.Drafts.Get(c.Request.Context(), mustUser(c).EnterpriseID, c.Param("id"))
	r.answerDraft(c, http.StatusOK, d, err)
}

func (r prefilingRoutes) updateDraft(c *gin.Context) {
	var req draftRequest
	if err := decodeJSON(c, &req); err != nil {
		r.g.fail(c, err)
		return
	}
	u := mustUser(c)
	d, err := r.svc.Drafts.Update(c.Request.Context(), u.EnterpriseID, c.Param("id"), u.Username, req.Data)
	r.answerDraft(c, http.StatusOK, d, err)
}

func (r prefilingRoutes) deleteDraft(c *gin.Context) {
	u := mustUser(c)
	if err := r.svc.Drafts.Delete(c.Request.Context(), u.EnterpriseID, c.Param("id"), u.Username); err != nil {
		r.g.fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

func (r prefilingRoutes) copyDraft(c *gin.Context) {
	w := writeOf(c)
	d, err := r.svc.Drafts.Get(c.Request.Context(), w.Caller.EnterpriseID, c.Param("id"))
	if err == nil {
		d, err = r.svc.NewDraft(c.Request.Context(), w, drafts.CopyData(d.Data))
	}
	r.answerDraft(c, http.StatusCreated, d, err)
}

// declareDraft declares a complete draft on the ledger.
func (r prefilingRoutes) declareDraft(c *gin.Context) {
	written, err := r.svc.Declare(c.Request.Context(), writeOf(c), c.Param("id"))
	r.answer(c, http.StatusCreated, written, err)
}
