package gateway

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"zonetrace/chaincode/tracecode"
	"zonetrace/gateway/apierror"
	"zonetrace/gateway/publicpage"
	"zonetrace/gateway/service/publictrace"
)

// publicCacheControl lets phones and shared caches keep a public trace for
// five minutes: a batch moves a few times a month, and a scan repeated in
// the shop is then answered without a request, or with a 304 once stale.
const publicCacheControl = "public, max-age=300"

// routePublic serves the anonymous trace page: its JSON under the API and
// the page itself at the GS1 Digital Link path the QR encodes.
func (g *Gateway) routePublic(r *gin.Engine, api *gin.RouterGroup) {
	api.GET("/public/trace/:code", g.publicTraceJSON)
	r.GET("/01/:gtin/10/:lot", g.publicTracePage)
}

// traceURI is the public trace page of a code, the payload of its QR: the
// Digital Link URI. A code not of the zone's composition (not issued by
// this platform) has none and keeps the app's trace route.
func (g *Gateway) traceURI(code string) string {
	if tracecode.Valid(code) {
		return publictrace.URI(g.cfg.PublicURL, code)
	}
	return g.cfg.PublicURL + "/t/" + code
}

func (g *Gateway) publicTraceService() *publictrace.Service {
	return &publictrace.Service{Reads: g.cfg.Reads, BaseURL: g.cfg.PublicURL}
}

// allowPublic takes a request of the client's address from the public
// limit; when none is left it reports how long to wait.
func (g *Gateway) allowPublic(c *gin.Context) (int, bool) {
	wait, ok := g.publicLimit.Allow(c.ClientIP())
	return int(math.Ceil(wait.Seconds())), ok
}

func (g *Gateway) publicTraceJSON(c *gin.Context) {
	if seconds, ok := g.allowPublic(c); !ok {
		c.Header("Retry-After", strconv.Itoa(seconds))
		g.fail(c, apierror.New(apierror.TooManyRequests))
		return
	}
	v, err := g.publicTraceService().Trace(c.Request.Context(), c.Param("code"))
	if err != nil {
		g.fail(c, err)
		return
	}
	body, err := json.Marshal(v)
	if err != nil {
		g.fail(c, fmt.Errorf("encode public trace: %w", err))
		return
	}
	servePublic(c, "application/json; charset=utf-8", body)
}

func (g *Gateway) publicTracePage(c *gin.Context) {
	if seconds, ok := g.allowPublic(c); !ok {
		c.Header("Retry-After", strconv.Itoa(seconds))
		publicMessage(c, http.StatusTooManyRequests, fmt.Sprintf("访问过于频繁，请 %d 秒后再试。", seconds))
		return
	}
	code, ok := publictrace.Resolve(c.Param("gtin"), c.Param("lot"))
	if !ok {
		publicMessage(c, http.StatusNotFound, "未找到该溯源码，请核对二维码。")
		return
	}
	v, err := g.publicTraceService().Trace(c.Request.Context(), code)
	if err != nil {
		if e := apierror.From(err); e.Code == apierror.NotFound {
			publicMessage(c, http.StatusNotFound, "未找到该溯源码，请核对二维码。")
			return
		}
		g.fail(c, err)
		return
	}
	page, err := publicpage.Trace(v)
	if err != nil {
		g.fail(c, err)
		return
	}
	servePublic(c, "text/html; charset=utf-8", page)
}

// servePublic answers body with its ETag, or 304 when the client holds it.
func servePublic(c *gin.Context, contentType string, body []byte) {
	etag := publictrace.ETag(body)
	c.Header("ETag", etag)
	c.Header("Cache-Control", publicCacheControl)
	if matchesETag(c.GetHeader("If-None-Match"), etag) {
		c.Status(http.StatusNotModified)
		return
	}
	c.Data(http.StatusOK, contentType, body)
}

// matchesETag reports whether an If-None-Match header names etag: a list
// of tags, weak ones compared weakly as RFC 9110 wants for GET, or "*".
func matchesETag(header, etag string) bool {
	for _, tag := range strings.Split(header, ",") {
		tag = strings.TrimPrefix(strings.TrimSpace(tag), "W/")
		if tag == etag || tag == "*" {
			return true
		}
	}
	return false
}

// publicMessage answers a phone with a short page rather than JSON. Errors
// are not cached long: the code may be indexed a moment later.
func publicMessage(c *gin.Context, status int, text string) {
	c.Header("Cache-Control", "no-cache")
	c.Data(status, "text/html; charset=utf-8", publicpage.Message(text))
	c.Abort()
}
