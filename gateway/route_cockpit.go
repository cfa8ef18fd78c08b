package gateway

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"zonetrace/gateway/accounts"
	"zonetrace/gateway/service/cockpit"
)

// cockpitViewers see the supervision cockpit: customs and the zone
// administration. Its figures are the whole zone's, so enterprises do not.
var cockpitViewers = []accounts.Role{accounts.RoleCustomsOfficer, accounts.RoleCustomsAdmin, accounts.RoleZoneAdmin}

// routeCockpit serves the supervision cockpit (docs/api.md "Cockpit").
func (g *Gateway) routeCockpit(api *gin.RouterGroup) {
	svc := &cockpit.Service{Reads: g.cfg.Reads, Vehicles: g.gates}
	c := api.Group("/cockpit", allow(cockpitViewers...))
	c.GET("/overview", g.cockpitOverview(svc))
	c.GET("/prices", g.cockpitPrices(svc))
}

func (g *Gateway) cockpitOverview(svc *cockpit.Service) gin.HandlerFunc {
	return func(c *gin.Context) {
		year, err := intParam(c, "year")
		if err != nil {
			g.fail(c, err)
			return
		}
		limit, err := intParam(c, "limit")
		if err != nil {
			g.fail(c, err)
			return
		}
		out, err := svc.Overview(c.Request.Context(), year, limit)
		if err != nil {
			g.fail(c, err)
			return
		}
		c.JSON(http.StatusOK, out)
	}
}

func (g *Gateway) cockpitPrices(svc *cockpit.Service) gin.HandlerFunc {
	return func(c *gin.Context) {
		out, err := svc.Prices(c.Request.Context(), c.Query("from"), c.Query("to"))
		if err != nil {
			g.fail(c, err)
			return
		}
		c.JSON(http.StatusOK, out)
	}
}

// intParam reads an optional integer query parameter (absent: 0).
func intParam(c *gin.Context, name string) (int, error) {
	v := c.Query(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, badRequest(name, "must be an integer", "须为整数")
	}
	return n, nil
}
