package gateway

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"zonetrace/gateway/accounts"
	"zonetrace/indexer/query"
)

type balanceList struct {
	Items []query.BalanceView `json:"items"`
}

func (g *Gateway) routeBalances(api *gin.RouterGroup) {
	api.GET("/balances", g.balances)
}

// balances lists stock per trace code, enterprise and customs status from
// the read model; an enterprise sees only its own, whatever it asks for.
func (g *Gateway) balances(c *gin.Context) {
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
	if u := mustUser(c); u.Role == accounts.RoleEnterprise {
		f.EnterpriseID = u.EnterpriseID
	}
	items, err := g.cfg.Reads.Balances(c.Request.Context(), f)
	if err != nil {
		g.fail(c, err)
		return
	}
	if items == nil {
		items = []query.BalanceView{}
	}
	c.JSON(http.StatusOK, balanceList{Items: items})
}
