package gateway

import (
	"mime"
	"net/http"
	"path/filepath"

	"github.com/gin-gonic/gin"

	"zonetrace/gateway/accounts"
	"zonetrace/gateway/validation"
)

type uploadedAttachment struct {
	SHA256      string `json:"sha256"`
	Size        int64  `json:"size"`
	Name        string `json:"name"`
	ContentType string `json:"contentType"`
}

// Attachments are not in the submissions outbox: they are idempotent by
// content (the same bytes are stored once), so a retried upload is safe.
func (g *Gateway) routeAttachments(api *gin.RouterGroup) {
	api.POST("/attachments", allow(fileUploaders...), g.uploadAttachment)
	api.GET("/attachments/:sha256", allow(fileUploaders...), g.downloadAttachment)
}

func (g *Gateway) uploadAttachment(c *gin.Context) {
	if err := parseMultipart(c); err != nil {
		g.fail(c, err)
		return
	}
	fh, err := c.FormFile("file")
	if err != nil {
		g.fail(c, validation.Problems{{Field: "file", Message: "a multipart field 'file' is required", MessageZh: "须以multipart字段file上传文件"}})
		return
	}
	if fh.Size > g.cfg.MaxBody {
		g.fail(c, &http.MaxBytesError{Limit: g.cfg.MaxBody})
		return
	}
	f, err := fh.Open()
	if err != nil {
		g.fail(c, err)
		return
	}
	defer f.Close()
	u := mustUser(c)
	m, err := g.attachments.Save(c.Request.Context(), f, filepath.Base(fh.Filename), u.Username, u.EnterpriseID, g.cfg.MaxBody)
	if err != nil {
		g.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, uploadedAttachment{SHA256: m.SHA256, Size: m.Size, Name: m.Name, ContentType: m.ContentType})
}

func (g *Gateway) downloadAttachment(c *gin.Context) {
	u := mustUser(c)
	m, f, err := g.attachments.Open(c.Request.Context(), c.Param("sha256"), u.EnterpriseID, u.Role != accounts.RoleEnterprise)
	if err != nil {
		g.fail(c, err)
		return
	}
	defer f.Close()
	c.Header("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": m.Name}))
	c.Header("Cache-Control", "private, max-age=86400, immutable")
	c.DataFromReader(http.StatusOK, m.Size, m.ContentType, f, nil)
}
