package platform

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"zonetrace/gateway"
	"zonetrace/indexer/query"
	"zonetrace/internal/apiclient"
)

// fuzzTarget is one node with a little of everything on it, shared by all
// inputs of one fuzzing process: a registered enterprise with a user, a
// declared and approved prefiling with its trace code, a pending draft.
type fuzzTarget struct {
	n *node
	// routes are the API's operations, read from its own OpenAPI document,
	// so a route added later is fuzzed without touching this file.
	routes []fuzzRoute
	// tokens by role; index 0 is anonymous.
	tokens []string
	// ids fill path parameters when the input does not bring its own;
	// freshPrefiling stands for a prefiling declared just before the
	// request, so reviews and supplements meet one they may act on.
	ids []string
	// enterprise declares the fresh prefilings.
	enterprise *apiclient.Client
	// broken is set by the first failing input: the shared node is then
	// suspect, and every later input fails at once instead of waiting out
	// its timeouts.
	broken bool
}

const freshPrefiling = "<fresh declared prefiling>"

type fuzzRoute struct{ method, path string }

// Routes the fuzzer leaves alone: they end the very sessions it uses, or
// (the notification stream) answer for as long as the client listens.
var fuzzSkipped = map[string]bool{
	"POST /api/v1/auth/logout":         true,
	"POST /api/v1/me/password":         true,
	"PUT /api/v1/me/password":          true,
	"POST /api/v1/auth/refresh":        true,
	"GET /api/v1/notifications/stream": true,
}

func newFuzzTarget(f *testing.F) *fuzzTarget {
	ctx := context.Background()
	n := startNode(f)
	admin := n.client("admin")
	require.NoError(f, admin.Post(ctx, "/api/v1/enterprises", map[string]string{"id": enterpriseA, "name": "昆山咖啡进口有限公司", "kind": "importer"}, nil))
	for _, u := range []map[string]string{
		{"username": "ent-a", "role": "enterprise", "enterpriseId": enterpriseA},
		{"username": "customs", "role": "customs_officer"},
		{"username": "auditor", "role": "auditor"},
	} {
		u["displayName"], u["password"] = u["username"], testPassword
		require.NoError(f, admin.Post(ctx, "/api/v1/users", u, nil))
	}
	a, customs, auditor := n.client("ent-a"), n.client("customs"), n.client("auditor")

	var declared draftJSON
	require.NoError(f, a.Post(ctx, "/api/v1/prefiling-drafts", map[string]any{"data": coffee("耶加雪菲 G1")}, &declared))
	var pf query.PrefilingView
	require.NoError(f, a.Post(ctx, "/api/v1/prefiling-drafts/"+declared.ID+"/declare", nil, &pf))
	require.NoError(f, customs.Post(ctx, "/api/v1/prefilings/"+pf.ID+"/review", map[string]string{"decision": "approve"}, &pf))
	var pending draftJSON
	require.NoError(f, a.Post(ctx, "/api/v1/prefiling-drafts", map[string]any{"data": coffee("西达摩")}, &pending))

	res, err := admin.Do(ctx, apiclient.Request{Method: http.MethodGet, Path: gateway.APIPrefix + "/openapi.json"}, nil)
	require.NoError(f, err)
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	require.NoError(f, json.Unmarshal(res.Body, &doc))
	t := &fuzzTarget{n: n, tokens: []string{"", admin.Token, a.Token, customs.Token, auditor.Token},
		ids: []string{pending.ID, pf.ID, pf.TraceCode, enterpriseA, declared.ID, freshPrefiling}, enterprise: a}
	for path, ops := range doc.Paths {
		for method := range ops {
			r := fuzzRoute{method: strings.ToUpper(method), path: path}
			if !fuzzSkipped[r.method+" "+r.path] {
				t.routes = append(t.routes, r)
			}
		}
	}
	sort.Slice(t.routes, func(i, j int) bool {
		return t.routes[i].path+t.routes[i].method < t.routes[j].path+t.routes[j].method
	})
	require.NotEmpty(f, t.routes)
	return t
}

// FuzzAPIRoutes sends arbitrary path parameters, query strings and bodies
// to every route of the API as every role. Whatever arrives, the node must
// answer below 500; a refusal must change neither the ledger nor the
// mirror; and the indexer must keep up with the ledger afterwards.
func FuzzAPIRoutes(f *testing.F) {
	// Every route as the enterprise and as customs, with an empty body and
	// with NUL in the free text most writes take, on a prefiling awaiting
	// review and on the approved one.
	for route := range 64 {
		f.Add(uint16(route), uint8(2), uint8(0), "", "", []byte(`{}`), uint8(0))
		f.Add(uint16(route), uint8(3), uint8(5), "", "", []byte(`{"decision":"return","reason":"a\u0000b"}`), uint8(0))
		f.Add(uint16(route), uint8(2), uint8(1), "", "", []byte(`{"data":{"productName":"a\u0000b"}}`), uint8(0))
	}
	seeds := []struct {
		param, query string
		body         []byte
	}{
		{"", "page=1&pageSize=20", nil},
		{"\x00", "q=%00", []byte(`{"data":{"productName":"a\u0000b"}}`)},
		{"PF20261126ABCDEFGH", "status=declared&needsReview=true", []byte(`{"decision":"return","reason":"\u0000"}`)},
		{"../../etc/passwd", "traceCode=KSCF261126000421", []byte(`{"decision":"approve"}`)},
		{"%zz", "page=-1&pageSize=1000000", []byte(`{"username":"ent-a","password":"\u0000"}`)},
		{"\xff\xfe", "q=\xff", []byte("\xff\xfe{\"data\":{}}")},
		{"", "", []byte(`{"data":{"weightGrams":9223372036854775807,"avgPriceFen":-1}}`)},
		{"", "", []byte(`{"url":"http://127.0.0.1:22/","secret":"0123456789abcdef"}`)},
		{"", "", []byte("--X\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a\x00.pdf\"\r\n\r\n%PDF-1.4\r\n--X--\r\n")},
	}
	for i, s := range seeds {
		for role := range uint8(5) {
			f.Add(uint16(i*7), role, uint8(i), s.param, s.query, s.body, uint8(i%3))
		}
	}
	t := newFuzzTarget(f)
	f.Fuzz(func(tt *testing.T, route uint16, role, idChoice uint8, param, rawQuery string, body []byte, contentType uint8) {
		if t.broken {
			tt.Fatal("an earlier input broke the node; see the first failure")
		}
		defer func() { t.broken = t.broken || tt.Failed() }()
		r := t.routes[int(route)%len(t.routes)]
		path := r.path
		for strings.Contains(path, "{") {
			i, j := strings.Index(path, "{"), strings.Index(path, "}")
			v := param
			if c := int(idChoice) % (len(t.ids) + 1); c < len(t.ids) {
				v = t.ids[c]
			}
			if v == freshPrefiling {
				v = t.declarePrefiling(tt)
			}
			path = path[:i] + url.PathEscape(v) + path[j+1:]
		}
		target := t.n.URL + path + "?" + escapeQuery(rawQuery)
		before := t.n.stateFor(tt)
		status, answer := t.send(tt, r.method, target, t.tokens[int(role)%len(t.tokens)], body, contentType)
		require.Less(tt, status, 500, "%s %s answered %d: %s", r.method, target, status, answer)
		if status >= 400 {
			require.Equal(tt, before, t.n.stateFor(tt), "%s %s was refused with %d but changed the ledger or the mirror", r.method, target, status)
		}
		t.requireIndexerKeepsUp(tt)
	})
}

func (t *fuzzTarget) declarePrefiling(tt *testing.T) string {
	ctx := context.Background()
	var d draftJSON
	require.NoError(tt, t.enterprise.Post(ctx, "/api/v1/prefiling-drafts", map[string]any{"data": coffee("耶加雪菲")}, &d))
	var pf query.PrefilingView
	require.NoError(tt, t.enterprise.Post(ctx, "/api/v1/prefiling-drafts/"+d.ID+"/declare", nil, &pf))
	return pf.ID
}

func (t *fuzzTarget) send(tt *testing.T, method, target, token string, body []byte, contentType uint8) (int, string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, target, bytes.NewReader(body))
	require.NoError(tt, err)
	switch contentType % 3 {
	case 0:
		req.Header.Set("Content-Type", "application/json")
	case 1:
		req.Header.Set("Content-Type", "multipart/form-data; boundary=X")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if method != http.MethodGet {
		req.Header.Set("Idempotency-Key", fmt.Sprintf("fuzz-%d", time.Now().UnixNano()))
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(tt, err)
	defer resp.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
	require.NoError(tt, err)
	return resp.StatusCode, string(answer)
}

// requireIndexerKeepsUp fails when the mirror does not reach the ledger's
// height soon or the node calls itself not ready: a committed block the
// indexer cannot project must never go unnoticed.
func (t *fuzzTarget) requireIndexerKeepsUp(tt *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	h, err := t.n.Ledger.Height(ctx)
	require.NoError(tt, err)
	require.NoError(tt, t.n.waitIndexed(ctx, h), "the indexer stalled below height %d", h)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, t.n.URL+"/readyz", nil)
	require.NoError(tt, err)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(tt, err)
	defer resp.Body.Close()
	answer, _ := io.ReadAll(resp.Body)
	require.Equal(tt, http.StatusOK, resp.StatusCode, "not ready: %s", answer)
}

// escapeQuery keeps a fuzzed query string as raw as a client may send it:
// only bytes a URL cannot carry at all are percent-encoded, so malformed
// escapes, NUL as %00 and invalid UTF-8 still reach the server.
func escapeQuery(s string) string {
	var b strings.Builder
	for i := range len(s) {
		c := s[i]
		if c <= ' ' || c >= 0x7f || c == '#' {
			fmt.Fprintf(&b, "%%%02X", c)
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}
