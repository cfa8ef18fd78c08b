package gateway

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/validation"
	"zonetrace/indexer/query"
)

// QR image sizes in pixels.
const (
	qrMinSize     = 128
	qrMaxSize     = 1024
	qrDefaultSize = 256
)

type traceCodeView struct {
	TraceCode model.TraceCode     `json:"traceCode"`
	Prefiling query.PrefilingView `json:"prefiling"`
	URI       string              `json:"uri"`
}

func (g *Gateway) routeTraceCodes(api *gin.RouterGroup) {
	r := prefilingRoutes{g: g, svc: g.prefilingService()}
	api.GET("/trace-codes/:code", r.getTraceCode)
	api.GET("/trace-codes/:code/qr.png", r.traceCodeQR)
}

func (r prefilingRoutes) getTraceCode(c *gin.Context) {
	tc, p, err := r.svc.TraceCodeDetail(c.Request.Context(), mustUser(c), c.Param("code"))
	if err != nil {
		r.g.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, traceCodeView{TraceCode: tc, Prefiling: p, URI: r.g.traceURI(tc.Code)})
}

func (r prefilingRoutes) traceCodeQR(c *gin.Context) {
	size, err := qrSize(c)
	if err != nil {
		r.g.fail(c, err)
		return
	}
	tc, err := r.svc.TraceCode(c.Request.Context(), mustUser(c), c.Param("code"))
	if err != nil {
		r.g.fail(c, err)
		return
	}
	r.g.serveQR(c, r.g.traceURI(tc.Code), size)
}

// qrSize reads ?size, the QR image's width in pixels.
func qrSize(c *gin.Context) (int, error) {
	v := c.Query("size")
	if v == "" {
		return qrDefaultSize, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, badRequest("size", "must be an integer", "尺寸须为整数")
	}
	if n < qrMinSize || n > qrMaxSize {
		return 0, validation.Problems{{Field: "size", Message: "must be between 128 and 1024", MessageZh: "尺寸须在128到1024之间"}}
	}
	return n, nil
}
