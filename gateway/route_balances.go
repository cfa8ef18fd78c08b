package gateway

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"zonetrace/gateway/service/accounting"
	"zonetrace/indexer/query"
)

func (g *Gateway) routeBalances(api *gin.RouterGroup, svc *accounting.Service) {
	api.GET("/balances", func(c *gin.Context) {
		f := query.BalanceFilter{TraceCode: c.Query("traceCode"), EnterpriseID: c.Query("enterpriseId")}
		switch c.Query("bonded") {
		case "":
		case "true", "false":
			b := c.Query("bonded") == "true"
			f.Bonded = &b
		default:
			g.fail(c, badRequest("bonded", "must be true or false", "须为true或false"))
			return
		}
		limit, err := limitParam(c)
		if err != nil {
			g.fail(c, err)
			return
		}
		page, err := svc.Balances(c.Request.Context(), mustUser(c), f, c.Query("after"), limit)
		if err != nil {
			g.fail(c, err)
			return
		}
		c.JSON(http.StatusOK, page)
	})
}
