package gateway

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/gin-gonic/gin"

	"zonetrace/gateway/reports"
)

// reportFormat renders a report and names its file.
type reportFormat func(w io.Writer, r reports.Report, sheet string) (contentType, ext string, err error)

func excelReport(w io.Writer, r reports.Report, sheet string) (string, string, error) {
	return xlsxType, ".xlsx", reports.Excel(w, r, sheet)
}

func (g *Gateway) pdfReport(w io.Writer, rep reports.Report, _ string) (string, string, error) {
	return "application/pdf", ".pdf", reports.PDF(w, rep, g.reportFont)
}

// sendReport renders a report the service built, on a sheet named sheet,
// and answers it as a download named file.
func (g *Gateway) sendReport(c *gin.Context, format reportFormat, rep reports.Report, rows int, sheet, file string) {
	var buf bytes.Buffer
	contentType, ext, err := format(&buf, rep, sheet)
	if err != nil {
		g.fail(c, err)
		return
	}
	noteRows(c, rows)
	c.Header("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(file+ext))
	c.Data(http.StatusOK, contentType, buf.Bytes())
}

// exportStock answers the stock report the JSON route's filters select.
func (r accountRoutes) exportStock(format reportFormat) gin.HandlerFunc {
	return func(c *gin.Context) {
		f, err := stockFilter(c, "")
		if err != nil {
			r.g.fail(c, err)
			return
		}
		rep, rows, err := r.svc.StockReport(c.Request.Context(), mustUser(c), f, time.Now())
		if err != nil {
			r.g.fail(c, err)
			return
		}
		r.g.sendReport(c, format, rep, rows, "区内库存", "区内库存")
	}
}

// exportFigures answers a period's figures (周期核算).
func (r accountRoutes) exportFigures(format reportFormat) gin.HandlerFunc {
	return func(c *gin.Context) {
		rep, rows, err := r.svc.FiguresReport(c.Request.Context(), mustUser(c), c.Param("enterpriseId"), c.Param("periodId"), time.Now())
		if err != nil {
			r.g.fail(c, err)
			return
		}
		r.g.sendReport(c, format, rep, rows, "周期核算", "周期核算-"+c.Param("periodId"))
	}
}

// exportMovements answers the movements behind a figure (核算明细).
func (r accountRoutes) exportMovements(format reportFormat) gin.HandlerFunc {
	return func(c *gin.Context) {
		f, err := movementFilter(c)
		if err != nil {
			r.g.fail(c, err)
			return
		}
		rep, rows, err := r.svc.MovementsReport(c.Request.Context(), mustUser(c), f, time.Now())
		if err != nil {
			r.g.fail(c, err)
			return
		}
		r.g.sendReport(c, format, rep, rows, "核算明细", "核算明细")
	}
}
