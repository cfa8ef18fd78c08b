package gateway

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/docdrafts"
)

// incomingTransfer is an approved out leg waiting for the enterprise's in
// leg, with the in-draft made for it.
type incomingTransfer struct {
	OutDocument model.Document `json:"outDocument"`
	InDraftID   string         `json:"inDraftId"`
}

type incomingList struct {
	Items []incomingTransfer `json:"items"`
}

func (g *Gateway) routeTransfers(api *gin.RouterGroup, store *docdrafts.Store) {
	api.GET("/transfers/incoming", allow(enterpriseOnly...), func(c *gin.Context) { g.incomingTransfers(c, store) })
}

// incomingTransfers lists the approved out legs naming the enterprise as
// transferee and makes sure each has its in-draft. Listing is safe to
// repeat: the in-draft's id derives from the out leg, so it is made once
// (docdrafts.Store.CreateIncoming), which is why this GET may write.
func (g *Gateway) incomingTransfers(c *gin.Context, store *docdrafts.Store) {
	ctx := c.Request.Context()
	u := mustUser(c)
	outs, err := g.cfg.Reads.IncomingTransfers(ctx, u.EnterpriseID)
	if err != nil {
		g.fail(c, err)
		return
	}
	out := incomingList{Items: make([]incomingTransfer, 0, len(outs))}
	for _, doc := range outs {
		d, err := store.CreateIncoming(ctx, u.EnterpriseID, u.Username, doc)
		if err != nil {
			g.fail(c, docDraftError(err))
			return
		}
		out.Items = append(out.Items, incomingTransfer{OutDocument: doc, InDraftID: d.ID})
	}
	c.JSON(http.StatusOK, out)
}
