package gateway

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"zonetrace/gateway/service/documents"
)

type pickableList struct {
	Items []documents.PickableLine `json:"items"`
}

// pickableLines lists lines the enterprise can copy into a draft, for the
// template family/businessType when given (documents.PickableLines).
func (r *docDraftRoutes) pickableLines(c *gin.Context) {
	pick := documents.Pick{TraceCode: c.Query("traceCode"), Q: c.Query("q")}
	if c.Query("family") != "" || c.Query("businessType") != "" {
		t, err := templateFromQuery(c.Query("family"), c.Query("businessType"))
		if err != nil {
			r.g.fail(c, err)
			return
		}
		pick.Target = &t
	}
	items, err := r.svc.PickableLines(c.Request.Context(), mustUser(c), pick)
	if err != nil {
		r.g.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, pickableList{Items: items})
}
