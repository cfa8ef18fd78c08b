package gateway

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/oplog"
	"zonetrace/network/ledger"
)

// behindProxy is setup with the gateway trusting the reverse proxy at
// 192.0.2.0/24 (httptest's peer address), so X-Forwarded-For names the
// client.
func behindProxy(t *testing.T) *env {
	e := setup(t)
	e.cfg.TrustedProxies = []string{"192.0.2.0/24"}
	e.g = e.restart()
	return e
}

// client sends requests as a browser at address ip would through the proxy,
// each with its own request id so the test finds its log row.
type client struct {
	e   *env
	ip  string
	ua  string
	seq int
}

func (cl *client) do(token, method, path string, body any, headers map[string]string) (resp, string) {
	cl.e.t.Helper()
	cl.seq++
	id := fmt.Sprintf("act-%s-%d", strings.ReplaceAll(cl.ip, ".", "-"), cl.seq)
	h := map[string]string{"X-Forwarded-For": cl.ip, "User-Agent": cl.ua, "X-Request-Id": id}
	for k, v := range headers {
		h[k] = v
	}
	return cl.e.do(token, method, path, body, h), id
}

func (cl *client) login(user, password string) (resp, string) {
	return cl.do("", "POST", "/api/v1/auth/login", map[string]string{"username": user, "password": password}, nil)
}

func (cl *client) token(user string) string {
	cl.e.t.Helper()
	r, _ := cl.login(user, pw)
	require.Equal(cl.e.t, 200, r.Code, r.Body.String())
	return r.json(cl.e.t)["token"].(string)
}

type logPage struct {
	Items []operationJSON `json:"items"`
	Total int             `json:"total"`
}

func (e *env) operationLog(token, query string) logPage {
	e.t.Helper()
	r := e.do(token, "GET", "/api/v1/operation-log?pageSize=200&"+query, nil, nil)
	require.Equal(e.t, 200, r.Code, r.Body.String())
	var p logPage
	require.NoError(e.t, json.Unmarshal(r.Body.Bytes(), &p))
	return p
}

func multipartFile(t *testing.T, name string, content []byte) ([]byte, string) {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, err := mw.CreateFormFile("file", name)
	require.NoError(t, err)
	_, err = fw.Write(content)
	require.NoError(t, err)
	require.NoError(t, mw.Close())
	return body.Bytes(), mw.FormDataContentType()
}

func TestOperationLogRecordsEveryKindOfAction(t *testing.T) {
	t.Parallel()
	e := behindProxy(t)
	cl := &client{e: e, ip: "203.0.113.7", ua: "Mozilla/5.0 (oplog test)"}
	admin, officer, tokA := cl.token("admin"), cl.token("officer"), cl.token("ent-a")
	audit := cl.token("auditor")

	// want is the row each action must leave.
	type want struct {
		user, role, enterprise, command, objectType, objectID, errorCode string
		status                                                           int
		rows                                                             int64
		minBytes                                                         int64
	}
	wants := map[string]want{}
	expect := func(id string, w want) { wants[id] = w }

	r, id := cl.login("admin", pw)
	expect(id, want{user: "admin", role: "zone_admin", command: "auth.login", objectType: "user", objectID: "admin", status: 200, minBytes: 10})
	adminToken := r.json(t)["token"].(string)
	_, id = cl.login("officer", "wrong-password-1")
	expect(id, want{command: "auth.login", objectType: "user", objectID: "officer", status: 401, errorCode: "UNAUTHENTICATED"})
	for range 5 {
		cl.login("ent-b", "wrong-password-1")
	}
	_, id = cl.login("ent-b", pw)
	expect(id, want{command: "auth.login", objectType: "user", objectID: "ent-b", status: 429, errorCode: "TOO_MANY_ATTEMPTS"})
	_, id = cl.do(adminToken, "POST", "/api/v1/auth/logout", nil, nil)
	expect(id, want{user: "admin", role: "zone_admin", command: "auth.logout", objectType: "user", status: 204})
	_, id = cl.do(officer, "POST", "/api/v1/me/password", map[string]string{"currentPassword": "nope-nope-1", "newPassword": "a-New-pass-9981"}, nil)
	expect(id, want{user: "officer", role: "customs_officer", command: "auth.password.change", objectType: "user", status: 422, errorCode: "VALIDATION_FAILED"})

	_, id = cl.do(admin, "GET", "/api/v1/enterprises/"+entA, nil, nil)
	expect(id, want{user: "admin", role: "zone_admin", command: "enterprise.read", objectType: "enterprise", objectID: entA, status: 200, rows: 1, minBytes: 10})
	_, id = cl.do(admin, "POST", "/api/v1/users", map[string]string{"username": "clerk-z", "password": "Clerk-pass-7781", "displayName": "Z", "role": "auditor"}, nil)
	expect(id, want{user: "admin", role: "zone_admin", command: "user.create", objectType: "user", objectID: "clerk-z", status: 201})
	_, id = cl.do(admin, "POST", "/api/v1/users/clerk-z/disable", nil, nil)
	expect(id, want{user: "admin", role: "zone_admin", command: "user.disable", objectType: "user", objectID: "clerk-z", status: 200})
	_, id = cl.do(admin, "POST", "/api/v1/users/ent-b/unlock", nil, nil)
	expect(id, want{user: "admin", role: "zone_admin", command: "user.unlock", objectType: "user", objectID: "ent-b", status: 204})

	r, id = cl.do(tokA, "POST", "/api/v1/prefiling-drafts", map[string]any{"data": completeData()}, nil)
	require.Equal(t, 201, r.Code, r.Body.String())
	draft := r.json(t)["id"].(string)
	expect(id, want{user: "ent-a", role: "enterprise", enterprise: entA, command: "prefiling_draft.create", objectType: "prefiling_draft", objectID: draft, status: 201})
	_, id = cl.do(tokA, "PUT", "/api/v1/prefiling-drafts/"+draft, map[string]any{"data": completeData()}, nil)
	expect(id, want{user: "ent-a", role: "enterprise", enterprise: entA, command: "prefiling_draft.update", objectType: "prefiling_draft", objectID: draft, status: 200})
	_, id = cl.do(tokA, "DELETE", "/api/v1/prefiling-drafts/"+draft, nil, nil)
	expect(id, want{user: "ent-a", role: "enterprise", enterprise: entA, command: "prefiling_draft.delete", objectType: "prefiling_draft", objectID: draft, status: 204})

	pdf := []byte("%PDF-1.7\n%âãÏÓ\n1 0 obj<<>>endobj\n%%EOF")
	sum := sha256Hex(pdf)
	body, contentType := multipartFile(t, "origin.pdf", pdf)
	_, id = cl.do(tokA, "POST", "/api/v1/attachments", body, map[string]string{"Content-Type": contentType})
	expect(id, want{user: "ent-a", role: "enterprise", enterprise: entA, command: "attachment.upload", objectType: "attachment", objectID: sum, status: 201})
	_, id = cl.do(tokA, "GET", "/api/v1/attachments/"+sum, nil, nil)
	expect(id, want{user: "ent-a", role: "enterprise", enterprise: entA, command: "attachment.download", objectType: "attachment", objectID: sum, status: 200, rows: 1, minBytes: int64(len(pdf))})
	_, id = cl.do(tokA, "GET", "/api/v1/document-drafts/export.xlsx", nil, nil)
	expect(id, want{user: "ent-a", role: "enterprise", enterprise: entA, command: "document_draft.export", objectType: "document_draft", status: 200, rows: 0, minBytes: 1000})

	e.ledger.on["ReviewPrefiling"] = func([]string) ([]byte, error) {
		return nil, &ledger.ChaincodeError{Message: "NOT_FOUND: prefiling PF20261126AAAAAAAA is not declared"}
	}
	_, id = cl.do(officer, "POST", "/api/v1/prefilings/PF20261126AAAAAAAA/review", map[string]string{"decision": "approve"}, nil)
	expect(id, want{user: "officer", role: "customs_officer", command: "prefiling.review", objectType: "prefiling", objectID: "PF20261126AAAAAAAA", status: 404, errorCode: "NOT_FOUND"})
	_, id = cl.do(tokA, "GET", "/api/v1/users", nil, nil)
	expect(id, want{user: "ent-a", role: "enterprise", enterprise: entA, command: "user.list", objectType: "user", status: 403, errorCode: "FORBIDDEN"})
	_, id = cl.do("", "GET", "/api/v1/documents/HZ20261126AAAAAAAA", nil, nil)
	expect(id, want{command: "document.read", objectType: "document", objectID: "HZ20261126AAAAAAAA", status: 401, errorCode: "UNAUTHENTICATED"})
	_, id = cl.do(tokA, "GET", "/api/v1/no-such-thing", nil, nil)
	expect(id, want{command: oplog.CommandUnmatched, objectType: "path", objectID: "/api/v1/no-such-thing", status: 404, errorCode: "NOT_FOUND"})
	_, id = cl.do(tokA, "GET", "/api/v1/webhook", nil, nil)
	expect(id, want{user: "ent-a", role: "enterprise", enterprise: entA, command: "webhook.read", objectType: "webhook", status: 200})
	_, id = cl.do(audit, "GET", "/api/v1/operation-log/check", nil, nil)
	expect(id, want{user: "auditor", role: "auditor", command: "oplog.check", objectType: "operation_log", status: 200})
	_, id = cl.do(admin, "PUT", "/api/v1/operation-log/rules", oplog.DefaultRules, nil)
	expect(id, want{user: "admin", role: "zone_admin", command: "oplog.rules.update", objectType: "operation_log", objectID: "1", status: 200})
	r, id = cl.do(audit, "GET", "/api/v1/operation-log/export.csv", nil, nil)
	require.Equal(t, 200, r.Code, r.Body.String())
	exported, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(r.Body.Bytes(), []byte("\uFEFF")))).ReadAll()
	require.NoError(t, err)
	require.Equal(t, "序号", exported[0][0], "Chinese column names")
	expect(id, want{user: "auditor", role: "auditor", command: "oplog.export", objectType: "operation_log", status: 200,
		rows: int64(len(exported) - 1), minBytes: int64(r.Body.Len())})

	// Quiet routes are not logged when they succeed.
	_, quiet := cl.do(tokA, "GET", "/api/v1/auth/me", nil, nil)

	commands := map[string]bool{}
	rows := e.operationLog(audit, "").Items
	byRequest := map[string]operationJSON{}
	for _, row := range rows {
		byRequest[row.RequestID] = row
	}
	for id, w := range wants {
		row, ok := byRequest[id]
		require.True(t, ok, "request %s (%s) is not in the log", id, w.command)
		commands[row.Command+fmt.Sprint(row.Status)] = true
		require.Equal(t, w.command, row.Command, id)
		require.NotEmpty(t, row.CommandName, id)
		require.Equal(t, w.user, row.Username, id)
		require.Equal(t, w.role, row.Role, id)
		require.Equal(t, w.enterprise, row.EnterpriseID, id)
		require.Equal(t, w.objectType, row.ObjectType, id)
		require.Equal(t, w.objectID, row.ObjectID, id)
		require.Equal(t, "203.0.113.7", row.IP, "the client's address behind the trusted proxy (%s)", id)
		require.Equal(t, "Mozilla/5.0 (oplog test)", row.UserAgent, id)
		require.Equal(t, w.status, row.Status, id)
		require.Equal(t, w.errorCode, row.ErrorCode, id)
		require.Equal(t, w.rows, row.Rows, id)
		require.GreaterOrEqual(t, row.Bytes, w.minBytes, id)
		require.Len(t, row.Hash, 64)
	}
	require.GreaterOrEqual(t, len(commands), 20, "twenty kinds of action")
	_, found := byRequest[quiet]
	require.False(t, found, "a successful GET /auth/me is not an action worth a row")

	t.Run("filters select rows", func(t *testing.T) {
		p := e.operationLog(audit, "username=ent-a&result=refused")
		require.NotEmpty(t, p.Items)
		for _, row := range p.Items {
			require.Equal(t, "ent-a", row.Username)
			require.GreaterOrEqual(t, row.Status, 400)
		}
		p = e.operationLog(audit, "command=auth.login&objectId=ent-b")
		require.Len(t, p.Items, 6, "five failures and the refusal while locked")
		p = e.operationLog(audit, "ip=198.51.100.1")
		require.Empty(t, p.Items)
		r := e.do(audit, "GET", "/api/v1/operation-log?from=yesterday", nil, nil)
		require.Equal(t, 400, r.Code)
	})
	t.Run("only the zone admin and auditors read the log", func(t *testing.T) {
		require.Equal(t, 403, e.do(tokA, "GET", "/api/v1/operation-log", nil, nil).Code)
		require.Equal(t, 403, e.do(officer, "GET", "/api/v1/operation-log/export.xlsx", nil, nil).Code)
		require.Equal(t, 403, e.do(audit, "PUT", "/api/v1/operation-log/rules", oplog.DefaultRules, nil).Code)
		require.Equal(t, 200, e.do(admin, "GET", "/api/v1/operation-log/export.xlsx", nil, nil).Code)
	})
	t.Run("the chain checks out", func(t *testing.T) {
		r := e.do(audit, "GET", "/api/v1/operation-log/check", nil, nil)
		require.Equal(t, 200, r.Code, r.Body.String())
		m := r.json(t)
		require.Equal(t, true, m["ok"], r.Body.String())
	})
}

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// tamper runs sql as the superuser with triggers (the append-only one)
// switched off for the session.
func tamper(t *testing.T, e *env, sql string, args ...any) {
	t.Helper()
	ctx := context.Background()
	conn, err := e.cfg.Pool.Acquire(ctx)
	require.NoError(t, err)
	defer conn.Release()
	_, err = conn.Exec(ctx, `SET session_replication_role = replica`)
	require.NoError(t, err)
	defer conn.Exec(ctx, `SET session_replication_role = origin`) //nolint:errcheck // the connection is released anyway
	_, err = conn.Exec(ctx, sql, args...)
	require.NoError(t, err)
}

func (e *env) checkReport(token string) oplog.CheckReport {
	e.t.Helper()
	r := e.do(token, "GET", "/api/v1/operation-log/check", nil, nil)
	require.Equal(e.t, 200, r.Code, r.Body.String())
	var rep oplog.CheckReport
	require.NoError(e.t, json.Unmarshal(r.Body.Bytes(), &rep))
	return rep
}

// anchoringLedger makes the fake chaincode keep anchors like the real one.
func (e *env) anchoringLedger() {
	var mu sync.Mutex
	var anchors []model.OperationLogAnchor
	e.ledger.on["AnchorOperationLog"] = func(args []string) ([]byte, error) {
		mu.Lock()
		defer mu.Unlock()
		var seq int64
		fmt.Sscan(args[1], &seq)
		a := model.OperationLogAnchor{Seq: seq, HeadHash: args[2], TxID: "anchor-" + args[1], At: "2026-11-28T00:00:00Z"}
		anchors = append(anchors, a)
		return json.Marshal(a)
	}
	e.ledger.eval["GetOperationLogAnchors"] = func([]string) ([]byte, error) {
		mu.Lock()
		defer mu.Unlock()
		return json.Marshal(anchors)
	}
}

func TestOperationLogCheckFindsTampering(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	t.Run("a changed row", func(t *testing.T) {
		t.Parallel()
		e := setup(t)
		audit := e.login("auditor")
		for range 5 {
			e.do(audit, "GET", "/api/v1/enterprises", nil, nil)
		}
		require.True(t, e.checkReport(audit).OK)
		tamper(t, e, `UPDATE operation_log SET username = 'someone-else' WHERE seq = 3`)
		rep := e.checkReport(audit)
		require.False(t, rep.OK)
		require.Equal(t, oplog.ProblemChanged, rep.Problem.Kind)
		require.Equal(t, int64(3), rep.Problem.Seq)
	})
	t.Run("a deleted row", func(t *testing.T) {
		t.Parallel()
		e := setup(t)
		audit := e.login("auditor")
		for range 5 {
			e.do(audit, "GET", "/api/v1/enterprises", nil, nil)
		}
		tamper(t, e, `DELETE FROM operation_log WHERE seq = 4`)
		rep := e.checkReport(audit)
		require.False(t, rep.OK)
		require.Equal(t, oplog.ProblemMissing, rep.Problem.Kind)
		require.Equal(t, int64(4), rep.Problem.Seq)
	})
	t.Run("the append-only trigger refuses changes", func(t *testing.T) {
		t.Parallel()
		e := setup(t)
		e.login("auditor")
		_, err := e.cfg.Pool.Exec(ctx, `UPDATE operation_log SET username = 'x'`)
		require.ErrorContains(t, err, "append-only")
		_, err = e.cfg.Pool.Exec(ctx, `DELETE FROM operation_log`)
		require.ErrorContains(t, err, "append-only")
		_, err = e.cfg.Pool.Exec(ctx, `TRUNCATE operation_log CASCADE`)
		require.ErrorContains(t, err, "append-only")
	})
	t.Run("a truncated tail and a rewritten chain are caught by the anchor", func(t *testing.T) {
		t.Parallel()
		e := setup(t)
		e.anchoringLedger()
		audit := e.login("auditor")
		for range 5 {
			e.do(audit, "GET", "/api/v1/enterprises", nil, nil)
		}
		a, err := e.g.AnchorOperationLog(ctx)
		require.NoError(t, err)
		require.NotNil(t, a)
		again, err := e.g.AnchorOperationLog(ctx)
		require.NoError(t, err)
		require.Nil(t, again, "nothing new, nothing anchored")
		rep := e.checkReport(audit)
		require.True(t, rep.OK, "%+v", rep.Problem)
		require.Equal(t, 1, rep.Anchors)

		// A row changed since the last anchor is never vouched for.
		e.do(audit, "GET", "/api/v1/enterprises", nil, nil)
		tamper(t, e, `UPDATE operation_log SET ip = '10.0.0.1' WHERE seq = $1`, a.Seq+1)
		_, err = e.g.AnchorOperationLog(ctx)
		require.ErrorContains(t, err, fmt.Sprintf("row %d changed", a.Seq+1))
		rep = e.checkReport(audit)
		require.Equal(t, oplog.ProblemChanged, rep.Problem.Kind)
		require.Equal(t, a.Seq+1, rep.Problem.Seq)

		// Removing the tail and moving the head back leaves a chain that
		// is whole in itself; only the anchor shows rows are gone.
		tamper(t, e, `DELETE FROM operation_log WHERE seq > 3`)
		tamper(t, e, `UPDATE operation_log_head SET seq = 3, hash = (SELECT hash FROM operation_log WHERE seq = 3)`)
		rep = e.checkReport(audit)
		require.False(t, rep.OK)
		require.Equal(t, oplog.ProblemTruncated, rep.Problem.Kind)
		require.Equal(t, int64(4), rep.Problem.Seq)
	})
}

func TestOperationLogAlertsNotifyAdminsAndAuditors(t *testing.T) {
	t.Parallel()
	e := behindProxy(t)
	home := &client{e: e, ip: "203.0.113.7", ua: "ua"}
	admin, audit := home.token("admin"), home.token("auditor")
	tokA := home.token("ent-a")

	inbox := func(token string) oplog.Inbox {
		r := e.do(token, "GET", "/api/v1/notifications", nil, nil)
		require.Equal(t, 200, r.Code, r.Body.String())
		var in oplog.Inbox
		require.NoError(t, json.Unmarshal(r.Body.Bytes(), &in))
		return in
	}
	rulesOf := func(in oplog.Inbox, rule string) []oplog.Notification {
		var out []oplog.Notification
		for _, n := range in.Items {
			if n.Alert.Rule == rule {
				out = append(out, n)
			}
		}
		return out
	}
	// Only the rules under test, so the clock of the machine running the
	// test (off hours or not) does not matter.
	rules := oplog.DefaultRules
	rules.OffHours.Enabled = false
	rules.BulkExport.MaxRows = 3
	r := e.do(admin, "PUT", "/api/v1/operation-log/rules", rules, nil)
	require.Equal(t, 200, r.Code, r.Body.String())
	version := int(r.json(t)["version"].(float64))
	require.Equal(t, 1, version)
	bad := rules
	bad.Refusals.Count = 0
	require.Equal(t, 422, e.do(admin, "PUT", "/api/v1/operation-log/rules", bad, nil).Code)

	t.Run("a bulk export", func(t *testing.T) {
		r := e.do(audit, "GET", "/api/v1/operation-log/export.xlsx", nil, nil)
		require.Equal(t, 200, r.Code)
		for _, token := range []string{admin, audit} {
			got := rulesOf(inbox(token), oplog.RuleBulkExport)
			require.Len(t, got, 1)
			require.Equal(t, version, got[0].Alert.RuleSetVersion)
			require.Equal(t, "auditor", got[0].Alert.Params["username"])
			require.Equal(t, "oplog.export", got[0].Alert.Params["command"])
		}
		require.Empty(t, inbox(tokA).Items, "enterprises are not told")
	})
	t.Run("a login from a new address, once", func(t *testing.T) {
		away := &client{e: e, ip: "198.51.100.23", ua: "ua"}
		away.token("ent-a")
		away.token("ent-a")
		home.token("ent-a")
		got := rulesOf(inbox(audit), oplog.RuleNewAddress)
		require.Len(t, got, 1)
		require.Equal(t, map[string]any{"username": "ent-a", "ip": "198.51.100.23"}, got[0].Alert.Params)
		require.Len(t, rulesOf(inbox(admin), oplog.RuleNewAddress), 1)
		// The first login of a user sets the baseline.
		require.Empty(t, slices.DeleteFunc(rulesOf(inbox(audit), oplog.RuleNewAddress), func(n oplog.Notification) bool {
			return n.Alert.Params["username"] == "ent-a"
		}))
	})
	t.Run("repeated refusals, once per window", func(t *testing.T) {
		for range 12 {
			e.do(tokA, "GET", "/api/v1/users", nil, nil)
		}
		got := rulesOf(inbox(admin), oplog.RuleRefusals)
		require.Len(t, got, 1)
		require.Equal(t, "user:ent-a", got[0].Alert.Subject)
		require.Equal(t, map[string]any{"username": "ent-a", "ip": "192.0.2.1", "count": float64(rules.Refusals.Count),
			"windowMinutes": float64(rules.Refusals.WindowMinutes)}, got[0].Alert.Params, "fired at the count's refusal")

		anonymous := &client{e: e, ip: "192.0.2.44", ua: "ua"}
		for range rules.Refusals.Count {
			r, _ := anonymous.do("", "GET", "/api/v1/users", nil, nil)
			require.Equal(t, 401, r.Code)
		}
		got = slices.DeleteFunc(rulesOf(inbox(admin), oplog.RuleRefusals), func(n oplog.Notification) bool {
			return n.Alert.Subject != "ip:192.0.2.44"
		})
		require.Len(t, got, 1, "anonymous refusals count by address")
	})
	t.Run("reading notifications", func(t *testing.T) {
		in := inbox(admin)
		require.Equal(t, len(in.Items), in.Unread)
		ids := make([]int64, 0, len(in.Items))
		for _, n := range in.Items {
			ids = append(ids, n.ID)
		}
		sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
		require.Equal(t, 204, e.do(admin, "POST", fmt.Sprintf("/api/v1/notifications/%d/read", ids[0]), nil, nil).Code)
		require.Equal(t, in.Unread-1, inbox(admin).Unread)
		require.Equal(t, in.Unread, inbox(audit).Unread, "each recipient reads their own")
		require.Equal(t, 404, e.do(tokA, "POST", fmt.Sprintf("/api/v1/notifications/%d/read", ids[1]), nil, nil).Code)
		require.Equal(t, 204, e.do(admin, "POST", "/api/v1/notifications/read-all", nil, nil).Code)
		require.Zero(t, inbox(admin).Unread)
	})
}

func TestEveryRouteHasAnOperationLogAction(t *testing.T) {
	t.Parallel()
	e := setup(t)
	var routed []string
	for _, r := range e.g.engine.Routes() {
		if strings.HasPrefix(r.Path, APIPrefix+"/") {
			routed = append(routed, r.Method+" "+r.Path)
		}
	}
	named := oplog.Routes()
	sort.Strings(routed)
	sort.Strings(named)
	require.Equal(t, routed, named)
}
