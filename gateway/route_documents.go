package gateway

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"

	"github.com/gin-gonic/gin"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/accounts"
	"zonetrace/gateway/apierror"
	"zonetrace/gateway/validation"
	"zonetrace/indexer/query"
)

// documentDetail is a document with its history and the movements of its
// goods.
type documentDetail struct {
	query.DocumentView
	Movements []model.Movement `json:"movements"`
}

type documentReviewRequest struct {
	Decision string `json:"decision"`
	Reason   string `json:"reason"`
}

type deletionBody struct {
	Reason string `json:"reason"`
}

type noBody struct{}

var documentStatuses = []model.DocumentStatus{model.DocDeclared, model.DocManualReview, model.DocApproved, model.DocReturned,
	model.DocEffective, model.DocDeletionAsked, model.DocVoided}

// checkDecision validates a decision among allowed, with a reason required
// for those in needReason and bounded in length.
func checkDecision(decision, reason string, allowed, needReason []string) error {
	var p validation.Problems
	p.AddModel(model.CheckDecision(decision, reason, allowed, needReason)...)
	return p.Err()
}

func (g *Gateway) routeDocuments(api *gin.RouterGroup) {
	d := api.Group("/documents")
	d.GET("", g.searchDocuments)
	d.GET("/:id", g.getDocument)
	d.POST("/:id/review", allow(customs...), g.idempotent(true), g.reviewDocument)
	d.POST("/:id/gate-pass", allow(zoneAdminOnly...), g.idempotent(true), g.recordGatePass)
	d.POST("/:id/deletion", allow(enterpriseOnly...), g.idempotent(true), g.requestDeletion)
	d.POST("/:id/deletion/confirm", allow(enterpriseOnly...), g.idempotent(true), g.confirmDeletion)
	d.POST("/:id/deletion/review", allow(customs...), g.idempotent(true), g.reviewDeletion)
}

// searchDocuments reads the indexer's mirror. Enterprises are always scoped
// to the documents they declared or are counterparty of.
func (g *Gateway) searchDocuments(c *gin.Context) {
	page, pageSize, err := pageParams(c)
	if err != nil {
		g.fail(c, err)
		return
	}
	f := query.DocumentFilter{EnterpriseID: c.Query("enterpriseId"), Family: model.Family(c.Query("family")),
		BusinessType: model.BusinessType(c.Query("businessType")), Status: model.DocumentStatus(c.Query("status")),
		Tag: c.Query("tag"), TraceCode: c.Query("traceCode"), Q: c.Query("q"), Page: page, PageSize: pageSize}
	var p validation.Problems
	if f.Family != "" && !model.KnownFamily(f.Family) {
		p.Add("family", "is not a document family", "单据类型无效")
	}
	if f.Status != "" && !slices.Contains(documentStatuses, f.Status) {
		p.Add("status", "is not a document status", "单据状态无效")
	}
	switch c.Query("deleted") {
	case "", "false":
	case "true":
		f.DeletedOrModified = true
	default:
		p.Add("deleted", "must be true or false", "须为true或false")
	}
	if err := p.Err(); err != nil {
		g.fail(c, err)
		return
	}
	if u := mustUser(c); u.Role == accounts.RoleEnterprise {
		f.EnterpriseID = u.EnterpriseID
	}
	result, err := g.cfg.Reads.SearchDocuments(c.Request.Context(), f)
	if err != nil {
		g.fail(c, err)
		return
	}
	if result.Items == nil {
		result.Items = []query.DocumentView{}
	}
	c.JSON(http.StatusOK, result)
}

// visibleDocument reads a document the user may see: an enterprise sees
// the documents it declared or is the counterparty of; another's is
// FORBIDDEN (document numbers carry 40 random bits, so the answer tells a
// prober nothing, and a clear refusal helps a clerk who mistyped).
func (g *Gateway) visibleDocument(c *gin.Context, id string) (query.DocumentView, error) {
	d, err := g.cfg.Reads.Document(c.Request.Context(), id)
	if err != nil {
		return query.DocumentView{}, err
	}
	if u := mustUser(c); u.Role == accounts.RoleEnterprise && d.EnterpriseID != u.EnterpriseID && d.Head.CounterpartyID != u.EnterpriseID {
		return query.DocumentView{}, apierror.New(apierror.Forbidden)
	}
	return d, nil
}

func (g *Gateway) getDocument(c *gin.Context) {
	d, err := g.visibleDocument(c, c.Param("id"))
	if err != nil {
		g.fail(c, err)
		return
	}
	moves, err := g.cfg.Reads.DocumentMovements(c.Request.Context(), d.ID)
	if err != nil {
		g.fail(c, err)
		return
	}
	if moves == nil {
		moves = []model.Movement{}
	}
	c.JSON(http.StatusOK, documentDetail{DocumentView: d, Movements: moves})
}

func (g *Gateway) reviewDocument(c *gin.Context) {
	var req documentReviewRequest
	if err := decodeJSON(c, &req); err != nil {
		g.fail(c, err)
		return
	}
	if err := checkDecision(req.Decision, req.Reason, []string{"approve", "return", "manual_review"}, []string{"return"}); err != nil {
		g.fail(c, err)
		return
	}
	g.submitDocumentChange(c, "ReviewDocument", req.Decision, req.Reason)
}

func (g *Gateway) recordGatePass(c *gin.Context) {
	if err := decodeOptional(c, &noBody{}); err != nil {
		g.fail(c, err)
		return
	}
	g.submitDocumentChange(c, "RecordGatePass")
}

func (g *Gateway) requestDeletion(c *gin.Context) {
	var req deletionBody
	if err := decodeJSON(c, &req); err != nil {
		g.fail(c, err)
		return
	}
	var p validation.Problems
	p.AddModel(model.CheckText("reason", req.Reason, model.RequiredNote)...)
	if err := p.Err(); err != nil {
		g.fail(c, err)
		return
	}
	g.submitDocumentChange(c, "RequestDeletion", req.Reason)
}

func (g *Gateway) confirmDeletion(c *gin.Context) {
	if err := decodeOptional(c, &noBody{}); err != nil {
		g.fail(c, err)
		return
	}
	g.submitDocumentChange(c, "ConfirmDeletion")
}

func (g *Gateway) reviewDeletion(c *gin.Context) {
	var req documentReviewRequest
	if err := decodeJSON(c, &req); err != nil {
		g.fail(c, err)
		return
	}
	if err := checkDecision(req.Decision, req.Reason, []string{"approve", "reject"}, []string{"reject"}); err != nil {
		g.fail(c, err)
		return
	}
	g.submitDocumentChange(c, "ReviewDeletion", req.Decision, req.Reason)
}

// decodeOptional accepts an empty body or one strict JSON value.
func decodeOptional(c *gin.Context, dst any) error {
	body, err := io.ReadAll(c.Request.Body)
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return apierror.New(apierror.PayloadTooLarge).WithCause(err)
		}
		return apierror.New(apierror.BadRequest).WithCause(err)
	}
	if len(body) == 0 {
		return nil
	}
	return decodeStrict(body, dst)
}

// submitDocumentChange submits function(requestID, documentID, args...) and
// answers the changed document. The chaincode holds the state rules: a
// change the document's state does not allow is its CONFLICT (409, with its
// message), another enterprise's document its FORBIDDEN.
func (g *Gateway) submitDocumentChange(c *gin.Context, function string, args ...string) {
	id := c.Param("id")
	if payload, ok := g.submitRecordChange(c, id, "GetDocument", function, args...); ok {
		g.answerDocument(c, http.StatusOK, id, payload)
	}
}

// answerDocument answers a document a write changed: from the read model
// once indexed (with steps and names), otherwise from the chaincode's
// payload with the names added.
func (g *Gateway) answerDocument(c *gin.Context, status int, id string, payload []byte) {
	indexed, err := g.awaitIndexed(c)
	if err != nil {
		g.fail(c, err)
		return
	}
	ctx := c.Request.Context()
	if indexed {
		d, err := g.cfg.Reads.Document(ctx, id)
		if err != nil {
			g.fail(c, err)
			return
		}
		c.JSON(status, d)
		return
	}
	var d query.DocumentView
	if err := json.Unmarshal(payload, &d.Document); err != nil {
		g.fail(c, fmt.Errorf("decode document %s from the ledger: %w", id, err))
		return
	}
	d.Abnormal = len(d.Tags) > 0
	d.DeletedOrModified = d.Deletion != nil || d.Status == model.DocVoided
	for _, name := range []struct {
		id  string
		dst *string
	}{{d.EnterpriseID, &d.EnterpriseName}, {d.Head.CounterpartyID, &d.CounterpartyName}} {
		if name.id == "" {
			continue
		}
		e, err := g.cfg.Reads.Enterprise(ctx, name.id)
		switch {
		case errors.Is(err, query.ErrNotFound):
		case err != nil:
			g.fail(c, err)
			return
		default:
			*name.dst = e.Name
		}
	}
	c.JSON(status, d)
}
