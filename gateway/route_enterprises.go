package gateway

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/service/enterprises"
)

type enterpriseList struct {
	Items []model.Enterprise `json:"items"`
}

// enterpriseRoutes serves enterprises.
type enterpriseRoutes struct {
	g   *Gateway
	svc *enterprises.Service
}

func (g *Gateway) routeEnterprises(api *gin.RouterGroup) {
	r := enterpriseRoutes{g: g, svc: &enterprises.Service{Reads: g.cfg.Reads, Identities: g.identities, Ledger: g.ledgerTx()}}
	api.POST("/enterprises", allow(zoneAdminOnly...), g.idempotent(true), r.register)
	api.GET("/enterprises", allow(supervisors...), r.list)
	api.GET("/enterprises/:id", allow(supervisors...), r.get)
}

func (r enterpriseRoutes) register(c *gin.Context) {
	var req enterprises.Registration
	if err := decodeJSON(c, &req); err != nil {
		r.g.fail(c, err)
		return
	}
	reg, err := r.svc.Register(c.Request.Context(), writeOf(c).RequestID, req)
	recordTx(c, reg.Tx)
	if err != nil {
		r.g.fail(c, err)
		return
	}
	if _, err := r.g.awaitIndexed(c); err != nil {
		r.g.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, reg.Enterprise)
}

func (r enterpriseRoutes) list(c *gin.Context) {
	list, err := r.svc.List(c.Request.Context())
	if err != nil {
		r.g.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, enterpriseList{Items: list})
}

func (r enterpriseRoutes) get(c *gin.Context) {
	d, err := r.svc.Profile(c.Request.Context(), c.Param("id"))
	if err != nil {
		r.g.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, d)
}
