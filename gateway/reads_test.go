package gateway

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
	"zonetrace/indexer/query"
)

// TestCompressedAnswers: JSON answers above the threshold travel gzipped
// to clients that accept it and decode to exactly the plain answer; others
// get them plain, and PNGs never pass through gzip.
func TestCompressedAnswers(t *testing.T) {
	t.Parallel()
	e := setup(t)
	for i := range 60 {
		id := fmt.Sprintf("PF20250101%08d", i)
		e.reads.prefilings[id] = query.PrefilingView{Prefiling: model.Prefiling{ID: id, EnterpriseID: entA,
			Data: model.PrefilingData{ProductName: "Yirgacheffe G1", ExporterName: "Addis Export"}}, EnterpriseName: "甲咖啡进口有限公司"}
	}
	const code = "CF2501010001X"
	e.reads.traceCodes[code] = model.TraceCode{Code: code, PrefilingID: "PF2025010100000000", EnterpriseID: entA}
	a := e.login("ent-a")
	gzipped := map[string]string{"Accept-Encoding": "gzip"}

	t.Run("a large JSON answer is gzipped and decodes to the plain answer", func(t *testing.T) {
		plain := e.do(a, "GET", "/api/v1/openapi.json", nil, nil)
		require.Equal(t, 200, plain.Code)
		require.Empty(t, plain.Header().Get("Content-Encoding"), "no Accept-Encoding: plain")
		require.Greater(t, plain.Body.Len(), compressMinSize)

		packed := e.do(a, "GET", "/api/v1/openapi.json", nil, gzipped)
		require.Equal(t, 200, packed.Code)
		require.Equal(t, "gzip", packed.Header().Get("Content-Encoding"))
		require.Contains(t, packed.Header().Values("Vary"), "Accept-Encoding")
		require.Less(t, packed.Body.Len(), plain.Body.Len())
		require.Equal(t, plain.Body.String(), gunzip(t, packed.Body.Bytes()))
	})
	t.Run("a page of prefilings travels gzipped", func(t *testing.T) {
		r := e.do(a, "GET", "/api/v1/prefilings?pageSize=50", nil, gzipped)
		require.Equal(t, 200, r.Code)
		require.Equal(t, "gzip", r.Header().Get("Content-Encoding"))
		var page query.PrefilingPage
		require.NoError(t, json.Unmarshal([]byte(gunzip(t, r.Body.Bytes())), &page))
		require.Len(t, page.Items, 60)
		require.Equal(t, "Yirgacheffe G1", page.Items[0].Data.ProductName)
	})
	t.Run("a small answer stays plain", func(t *testing.T) {
		r := e.do(a, "GET", "/api/v1/auth/me", nil, gzipped)
		require.Equal(t, 200, r.Code)
		require.Empty(t, r.Header().Get("Content-Encoding"))
		require.Equal(t, "ent-a", r.json(t)["username"])
	})
	t.Run("a gzip refused with q=0 is not used", func(t *testing.T) {
		r := e.do(a, "GET", "/api/v1/prefilings?pageSize=50", nil, map[string]string{"Accept-Encoding": "gzip;q=0"})
		require.Equal(t, 200, r.Code)
		require.Empty(t, r.Header().Get("Content-Encoding"))
	})
	t.Run("a QR image is never gzipped", func(t *testing.T) {
		r := e.do(a, "GET", "/api/v1/trace-codes/"+code+"/qr.png?size=1024", nil, gzipped)
		require.Equal(t, 200, r.Code)
		require.Greater(t, r.Body.Len(), compressMinSize)
		require.Empty(t, r.Header().Get("Content-Encoding"))
		require.Equal(t, "image/png", r.Header().Get("Content-Type"))
	})
}

func TestCompressible(t *testing.T) {
	t.Parallel()
	for ct, want := range map[string]bool{
		"application/json; charset=utf-8":  true,
		"text/csv; charset=utf-8":          true,
		"text/html; charset=utf-8":         true,
		"application/problem+json":         true,
		"text/event-stream; charset=utf-8": false,
		"image/png":                        false,
		"application/pdf":                  false,
		"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": false,
		"application/zip":          false,
		"application/octet-stream": false,
		"":                         false,
	} {
		require.Equal(t, want, compressible(ct), ct)
	}
}

// TestQRImagesCached: the QR answer carries an ETag, a repeat with it is a
// 304 without a body, and another size is another image.
func TestQRImagesCached(t *testing.T) {
	t.Parallel()
	e := setup(t)
	const code = "CF2501010001X"
	e.reads.traceCodes[code] = model.TraceCode{Code: code, PrefilingID: "PF2025010100000000", EnterpriseID: entA}
	a, b := e.login("ent-a"), e.login("ent-b")
	path := "/api/v1/trace-codes/" + code + "/qr.png"

	first := e.do(a, "GET", path, nil, nil)
	require.Equal(t, 200, first.Code)
	etag := first.Header().Get("ETag")
	require.Regexp(t, `^"[A-Za-z0-9_-]+"$`, etag)
	require.Equal(t, "private, max-age=3600", first.Header().Get("Cache-Control"))

	again := e.do(a, "GET", path, nil, nil)
	require.Equal(t, first.Body.Bytes(), again.Body.Bytes(), "the cached image is the same image")
	require.Equal(t, etag, again.Header().Get("ETag"))

	notModified := e.do(a, "GET", path, nil, map[string]string{"If-None-Match": etag})
	require.Equal(t, 304, notModified.Code)
	require.Zero(t, notModified.Body.Len())
	require.Equal(t, 304, e.do(a, "GET", path, nil, map[string]string{"If-None-Match": `"other", W/` + etag}).Code)

	require.Equal(t, 200, e.do(a, "GET", path, nil, map[string]string{"If-None-Match": `"other"`}).Code)
	larger := e.do(a, "GET", path+"?size=512", nil, map[string]string{"If-None-Match": etag})
	require.Equal(t, 200, larger.Code, "another size is another image")
	require.NotEqual(t, etag, larger.Header().Get("ETag"))
	require.Equal(t, 403, e.do(b, "GET", path, nil, map[string]string{"If-None-Match": etag}).Code,
		"the ETag tells nothing to someone who may not see the code")
}

// TestSessionCacheOverHTTP: a logout ends the session at once in the
// gateway that served it, and another gateway over the same database
// stops honouring it within its cache's TTL; a disabled enterprise's users
// are refused at once when the change went through this gateway.
func TestSessionCacheOverHTTP(t *testing.T) {
	t.Parallel()
	e := setup(t)
	tok := e.login("officer")
	cfg := e.cfg
	cfg.SessionCacheTTL = 300 * time.Millisecond
	other, err := New(cfg)
	require.NoError(t, err)

	require.Equal(t, 200, e.do(tok, "GET", "/api/v1/auth/me", nil, nil).Code)
	require.Equal(t, 200, doOn(t, other, tok, "GET", "/api/v1/auth/me", nil, nil).Code)
	require.Equal(t, 204, e.do(tok, "POST", "/api/v1/auth/logout", nil, nil).Code)
	require.Equal(t, 401, e.do(tok, "GET", "/api/v1/auth/me", nil, nil).Code, "at once where the logout happened")
	require.Eventually(t, func() bool {
		return doOn(t, other, tok, "GET", "/api/v1/auth/me", nil, nil).Code == 401
	}, 5*time.Second, 50*time.Millisecond, "within the other gateway's TTL")
}

func gunzip(t *testing.T, packed []byte) string {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(packed))
	require.NoError(t, err)
	unpacked, err := io.ReadAll(zr)
	require.NoError(t, err)
	return string(unpacked)
}
