package gateway

import (
	"bytes"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/accounts"
	"zonetrace/gateway/openapi"
	"zonetrace/gateway/warehouse"
)

// warehouseReaders see the warehouse records: operators their own, customs
// and the zone administration everyone's. Writes are the operators' own.
var warehouseReaders = []accounts.Role{accounts.RoleEnterprise, accounts.RoleCustomsOfficer, accounts.RoleCustomsAdmin,
	accounts.RoleZoneAdmin}

type warehouseRoutes struct {
	g   *Gateway
	svc *warehouse.Service
}

func (g *Gateway) routeWarehouses(api *gin.RouterGroup) {
	r := warehouseRoutes{g: g, svc: warehouse.New(g.cfg.Pool, g.cfg.Reads)}
	w := api.Group("/warehouse", allow(warehouseReaders...))
	operators := allow(enterpriseOnly...)
	w.POST("/records", operators, r.feed)
	w.POST("/records/import", operators, r.importFile)
	w.GET("/records/template.xlsx", r.template)
	w.GET("/records", r.records)
	w.GET("/stock", r.stock)
	w.GET("/skus", r.skus)
	w.PUT("/skus", operators, r.setSKUs)
	w.GET("/locations", r.locations)
	w.POST("/locations", operators, r.createLocation)
	w.POST("/locations/:code/changes", operators, r.changeLocation)
	w.GET("/locations/:code/history", r.locationHistory)
	w.POST("/reconciliations", r.reconcile)
	w.GET("/reconciliations", r.runs)
	w.GET("/reconciliations/:id", r.run)
	w.GET("/reconciliations/:id/export.xlsx", r.export)
}

// FeedRequest is a batch of WMS/ERP records.
type FeedRequest struct {
	Records []model.WarehouseRecord `json:"records"`
}

func (r warehouseRoutes) feed(c *gin.Context) {
	var req FeedRequest
	if err := decodeJSON(c, &req); err != nil {
		r.g.fail(c, err)
		return
	}
	out, err := r.svc.Feed(c.Request.Context(), mustUser(c), req.Records)
	if err != nil {
		r.g.fail(c, err)
		return
	}
	noteRows(c, out.Kept)
	c.JSON(http.StatusOK, out)
}

func (r warehouseRoutes) importFile(c *gin.Context) {
	file, fh, err := uploadedFile(c, ".xlsx or .csv file", "Excel或CSV文件")
	if err != nil {
		r.g.fail(c, err)
		return
	}
	defer file.Close()
	out, err := r.svc.Import(c.Request.Context(), mustUser(c), fh.Filename, file)
	if err != nil {
		r.g.fail(c, err)
		return
	}
	noteRows(c, out.Kept)
	c.JSON(http.StatusOK, out)
}

func (r warehouseRoutes) template(c *gin.Context) {
	var buf bytes.Buffer
	if err := warehouse.WriteTemplate(&buf); err != nil {
		r.g.fail(c, err)
		return
	}
	sendWorkbook(c, "仓储记录导入模板.xlsx", buf.Bytes())
}

func warehouseFilter(c *gin.Context) warehouse.StockFilter {
	return warehouse.StockFilter{EnterpriseID: c.Query("enterpriseId"), Location: c.Query("location"), TraceCode: c.Query("traceCode")}
}

func (r warehouseRoutes) stock(c *gin.Context) {
	out, err := r.svc.Stock(c.Request.Context(), mustUser(c), warehouseFilter(c))
	if err != nil {
		r.g.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, out)
}

func (r warehouseRoutes) records(c *gin.Context) {
	page, size, err := pageParams(c)
	if err != nil {
		r.g.fail(c, err)
		return
	}
	out, err := r.svc.Records(c.Request.Context(), mustUser(c), warehouseFilter(c), page, size)
	if err != nil {
		r.g.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, out)
}

// SKURequest maps SKUs to trace codes.
type SKURequest struct {
	Items []model.SKUMapping `json:"items"`
}

type skuList struct {
	Items []warehouse.SKU `json:"items"`
}

func (r warehouseRoutes) skus(c *gin.Context) {
	items, err := r.svc.SKUs(c.Request.Context(), mustUser(c), c.Query("enterpriseId"))
	if err != nil {
		r.g.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, skuList{Items: items})
}

func (r warehouseRoutes) setSKUs(c *gin.Context) {
	var req SKURequest
	if err := decodeJSON(c, &req); err != nil {
		r.g.fail(c, err)
		return
	}
	n, err := r.svc.SetSKUs(c.Request.Context(), mustUser(c), req.Items)
	if err != nil {
		r.g.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"saved": n})
}

type locationList struct {
	Items []warehouse.Location `json:"items"`
}

type locationVersionList struct {
	Items []warehouse.LocationVersion `json:"items"`
}

func (r warehouseRoutes) locations(c *gin.Context) {
	items, err := r.svc.Locations(c.Request.Context(), mustUser(c), c.Query("enterpriseId"))
	if err != nil {
		r.g.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, locationList{Items: items})
}

func (r warehouseRoutes) createLocation(c *gin.Context) {
	var req model.NewLocation
	if err := decodeJSON(c, &req); err != nil {
		r.g.fail(c, err)
		return
	}
	l, err := r.svc.CreateLocation(c.Request.Context(), mustUser(c), req)
	if err != nil {
		r.g.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, l)
}

func (r warehouseRoutes) changeLocation(c *gin.Context) {
	var req model.LocationChange
	if err := decodeJSON(c, &req); err != nil {
		r.g.fail(c, err)
		return
	}
	l, err := r.svc.ChangeLocation(c.Request.Context(), mustUser(c), c.Param("code"), req)
	if err != nil {
		r.g.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, l)
}

func (r warehouseRoutes) locationHistory(c *gin.Context) {
	items, err := r.svc.LocationHistory(c.Request.Context(), mustUser(c), c.Query("enterpriseId"), c.Param("code"))
	if err != nil {
		r.g.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, locationVersionList{Items: items})
}

// ReconcileRequest starts a reconciliation; enterprises reconcile their
// own, others name the warehouse operator.
type ReconcileRequest struct {
	EnterpriseID string `json:"enterpriseId"`
}

func (r warehouseRoutes) reconcile(c *gin.Context) {
	var req ReconcileRequest
	if err := decodeJSON(c, &req); err != nil {
		r.g.fail(c, err)
		return
	}
	health, err := r.g.cfg.Reads.IndexerHealth(c.Request.Context())
	if err != nil {
		r.g.fail(c, err)
		return
	}
	run, err := r.svc.Reconcile(c.Request.Context(), mustUser(c), req.EnterpriseID, health.IndexedHeight)
	if err != nil {
		r.g.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, run)
}

func (r warehouseRoutes) runs(c *gin.Context) {
	page, size, err := pageParams(c)
	if err != nil {
		r.g.fail(c, err)
		return
	}
	out, err := r.svc.Runs(c.Request.Context(), mustUser(c), c.Query("enterpriseId"), page, size)
	if err != nil {
		r.g.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, out)
}

func (r warehouseRoutes) runID(c *gin.Context) (int64, bool) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		r.g.fail(c, badRequest("id", "reconciliation id must be an integer", "对账编号须为整数"))
		return 0, false
	}
	return id, true
}

func (r warehouseRoutes) run(c *gin.Context) {
	id, ok := r.runID(c)
	if !ok {
		return
	}
	page, size, err := pageParams(c)
	if err != nil {
		r.g.fail(c, err)
		return
	}
	kind := c.Query("kind")
	if kind != "" && !slices.Contains(model.ReconDiffKinds, kind) {
		r.g.fail(c, badRequest("kind", "unknown difference kind", "差异类型无效"))
		return
	}
	out, err := r.svc.RunDifferences(c.Request.Context(), mustUser(c), id, kind, page, size)
	if err != nil {
		r.g.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, out)
}

func (r warehouseRoutes) export(c *gin.Context) {
	id, ok := r.runID(c)
	if !ok {
		return
	}
	rep, rows, err := r.svc.RunReport(c.Request.Context(), mustUser(c), id, time.Now())
	if err != nil {
		r.g.fail(c, err)
		return
	}
	r.g.sendReport(c, excelReport, rep, rows, "仓储对账", "仓储对账-"+c.Param("id"))
}

func warehouseOperations() []openapi.Operation {
	const v1 = APIPrefix + "/warehouse"
	ent := []openapi.Param{{Name: "enterpriseId", Type: "string", Description: "the warehouse operator (customs, zone_admin; ignored for enterprises)"}}
	stockQuery := append(slices.Clone(ent), openapi.Param{Name: "location", Type: "string", Description: "a location code: it and every location within it"},
		openapi.Param{Name: "traceCode", Type: "string"})
	return []openapi.Operation{
		{Method: "POST", Path: v1 + "/records", Tag: "warehouse", Summary: "Feed WMS/ERP records of one's warehouse operator (in, out, stocktake; at most 5000), all or nothing; idempotent by recordId, a changed resend is refused 409 WAREHOUSE_RECORD_CHANGED", Request: FeedRequest{Records: []model.WarehouseRecord{{}}}, Status: 200, Response: warehouse.FeedResult{}},
		{Method: "POST", Path: v1 + "/records/import", Tag: "warehouse", Summary: "Import WMS/ERP records from an .xlsx (first sheet) or .csv file (UTF-8 or GBK) with the columns 记录编号 类型 溯源码 商品货号 库位 件数 重量（克） 时间; a bad row refuses the whole file (422, problems per row as rows[n], n = the row number less one)", Multipart: true, Status: 200, Response: warehouse.FeedResult{}},
		{Method: "GET", Path: v1 + "/records/template.xlsx", Tag: "warehouse", Summary: "The import template: the columns in order and a sample row of each kind", Status: 200, Content: xlsxType},
		{Method: "GET", Path: v1 + "/records", Tag: "warehouse", Summary: "An operator's kept records, newest first, at a location (and the locations within it) or of a trace code", Query: append(slices.Clone(stockQuery), pageQuery...), Status: 200, Response: warehouse.KeptRecordPage{Items: []warehouse.KeptRecord{{}}}},
		{Method: "GET", Path: v1 + "/stock", Tag: "warehouse", Summary: "The WMS stock by trace code and location (latest stocktake plus in/out since), non-zero only, at most 2000 rows (truncated says more matched)", Query: stockQuery, Status: 200, Response: warehouse.LocationStockAnswer{Items: []warehouse.LocationStock{{}}}},
		{Method: "GET", Path: v1 + "/skus", Tag: "warehouse", Summary: "An operator's SKU → trace code mappings", Query: ent, Status: 200, Response: skuList{Items: []warehouse.SKU{{}}}},
		{Method: "PUT", Path: v1 + "/skus", Tag: "warehouse", Summary: "Map SKUs of one's warehouse operator to trace codes (replaces earlier mappings of the same SKUs)", Request: SKURequest{Items: []model.SKUMapping{{}}}, Status: 200, Response: map[string]int{"saved": 0}},
		{Method: "GET", Path: v1 + "/locations", Tag: "warehouse", Summary: "An operator's storage locations (area → warehouse → shelf → bin), each after its parent", Query: ent, Status: 200, Response: locationList{Items: []warehouse.Location{{}}}},
		{Method: "POST", Path: v1 + "/locations", Tag: "warehouse", Summary: "Create a storage location of one's warehouse operator (version 1)", Request: model.NewLocation{}, Status: 201, Response: warehouse.Location{}},
		{Method: "POST", Path: v1 + "/locations/{code}/changes", Tag: "warehouse", Summary: "Rename, move, disable, enable or change the attributes of a location, kept as a new version", Request: model.LocationChange{}, Status: 200, Response: warehouse.Location{}},
		{Method: "GET", Path: v1 + "/locations/{code}/history", Tag: "warehouse", Summary: "Every version of a location, newest first, with who and when", Query: ent, Status: 200, Response: locationVersionList{Items: []warehouse.LocationVersion{{}}}},
		{Method: "POST", Path: v1 + "/reconciliations", Tag: "warehouse", Summary: "Reconcile an operator's WMS stock (latest stocktake plus in/out since, per trace code) with the ledger's balances, and keep the run with its differences", Request: ReconcileRequest{}, Status: 201, Response: warehouse.ReconRun{}},
		{Method: "GET", Path: v1 + "/reconciliations", Tag: "warehouse", Summary: "Reconciliation runs, newest first (enterprises: their own)", Query: append(ent, pageQuery...), Status: 200, Response: warehouse.ReconRunPage{Items: []warehouse.ReconRun{{}}}},
		{Method: "GET", Path: v1 + "/reconciliations/{id}", Tag: "warehouse", Summary: "A run with a page of its differences (missing_in_wms, missing_on_ledger, weight_differs)", Query: append([]openapi.Param{{Name: "kind", Type: "string", Enum: model.ReconDiffKinds}}, pageQuery...), Status: 200, Response: warehouse.ReconRunDetail{Differences: []warehouse.Difference{{}}}},
		{Method: "GET", Path: v1 + "/reconciliations/{id}/export.xlsx", Tag: "warehouse", Summary: "Excel of a run's differences (kg; at most 5000)", Status: 200, Content: xlsxType},
	}
}
