package gateway

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"zonetrace/gateway/service/lookups"
)

type counterpartyList struct {
	Items []lookups.Counterparty `json:"items"`
}

// lookupRoutes serves what a clerk looks up while filling a draft.
type lookupRoutes struct {
	g   *Gateway
	svc *lookups.Service
}

func (g *Gateway) routeLookups(api *gin.RouterGroup) {
	r := lookupRoutes{g: g, svc: &lookups.Service{Reads: g.cfg.Reads}}
	api.GET("/trace-codes/:code/line-defaults", r.lineDefaults)
	api.GET("/counterparties", r.counterparties)
}

func (r lookupRoutes) lineDefaults(c *gin.Context) {
	d, err := r.svc.LineDefaults(c.Request.Context(), mustUser(c), c.Param("code"))
	if err != nil {
		r.g.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, d)
}

func (r lookupRoutes) counterparties(c *gin.Context) {
	items, err := r.svc.Counterparties(c.Request.Context(), mustUser(c), c.Query("q"))
	if err != nil {
		r.g.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, counterpartyList{Items: items})
}
