package gateway

import (
	"bytes"
	"compress/gzip"
	"io"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/require"
)

func gzipped(t *testing.T, s string) []byte {
	t.Helper()
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	_, err := w.Write([]byte(s))
	require.NoError(t, err)
	require.NoError(t, w.Close())
	return b.Bytes()
}

// TestWebAppEncodings: the precompressed copies the build writes are
// served to clients that take them, with the caching of the file they
// stand for; others get the file itself.
func TestWebAppEncodings(t *testing.T) {
	t.Parallel()
	e := setup(t)
	const script, page = "console.log('zonetrace')", "<!doctype html><div id=app></div>"
	e.cfg.WebFS = fstest.MapFS{
		"dist/index.html":            {Data: []byte(page)},
		"dist/index.html.gz":         {Data: gzipped(t, page)},
		"dist/assets/app-1a2b.js":    {Data: []byte(script)},
		"dist/assets/app-1a2b.js.gz": {Data: gzipped(t, script)},
		"dist/assets/app-1a2b.js.br": {Data: []byte("brotli bytes")},
		"dist/assets/logo-9f9f.png":  {Data: []byte("\x89PNG")},
	}
	g := e.restart()
	get := func(path, acceptEncoding string) resp {
		return doOn(t, g, "", "GET", path, nil, map[string]string{"Accept-Encoding": acceptEncoding})
	}

	t.Run("brotli is preferred, immutable caching kept", func(t *testing.T) {
		r := get("/assets/app-1a2b.js", "gzip, deflate, br, zstd")
		require.Equal(t, 200, r.Code)
		require.Equal(t, "br", r.Header().Get("Content-Encoding"))
		require.Equal(t, "brotli bytes", r.Body.String())
		require.Contains(t, r.Header().Get("Content-Type"), "javascript", "the type of the file, not of its copy")
		require.Equal(t, "public, max-age=31536000, immutable", r.Header().Get("Cache-Control"))
		require.Equal(t, "Accept-Encoding", r.Header().Get("Vary"))
	})
	t.Run("gzip when brotli is not taken", func(t *testing.T) {
		for _, accept := range []string{"gzip", "gzip, br;q=0", "br;q=0.0, gzip;q=0.5"} {
			r := get("/assets/app-1a2b.js", accept)
			require.Equal(t, "gzip", r.Header().Get("Content-Encoding"), accept)
			zr, err := gzip.NewReader(r.Body)
			require.NoError(t, err)
			plain, err := io.ReadAll(zr)
			require.NoError(t, err)
			require.Equal(t, script, string(plain))
		}
	})
	t.Run("a client taking neither gets the file", func(t *testing.T) {
		for _, accept := range []string{"", "identity", "gzip;q=0, br;q=0"} {
			r := get("/assets/app-1a2b.js", accept)
			require.Empty(t, r.Header().Get("Content-Encoding"), accept)
			require.Equal(t, script, r.Body.String())
		}
	})
	t.Run("a client route gets index.html compressed and revalidated", func(t *testing.T) {
		r := get("/documents/HZ2026", "gzip")
		require.Equal(t, "gzip", r.Header().Get("Content-Encoding"))
		require.Equal(t, "no-cache", r.Header().Get("Cache-Control"))
		require.Contains(t, r.Header().Get("Content-Type"), "text/html")
	})
	t.Run("a file without a compressed copy comes as is", func(t *testing.T) {
		r := get("/assets/logo-9f9f.png", "gzip, br")
		require.Equal(t, 200, r.Code)
		require.Empty(t, r.Header().Get("Content-Encoding"))
		require.Equal(t, "public, max-age=31536000, immutable", r.Header().Get("Cache-Control"))
	})
	t.Run("a range of a compressed answer is not served", func(t *testing.T) {
		r := doOn(t, g, "", "GET", "/assets/app-1a2b.js", nil, map[string]string{"Accept-Encoding": "gzip", "Range": "bytes=0-3"})
		require.Equal(t, 200, r.Code)
	})
}
