package gateway

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"zonetrace/gateway/accounts"
	"zonetrace/gateway/service/rules"
)

// ruleReaders read customs' rule configuration; customs_admin writes it.
var (
	ruleReaders      = []accounts.Role{accounts.RoleCustomsOfficer, accounts.RoleCustomsAdmin, accounts.RoleZoneAdmin}
	customsAdminOnly = []accounts.Role{accounts.RoleCustomsAdmin}
)

type ruleRoutes struct {
	g   *Gateway
	svc *rules.Service
}

func (g *Gateway) routeRules(api *gin.RouterGroup) {
	r := ruleRoutes{g: g, svc: &rules.Service{Reads: g.cfg.Reads, Signers: g.identities, Ledger: g.ledgerTx()}}
	p := api.Group("/rules")
	p.GET("/config", allow(ruleReaders...), r.config)
	p.PUT("/config", allow(customsAdminOnly...), g.idempotent(true), r.put)
	p.GET("/versions", allow(ruleReaders...), r.versions)
	p.POST("/dry-run", allow(customs...), r.dryRun)
	p.GET("/models", allow(ruleReaders...), r.models)
	api.GET("/tags", r.tags)
}

func (r ruleRoutes) models(c *gin.Context) {
	c.JSON(http.StatusOK, modelSpecList{Items: r.svc.Models()})
}

// tags is open to every logged-in role: everyone renders tags.
func (r ruleRoutes) tags(c *gin.Context) {
	cat, err := r.svc.Tags(c.Request.Context())
	if err != nil {
		r.g.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, cat)
}

func (r ruleRoutes) config(c *gin.Context) {
	cfg, err := r.svc.Config(c.Request.Context(), mustUser(c), c.Query("version"))
	if err != nil {
		r.g.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, cfg)
}

func (r ruleRoutes) put(c *gin.Context) {
	var req rules.Update
	if err := decodeJSON(c, &req); err != nil {
		r.g.fail(c, err)
		return
	}
	cfg, tx, err := r.svc.Put(c.Request.Context(), writeOf(c), req)
	recordTx(c, tx)
	if err == nil {
		_, err = r.g.awaitIndexed(c)
	}
	if err != nil {
		r.g.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, cfg)
}

func (r ruleRoutes) versions(c *gin.Context) {
	before, err := intQuery(c, "before", 0)
	if err != nil {
		r.g.fail(c, err)
		return
	}
	limit, err := intQuery(c, "limit", 20)
	if err != nil {
		r.g.fail(c, err)
		return
	}
	list, err := r.svc.Versions(c.Request.Context(), mustUser(c), before, limit)
	if err != nil {
		r.g.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, ruleVersionList{Items: list})
}

func (r ruleRoutes) dryRun(c *gin.Context) {
	var req rules.DryRun
	if err := decodeJSON(c, &req); err != nil {
		r.g.fail(c, err)
		return
	}
	result, err := r.svc.DryRun(c.Request.Context(), mustUser(c), req)
	if err != nil {
		r.g.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, result)
}

// intQuery reads an optional integer query parameter.
func intQuery(c *gin.Context, name string, fallback int) (int, error) {
	v := c.Query(name)
	if v == "" {
		return fallback, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, badRequest(name, "must be an integer", "须为整数")
	}
	return n, nil
}
