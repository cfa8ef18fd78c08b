package gateway

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/apierror"
	"zonetrace/gateway/docdrafts"
	"zonetrace/gateway/service"
	"zonetrace/gateway/service/documents"
	"zonetrace/indexer/query"
)

type deletionBody struct {
	Reason string `json:"reason"`
}

type noBody struct{}

// documentService is the document operations on the gateway's stores.
func (g *Gateway) documentService(store *docdrafts.Store) *documents.Service {
	return &documents.Service{Reads: g.cfg.Reads, Drafts: store, Signers: g.identities, Ledger: g.ledgerTx(),
		Reference: g.basicData}
}

// documentRoutes serves documents.
type documentRoutes struct {
	g   *Gateway
	svc *documents.Service
}

func (g *Gateway) routeDocuments(api *gin.RouterGroup, svc *documents.Service) {
	r := documentRoutes{g: g, svc: svc}
	d := api.Group("/documents")
	d.GET("", r.search)
	d.GET("/:id", r.get)
	d.POST("/:id/review", allow(customs...), g.idempotent(true), r.decision(svc.Review))
	d.POST("/:id/gate-pass", allow(zoneAdminOnly...), g.idempotent(true), r.bare(svc.GatePass))
	d.POST("/:id/deletion", allow(enterpriseOnly...), g.idempotent(true), r.requestDeletion)
	d.POST("/:id/deletion/confirm", allow(enterpriseOnly...), g.idempotent(true), r.bare(svc.ConfirmDeletion))
	d.POST("/:id/deletion/review", allow(customs...), g.idempotent(true), r.decision(svc.ReviewDeletion))
	d.POST("/:id/tags", allow(customs...), g.idempotent(true), r.tag)
	d.DELETE("/:id/tags/:code", allow(customs...), g.idempotent(true), r.untag)
	d.POST("/:id/release", allow(customs...), g.idempotent(true), r.release)
	d.POST("/:id/consolidation", allow(enterpriseOnly...), g.idempotent(true), r.consolidate)
}

func (r documentRoutes) tag(c *gin.Context) {
	var req documents.TagRequest
	if err := decodeJSON(c, &req); err != nil {
		r.g.fail(c, err)
		return
	}
	written, err := r.svc.Tag(c.Request.Context(), writeOf(c), c.Param("id"), req)
	r.answer(c, http.StatusOK, written, err)
}

func (r documentRoutes) untag(c *gin.Context) {
	var req documents.ReasonRequest
	if err := decodeJSON(c, &req); err != nil {
		r.g.fail(c, err)
		return
	}
	written, err := r.svc.Untag(c.Request.Context(), writeOf(c), c.Param("id"), c.Param("code"), req)
	r.answer(c, http.StatusOK, written, err)
}

func (r documentRoutes) release(c *gin.Context) {
	var req documents.ReasonRequest
	if err := decodeJSON(c, &req); err != nil {
		r.g.fail(c, err)
		return
	}
	written, err := r.svc.ReleaseReservation(c.Request.Context(), writeOf(c), c.Param("id"), req)
	r.answer(c, http.StatusOK, written, err)
}

func (r documentRoutes) consolidate(c *gin.Context) {
	var req documents.ConsolidationRequest
	if err := decodeJSON(c, &req); err != nil {
		r.g.fail(c, err)
		return
	}
	written, err := r.svc.Consolidate(c.Request.Context(), writeOf(c), c.Param("id"), req)
	r.answer(c, http.StatusOK, written, err)
}

// documentFilter reads the document list's filters; tags is a
// comma-separated list of tag codes, any of which selects a document.
func documentFilter(c *gin.Context) (query.DocumentFilter, error) {
	page, pageSize, err := pageParams(c)
	if err != nil {
		return query.DocumentFilter{}, err
	}
	f := query.DocumentFilter{EnterpriseID: c.Query("enterpriseId"), Family: model.Family(c.Query("family")),
		BusinessType: model.BusinessType(c.Query("businessType")), Status: model.DocumentStatus(c.Query("status")),
		Tag: c.Query("tag"), TraceCode: c.Query("traceCode"), Q: c.Query("q"), Page: page, PageSize: pageSize}
	if tags := c.Query("tags"); tags != "" {
		f.AnyTag = strings.Split(tags, ",")
	}
	f.DeletedOrModified, err = boolQuery(c, "deleted")
	return f, err
}

func (r documentRoutes) search(c *gin.Context) {
	f, err := documentFilter(c)
	if err != nil {
		r.g.fail(c, err)
		return
	}
	f.Cursor = c.Query("cursor")
	result, err := r.svc.SearchJSON(c.Request.Context(), mustUser(c), f)
	if err != nil {
		r.g.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, result)
}

func (r documentRoutes) get(c *gin.Context) {
	d, err := r.svc.Detail(c.Request.Context(), mustUser(c), c.Param("id"))
	if err != nil {
		r.g.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, d)
}

func (r documentRoutes) decision(op func(context.Context, service.Write, string, documents.Decision) (documents.Written, error)) gin.HandlerFunc {
	return func(c *gin.Context) {
		var req documents.Decision
		if err := decodeJSON(c, &req); err != nil {
			r.g.fail(c, err)
			return
		}
		written, err := op(c.Request.Context(), writeOf(c), c.Param("id"), req)
		r.answer(c, http.StatusOK, written, err)
	}
}

// bare serves an operation that takes no body (an empty body or {}).
func (r documentRoutes) bare(op func(context.Context, service.Write, string) (documents.Written, error)) gin.HandlerFunc {
	return func(c *gin.Context) {
		if err := decodeOptional(c, &noBody{}); err != nil {
			r.g.fail(c, err)
			return
		}
		written, err := op(c.Request.Context(), writeOf(c), c.Param("id"))
		r.answer(c, http.StatusOK, written, err)
	}
}

func (r documentRoutes) requestDeletion(c *gin.Context) {
	var req deletionBody
	if err := decodeJSON(c, &req); err != nil {
		r.g.fail(c, err)
		return
	}
	written, err := r.svc.RequestDeletion(c.Request.Context(), writeOf(c), c.Param("id"), req.Reason)
	r.answer(c, http.StatusOK, written, err)
}

// answer answers the document a write changed, after recording its
// transaction (also when a step after the commit failed) and, when
// asked, waiting for the indexer.
func (r documentRoutes) answer(c *gin.Context, status int, written documents.Written, err error) {
	recordTx(c, written.Tx)
	if err != nil {
		r.g.fail(c, err)
		return
	}
	indexed, err := r.g.awaitIndexed(c)
	if err != nil {
		r.g.fail(c, err)
		return
	}
	d, err := r.svc.View(c.Request.Context(), written, indexed)
	if err != nil {
		r.g.fail(c, err)
		return
	}
	c.JSON(status, d)
}

// decodeOptional accepts an empty body or one strict JSON value.
func decodeOptional(c *gin.Context, dst any) error {
	body, err := readBody(c)
	if err != nil || len(body) == 0 {
		return err
	}
	return decodeStrict(body, dst)
}

// readBody reads the whole request body. A body above the limit keeps its
// *http.MaxBytesError, which apierror.From answers PAYLOAD_TOO_LARGE.
func readBody(c *gin.Context) ([]byte, error) {
	body, err := io.ReadAll(c.Request.Body)
	var tooLarge *http.MaxBytesError
	if err != nil && !errors.As(err, &tooLarge) {
		return nil, apierror.New(apierror.BadRequest).WithCause(err)
	}
	return body, err
}
