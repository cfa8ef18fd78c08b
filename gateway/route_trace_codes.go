package gateway

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/gin-gonic/gin"
	qrcode "github.com/skip2/go-qrcode"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/accounts"
	"zonetrace/gateway/apierror"
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
	api.GET("/trace-codes/:code", g.getTraceCode)
	api.GET("/trace-codes/:code/qr.png", g.traceCodeQR)
}

// traceURI is the public trace page of a code, the payload of its QR.
func (g *Gateway) traceURI(code string) string {
	return g.cfg.PublicURL + "/t/" + url.PathEscape(code)
}

// visibleTraceCode reads a trace code the user may see; another
// enterprise's code is FORBIDDEN (see visiblePrefiling).
func (g *Gateway) visibleTraceCode(c *gin.Context) (model.TraceCode, error) {
	tc, err := g.cfg.Reads.TraceCode(c.Request.Context(), c.Param("code"))
	if err != nil {
		return model.TraceCode{}, err
	}
	if u := mustUser(c); u.Role == accounts.RoleEnterprise && tc.EnterpriseID != u.EnterpriseID {
		return model.TraceCode{}, apierror.New(apierror.Forbidden)
	}
	return tc, nil
}

func (g *Gateway) getTraceCode(c *gin.Context) {
	tc, err := g.visibleTraceCode(c)
	if err != nil {
		g.fail(c, err)
		return
	}
	p, err := g.cfg.Reads.Prefiling(c.Request.Context(), tc.PrefilingID)
	if err != nil {
		g.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, traceCodeView{TraceCode: tc, Prefiling: p, URI: g.traceURI(tc.Code)})
}

func (g *Gateway) traceCodeQR(c *gin.Context) {
	size := qrDefaultSize
	if v := c.Query("size"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			g.fail(c, badRequest("size", "must be an integer", "尺寸须为整数"))
			return
		}
		if n < qrMinSize || n > qrMaxSize {
			g.fail(c, validation.Problems{{Field: "size", Message: "must be between 128 and 1024", MessageZh: "尺寸须在128到1024之间"}})
			return
		}
		size = n
	}
	tc, err := g.visibleTraceCode(c)
	if err != nil {
		g.fail(c, err)
		return
	}
	png, err := qrcode.Encode(g.traceURI(tc.Code), qrcode.Medium, size)
	if err != nil {
		g.fail(c, err)
		return
	}
	c.Header("Cache-Control", "private, max-age=3600")
	c.Data(http.StatusOK, "image/png", png)
}
