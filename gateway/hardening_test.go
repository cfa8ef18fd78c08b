package gateway

import (
	"bytes"
	"mime/multipart"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestInputHardening(t *testing.T) {
	t.Parallel()
	e := setup(t)
	a := e.login("ent-a")
	cases := []struct {
		name   string
		body   string
		status int
		code   string
	}{
		{"malformed JSON is 400", `{"data":`, 400, "BAD_REQUEST"},
		{"an empty body is 400", ``, 400, "BAD_REQUEST"},
		{"two JSON values are 400", `{"data":{}} {"data":{}}`, 400, "BAD_REQUEST"},
		{"an unknown nested field is 400", `{"data":{"isAdmin":true}}`, 400, "BAD_REQUEST"},
		{"a wrong type is 400", `{"data":{"shelfLifeDays":"long"}}`, 400, "BAD_REQUEST"},
		{"an unknown enum value is 422", `{"data":{"attachments":[{"kind":"selfie","name":"x","sha256":"` + strings.Repeat("a", 64) + `","size":1}]}}`, 422, "VALIDATION_FAILED"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := e.do(a, "POST", "/api/v1/prefiling-drafts", tc.body, nil)
			require.Equal(t, tc.status, r.Code, r.Body.String())
			require.Equal(t, tc.code, r.code(t))
			require.NotEmpty(t, r.json(t)["error"].(map[string]any)["messageZh"])
		})
	}
	t.Run("a body over the limit is 413", func(t *testing.T) {
		big := `{"data":{"productName":"` + strings.Repeat("x", 11<<20) + `"}}`
		r := e.do(a, "POST", "/api/v1/prefiling-drafts", big, nil)
		require.Equal(t, 413, r.Code)
		require.Equal(t, "PAYLOAD_TOO_LARGE", r.code(t))
	})
	t.Run("a malformed idempotency key is 400", func(t *testing.T) {
		r := e.do(a, "POST", "/api/v1/prefiling-drafts", `{"data":{}}`, map[string]string{"Idempotency-Key": "no spaces allowed"})
		require.Equal(t, 400, r.Code)
	})
	t.Run("nothing was created by the bad requests", func(t *testing.T) {
		r := e.do(a, "GET", "/api/v1/prefiling-drafts", nil, nil)
		require.Zero(t, r.json(t)["total"])
	})
}

// TestNULAnywhereIs4xx: a NUL (or invalid UTF-8, or another control
// character) in a path, a query string, a JSON body (keys included), a
// multipart name or a login body is answered 400 naming the field, on every
// route of the engine and for every role — never 500, and nothing reaches
// PostgreSQL, which refuses NUL.
func TestNULAnywhereIs4xx(t *testing.T) {
	t.Parallel()
	e := setup(t)
	tokens := map[string]string{"anonymous": ""}
	for _, u := range []string{"ent-a", "officer", "admin", "auditor"} {
		tokens[u] = e.login(u)
	}
	routes := e.g.engine.Routes()
	require.Greater(t, len(routes), 30, "the routes are enumerated from the engine")
	withParams := func(path, value string) string {
		parts := strings.Split(path, "/")
		for i, p := range parts {
			if strings.HasPrefix(p, ":") || strings.HasPrefix(p, "*") {
				parts[i] = value
			}
		}
		return strings.Join(parts, "/")
	}
	requireBadText := func(t *testing.T, r resp, field string) {
		t.Helper()
		require.Equal(t, 400, r.Code, r.Body.String())
		require.Equal(t, "BAD_REQUEST", r.code(t))
		details, _ := r.json(t)["error"].(map[string]any)["details"].([]any)
		require.NotEmpty(t, details, r.Body.String())
		require.Equal(t, field, details[0].(map[string]any)["field"], r.Body.String())
		require.Contains(t, []any{"INVALID_UTF8", "CONTROL_CHARACTER"}, details[0].(map[string]any)["rule"], r.Body.String())
	}
	bodies := []struct{ body, field string }{
		{`{"reason":"a\u0000b"}`, "reason"},
		{`{"data":{"items":[{"name":"ok"},{"name":"x\u0007"}]}}`, "data.items[1].name"},
		{`{"a\u0000":1}`, "a?"},
		{"{\"note\":\"\xff\xfe\"}", "note"},
		{"{\"note\":\"next\u0085line\"}", "note"}, // a raw C1 control, not escaped
	}
	for _, rt := range routes {
		t.Run(rt.Method+" "+rt.Path, func(t *testing.T) {
			for who, token := range tokens {
				if strings.ContainsAny(rt.Path, ":*") {
					for _, v := range []string{"x%00y", "x%ffy", "x%0Ay"} {
						requireBadText(t, e.do(token, rt.Method, withParams(rt.Path, v), nil, nil), "path")
					}
				}
				path := withParams(rt.Path, "x")
				requireBadText(t, e.do(token, rt.Method, path+"?page=1&q=a%00b", nil, nil), "q")
				requireBadText(t, e.do(token, rt.Method, path+"?a%00=1", nil, nil), "query")
				if rt.Method == "GET" || rt.Path == "/api/v1/auth/logout" { // logout reads no body and would end the session
					continue
				}
				for _, b := range bodies {
					r := e.do(token, rt.Method, path, b.body, nil)
					require.Less(t, r.Code, 500, "%s: %s", who, r.Body.String())
				}
			}
		})
	}
	t.Run("bodies are refused naming the field", func(t *testing.T) {
		a := tokens["ent-a"]
		for _, b := range bodies {
			requireBadText(t, e.do(a, "POST", "/api/v1/prefiling-drafts", b.body, nil), b.field)
		}
		r := e.do(a, "POST", "/api/v1/prefiling-drafts", "{\"data\":{\"productName\":\"a\x00b\"}}", nil)
		require.Equal(t, 400, r.Code, "a raw NUL is malformed JSON: %s", r.Body.String())
		requireBadText(t, e.do("", "POST", "/api/v1/auth/login", `{"username":"ent-a\u0000","password":"x"}`, nil), "username")
		requireBadText(t, e.do("", "POST", "/api/v1/auth/login", `{"username":"ent-a","password":"\u0000"}`, nil), "password")
		requireBadText(t, e.do(tokens["admin"], "POST", "/api/v1/users", `{"username":"u\u0000","password":"x"}`, nil), "username")
	})
	t.Run("line breaks pass the generic check and meet the field's own rule", func(t *testing.T) {
		r := e.do(tokens["ent-a"], "POST", "/api/v1/prefiling-drafts", `{"data":{"productName":"line one\nline two"}}`, nil)
		require.Equal(t, 422, r.Code, r.Body.String())
		require.Contains(t, r.Body.String(), `"rule":"CONTROL_CHARACTER"`, "a product name is a single line")
	})
	t.Run("multipart names and file names", func(t *testing.T) {
		for _, path := range []string{"/api/v1/attachments", "/api/v1/document-drafts/import"} {
			for _, name := range []string{"a\x00.pdf", "a\x01.pdf", "a\xff.pdf"} {
				r := uploadTo(t, e, tokens["ent-a"], path, name, []byte("%PDF-1.7\n%%EOF"))
				require.Equal(t, 400, r.Code, "%q: %s", name, r.Body.String())
				require.Contains(t, r.Body.String(), `"field":"file`, "%q", name)
			}
		}
	})
	t.Run("nothing was stored by the refused requests", func(t *testing.T) {
		r := e.do(tokens["ent-a"], "GET", "/api/v1/prefiling-drafts", nil, nil)
		require.EqualValues(t, 0, r.json(t)["total"])
	})
}

func uploadTo(t *testing.T, e *env, token, path, name string, content []byte) resp {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	require.NoError(t, mw.WriteField("family", "bonded_transfer")) // read by the Excel import only
	require.NoError(t, mw.WriteField("businessType", "out"))
	fw, err := mw.CreateFormFile("file", name)
	require.NoError(t, err)
	_, err = fw.Write(content)
	require.NoError(t, err)
	require.NoError(t, mw.Close())
	req := httptest.NewRequest("POST", path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+token)
	w := httptest.NewRecorder()
	e.g.Handler().ServeHTTP(w, req)
	return resp{w}
}
