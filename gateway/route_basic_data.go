package gateway

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"zonetrace/gateway/basicdata"
	"zonetrace/gateway/openapi"
)

// BasicData is the basic data of the trade platform (gateway/basicdata),
// for the node's job queue.
func (g *Gateway) BasicData() *basicdata.Service { return g.basicData }

// Basic data: every role queries it (an enterprise its own records and the
// whole tariff); the zone administration runs syncs, and it, customs and
// auditors read the sync log.
func (g *Gateway) routeBasicData(api *gin.RouterGroup) {
	b := api.Group("/basic-data")
	b.GET("/sets/:dataset", g.listBasicData)
	b.GET("/syncs", allow(supervisors...), g.listBasicDataSyncs)
	b.GET("/syncs/:id", allow(supervisors...), g.getBasicDataSync)
	b.POST("/syncs", allow(zoneAdminOnly...), g.syncBasicDataNow)
}

// basicDataSyncList is the sync log with whether a connector is configured.
type basicDataSyncList struct {
	basicdata.SyncPage
	Configured bool `json:"configured"`
}

func basicDataOperations() []openapi.Operation {
	const v1 = APIPrefix
	page := []openapi.Param{{Name: "page", Type: "integer", Description: "from 1"},
		{Name: "pageSize", Type: "integer", Description: "1-200, default 20"}}
	return []openapi.Operation{
		{Method: "GET", Path: v1 + "/basic-data/sets/{dataset}", Tag: "basic data",
			Summary: "A data set of the trade platform (suppliers, enterprises, hs_codes, account_books, declarations) by key; enterprises see their own records and every HS code; 404 BASIC_DATA_SET_UNKNOWN",
			Query: append([]openapi.Param{{Name: "q", Type: "string", Description: "key or any value contains"},
				{Name: "enterpriseId", Type: "string", Description: "one enterprise's records (ignored for enterprises)"},
				{Name: "removed", Type: "boolean", Description: "include records the platform no longer delivers"}}, page...),
			Status: 200, Response: basicdata.RecordPage{Items: []basicdata.DataRecord{{}}}},
		{Method: "GET", Path: v1 + "/basic-data/syncs", Tag: "basic data",
			Summary: "The sync log, newest first, with counts per data set and the fate of every delivery; configured says whether a connector is set (supervisors)",
			Query:   page, Status: 200, Response: basicDataSyncList{SyncPage: basicdata.SyncPage{Items: []basicdata.Sync{{Deliveries: []basicdata.DeliveryOutcome{{}}}}}}},
		{Method: "GET", Path: v1 + "/basic-data/syncs/{id}", Tag: "basic data",
			Summary: "One sync with its progress (supervisors); 404 BASIC_DATA_SYNC_NOT_FOUND", Status: 200,
			Response: basicdata.Sync{Deliveries: []basicdata.DeliveryOutcome{{}}}},
		{Method: "POST", Path: v1 + "/basic-data/syncs", Tag: "basic data",
			Summary: "Sync now (zone_admin): 202 with the queued sync, or the sync already queued or running; 409 BASIC_DATA_NOT_CONFIGURED without a connector",
			Status:  202, Response: basicdata.Sync{}},
	}
}

func (g *Gateway) listBasicData(c *gin.Context) {
	page, size, err := pageParams(c)
	if err != nil {
		g.fail(c, err)
		return
	}
	removed, err := boolQuery(c, "removed")
	if err != nil {
		g.fail(c, err)
		return
	}
	f := basicdata.Filter{Q: c.Query("q"), EnterpriseID: c.Query("enterpriseId"), Removed: removed}
	out, err := g.basicData.List(c.Request.Context(), mustUser(c), c.Param("dataset"), f, page, size)
	if err != nil {
		g.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, out)
}

func (g *Gateway) listBasicDataSyncs(c *gin.Context) {
	page, size, err := pageParams(c)
	if err != nil {
		g.fail(c, err)
		return
	}
	out, err := g.basicData.Syncs(c.Request.Context(), page, size)
	if err != nil {
		g.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, basicDataSyncList{SyncPage: out, Configured: g.basicData.Configured()})
}

func (g *Gateway) getBasicDataSync(c *gin.Context) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		g.fail(c, badRequest("id", "must be a sync number", "同步记录编号须为整数"))
		return
	}
	out, err := g.basicData.Sync(c.Request.Context(), id)
	if err != nil {
		g.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, out)
}

func (g *Gateway) syncBasicDataNow(c *gin.Context) {
	out, _, err := g.basicData.SyncNow(c.Request.Context(), mustUser(c).Username)
	if err != nil {
		g.fail(c, err)
		return
	}
	noteObject(c, strconv.FormatInt(out.ID, 10))
	c.JSON(http.StatusAccepted, out)
}
