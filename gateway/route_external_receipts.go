package gateway

import (
	"bytes"
	"context"
	"net/http"

	"github.com/gin-gonic/gin"

	"zonetrace/gateway/customsmsg"
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
		if err := g.noteInSendLog(c.Request.Context(), body); err != nil {
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

// noteInSendLog records an import result (Successed_/Failed_) or a storage
// receipt (INV200/SAS200) in the send log of national messages
// (gateway/customsmsg/send).
func (g *Gateway) noteInSendLog(ctx context.Context, body []byte) error {
	if trimmed := bytes.TrimSpace(body); len(trimmed) == 0 || trimmed[0] != '<' {
		return nil
	}
	m, err := customsmsg.Parse(body)
	if err != nil {
		return nil // Receive has answered for the message itself
	}
	switch m.Kind {
	case customsmsg.KindImportResult:
		return g.customsMessages.RecordImportResult(ctx, m.ImportResult)
	case customsmsg.KindStorageReceipt:
		return g.customsMessages.RecordStorageReceipt(ctx, m.Storage)
	}
	return nil
}
