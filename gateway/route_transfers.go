package gateway

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"zonetrace/gateway/service/documents"
)

type incomingList struct {
	Items []documents.Incoming `json:"items"`
}

func (g *Gateway) routeTransfers(api *gin.RouterGroup, svc *documents.Service) {
	api.GET("/transfers/incoming", allow(enterpriseOnly...), func(c *gin.Context) {
		// This GET may write: it makes each transfer's in-draft, once.
		items, err := svc.IncomingTransfers(c.Request.Context(), mustUser(c))
		if err != nil {
			g.fail(c, err)
			return
		}
		c.JSON(http.StatusOK, incomingList{Items: items})
	})
}
