package gateway

import (
	"bytes"
	"mime/multipart"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"
)

func upload(t *testing.T, e *env, token, name string, content []byte) resp {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, err := mw.CreateFormFile("file", name)
	require.NoError(t, err)
	_, err = fw.Write(content)
	require.NoError(t, err)
	require.NoError(t, mw.Close())
	req := httptest.NewRequest("POST", "/api/v1/attachments", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+token)
	w := httptest.NewRecorder()
	e.g.Handler().ServeHTTP(w, req)
	return resp{w}
}

func TestAttachments(t *testing.T) {
	t.Parallel()
	e := setup(t)
	a, b := e.login("ent-a"), e.login("ent-b")
	pdf := []byte("%PDF-1.7\n%âãÏÓ\n1 0 obj<<>>endobj\n%%EOF")

	r := upload(t, e, a, "../../origin.pdf", pdf)
	require.Equal(t, 201, r.Code, r.Body.String())
	m := r.json(t)
	sum := m["sha256"].(string)
	require.Equal(t, "application/pdf", m["contentType"])
	require.Equal(t, "origin.pdf", m["name"], "the client's path is dropped")

	t.Run("the uploader and customs download it, another enterprise gets 404, the auditor 403", func(t *testing.T) {
		r := e.do(a, "GET", "/api/v1/attachments/"+sum, nil, nil)
		require.Equal(t, 200, r.Code)
		require.Equal(t, pdf, r.Body.Bytes())
		require.Equal(t, "application/pdf", r.Header().Get("Content-Type"))
		require.Equal(t, 200, e.do(e.login("officer"), "GET", "/api/v1/attachments/"+sum, nil, nil).Code)
		require.Equal(t, 404, e.do(b, "GET", "/api/v1/attachments/"+sum, nil, nil).Code)
		require.Equal(t, 403, e.do(e.login("auditor"), "GET", "/api/v1/attachments/"+sum, nil, nil).Code)
	})
	t.Run("an HTML file named .pdf is refused", func(t *testing.T) {
		r := upload(t, e, a, "x.pdf", []byte("<!DOCTYPE html><script>alert(1)</script>"))
		require.Equal(t, 422, r.Code)
	})
	t.Run("a missing file field is 422", func(t *testing.T) {
		r := e.do(a, "POST", "/api/v1/attachments", `{}`, nil)
		require.Equal(t, 422, r.Code)
	})
	t.Run("a file above the limit is 413", func(t *testing.T) {
		small := *e
		small.cfg.MaxBody = 1024
		g, err := New(small.cfg)
		require.NoError(t, err)
		small.g = g
		big := append(append([]byte{}, pdf...), make([]byte, 2048)...)
		r := upload(t, &small, a, "big.pdf", big)
		require.Equal(t, 413, r.Code, r.Body.String())
		require.Equal(t, "PAYLOAD_TOO_LARGE", r.code(t))
	})
}
