package gateway

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"

	"zonetrace/gateway/service/epcis"
)

func (g *Gateway) routeEPCIS(api *gin.RouterGroup) {
	api.GET("/trace-codes/:code/epcis", g.traceEPCIS)
}

func (g *Gateway) traceEPCIS(c *gin.Context) {
	svc := &epcis.Service{Reads: g.cfg.Reads, BaseURL: g.cfg.PublicURL}
	doc, err := svc.Export(c.Request.Context(), mustUser(c), c.Param("code"))
	if err != nil {
		g.fail(c, err)
		return
	}
	body, err := json.Marshal(doc)
	if err != nil {
		g.fail(c, fmt.Errorf("encode EPCIS document: %w", err))
		return
	}
	// EPCIS 2.0 serves its JSON-LD as application/ld+json.
	c.Data(http.StatusOK, "application/ld+json; charset=utf-8", body)
}
