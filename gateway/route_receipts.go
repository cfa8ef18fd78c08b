package gateway

import (
	"net/http"
	"path/filepath"

	"github.com/gin-gonic/gin"

	"zonetrace/gateway/customsmsg/inbox"
	"zonetrace/gateway/receipts"
	"zonetrace/gateway/service/readmarks"
	"zonetrace/indexer/query"
)

// webhookKeyFile holds the key that seals webhook secrets, under DataDir:
// outside the database, so a database copy alone does not reveal them.
const webhookKeyFile = "webhook-secrets.key"

// receiptStores are the gateway's own receipt tables.
type receiptStores struct {
	receipts *receipts.Store
	inbox    *inbox.Store
}

func (g *Gateway) receiptStores() receiptStores {
	sealer := receipts.NewKeyFileSealer(filepath.Join(g.cfg.DataDir, webhookKeyFile))
	return receiptStores{receipts: receipts.NewStore(g.cfg.Pool, sealer), inbox: inbox.New(g.cfg.Pool)}
}

func (g *Gateway) routeReceipts(api *gin.RouterGroup, store *receipts.Store) {
	svc := &readmarks.Service{Reads: g.cfg.Reads, Marks: store}
	r := api.Group("/receipts", allow(enterpriseOnly...))
	r.GET("", g.listReceipts(svc))
	r.POST("/:id/read", g.idempotent(true), g.markReceiptRead(svc))
}

// listReceipts lists the enterprise's receipts, newest first, optionally
// only the unread ones.
func (g *Gateway) listReceipts(svc *readmarks.Service) gin.HandlerFunc {
	return func(c *gin.Context) {
		page, pageSize, err := pageParams(c)
		if err != nil {
			g.fail(c, err)
			return
		}
		unread, err := boolQuery(c, "unread")
		if err != nil {
			g.fail(c, err)
			return
		}
		f := query.ReceiptFilter{EnterpriseID: mustUser(c).EnterpriseID, DocumentID: c.Query("documentId"), Page: page, PageSize: pageSize}
		out, err := svc.List(c.Request.Context(), f, unread)
		if err != nil {
			g.fail(c, err)
			return
		}
		c.JSON(http.StatusOK, out)
	}
}

// markReceiptRead marks one of the enterprise's receipts read.
func (g *Gateway) markReceiptRead(svc *readmarks.Service) gin.HandlerFunc {
	return func(c *gin.Context) {
		u := mustUser(c)
		r, err := svc.MarkRead(c.Request.Context(), u.EnterpriseID, u.Username, c.Param("id"))
		if err != nil {
			g.fail(c, err)
			return
		}
		c.JSON(http.StatusOK, r)
	}
}
