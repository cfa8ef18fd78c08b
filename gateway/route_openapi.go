package gateway

import (
	"net/http"
	"reflect"
	"sync"

	"github.com/gin-gonic/gin"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/accounts"
	"zonetrace/gateway/openapi"
	"zonetrace/indexer/query"
)

var pageQuery = []openapi.Param{
	{Name: "page", Type: "integer", Description: "1-based page"},
	{Name: "pageSize", Type: "integer", Description: "1-200, default 20"},
}

// apiOperations documents every route; a test holds it equal to the
// router's routes.
func apiOperations() []openapi.Operation {
	const v1 = APIPrefix
	pf := query.PrefilingView{}
	return []openapi.Operation{
		{Method: "GET", Path: "/healthz", Tag: "operations", Summary: "Process alive", Public: true, Status: 200, Response: map[string]string{}},
		{Method: "GET", Path: "/readyz", Tag: "operations", Summary: "Database and ledger reachable, indexer lag", Public: true, Status: 200, Response: readiness{}},
		{Method: "GET", Path: "/metrics", Tag: "operations", Summary: "Prometheus metrics", Public: true, Status: 200, Content: "text/plain"},
		{Method: "GET", Path: v1 + "/openapi.json", Tag: "operations", Summary: "This document", Public: true, Status: 200, Response: map[string]any{}},

		{Method: "POST", Path: v1 + "/auth/login", Tag: "auth", Summary: "Log in", Public: true, Request: loginRequest{}, Status: 200, Response: loginResponse{}},
		{Method: "POST", Path: v1 + "/auth/logout", Tag: "auth", Summary: "Log out (revoke the token)", Status: 204},
		{Method: "GET", Path: v1 + "/auth/me", Tag: "auth", Summary: "The logged-in user", Status: 200, Response: userJSON{}},

		{Method: "POST", Path: v1 + "/enterprises", Tag: "enterprises", Summary: "Register an enterprise, issue and bind its identity (zone_admin)", Idempotent: true, Request: registerEnterpriseRequest{}, Status: 201, Response: model.Enterprise{}},
		{Method: "GET", Path: v1 + "/enterprises", Tag: "enterprises", Summary: "List enterprises", Status: 200, Response: enterpriseList{}},
		{Method: "GET", Path: v1 + "/enterprises/{id}", Tag: "enterprises", Summary: "An enterprise with its bound identities", Status: 200, Response: enterpriseDetail{}},
		{Method: "POST", Path: v1 + "/users", Tag: "users", Summary: "Create a user (zone_admin)", Idempotent: true, Request: createUserRequest{}, Status: 201, Response: userJSON{}},
		{Method: "GET", Path: v1 + "/users", Tag: "users", Summary: "List users", Status: 200, Response: userList{}},

		{Method: "GET", Path: v1 + "/prefiling-drafts", Tag: "prefiling drafts", Summary: "Undeclared drafts of the own enterprise, newest update first",
			Query: append([]openapi.Param{{Name: "q", Type: "string", Description: "product name, HS code, exporter, batch or material number"}}, pageQuery...), Status: 200, Response: draftPage{}},
		{Method: "POST", Path: v1 + "/prefiling-drafts", Tag: "prefiling drafts", Summary: "Create a draft", Idempotent: true, Request: draftRequest{}, Status: 201, Response: draftJSON{}},
		{Method: "GET", Path: v1 + "/prefiling-drafts/{id}", Tag: "prefiling drafts", Summary: "A draft", Status: 200, Response: draftJSON{}},
		{Method: "PUT", Path: v1 + "/prefiling-drafts/{id}", Tag: "prefiling drafts", Summary: "Replace a draft's data (409 once declared)", Idempotent: true, Request: draftRequest{}, Status: 200, Response: draftJSON{}},
		{Method: "DELETE", Path: v1 + "/prefiling-drafts/{id}", Tag: "prefiling drafts", Summary: "Delete a draft, recording time and user (409 once declared)", Idempotent: true, Status: 204},
		{Method: "POST", Path: v1 + "/prefiling-drafts/{id}/copy", Tag: "prefiling drafts", Summary: "Copy a draft (attachments and quarantine result cleared)", Idempotent: true, Status: 201, Response: draftJSON{}},
		{Method: "POST", Path: v1 + "/prefiling-drafts/{id}/declare", Tag: "prefiling drafts", Summary: "Declare a complete draft on the ledger (422 with details when incomplete)", Idempotent: true, Status: 201, Response: pf},

		{Method: "GET", Path: v1 + "/prefilings", Tag: "prefilings", Summary: "Search prefilings (enterprises see their own)", Query: append([]openapi.Param{
			{Name: "productName", Type: "string"}, {Name: "traceCode", Type: "string"}, {Name: "origin", Type: "string"}, {Name: "exporter", Type: "string"},
			{Name: "status", Type: "string", Enum: []string{"declared", "approved", "returned"}},
			{Name: "supplementStatus", Type: "string", Enum: []string{"declared", "approved", "returned"}},
			{Name: "needsReview", Type: "boolean", Description: "customs queue: status or supplement status declared"},
			{Name: "enterpriseId", Type: "string", Description: "ignored for enterprises"},
		}, pageQuery...), Status: 200, Response: query.PrefilingPage{}},
		{Method: "GET", Path: v1 + "/prefilings/{id}", Tag: "prefilings", Summary: "A prefiling with its history (another enterprise's is 403)", Status: 200, Response: pf},
		{Method: "POST", Path: v1 + "/prefilings/{id}/review", Tag: "prefilings", Summary: "Approve or return a declared prefiling (customs)", Idempotent: true, Request: reviewRequest{}, Status: 200, Response: pf},
		{Method: "POST", Path: v1 + "/prefilings/{id}/supplement", Tag: "prefilings", Summary: "Declare a supplement of an approved prefiling (owning enterprise)", Idempotent: true, Request: model.SupplementData{}, Status: 200, Response: pf},
		{Method: "POST", Path: v1 + "/prefilings/{id}/supplement/review", Tag: "prefilings", Summary: "Approve or return a supplement (customs)", Idempotent: true, Request: reviewRequest{}, Status: 200, Response: pf},
		{Method: "POST", Path: v1 + "/prefilings/{id}/copy-to-draft", Tag: "prefilings", Summary: "Copy a prefiling into a new draft", Idempotent: true, Status: 201, Response: draftJSON{}},

		{Method: "GET", Path: v1 + "/trace-codes/{code}", Tag: "trace codes", Summary: "A trace code with its prefiling and public URI", Status: 200, Response: traceCodeView{}},
		{Method: "GET", Path: v1 + "/trace-codes/{code}/qr.png", Tag: "trace codes", Summary: "QR code (PNG) of the trace code's public URI",
			Query: []openapi.Param{{Name: "size", Type: "integer", Description: "pixels, 128-1024, default 256"}}, Status: 200, Content: "image/png"},

		{Method: "POST", Path: v1 + "/attachments", Tag: "attachments", Summary: "Upload a PDF, PNG or JPEG (≤ 10 MiB), content-addressed", Multipart: true, Status: 201, Response: uploadedAttachment{}},
		{Method: "GET", Path: v1 + "/attachments/{sha256}", Tag: "attachments", Summary: "Download an attachment", Status: 200, Content: "application/octet-stream"},
	}
}

func apiEnums() openapi.Enums {
	strs := func(vals ...string) []string { return vals }
	roles := make([]string, len(accounts.Roles))
	for i, r := range accounts.Roles {
		roles[i] = string(r)
	}
	kinds := make([]string, len(model.EnterpriseKinds))
	for i, k := range model.EnterpriseKinds {
		kinds[i] = string(k)
	}
	return openapi.Enums{
		reflect.TypeOf(accounts.Role("")):          roles,
		reflect.TypeOf(model.EnterpriseKind("")):   kinds,
		reflect.TypeOf(model.PrefilingStatus("")):  strs("declared", "approved", "returned"),
		reflect.TypeOf(model.SupplementStatus("")): strs("", "declared", "approved", "returned"),
		reflect.TypeOf(model.QuarantineResult("")): strs("pending", "qualified", "unqualified"),
		reflect.TypeOf(model.Role("")):             strs(string(model.RoleCustoms), string(model.RoleZoneAdmin), string(model.RoleEnterprise)),
	}
}

var openAPIDocument = sync.OnceValues(func() ([]byte, error) {
	return openapi.Build("ZoneTrace gateway API", "1.0.0", apiOperations(), apiEnums())
})

func (g *Gateway) routeOpenAPI(api *gin.RouterGroup) {
	api.GET("/openapi.json", func(c *gin.Context) {
		doc, err := openAPIDocument()
		if err != nil {
			g.fail(c, err)
			return
		}
		c.Data(http.StatusOK, "application/json; charset=utf-8", doc)
	})
}
