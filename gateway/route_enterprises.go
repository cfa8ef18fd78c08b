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
	api.PUT("/enterprises/:id", allow(zoneAdminOnly...), g.idempotent(true), r.update)
	api.POST("/enterprises/:id/disable", allow(zoneAdminOnly...), g.idempotent(true), r.setStatus(model.EnterpriseDisabled))
	api.POST("/enterprises/:id/enable", allow(zoneAdminOnly...), g.idempotent(true), r.setStatus(model.EnterpriseActive))
}

func (r enterpriseRoutes) update(c *gin.Context) {
	var req enterprises.Edit
	if err := decodeJSON(c, &req); err != nil {
		r.g.fail(c, err)
		return
	}
	changed, err := r.svc.Update(c.Request.Context(), writeOf(c).RequestID, c.Param("id"), req)
	r.answerChanged(c, changed, err)
}

func (r enterpriseRoutes) setStatus(status string) gin.HandlerFunc {
	return func(c *gin.Context) {
		if err := decodeOptional(c, &noBody{}); err != nil {
			r.g.fail(c, err)
			return
		}
		changed, err := r.svc.SetStatus(c.Request.Context(), writeOf(c).RequestID, c.Param("id"), status)
		// Also when the answer did not wait for the indexer: the change
		// is then seen at the latest one TTL after it is indexed.
		defer r.g.forgetEnterpriseStatus(c.Param("id"))
		r.answerChanged(c, changed, err)
	}
}

func (r enterpriseRoutes) answerChanged(c *gin.Context, changed enterprises.Changed, err error) {
	recordTx(c, changed.Tx)
	if err != nil {
		r.g.fail(c, err)
		return
	}
	if _, err := r.g.awaitIndexed(c); err != nil {
		r.g.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, changed.Enterprise)
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
