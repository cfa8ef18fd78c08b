package gateway

import (
	"bytes"
	"context"

	"github.com/gin-gonic/gin"

	"zonetrace/gateway/service/documents"
	"zonetrace/gateway/service/exports"
	"zonetrace/indexer/query"
)

// routeExports serves the Excel exports of the document list (申报单证管理)
// and the prefiling list (预核管理), with the lists' own filters.
func (g *Gateway) routeExports(api *gin.RouterGroup, docs *documents.Service) {
	api.GET("/documents/export.xlsx", g.exportDocuments(docs))
	api.GET("/prefilings/export.xlsx", g.exportPrefilings())
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
