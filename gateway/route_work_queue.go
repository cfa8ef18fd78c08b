package gateway

import (
	"bytes"
	"context"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"zonetrace/gateway/receipts"
	"zonetrace/gateway/service/documents"
	"zonetrace/gateway/service/exports"
	"zonetrace/gateway/service/workqueue"
	"zonetrace/indexer/query"
)

// routeWorkQueue serves customs' work queue, every user's menu badges and
// the Excel exports of the document and prefiling lists.
func (g *Gateway) routeWorkQueue(api *gin.RouterGroup, marks *receipts.Store, docs *documents.Service) {
	svc := &workqueue.Service{Reads: g.cfg.Reads, Marks: marks}
	q := api.Group("/work-queue", allow(customs...))
	q.GET("", g.listWorkQueue(svc))
	q.GET("/counts", g.countWorkQueue(svc))
	api.GET("/badges", g.badges(svc))
	api.GET("/documents/export.xlsx", g.exportDocuments(docs))
	api.GET("/prefilings/export.xlsx", g.exportPrefilings())
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

// exportDocuments answers the Excel of the documents the list's filters
// select, as the user may see them.
func (g *Gateway) exportDocuments(docs *documents.Service) gin.HandlerFunc {
	return func(c *gin.Context) {
		f, err := documentFilter(c)
		if err != nil {
			g.fail(c, err)
			return
		}
		u := mustUser(c)
		var buf bytes.Buffer
		n, err := exports.Documents(c.Request.Context(), &buf, func(ctx context.Context, f query.DocumentFilter) (query.DocumentPage, error) {
			return docs.Search(ctx, u, f)
		}, f)
		if err != nil {
			g.fail(c, err)
			return
		}
		noteRows(c, n)
		sendWorkbook(c, "申报单证.xlsx", buf.Bytes())
	}
}

// exportPrefilings answers the Excel of the prefilings the list's filters
// select, as the user may see them.
func (g *Gateway) exportPrefilings() gin.HandlerFunc {
	svc := g.prefilingService()
	return func(c *gin.Context) {
		f, err := prefilingFilter(c)
		if err != nil {
			g.fail(c, err)
			return
		}
		u := mustUser(c)
		var buf bytes.Buffer
		n, err := exports.Prefilings(c.Request.Context(), &buf, func(ctx context.Context, f query.PrefilingFilter) (query.PrefilingPage, error) {
			return svc.Search(ctx, u, f)
		}, f)
		if err != nil {
			g.fail(c, err)
			return
		}
		noteRows(c, n)
		sendWorkbook(c, "预核申报.xlsx", buf.Bytes())
	}
}
