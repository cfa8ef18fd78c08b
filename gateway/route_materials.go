package gateway

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"zonetrace/gateway/service/materials"
)

func (g *Gateway) routeMaterials(api *gin.RouterGroup) {
	api.GET("/materials/:materialNo", g.getMaterial)
	api.GET("/materials/:materialNo/qr.png", g.materialQR)
}

func (g *Gateway) materialService() *materials.Service {
	return &materials.Service{Reads: g.cfg.Reads, AppURL: g.cfg.PublicURL}
}

func (g *Gateway) getMaterial(c *gin.Context) {
	m, err := g.materialService().Get(c.Request.Context(), mustUser(c), c.Param("materialNo"), c.Query("enterpriseId"))
	if err != nil {
		g.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, m)
}

// materialQR is the QR label of a material number (seed 3665: a QR per
// material number): it opens the material's page in the app.
func (g *Gateway) materialQR(c *gin.Context) {
	size, err := qrSize(c)
	if err != nil {
		g.fail(c, err)
		return
	}
	m, err := g.materialService().Get(c.Request.Context(), mustUser(c), c.Param("materialNo"), c.Query("enterpriseId"))
	if err != nil {
		g.fail(c, err)
		return
	}
	g.serveQR(c, m.URI, size)
}
