package gateway

import (
	"bytes"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"zonetrace/gateway/accounts"
	"zonetrace/gateway/apierror"
	"zonetrace/gateway/customsmsg/send"
	"zonetrace/gateway/openapi"
)

// customsMessageSenders may send a document's national message: customs,
// and the enterprise that declared it (the tender's 手动同步请求: the
// declarant asks its declaration to be synchronised again).
var customsMessageSenders = []accounts.Role{accounts.RoleCustomsOfficer, accounts.RoleCustomsAdmin, accounts.RoleEnterprise}

// CustomsMessages returns the sender of national messages, for the job
// queue (internal/jobs) to work its sends.
func (g *Gateway) CustomsMessages() *send.Service { return g.customsMessages }

func (g *Gateway) routeCustomsMessages(api *gin.RouterGroup) {
	svc := g.customsMessages
	api.POST("/documents/:id/national-message", allow(customsMessageSenders...), g.idempotent(true), g.sendNationalMessage(svc))
	m := api.Group("/national-messages", allow(customsMessageSenders...))
	m.GET("", g.listNationalMessages(svc))
	m.GET("/:id/xml", g.nationalMessageXML(svc))
}

// sendNationalMessage builds the document's INV101 / SAS111 / SAS121 and
// queues it for the transport; 202 with the send-log entry.
func (g *Gateway) sendNationalMessage(svc *send.Service) gin.HandlerFunc {
	return func(c *gin.Context) {
		body, err := readBody(c)
		if err != nil {
			g.fail(c, err)
			return
		}
		var req send.Request
		if len(bytes.TrimSpace(body)) > 0 {
			if err := decodeStrict(body, &req); err != nil {
				g.fail(c, err)
				return
			}
		}
		e, err := svc.Send(c.Request.Context(), mustUser(c), c.Param("id"), req)
		if err != nil {
			g.fail(c, err)
			return
		}
		c.JSON(http.StatusAccepted, e)
	}
}

// nationalMessageList is the answer of the send log.
type nationalMessageList struct {
	Items []send.Entry `json:"items"`
}

func (g *Gateway) listNationalMessages(svc *send.Service) gin.HandlerFunc {
	return func(c *gin.Context) {
		limit, err := intQuery(c, "limit", send.DefaultLimit)
		if err != nil {
			g.fail(c, err)
			return
		}
		before, err := intQuery(c, "before", 0)
		if err != nil {
			g.fail(c, err)
			return
		}
		list, err := svc.List(c.Request.Context(), mustUser(c), send.Filter{DocumentID: c.Query("documentId"),
			Status: c.Query("status"), Limit: limit, Before: int64(before)})
		if err != nil {
			g.fail(c, err)
			return
		}
		c.JSON(http.StatusOK, nationalMessageList{Items: list})
	}
}

// nationalMessageXML answers a message exactly as it was handed over.
func (g *Gateway) nationalMessageXML(svc *send.Service) gin.HandlerFunc {
	return func(c *gin.Context) {
		id, err := strconv.ParseInt(c.Param("id"), 10, 64)
		if err != nil || id < 1 {
			g.fail(c, apierror.Newf(apierror.NotFound, "no such national message", "报文不存在"))
			return
		}
		e, body, err := svc.Body(c.Request.Context(), mustUser(c), id)
		if err != nil {
			g.fail(c, err)
			return
		}
		c.Header("Content-Disposition", `attachment; filename="`+e.FileName+`"`)
		c.Data(http.StatusOK, "application/xml; charset=utf-8", body)
	}
}

func customsMessageOperations() []openapi.Operation {
	const v1 = APIPrefix
	return []openapi.Operation{
		{Method: "POST", Path: v1 + "/documents/{id}/national-message", Tag: "national messages", Summary: "Send or resend the document's national message to customs' own systems: INV101 (checklist), SAS111 (warehouse receipt, under the business application sasDclNo, default the enterprise's last) or SAS121 (gate registration); built field for field, checked against the field tables (422 with the national fields at fault), queued for the transport (customs, or the declaring enterprise; 409 when this node has no transport)", Idempotent: true, Request: send.Request{}, Status: 202, Response: send.Entry{Attempts: []send.Attempt{{}}, Receipts: []send.ReceiptRef{{}}}},
		{Method: "GET", Path: v1 + "/national-messages", Tag: "national messages", Summary: "The send log, newest first: each message, its attempts, outcome, the pre-entry number and the receipts applied to its document since (customs; enterprises: their own)", Query: []openapi.Param{
			{Name: "documentId", Type: "string"}, {Name: "status", Type: "string", Enum: []string{"queued", "sent", "failed"}},
			{Name: "limit", Type: "integer", Description: "1-200, default 50"}, {Name: "before", Type: "integer", Description: "only messages older than this id"},
		}, Status: 200, Response: nationalMessageList{Items: []send.Entry{{Attempts: []send.Attempt{{}}, Receipts: []send.ReceiptRef{{}}}}}},
		{Method: "GET", Path: v1 + "/national-messages/{id}/xml", Tag: "national messages", Summary: "A message exactly as handed to the transport (the Single Window import file)", Status: 200, Content: "application/xml"},
	}
}
