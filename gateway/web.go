package gateway

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"zonetrace/gateway/apierror"
)

// webRoot finds the built app in fsys: index.html at the root, or under
// dist/ (as web.Dist embeds it).
func webRoot(fsys fs.FS) (fs.FS, error) {
	if fsys == nil {
		return nil, nil
	}
	if _, err := fs.Stat(fsys, "index.html"); err == nil {
		return fsys, nil
	}
	if info, err := fs.Stat(fsys, "dist"); err == nil && info.IsDir() {
		sub, err := fs.Sub(fsys, "dist")
		if err != nil {
			return nil, fmt.Errorf("open web app: %w", err)
		}
		return sub, nil
	}
	// An unbuilt app (dist holds only its README): serve what is there.
	return fsys, nil
}

// serveWeb serves the web app for everything that is not the API or an
// operations endpoint: an existing file as is (hashed /assets/* cached for
// a year, immutable), any other path index.html (revalidated every time,
// so a new build is picked up), so client-side routes such as /t/<code>
// work on reload. Each comes precompressed when the client takes it.
func (g *Gateway) serveWeb(c *gin.Context) {
	p := c.Request.URL.Path
	if g.web == nil || strings.HasPrefix(p, "/api/") || p == "/api" ||
		(c.Request.Method != http.MethodGet && c.Request.Method != http.MethodHead) {
		g.fail(c, apierror.New(apierror.NotFound))
		return
	}
	name := strings.TrimPrefix(path.Clean(p), "/")
	cache := "no-cache"
	if strings.HasPrefix(name, "assets/") {
		cache = "public, max-age=31536000, immutable"
	}
	if name == "" || !isFile(g.web, name) {
		name, cache = "index.html", "no-cache"
	}
	// The build stores brotli and gzip copies of the scripts, styles and
	// index.html; the answer depends on Accept-Encoding either way.
	c.Header("Vary", "Accept-Encoding")
	stored, encoding := encodedVariant(g.web, name, c.Request)
	content, err := fs.ReadFile(g.web, stored)
	if errors.Is(err, fs.ErrNotExist) {
		g.fail(c, apierror.New(apierror.NotFound))
		return
	}
	if err != nil {
		g.fail(c, fmt.Errorf("read web app file %s: %w", name, err))
		return
	}
	c.Header("Cache-Control", cache)
	if encoding != "" {
		c.Header("Content-Encoding", encoding)
		// A byte range of the compressed copy is no range of the file.
		c.Request.Header.Del("Range")
	}
	// The embedded files have no useful modification time; ETag-less
	// revalidation of index.html is cheap, assets never revalidate.
	http.ServeContent(c.Writer, c.Request, name, time.Time{}, bytes.NewReader(content))
}

func isFile(fsys fs.FS, name string) bool {
	info, err := fs.Stat(fsys, name)
	return err == nil && !info.IsDir()
}
