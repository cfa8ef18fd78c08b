package gateway

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/accounts"
	"zonetrace/gateway/apierror"
	"zonetrace/gateway/openapi"
	"zonetrace/gateway/oplog"
	"zonetrace/network/ledger"
)

// Context keys of what a handler tells the operation log beyond what the
// route and the request say.
const (
	ctxOplogOperator = "zt.oplog.operator"
	ctxOplogObject   = "zt.oplog.object"
	ctxOplogRows     = "zt.oplog.rows"
)

// noteOperator names the operator of a request that had none when it
// arrived (a login).
func noteOperator(c *gin.Context, u accounts.User) { c.Set(ctxOplogOperator, u) }

// noteObject names the object of a route whose path does not (a login's
// username, a new record's id).
func noteObject(c *gin.Context, id string) { c.Set(ctxOplogObject, id) }

// noteRows records how many rows the answer carries (exports).
func noteRows(c *gin.Context, n int) { c.Set(ctxOplogRows, int64(n)) }

// logReaders read the operation log: the zone administration and auditors.
var logReaders = []accounts.Role{accounts.RoleZoneAdmin, accounts.RoleAuditor}

// answerTap keeps the start of a JSON answer so the operation log can read
// a refusal's error code and a new record's id without the handlers
// reporting them.
type answerTap struct {
	gin.ResponseWriter
	head bytes.Buffer
}

// tapLimit bounds the kept start of an answer.
const tapLimit = 64 << 10

func (w *answerTap) keep(b []byte) {
	if room := tapLimit - w.head.Len(); room > 0 && strings.HasPrefix(w.Header().Get("Content-Type"), "application/json") {
		w.head.Write(b[:min(len(b), room)])
	}
}

func (w *answerTap) Write(b []byte) (int, error) {
	w.keep(b)
	return w.ResponseWriter.Write(b)
}

func (w *answerTap) WriteString(s string) (int, error) {
	w.keep([]byte(s))
	return w.ResponseWriter.WriteString(s)
}

// field reads a top-level string field of the kept answer ("" when it is
// not JSON, was cut, or has no such field).
func (w *answerTap) field(path ...string) string {
	var v any
	if json.Unmarshal(w.head.Bytes(), &v) != nil {
		return ""
	}
	for _, p := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return ""
		}
		v = m[p]
	}
	s, _ := v.(string)
	return s
}

// objectInAnswer names the answer field holding the id of what a create
// route made.
var objectInAnswer = map[string]string{
	"POST " + APIPrefix + "/enterprises":            "id",
	"POST " + APIPrefix + "/users":                  "username",
	"POST " + APIPrefix + "/prefiling-drafts":       "id",
	"POST " + APIPrefix + "/document-drafts":        "id",
	"POST " + APIPrefix + "/document-drafts/import": "id",
	"POST " + APIPrefix + "/attachments":            "sha256",
	"POST " + APIPrefix + "/external-receipts":      "documentId",
	"POST " + APIPrefix + "/warehouse/locations":    "code",
}

// recordOperation appends every /api/v1 request to the operation log once
// it is answered: the route's command and object, the operator, the
// client's address as gin resolves it behind the trusted proxies, the
// volume and the result. It sits outside recoverPanics so a panicking
// handler is logged with its 500.
//
// The append is synchronous, in the request: the answer is held by the
// client until the row is committed (a few milliseconds), so no action the
// client saw answered is missing from the log. If the database refuses the
// append the action has already happened; the row is then written to the
// process log at error level with every field (and counted in
// zonetrace_oplog_append_failures_total), never dropped silently.
func (g *Gateway) recordOperation(c *gin.Context) {
	if !strings.HasPrefix(c.Request.URL.Path, APIPrefix+"/") {
		c.Next()
		return
	}
	tap := &answerTap{ResponseWriter: c.Writer}
	c.Writer = tap
	c.Next()

	status := c.Writer.Status()
	route := c.Request.Method + " " + c.FullPath()
	action, ok := oplog.ActionOf(c.Request.Method, c.FullPath())
	if !ok {
		action = oplog.Action{Command: oplog.CommandUnmatched, ObjectType: "path"}
	}
	if action.Quiet && status < 400 {
		return
	}
	e := oplog.Entry{Command: action.Command, ObjectType: action.ObjectType, IP: c.ClientIP(), UserAgent: c.Request.UserAgent(),
		Status: status, RequestID: c.GetString(ctxRequestID), Bytes: int64(max(c.Writer.Size(), 0))}
	if _, recovering := c.Request.Context().Value(recoveryUser{}).(string); recovering {
		e.UserAgent = "zonetrace outbox recovery"
	}
	u, ok := currentUser(c)
	if !ok {
		if v, noted := c.Get(ctxOplogOperator); noted {
			u, ok = v.(accounts.User)
		}
	}
	if ok {
		e.Username, e.Role, e.EnterpriseID = u.Username, string(u.Role), u.EnterpriseID
	}
	switch {
	case c.GetString(ctxOplogObject) != "":
		e.ObjectID = c.GetString(ctxOplogObject)
	case action.ObjectParam != "":
		e.ObjectID = c.Param(action.ObjectParam)
	case !ok && action.Command == oplog.CommandUnmatched:
		e.ObjectID = c.Request.URL.Path
	case status < 300 && objectInAnswer[route] != "":
		e.ObjectID = tap.field(objectInAnswer[route])
	}
	if n, noted := c.Get(ctxOplogRows); noted {
		e.Rows = n.(int64)
	} else if action.ObjectParam != "" && c.Request.Method == http.MethodGet && status == http.StatusOK {
		e.Rows = 1 // a detail read or a download
	}
	if status >= 400 {
		e.ErrorCode = tap.field("error", "code")
	}
	if _, err := g.oplog.Append(context.WithoutCancel(c.Request.Context()), e); err != nil {
		g.oplogFailures.Inc()
		g.log.Error("operation log: action not recorded", slog.String("error", err.Error()), slog.Any("entry", e))
	}
}

func (g *Gateway) routeOperationLog(api *gin.RouterGroup) {
	l := api.Group("/operation-log", allow(logReaders...))
	l.GET("", g.queryOperationLog)
	l.GET("/export.csv", g.exportOperationLog("csv"))
	l.GET("/export.xlsx", g.exportOperationLog("xlsx"))
	l.GET("/check", g.checkOperationLog)
	l.GET("/rules", g.operationLogRules)
	l.PUT("/rules", allow(zoneAdminOnly...), g.saveOperationLogRules)
	api.GET("/notifications", g.listNotifications)
	api.POST("/notifications/read-all", g.markAllNotificationsRead)
	api.POST("/notifications/:id/read", g.markNotificationRead)
}

// operationJSON is the API's log row.
type operationJSON struct {
	oplog.Record
	CommandName string `json:"commandName"`
	PrevHash    string `json:"prevHash"`
	Hash        string `json:"hash"`
}

type operationPage struct {
	Items    []operationJSON `json:"items"`
	Total    int             `json:"total"`
	Page     int             `json:"page"`
	PageSize int             `json:"pageSize"`
	// Commands names every command in Chinese, for the filter.
	Commands map[string]string `json:"commands"`
}

func operationLogFilter(c *gin.Context) (oplog.Filter, error) {
	page, pageSize, err := pageParams(c)
	if err != nil {
		return oplog.Filter{}, err
	}
	f := oplog.Filter{Username: c.Query("username"), Role: c.Query("role"), EnterpriseID: c.Query("enterpriseId"),
		Command: c.Query("command"), ObjectType: c.Query("objectType"), ObjectID: c.Query("objectId"), IP: c.Query("ip"),
		Result: c.Query("result"), Page: page, PageSize: pageSize}
	for _, t := range []struct {
		name string
		to   *time.Time
	}{{"from", &f.From}, {"to", &f.To}} {
		v := c.Query(t.name)
		if v == "" {
			continue
		}
		at, err := time.Parse(time.RFC3339, v)
		if err != nil {
			return oplog.Filter{}, badRequest(t.name, "must be an RFC 3339 time", "时间格式无效")
		}
		*t.to = at
	}
	if f.Result != "" && f.Result != oplog.ResultSuccess && f.Result != oplog.ResultRefused {
		return oplog.Filter{}, badRequest("result", "must be success or refused", "结果须为成功或被拒绝")
	}
	return f, nil
}

func (g *Gateway) queryOperationLog(c *gin.Context) {
	f, err := operationLogFilter(c)
	if err != nil {
		g.fail(c, err)
		return
	}
	p, err := g.oplog.Query(c.Request.Context(), f)
	if err != nil {
		g.fail(c, err)
		return
	}
	names := oplog.CommandNames()
	out := operationPage{Items: make([]operationJSON, 0, len(p.Items)), Total: p.Total, Page: p.Page, PageSize: p.PageSize,
		Commands: names}
	for _, r := range p.Items {
		out.Items = append(out.Items, operationJSON{Record: r, CommandName: names[r.Command],
			PrevHash: hex.EncodeToString(r.PrevHash), Hash: hex.EncodeToString(r.Hash)})
	}
	noteRows(c, len(out.Items))
	c.JSON(http.StatusOK, out)
}

// exportOperationLog sends every row the filters select; the export is
// itself logged with its row count (and watched by the bulk-export rule).
func (g *Gateway) exportOperationLog(format string) gin.HandlerFunc {
	return func(c *gin.Context) {
		f, err := operationLogFilter(c)
		if err != nil {
			g.fail(c, err)
			return
		}
		records, err := g.oplog.Select(c.Request.Context(), f)
		var tooMany *oplog.ErrTooManyRows
		if errors.As(err, &tooMany) {
			err = apierror.Newf(apierror.ValidationFailed, tooMany.Error(),
				fmt.Sprintf("符合条件的日志有%d条，请缩小范围至%d条以内", tooMany.Rows, tooMany.Max))
		}
		if err != nil {
			g.fail(c, err)
			return
		}
		var buf bytes.Buffer
		contentType := "text/csv; charset=utf-8"
		if format == "xlsx" {
			contentType = xlsxType
			err = oplog.WriteXLSX(&buf, records)
		} else {
			err = oplog.WriteCSV(&buf, records)
		}
		if err != nil {
			g.fail(c, err)
			return
		}
		noteRows(c, len(records))
		c.Header("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape("操作日志."+format))
		c.Data(http.StatusOK, contentType, buf.Bytes())
	}
}

func (g *Gateway) checkOperationLog(c *gin.Context) {
	res, err := g.oplog.Check(c.Request.Context())
	if err != nil {
		g.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, res)
}

func (g *Gateway) operationLogRules(c *gin.Context) {
	rs, err := g.oplog.Rules(c.Request.Context())
	if err != nil {
		g.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, rs)
}

func (g *Gateway) saveOperationLogRules(c *gin.Context) {
	var rules oplog.Rules
	if err := decodeJSON(c, &rules); err != nil {
		g.fail(c, err)
		return
	}
	rs, err := g.oplog.SaveRules(c.Request.Context(), rules, mustUser(c).Username)
	if err != nil {
		g.fail(c, err)
		return
	}
	noteObject(c, strconv.Itoa(rs.Version))
	c.JSON(http.StatusOK, rs)
}

func (g *Gateway) listNotifications(c *gin.Context) {
	in, err := g.oplog.Notifications(c.Request.Context(), mustUser(c).Username, c.Query("unread") == "true")
	if err != nil {
		g.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, in)
}

func (g *Gateway) markNotificationRead(c *gin.Context) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err == nil {
		err = g.oplog.MarkRead(c.Request.Context(), mustUser(c).Username, id)
	}
	if err != nil {
		if errors.Is(err, oplog.ErrNoNotification) || id == 0 {
			err = apierror.Newf(apierror.NotFound, "no such notification", "通知不存在").WithCause(err)
		}
		g.fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

func (g *Gateway) markAllNotificationsRead(c *gin.Context) {
	if err := g.oplog.MarkAllRead(c.Request.Context(), mustUser(c).Username); err != nil {
		g.fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// ledgerAnchors anchors the operation log's heads with the zone
// administration's identity.
type ledgerAnchors struct{ g *Gateway }

func (a ledgerAnchors) Anchor(ctx context.Context, seq int64, hash []byte) (string, error) {
	signer, err := a.g.identities.ZoneAdmin()
	if err != nil {
		return "", err
	}
	// One request id per head: a retry of an anchor that committed is
	// answered DUPLICATE_REQUEST with the first transaction's id.
	res, err := a.g.cfg.Ledger.Submit(ctx, signer, "AnchorOperationLog", "oplog-anchor-"+strconv.FormatInt(seq, 10),
		strconv.FormatInt(seq, 10), hex.EncodeToString(hash))
	var refused *ledger.ChaincodeError
	if errors.As(err, &refused) {
		if parsed, ok := model.ParseError(refused.Message); ok && parsed.Reason == model.ReasonRequestDone {
			first, _ := parsed.Params["txId"].(string)
			return first, nil
		}
	}
	if err != nil {
		return "", err
	}
	return res.TxID, nil
}

func (a ledgerAnchors) Anchors(ctx context.Context) ([]oplog.Anchor, error) {
	signer, err := a.g.identities.ZoneAdmin()
	if err != nil {
		return nil, err
	}
	raw, err := a.g.cfg.Ledger.Evaluate(ctx, signer, "GetOperationLogAnchors")
	if err != nil {
		return nil, err
	}
	var onChain []model.OperationLogAnchor
	if err := json.Unmarshal(raw, &onChain); err != nil {
		return nil, fmt.Errorf("decode operation log anchors: %w", err)
	}
	out := make([]oplog.Anchor, 0, len(onChain))
	for _, a := range onChain {
		at, _ := time.Parse(time.RFC3339Nano, a.At)
		out = append(out, oplog.Anchor{Seq: a.Seq, Hash: a.HeadHash, TxID: a.TxID, At: at})
	}
	return out, nil
}

// AnchorOperationLog writes the operation log's head to the ledger when it
// moved since the last anchor; the anchor job runs it periodically.
func (g *Gateway) AnchorOperationLog(ctx context.Context) (*oplog.Anchor, error) {
	return g.oplog.AnchorHead(ctx)
}

var operationLogQuery = []openapi.Param{
	{Name: "from", Type: "string", Description: "RFC 3339 time, inclusive"}, {Name: "to", Type: "string", Description: "RFC 3339 time, exclusive"},
	{Name: "username", Type: "string", Description: "the operator"}, {Name: "role", Type: "string"}, {Name: "enterpriseId", Type: "string"},
	{Name: "command", Type: "string", Description: "e.g. prefiling.review"}, {Name: "objectType", Type: "string"}, {Name: "objectId", Type: "string"},
	{Name: "ip", Type: "string"}, {Name: "result", Type: "string", Enum: []string{oplog.ResultSuccess, oplog.ResultRefused}},
}

func operationLogOperations() []openapi.Operation {
	const v1 = APIPrefix
	return []openapi.Operation{
		{Method: "GET", Path: v1 + "/operation-log", Tag: "operation log", Summary: "Search the operation log, newest first (zone_admin, auditor)",
			Query: append(append([]openapi.Param{}, operationLogQuery...), pageQuery...), Status: 200, Response: operationPage{}},
		{Method: "GET", Path: v1 + "/operation-log/export.csv", Tag: "operation log", Summary: "CSV (UTF-8 with BOM, Chinese headers) of every row the filters select, at most 100000 (zone_admin, auditor)",
			Query: operationLogQuery, Status: 200, Content: "text/csv"},
		{Method: "GET", Path: v1 + "/operation-log/export.xlsx", Tag: "operation log", Summary: "Excel of every row the filters select, at most 100000 (zone_admin, auditor)",
			Query: operationLogQuery, Status: 200, Content: xlsxType},
		{Method: "GET", Path: v1 + "/operation-log/check", Tag: "operation log", Summary: "Verify the hash chain and the heads anchored on the ledger; names the first changed, missing or reordered row (zone_admin, auditor)",
			Status: 200, Response: oplog.CheckReport{}},
		{Method: "GET", Path: v1 + "/operation-log/rules", Tag: "operation log", Summary: "The alert rule set in force (version 0: the defaults) (zone_admin, auditor)", Status: 200, Response: oplog.RuleSet{}},
		{Method: "PUT", Path: v1 + "/operation-log/rules", Tag: "operation log", Summary: "Save the alert rules as the next version (zone_admin)", Request: oplog.Rules{}, Status: 200, Response: oplog.RuleSet{}},
		{Method: "GET", Path: v1 + "/notifications", Tag: "notifications", Summary: "The own newest 50 notifications and the unread count",
			Query: []openapi.Param{{Name: "unread", Type: "boolean", Description: "only unread ones"}}, Status: 200, Response: oplog.Inbox{}},
		{Method: "POST", Path: v1 + "/notifications/read-all", Tag: "notifications", Summary: "Mark every own notification read", Request: noBody{}, Status: 204},
		{Method: "POST", Path: v1 + "/notifications/{id}/read", Tag: "notifications", Summary: "Mark an own notification read", Request: noBody{}, Status: 204},
	}
}
