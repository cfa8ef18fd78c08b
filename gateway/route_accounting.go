package gateway

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/service/accounting"
	"zonetrace/indexer"
	"zonetrace/indexer/query"
)

type periodList struct {
	Items []model.AccountPeriod `json:"items"`
}

// accountRoutes serves the accounts (核算) under /accounts.
type accountRoutes struct {
	g   *Gateway
	svc *accounting.Service
}

// accountingService is the accounts on the gateway's read model and ledger.
func (g *Gateway) accountingService() *accounting.Service {
	return &accounting.Service{Reads: g.cfg.Reads, Signers: g.identities, Ledger: g.ledgerTx(), CatchUp: g.cfg.WaitTimeout}
}

func (g *Gateway) routeAccounting(api *gin.RouterGroup, svc *accounting.Service) {
	r := accountRoutes{g: g, svc: svc}
	a := api.Group("/accounts")
	a.GET("/movements", r.movements)
	a.GET("/movements/export.xlsx", r.exportMovements(excelReport))
	a.GET("/movements/export.pdf", r.exportMovements(g.pdfReport))
	a.GET("/stock", r.stock(""))
	a.GET("/stock/export.xlsx", r.exportStock(excelReport))
	a.GET("/stock/export.pdf", r.exportStock(g.pdfReport))
	a.GET("/pass-through", r.stock(query.GroupTrace))
	a.GET("/periods", r.periods)
	a.POST("/periods", allow(enterpriseOnly...), g.idempotent(true), r.define)
	a.GET("/periods/:enterpriseId/:periodId/figures", r.figures)
	a.GET("/periods/:enterpriseId/:periodId/figures.xlsx", r.exportFigures(excelReport))
	a.GET("/periods/:enterpriseId/:periodId/figures.pdf", r.exportFigures(g.pdfReport))
	a.GET("/periods/:enterpriseId/:periodId/verification", r.verify)
	a.POST("/periods/:enterpriseId/:periodId/close", allow(enterpriseOnly...), g.idempotent(true), r.close)
}

// accountKeys reads the keys every account is queried by.
func accountKeys(c *gin.Context) (query.AccountKeys, error) {
	k := query.AccountKeys{EnterpriseID: c.Query("enterpriseId"), TraceCode: c.Query("traceCode"),
		MaterialNo: c.Query("materialNo"), ChecklistNo: c.Query("checklistNo"), VehiclePlate: c.Query("vehiclePlate")}
	switch v := c.Query("bonded"); v {
	case "":
	case "true", "false":
		b := v == "true"
		k.Bonded = &b
	default:
		return k, badRequest("bonded", "must be true or false", "须为true或false")
	}
	return k, nil
}

func limitParam(c *gin.Context) (int, error) {
	v := c.Query("limit")
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return 0, badRequest("limit", "must be a positive integer", "须为正整数")
	}
	return n, nil
}

// dayParam reads a day (YYYY-MM-DD, China Standard Time) as the instant
// it starts; next moves it to the start of the following day, for an
// inclusive last day.
func dayParam(c *gin.Context, name string, next bool) (time.Time, error) {
	v := c.Query(name)
	if v == "" {
		return time.Time{}, nil
	}
	start, end, err := model.PeriodBounds(v, v)
	if err != nil {
		return time.Time{}, badRequest(name, "must be a day YYYY-MM-DD", "须为“年-月-日”格式的日期")
	}
	if next {
		return end, nil
	}
	return start, nil
}

// movementFilter reads the drill-down's filters.
func movementFilter(c *gin.Context) (query.AccountMovementFilter, error) {
	f := query.AccountMovementFilter{After: c.Query("after")}
	var err error
	if f.AccountKeys, err = accountKeys(c); err == nil {
		if f.Limit, err = limitParam(c); err == nil {
			if f.Since, err = dayParam(c, "from", false); err == nil {
				f.Until, err = dayParam(c, "to", true)
			}
		}
	}
	if err != nil {
		return f, err
	}
	if v := c.Query("flow"); v != "" {
		for _, name := range strings.Split(v, ",") {
			flow, err := query.ParseFlow(name)
			if err != nil {
				return f, badRequest("flow", "unknown flow "+name, "未知的核算类别 "+name)
			}
			f.Flows = append(f.Flows, flow)
		}
	}
	return f, nil
}

func (r accountRoutes) movements(c *gin.Context) {
	f, err := movementFilter(c)
	if err != nil {
		r.g.fail(c, err)
		return
	}
	page, err := r.svc.Movements(c.Request.Context(), mustUser(c), f)
	if err != nil {
		r.g.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, page)
}

// stock serves a stock report; group, when set, fixes the grouping.
func (r accountRoutes) stock(group query.StockGroup) gin.HandlerFunc {
	return func(c *gin.Context) {
		f, err := stockFilter(c, group)
		if err != nil {
			r.g.fail(c, err)
			return
		}
		page, err := r.svc.Stock(c.Request.Context(), mustUser(c), f)
		if err != nil {
			r.g.fail(c, err)
			return
		}
		c.JSON(http.StatusOK, page)
	}
}

// stockFilter reads a stock report's filters; group, when set, fixes the
// grouping.
func stockFilter(c *gin.Context, group query.StockGroup) (query.StockFilter, error) {
	f := query.StockFilter{GroupBy: group, After: c.Query("after"), InStock: c.Query("inStock") == "true"}
	if group == "" {
		f.GroupBy = query.StockGroup(c.Query("groupBy"))
	}
	var err error
	if f.AccountKeys, err = accountKeys(c); err == nil {
		if f.Limit, err = limitParam(c); err == nil {
			f.AsOf, err = dayParam(c, "asOf", true)
		}
	}
	return f, err
}

func (r accountRoutes) periods(c *gin.Context) {
	items, err := r.svc.Periods(c.Request.Context(), mustUser(c), c.Query("enterpriseId"))
	if err != nil {
		r.g.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, periodList{Items: items})
}

func (r accountRoutes) define(c *gin.Context) {
	var req accounting.PeriodDefinition
	if err := decodeJSON(c, &req); err != nil {
		r.g.fail(c, err)
		return
	}
	changed, err := r.svc.DefinePeriod(c.Request.Context(), writeOf(c), req)
	recordTx(c, changed.Tx)
	if err != nil {
		r.g.fail(c, err)
		return
	}
	if _, err := r.g.awaitIndexed(c); err != nil {
		r.g.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, changed.Period)
}

func (r accountRoutes) close(c *gin.Context) {
	if err := decodeOptional(c, &noBody{}); err != nil {
		r.g.fail(c, err)
		return
	}
	closing, tx, err := r.svc.ClosePeriod(c.Request.Context(), writeOf(c), c.Param("enterpriseId"), c.Param("periodId"))
	recordTx(c, tx)
	if err != nil {
		r.g.fail(c, err)
		return
	}
	if _, err := r.g.awaitIndexed(c); err != nil {
		r.g.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, closing)
}

func (r accountRoutes) figures(c *gin.Context) {
	f, err := r.svc.Figures(c.Request.Context(), mustUser(c), c.Param("enterpriseId"), c.Param("periodId"))
	if err != nil {
		r.g.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, f)
}

func (r accountRoutes) verify(c *gin.Context) {
	check, err := r.svc.Verify(c.Request.Context(), mustUser(c), c.Param("enterpriseId"), c.Param("periodId"))
	if err != nil {
		r.g.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, check)
}

// flowNames lists the flows of the accounts, for the API description.
func flowNames() []string {
	return []string{string(indexer.FlowEntry), string(indexer.FlowExit), string(indexer.FlowTransferIn),
		string(indexer.FlowTransferOut), string(indexer.FlowConversionIn), string(indexer.FlowConversionOut)}
}
