package gateway

import (
	"github.com/gin-gonic/gin"

	"zonetrace/gateway/accounts"
	"zonetrace/gateway/docdrafts"
)

// APIPrefix is where the JSON API lives.
const APIPrefix = "/api/v1"

var (
	customs        = []accounts.Role{accounts.RoleCustomsOfficer, accounts.RoleCustomsAdmin}
	enterpriseOnly = []accounts.Role{accounts.RoleEnterprise}
	zoneAdminOnly  = []accounts.Role{accounts.RoleZoneAdmin}
	supervisors    = []accounts.Role{accounts.RoleZoneAdmin, accounts.RoleCustomsOfficer, accounts.RoleCustomsAdmin, accounts.RoleAuditor}
	fileUploaders  = []accounts.Role{accounts.RoleEnterprise, accounts.RoleCustomsOfficer, accounts.RoleCustomsAdmin, accounts.RoleZoneAdmin}
)

func (g *Gateway) routes() *gin.Engine {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.ContextWithFallback = true
	r.Use(g.recordOperation, g.recoverPanics, g.observe, securityHeaders, g.refuseBadText, g.limitBody)

	g.routeOps(r)
	api := r.Group(APIPrefix)
	g.routeOpenAPI(api)
	g.routeAuth(api)
	g.routePublic(r, api)
	authed := api.Group("", g.authenticate)
	g.routeEnterprises(authed)
	g.routeUsers(authed)
	g.routePrefilingDrafts(authed)
	g.routePrefilings(authed)
	g.routeTraceCodes(authed)
	g.routeEPCIS(authed)
	g.routeMaterials(authed)
	g.routeTraces(authed)
	g.routeLookups(authed)
	g.routeAttachments(authed)
	g.routeOCR(authed)
	documents := g.documentService(docdrafts.New(g.cfg.Pool, docdrafts.WithSealer(g.cfg.Sealer)))
	g.routeDocumentDrafts(authed, documents)
	g.routeDocuments(authed, documents)
	g.routeTransfers(authed, documents)
	books := g.accountingService()
	g.routeBalances(authed, books)
	g.routeAccounting(authed, books)
	rs := g.receiptStores()
	g.routeReceipts(authed, rs.receipts)
	g.routeWorkQueue(authed, rs.receipts)
	g.routeExports(authed, documents)
	g.routeWebhook(authed, rs.receipts)
	g.routeExternalReceipts(authed, rs.inbox)
	g.routeCustomsMessages(authed)
	g.routeAudit(authed, g.audit)
	g.routeOperationLog(authed)
	g.routeNotifications(authed)
	g.routeRules(authed)
	g.routeAlerts(authed)
	g.routeGates(api, authed)
	g.routeWarehouses(authed)
	g.routeCockpit(authed)
	g.routeBasicData(authed)
	g.routeExporters(authed)
	r.NoRoute(g.serveWeb)
	return r
}
