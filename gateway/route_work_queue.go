package gateway

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"zonetrace/gateway/receipts"
	"zonetrace/gateway/service/workqueue"
	"zonetrace/indexer/query"
)

// routeWorkQueue serves customs' work queue and every user's menu badges.
func (g *Gateway) routeWorkQueue(api *gin.RouterGroup, marks *receipts.Store) {
	svc := &workqueue.Service{Reads: g.cfg.Reads, Marks: marks}
	q := api.Group("/work-queue", allow(customs...))
	q.GET("", g.listWorkQueue(svc))
	q.GET("/counts", g.countWorkQueue(svc))
	api.GET("/badges", g.badges(svc))
}

// listWorkQueue pages what waits for customs, oldest first; kind is a
// comma-separated list of kinds (empty: all).
func (g *Gateway) listWorkQueue(svc *workqueue.Service) gin.HandlerFunc {
	return func(c *gin.Context) {
		page, pageSize, err := pageParams(c)
		if err != nil {
			g.fail(c, err)
			return
		}
		f := query.QueueFilter{Page: page, PageSize: pageSize}
		if kinds := c.Query("kind"); kinds != "" {
			for _, k := range strings.Split(kinds, ",") {
				f.Kinds = append(f.Kinds, query.QueueKind(k))
			}
		}
		out, err := svc.List(c.Request.Context(), f)
		if err != nil {
			g.fail(c, err)
			return
		}
		c.JSON(http.StatusOK, out)
	}
}

func (g *Gateway) countWorkQueue(svc *workqueue.Service) gin.HandlerFunc {
	return func(c *gin.Context) {
		out, err := svc.Counts(c.Request.Context())
		if err != nil {
			g.fail(c, err)
			return
		}
		c.JSON(http.StatusOK, out)
	}
}

func (g *Gateway) badges(svc *workqueue.Service) gin.HandlerFunc {
	return func(c *gin.Context) {
		out, err := svc.Badges(c.Request.Context(), mustUser(c))
		if err != nil {
			g.fail(c, err)
			return
		}
		c.JSON(http.StatusOK, out)
	}
}
