package gateway

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"zonetrace/gateway/customsmsg/inbox"
	"zonetrace/gateway/service/externalreceipts"
)

func (g *Gateway) routeExternalReceipts(api *gin.RouterGroup, store *inbox.Store) {
	svc := &externalreceipts.Service{Inbox: store, Signers: g.identities, Ledger: g.ledgerTx(), DecodeJSON: decodeStrict}
	api.POST("/external-receipts", allow(customs...), g.idempotent(true), g.postExternalReceipt(svc))
}

// postExternalReceipt takes a customs message (national XML, or JSON) and
// has it kept and applied (externalreceipts.Service.Receive).
func (g *Gateway) postExternalReceipt(svc *externalreceipts.Service) gin.HandlerFunc {
	return func(c *gin.Context) {
		body, err := readBody(c)
		if err != nil {
			g.fail(c, err)
			return
		}
		res, err := svc.Receive(c.Request.Context(), mustUser(c), body)
		recordTx(c, res.Tx)
		if err != nil {
			g.fail(c, err)
			return
		}
		if _, err := g.awaitIndexed(c); err != nil {
			g.fail(c, err)
			return
		}
		c.JSON(http.StatusAccepted, res)
	}
}
