package gateway

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"runtime/debug"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"zonetrace/gateway/apierror"
)

var requestIDPattern = regexp.MustCompile(`^[A-Za-z0-9._:-]{1,64}$`)

const ctxRequestID = "zt.requestId"

// contentSecurityPolicy suits the Vite build of the web app: scripts and
// styles from the app's origin (Element Plus sets inline styles), images
// also as data/blob URLs (QR codes, charts), no framing, no plugins.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
	"img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; object-src 'none'; " +
	"base-uri 'self'; form-action 'self'; frame-ancestors 'none'"

func securityHeaders(c *gin.Context) {
	h := c.Writer.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
	h.Set("Content-Security-Policy", contentSecurityPolicy)
	c.Next()
}

// limitBody caps request bodies; uploads get room for the multipart
// envelope around a file of the full size.
func (g *Gateway) limitBody(c *gin.Context) {
	limit := g.cfg.MaxBody
	if c.FullPath() == APIPrefix+"/attachments" {
		limit += 1 << 20
	}
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, limit)
	c.Next()
}

// refuseBadText answers 400 for invalid UTF-8 or control characters in
// the path or the query string, before any handler can pass them to
// PostgreSQL or the chain. Bodies are checked where they are decoded
// (decodeJSON, multipartForm).
func (g *Gateway) refuseBadText(c *gin.Context) {
	if err := checkPathAndQuery(c.Request); err != nil {
		g.fail(c, err)
		return
	}
	c.Next()
}

// observe gives every request an id, and logs and counts it once answered.
// It logs the route template, never the query string, headers or bodies,
// so tokens and passwords never reach the logs.
func (g *Gateway) observe(c *gin.Context) {
	start := time.Now()
	id := c.GetHeader("X-Request-Id")
	if !requestIDPattern.MatchString(id) {
		id = randomHex(8)
	}
	c.Set(ctxRequestID, id)
	c.Header("X-Request-Id", id)
	c.Next()

	route := c.FullPath()
	if route == "" {
		route = "unmatched"
	}
	status := c.Writer.Status()
	elapsed := time.Since(start)
	g.metrics.requests.WithLabelValues(route, c.Request.Method, strconv.Itoa(status)).Inc()
	g.metrics.latency.WithLabelValues(route, c.Request.Method).Observe(elapsed.Seconds())
	attrs := []any{
		slog.String("requestId", id), slog.String("method", c.Request.Method), slog.String("route", route),
		slog.Int("status", status), slog.Duration("duration", elapsed),
	}
	if u, ok := currentUser(c); ok {
		attrs = append(attrs, slog.String("user", u.Username))
	}
	level := slog.LevelInfo
	if status >= 500 {
		level = slog.LevelError
	}
	g.log.Log(c.Request.Context(), level, "http request", attrs...)
}

func (g *Gateway) recoverPanics(c *gin.Context) {
	defer func() {
		if p := recover(); p != nil {
			// The stack is what makes a panic mendable; the client gets
			// only the internal error.
			g.fail(c, fmt.Errorf("handler panicked: %v\n%s", p, debug.Stack()))
		}
	}()
	c.Next()
}

// fail answers err as an API error and stops the handler chain.
func (g *Gateway) fail(c *gin.Context, err error) {
	e := apierror.From(err)
	if e.Status >= 500 {
		g.log.Error("request failed", slog.String("requestId", c.GetString(ctxRequestID)),
			slog.String("route", c.FullPath()), slog.String("error", err.Error()))
	}
	if e.Status == http.StatusServiceUnavailable {
		// The ledger or the database is away; outages seen so far pass in
		// seconds (a restart, a failover).
		c.Header("Retry-After", retryAfterSeconds)
	}
	c.AbortWithStatusJSON(e.Status, e.Body())
}

// retryAfterSeconds is the Retry-After of a 503 answer.
const retryAfterSeconds = "5"

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("crypto/rand failed: %v", err)) // never happens on supported platforms
	}
	return hex.EncodeToString(b)
}
