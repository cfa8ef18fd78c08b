package gateway

import (
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/openapi"
	"zonetrace/gateway/service/traces"
	"zonetrace/gateway/validation"
	"zonetrace/indexer/query"
)

func (g *Gateway) routeTraces(api *gin.RouterGroup) {
	svc := &traces.Service{Reads: g.cfg.Reads}
	api.GET("/trace-codes/:code/history", func(c *gin.Context) {
		h, err := svc.History(c.Request.Context(), mustUser(c), c.Param("code"), traces.View(c.Query("view")))
		if err != nil {
			g.fail(c, err)
			return
		}
		c.JSON(http.StatusOK, h)
	})
	api.GET("/traces", func(c *gin.Context) {
		f, err := traceFilter(c)
		if err != nil {
			g.fail(c, err)
			return
		}
		page, err := svc.Search(c.Request.Context(), mustUser(c), f)
		if err != nil {
			g.fail(c, err)
			return
		}
		c.JSON(http.StatusOK, page)
	})
}

// traceFilter reads the trace views' query parameters (traceQuery).
func traceFilter(c *gin.Context) (query.TraceFilter, error) {
	f := query.TraceFilter{Producer: c.Query("producer"), Grade: c.Query("grade"), Region: c.Query("region"),
		Origin: c.Query("origin"), Quarantine: model.QuarantineResult(c.Query("quarantine")), MaterialNo: c.Query("materialNo"),
		Tag: c.Query("tag"), DocumentID: c.Query("documentId"), VehiclePlate: c.Query("vehiclePlate"),
		MovementKind: model.MovementKind(c.Query("kind"))}
	var p validation.Problems
	flag := func(name string) bool {
		switch c.Query(name) {
		case "", "false":
			return false
		case "true":
			return true
		}
		p.Add(name, "must be true or false", "须为true或false")
		return false
	}
	f.HighValue, f.HighRisk = flag("highValue"), flag("highRisk")
	count := func(name string) int64 {
		v := c.Query(name)
		if v == "" {
			return 0
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			p.Add(name, "must be a non-negative integer", "须为非负整数")
		}
		return n
	}
	f.NearExpiryDays = int(min(count("nearExpiryDays"), model.MaxShelfLifeDays))
	f.MinPriceFen, f.MaxPriceFen = count("minPriceFen"), count("maxPriceFen")
	at := func(name string) time.Time {
		v := c.Query(name)
		if v == "" {
			return time.Time{}
		}
		if t, err := time.Parse(time.RFC3339, v); err == nil {
			return t
		}
		t, err := time.ParseInLocation(time.DateOnly, v, model.ZoneTime)
		if err != nil {
			p.Add(name, "must be a date (YYYY-MM-DD) or an RFC 3339 time", "须为日期（YYYY-MM-DD）或RFC 3339时间")
		}
		return t
	}
	f.Since, f.Until = at("since"), at("until")
	if err := p.Err(); err != nil {
		return f, err
	}
	var err error
	f.Page, f.PageSize, err = pageParams(c)
	return f, err
}

// traceQuery are the trace views' filters.
func traceQuery() []openapi.Param {
	return []openapi.Param{
		{Name: "producer", Type: "string", Description: "producer / exporter, case-insensitive substring"},
		{Name: "grade", Type: "string"}, {Name: "region", Type: "string", Description: "planting region, substring"},
		{Name: "origin", Type: "string", Description: "ISO 3166-1 alpha-2"},
		{Name: "quarantine", Type: "string", Enum: []string{"pending", "qualified", "unqualified"}},
		{Name: "materialNo", Type: "string", Description: "料号 of the prefiling or of a document line"},
		{Name: "tag", Type: "string"}, {Name: "documentId", Type: "string"}, {Name: "vehiclePlate", Type: "string"},
		{Name: "kind", Type: "string", Description: "a movement kind the batch had", Enum: []string{"zone_entry", "zone_exit", "transfer", "conversion", "reversal"}},
		{Name: "highValue", Type: "boolean", Description: "a document of the batch tagged HIGH_VALUE"},
		{Name: "highRisk", Type: "boolean", Description: "a risk tag on a document of the batch, or quarantine unqualified"},
		{Name: "nearExpiryDays", Type: "integer", Description: "production date + shelf life before today + this many days (expired included)"},
		{Name: "minPriceFen", Type: "integer", Description: "average price per kg, fen (enterprises: their own batches only)"},
		{Name: "maxPriceFen", Type: "integer"},
		{Name: "since", Type: "string", Description: "a movement at or after (YYYY-MM-DD in UTC+8, or RFC 3339)"},
		{Name: "until", Type: "string", Description: "a movement before"},
	}
}
