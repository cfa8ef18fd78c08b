package gateway

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/gin-gonic/gin"
	qrcode "github.com/skip2/go-qrcode"

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

// traceURI is the public trace page of a code, the payload of its QR.
func (g *Gateway) traceURI(code string) string {
	return g.cfg.PublicURL + "/t/" + url.PathEscape(code)
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
	size := qrDefaultSize
	if v := c.Query("size"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			r.g.fail(c, badRequest("size", "must be an integer", "尺寸须为整数"))
			return
		}
		if n < qrMinSize || n > qrMaxSize {
			r.g.fail(c, validation.Problems{{Field: "size", Message: "must be between 128 and 1024", MessageZh: "尺寸须在128到1024之间"}})
			return
		}
		size = n
	}
	tc, err := r.svc.TraceCode(c.Request.Context(), mustUser(c), c.Param("code"))
	if err != nil {
		r.g.fail(c, err)
		return
	}
	png, err := qrcode.Encode(r.g.traceURI(tc.Code), qrcode.Medium, size)
	if err != nil {
		r.g.fail(c, err)
		return
	}
	c.Header("Cache-Control", "private, max-age=3600")
	c.Data(http.StatusOK, "image/png", png)
}
