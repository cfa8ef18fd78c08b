package gateway

import (
	"context"
	"net/http"

	"github.com/gin-gonic/gin"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/service"
	"zonetrace/gateway/service/prefilings"
	"zonetrace/indexer/query"
)

// prefilingService is the prefiling operations on the gateway's stores.
func (g *Gateway) prefilingService() *prefilings.Service {
	return &prefilings.Service{Reads: g.cfg.Reads, Drafts: g.drafts, Uploads: g.attachments, Signers: g.identities, Ledger: g.ledgerTx(),
		Reference: g.basicData, Claims: g.exporters}
}

// prefilingRoutes serves prefilings, their drafts and trace codes.
type prefilingRoutes struct {
	g   *Gateway
	svc *prefilings.Service
}

func (g *Gateway) routePrefilings(api *gin.RouterGroup) {
	r := prefilingRoutes{g: g, svc: g.prefilingService()}
	p := api.Group("/prefilings")
	p.GET("", r.search)
	p.GET("/:id", r.get)
	p.POST("/:id/review", allow(customs...), g.idempotent(true), r.review(r.svc.Review))
	p.POST("/:id/supplement", allow(enterpriseOnly...), g.idempotent(true), r.supplement)
	p.POST("/:id/supplement/review", allow(customs...), g.idempotent(true), r.review(r.svc.ReviewSupplement))
	p.POST("/:id/copy-to-draft", allow(enterpriseOnly...), g.idempotent(true), r.copyToDraft)
}

// prefilingFilter reads the prefiling list's filters.
func prefilingFilter(c *gin.Context) (query.PrefilingFilter, error) {
	page, pageSize, err := pageParams(c)
	if err != nil {
		return query.PrefilingFilter{}, err
	}
	f := query.PrefilingFilter{
		EnterpriseID: c.Query("enterpriseId"), ProductName: c.Query("productName"), TraceCode: c.Query("traceCode"),
		Origin: c.Query("origin"), Exporter: c.Query("exporter"), BatchNo: c.Query("batchNo"), MaterialNo: c.Query("materialNo"),
		Status: model.PrefilingStatus(c.Query("status")), SupplementStatus: model.SupplementStatus(c.Query("supplementStatus")),
		Page: page, PageSize: pageSize,
	}
	f.NeedsReview, err = boolQuery(c, "needsReview")
	return f, err
}

func (r prefilingRoutes) search(c *gin.Context) {
	f, err := prefilingFilter(c)
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

// boolQuery reads an optional true/false query parameter.
func boolQuery(c *gin.Context, name string) (bool, error) {
	switch c.Query(name) {
	case "", "false":
		return false, nil
	case "true":
		return true, nil
	}
	return false, badRequest(name, "must be true or false", "须为true或false")
}

func (r prefilingRoutes) get(c *gin.Context) {
	p, err := r.svc.Visible(c.Request.Context(), mustUser(c), c.Param("id"))
	if err != nil {
		r.g.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, p)
}

// review serves customs' review of a declaration or a supplement.
func (r prefilingRoutes) review(op func(context.Context, service.Write, string, prefilings.Review) (prefilings.Written, error)) gin.HandlerFunc {
	return func(c *gin.Context) {
		var req prefilings.Review
		if err := decodeJSON(c, &req); err != nil {
			r.g.fail(c, err)
			return
		}
		written, err := op(c.Request.Context(), writeOf(c), c.Param("id"), req)
		r.answer(c, http.StatusOK, written, err)
	}
}

func (r prefilingRoutes) supplement(c *gin.Context) {
	var req model.SupplementData
	if err := decodeJSON(c, &req); err != nil {
		r.g.fail(c, err)
		return
	}
	written, err := r.svc.Supplement(c.Request.Context(), writeOf(c), c.Param("id"), req)
	r.answer(c, http.StatusOK, written, err)
}

// answer answers the prefiling a write changed, after recording its
// transaction (also when a step after the commit failed) and, when
// asked, waiting for the indexer.
func (r prefilingRoutes) answer(c *gin.Context, status int, written prefilings.Written, err error) {
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
	p, err := r.svc.View(c.Request.Context(), written, indexed)
	if err != nil {
		r.g.fail(c, err)
		return
	}
	c.JSON(status, p)
}

func (r prefilingRoutes) copyToDraft(c *gin.Context) {
	d, err := r.svc.CopyToDraft(c.Request.Context(), writeOf(c), c.Param("id"))
	if err != nil {
		r.g.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, toDraftJSON(d))
}
