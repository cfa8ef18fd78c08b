package gateway

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"

	"github.com/gin-gonic/gin"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/accounts"
	"zonetrace/gateway/apierror"
	"zonetrace/gateway/drafts"
	"zonetrace/gateway/validation"
	"zonetrace/indexer/query"
)

type reviewRequest struct {
	Decision string `json:"decision"`
	Reason   string `json:"reason"`
}

func (r reviewRequest) check() error {
	var p validation.Problems
	p.AddModel(model.CheckDecision(r.Decision, r.Reason, []string{"approve", "return"}, []string{"return"})...)
	return p.Err()
}

var (
	prefilingStatuses  = []model.PrefilingStatus{model.PrefilingDeclared, model.PrefilingApproved, model.PrefilingReturned}
	supplementStatuses = []model.SupplementStatus{model.SupplementDeclared, model.SupplementApproved, model.SupplementReturned}
)

func (g *Gateway) routePrefilings(api *gin.RouterGroup) {
	p := api.Group("/prefilings")
	p.GET("", g.searchPrefilings)
	p.GET("/:id", g.getPrefiling)
	p.POST("/:id/review", allow(customs...), g.idempotent(true), g.reviewPrefiling("ReviewPrefiling"))
	p.POST("/:id/supplement", allow(enterpriseOnly...), g.idempotent(true), g.declareSupplement)
	p.POST("/:id/supplement/review", allow(customs...), g.idempotent(true), g.reviewPrefiling("ReviewSupplement"))
	p.POST("/:id/copy-to-draft", allow(enterpriseOnly...), g.idempotent(true), g.copyPrefilingToDraft)
}

// searchPrefilings reads the indexer's mirror. Enterprises are always
// scoped to their own enterprise, whatever enterpriseId they pass.
func (g *Gateway) searchPrefilings(c *gin.Context) {
	page, pageSize, err := pageParams(c)
	if err != nil {
		g.fail(c, err)
		return
	}
	f := query.PrefilingFilter{
		EnterpriseID: c.Query("enterpriseId"), ProductName: c.Query("productName"), TraceCode: c.Query("traceCode"),
		Origin: c.Query("origin"), Exporter: c.Query("exporter"),
		Status: model.PrefilingStatus(c.Query("status")), SupplementStatus: model.SupplementStatus(c.Query("supplementStatus")),
		Page: page, PageSize: pageSize,
	}
	var p validation.Problems
	if f.Status != "" && !slices.Contains(prefilingStatuses, f.Status) {
		p.Add("status", "must be declared, approved or returned", "状态须为已申报、审核通过或退单")
	}
	if f.SupplementStatus != "" && !slices.Contains(supplementStatuses, f.SupplementStatus) {
		p.Add("supplementStatus", "must be declared, approved or returned", "补录入状态须为已申报、审核通过或退单")
	}
	switch c.Query("needsReview") {
	case "", "false":
	case "true":
		f.NeedsReview = true
	default:
		g.fail(c, badRequest("needsReview", "must be true or false", "须为true或false"))
		return
	}
	if err := p.Err(); err != nil {
		g.fail(c, err)
		return
	}
	if u := mustUser(c); u.Role == accounts.RoleEnterprise {
		f.EnterpriseID = u.EnterpriseID
	}
	result, err := g.cfg.Reads.SearchPrefilings(c.Request.Context(), f)
	if err != nil {
		g.fail(c, err)
		return
	}
	if result.Items == nil {
		result.Items = []query.PrefilingView{}
	}
	c.JSON(http.StatusOK, result)
}

// visiblePrefiling reads a prefiling the user may see. Another enterprise's
// prefiling is FORBIDDEN: prefiling ids carry 40 random bits, so the answer
// tells a prober nothing useful, and a clear refusal helps the clerk who
// typed a colleague company's number.
func (g *Gateway) visiblePrefiling(c *gin.Context, id string) (query.PrefilingView, error) {
	p, err := g.cfg.Reads.Prefiling(c.Request.Context(), id)
	if err != nil {
		return query.PrefilingView{}, err
	}
	if u := mustUser(c); u.Role == accounts.RoleEnterprise && p.EnterpriseID != u.EnterpriseID {
		return query.PrefilingView{}, apierror.New(apierror.Forbidden)
	}
	return p, nil
}

func (g *Gateway) getPrefiling(c *gin.Context) {
	p, err := g.visiblePrefiling(c, c.Param("id"))
	if err != nil {
		g.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, p)
}

func (g *Gateway) reviewPrefiling(function string) gin.HandlerFunc {
	return func(c *gin.Context) {
		var req reviewRequest
		if err := decodeJSON(c, &req); err != nil {
			g.fail(c, err)
			return
		}
		if err := req.check(); err != nil {
			g.fail(c, err)
			return
		}
		id := c.Param("id")
		g.submitPrefilingChange(c, id, function, req.Decision, req.Reason)
	}
}

func (g *Gateway) declareSupplement(c *gin.Context) {
	var req model.SupplementData
	if err := decodeJSON(c, &req); err != nil {
		g.fail(c, err)
		return
	}
	if req.Attachments == nil {
		req.Attachments = []model.Attachment{}
	}
	if err := drafts.CheckSupplement(req); err != nil {
		g.fail(c, err)
		return
	}
	raw, err := json.Marshal(req)
	if err != nil {
		g.fail(c, fmt.Errorf("encode supplement: %w", err))
		return
	}
	g.submitPrefilingChange(c, c.Param("id"), "DeclareSupplement", string(raw))
}

// submitPrefilingChange submits function(requestID, prefilingID, args...)
// and answers the changed prefiling.
func (g *Gateway) submitPrefilingChange(c *gin.Context, id, function string, args ...string) {
	if payload, ok := g.submitRecordChange(c, id, "GetPrefiling", function, args...); ok {
		g.answerPrefiling(c, http.StatusOK, id, payload)
	}
}

// answerPrefiling answers a prefiling a write changed: from the read model
// once indexed (with steps and enterprise name), otherwise from the
// chaincode's payload with the enterprise's name added.
func (g *Gateway) answerPrefiling(c *gin.Context, status int, id string, payload []byte) {
	indexed, err := g.awaitIndexed(c)
	if err != nil {
		g.fail(c, err)
		return
	}
	ctx := c.Request.Context()
	if indexed {
		p, err := g.cfg.Reads.Prefiling(ctx, id)
		if err != nil {
			g.fail(c, err)
			return
		}
		c.JSON(status, p)
		return
	}
	var p query.PrefilingView
	if err := json.Unmarshal(payload, &p.Prefiling); err != nil {
		g.fail(c, fmt.Errorf("decode prefiling %s from the ledger: %w", id, err))
		return
	}
	e, err := g.cfg.Reads.Enterprise(ctx, p.EnterpriseID)
	switch {
	case errors.Is(err, query.ErrNotFound):
	case err != nil:
		g.fail(c, err)
		return
	default:
		p.EnterpriseName = e.Name
	}
	c.JSON(status, p)
}

func (g *Gateway) copyPrefilingToDraft(c *gin.Context) {
	p, err := g.visiblePrefiling(c, c.Param("id"))
	if err != nil {
		g.fail(c, err)
		return
	}
	g.newDraft(c, drafts.CopyData(p.Data))
}
