package gateway

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/apierror"
	"zonetrace/gateway/drafts"
	"zonetrace/gateway/validation"
	"zonetrace/network/ledger"
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
	d := api.Group("/prefiling-drafts", allow(enterpriseOnly...))
	d.GET("", g.listDrafts)
	d.POST("", g.idempotent(true), g.createDraft)
	d.GET("/:id", g.getDraft)
	d.PUT("/:id", g.idempotent(true), g.updateDraft)
	d.DELETE("/:id", g.idempotent(true), g.deleteDraft)
	d.POST("/:id/copy", g.idempotent(true), g.copyDraft)
	d.POST("/:id/declare", g.idempotent(true), g.declareDraft)
}

func (g *Gateway) listDrafts(c *gin.Context) {
	page, pageSize, err := pageParams(c)
	if err != nil {
		g.fail(c, err)
		return
	}
	u := mustUser(c)
	p, err := g.drafts.List(c.Request.Context(), u.EnterpriseID, c.Query("q"), page, pageSize)
	if err != nil {
		g.fail(c, err)
		return
	}
	out := draftPage{Items: make([]draftJSON, 0, len(p.Items)), Total: p.Total, Page: p.Page, PageSize: p.PageSize}
	for _, d := range p.Items {
		out.Items = append(out.Items, toDraftJSON(d))
	}
	c.JSON(http.StatusOK, out)
}

// newDraft stores data as a new draft whose id derives from the request's
// idempotency scope, so a re-driven create finds its first draft.
func (g *Gateway) newDraft(c *gin.Context, data model.PrefilingData) {
	u := mustUser(c)
	id, err := drafts.NewID(c.GetString(ctxLedgerRequestID))
	if err != nil {
		g.fail(c, err)
		return
	}
	d, err := g.drafts.Create(c.Request.Context(), id, u.EnterpriseID, u.Username, data)
	if err != nil {
		g.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, toDraftJSON(d))
}

func (g *Gateway) createDraft(c *gin.Context) {
	var req draftRequest
	if err := decodeJSON(c, &req); err != nil {
		g.fail(c, err)
		return
	}
	g.newDraft(c, req.Data)
}

func (g *Gateway) getDraft(c *gin.Context) {
	d, err := g.drafts.Get(c.Request.Context(), mustUser(c).EnterpriseID, c.Param("id"))
	if err != nil {
		g.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, toDraftJSON(d))
}

func (g *Gateway) updateDraft(c *gin.Context) {
	var req draftRequest
	if err := decodeJSON(c, &req); err != nil {
		g.fail(c, err)
		return
	}
	u := mustUser(c)
	d, err := g.drafts.Update(c.Request.Context(), u.EnterpriseID, c.Param("id"), u.Username, req.Data)
	if err != nil {
		g.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, toDraftJSON(d))
}

func (g *Gateway) deleteDraft(c *gin.Context) {
	u := mustUser(c)
	if err := g.drafts.Delete(c.Request.Context(), u.EnterpriseID, c.Param("id"), u.Username); err != nil {
		g.fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

func (g *Gateway) copyDraft(c *gin.Context) {
	d, err := g.drafts.Get(c.Request.Context(), mustUser(c).EnterpriseID, c.Param("id"))
	if err != nil {
		g.fail(c, err)
		return
	}
	g.newDraft(c, drafts.CopyData(d.Data))
}

// declareDraft declares a complete draft on the ledger. The prefiling id is
// reserved in the draft before the submit, so whatever happens after it, a
// later declare of the same draft resumes with the same id and the ledger
// (which refuses an existing prefiling id) never holds two declarations of
// one draft.
func (g *Gateway) declareDraft(c *gin.Context) {
	ctx := c.Request.Context()
	u := mustUser(c)
	d, err := g.drafts.Get(ctx, u.EnterpriseID, c.Param("id"))
	if err != nil {
		g.fail(c, err)
		return
	}
	if d.Declared() {
		payload, again, err := g.declaredEarlier(c, "DeclarePrefiling", "GetPrefiling", d.PrefilingID, d.PrefilingID, "{}")
		switch {
		case err != nil:
			g.fail(c, err)
		case again:
			g.answerPrefiling(c, http.StatusCreated, d.PrefilingID, payload)
		default:
			g.fail(c, drafts.ErrDeclared)
		}
		return
	}
	if w := drafts.Warnings(d.Data); len(w) > 0 {
		e := apierror.Invalid(w...)
		e.Message, e.MessageZh = "the draft is incomplete", "信息不完整，不能申报"
		g.fail(c, e)
		return
	}
	candidate, err := drafts.NewPrefilingID(time.Now())
	if err != nil {
		g.fail(c, err)
		return
	}
	d, err = g.drafts.Reserve(ctx, u.EnterpriseID, d.ID, candidate)
	if err != nil {
		g.fail(c, err)
		return
	}
	signer, err := g.identities.For(u)
	if err != nil {
		g.fail(c, err)
		return
	}
	data, err := json.Marshal(d.Data)
	if err != nil {
		g.fail(c, fmt.Errorf("encode prefiling data: %w", err))
		return
	}
	getPrefiling := g.evaluate(signer, "GetPrefiling", d.PrefilingID)
	payload, err := g.submit(c, txCall{signer: signer, function: "DeclarePrefiling",
		args: []string{c.GetString(ctxLedgerRequestID), d.PrefilingID, string(data)}, readBack: getPrefiling})
	if err != nil {
		payload, err = g.resumeDeclaration(c, d, err, getPrefiling)
	}
	if err != nil {
		g.fail(c, err)
		return
	}
	if err := g.drafts.MarkDeclared(context.WithoutCancel(c.Request.Context()), u.EnterpriseID, d.ID, u.Username); err != nil {
		g.fail(c, err)
		return
	}
	g.answerPrefiling(c, http.StatusCreated, d.PrefilingID, payload)
}

// resumeDeclaration sorts out a failed DeclarePrefiling. CONFLICT on the
// reserved id means an earlier attempt (under another idempotency key)
// declared it: read it back. Any other chaincode rejection means nothing was
// declared: free the reservation so the draft can be corrected. A ledger
// failure leaves the reservation, as the outcome is unknown.
func (g *Gateway) resumeDeclaration(c *gin.Context, d drafts.Draft, submitErr error, getPrefiling func(context.Context) ([]byte, error)) ([]byte, error) {
	var cc *ledger.ChaincodeError
	if !errors.As(submitErr, &cc) {
		return nil, submitErr
	}
	if classify(submitErr).Code == apierror.Conflict {
		payload, err := getPrefiling(c.Request.Context())
		var existing model.Prefiling
		if err == nil && json.Unmarshal(payload, &existing) == nil && existing.EnterpriseID == d.EnterpriseID {
			return payload, nil
		}
	}
	if err := g.drafts.Unreserve(context.WithoutCancel(c.Request.Context()), d.EnterpriseID, d.ID, d.PrefilingID); err != nil {
		return nil, errors.Join(submitErr, err)
	}
	return nil, submitErr
}
