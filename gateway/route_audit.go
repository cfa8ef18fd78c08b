package gateway

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"zonetrace/gateway/accounts"
	"zonetrace/gateway/openapi"
	"zonetrace/gateway/service/audit"
	"zonetrace/gateway/verifyruns"
	"zonetrace/indexer/query"
	"zonetrace/internal/bundle"
	"zonetrace/network/pki"
)

// auditors read the block explorer and run audits; only the auditor takes
// evidence bundles away.
var (
	auditors     = []accounts.Role{accounts.RoleAuditor, accounts.RoleCustomsOfficer, accounts.RoleCustomsAdmin, accounts.RoleZoneAdmin}
	auditorsOnly = []accounts.Role{accounts.RoleAuditor}
)

type auditRoutes struct {
	g   *Gateway
	svc *audit.Service
}

func (g *Gateway) auditService() (*audit.Service, error) {
	runs, err := verifyruns.New(g.cfg.Pool, time.Now)
	if err != nil {
		return nil, err
	}
	roots := map[string]string{}
	for _, msp := range pki.MSPs {
		pem, err := g.cfg.PKI.CACertPEM(msp)
		if err != nil {
			return nil, fmt.Errorf("audit: CA root of %s: %w", msp, err)
		}
		roots[msp] = string(pem)
	}
	kind := g.cfg.LedgerKind
	if kind == "" {
		kind = bundle.LedgerEmbedded
	}
	src := bundle.Source{Mirror: g.cfg.Pool, Ledger: kind, CARoots: roots, Now: time.Now}
	return audit.New(query.NewExplorer(g.cfg.Pool), runs, src), nil
}

func (g *Gateway) routeAudit(api *gin.RouterGroup, svc *audit.Service) {
	r := auditRoutes{g: g, svc: svc}
	ex := api.Group("/explorer", allow(auditors...))
	ex.GET("/blocks", r.blocks)
	ex.GET("/blocks/:number", r.block)
	ex.GET("/transactions/:txId", r.transaction)
	ex.GET("/search", r.search)
	v := api.Group("/verify-runs", allow(auditors...))
	v.POST("", r.startVerify)
	v.GET("", r.verifyRuns)
	v.GET("/:id", r.verifyRun)
	api.GET("/evidence-bundles/:code", allow(auditorsOnly...), r.evidenceBundle)
}

type verifyRunList struct {
	Items []verifyruns.Run `json:"items"`
}

func auditOperations() []openapi.Operation {
	const v1 = APIPrefix
	return []openapi.Operation{
		{Method: "GET", Path: v1 + "/explorer/blocks", Tag: "audit", Summary: "Blocks of the ledger as mirrored, newest first (auditor, customs, zone_admin)", Query: pageQuery, Status: 200, Response: query.BlockPage{}},
		{Method: "GET", Path: v1 + "/explorer/blocks/{number}", Tag: "audit", Summary: "A block's header and its transactions", Status: 200, Response: query.BlockDetail{}},
		{Method: "GET", Path: v1 + "/explorer/transactions/{txId}", Tag: "audit", Summary: "A transaction: creator (organisation, individual, certificate), function, endorsements, validation code, keys written, what it touched, its block header", Status: 200, Response: query.TxDetail{}},
		{Method: "GET", Path: v1 + "/explorer/search", Tag: "audit", Summary: "Transactions by transaction id, trace code, document id or prefiling id", Query: []openapi.Param{{Name: "q", Type: "string", Description: "the id searched for"}}, Status: 200, Response: query.SearchResult{}},
		{Method: "POST", Path: v1 + "/verify-runs", Tag: "audit", Summary: "Start an audit of the ledger and the mirror (zonetrace verify) as a background job; 200 with the running one when one runs", Request: noBody{}, Status: 201, Response: verifyruns.Run{}},
		{Method: "GET", Path: v1 + "/verify-runs", Tag: "audit", Summary: "The latest audits with progress and outcome, newest first", Status: 200, Response: verifyRunList{}},
		{Method: "GET", Path: v1 + "/verify-runs/{id}", Tag: "audit", Summary: "One audit", Status: 200, Response: verifyruns.Run{}},
		{Method: "GET", Path: v1 + "/evidence-bundles/{code}", Tag: "audit", Summary: "Evidence bundle of a trace code (docs/api.md; check with zonetrace verify-bundle) (auditor)", Status: 200, Content: "application/json"},
	}
}

func (r auditRoutes) blocks(c *gin.Context) {
	page, size, err := pageParams(c)
	if err != nil {
		r.g.fail(c, err)
		return
	}
	out, err := r.svc.Blocks(c.Request.Context(), page, size)
	if err != nil {
		r.g.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, out)
}

func (r auditRoutes) block(c *gin.Context) {
	n, err := strconv.ParseInt(c.Param("number"), 10, 64)
	if err != nil || n < 0 {
		r.g.fail(c, badRequest("number", "block number must be a non-negative integer", "区块号须为非负整数"))
		return
	}
	out, err := r.svc.Block(c.Request.Context(), n)
	if err != nil {
		r.g.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, out)
}

func (r auditRoutes) transaction(c *gin.Context) {
	out, err := r.svc.Transaction(c.Request.Context(), c.Param("txId"))
	if err != nil {
		r.g.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, out)
}

func (r auditRoutes) search(c *gin.Context) {
	out, err := r.svc.Search(c.Request.Context(), c.Query("q"))
	if err != nil {
		r.g.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, out)
}

func (r auditRoutes) startVerify(c *gin.Context) {
	if err := decodeOptional(c, &noBody{}); err != nil {
		r.g.fail(c, err)
		return
	}
	run, started, err := r.svc.StartVerify(c.Request.Context(), mustUser(c).Username)
	if err != nil {
		r.g.fail(c, err)
		return
	}
	status := http.StatusOK
	if started {
		status = http.StatusCreated
	}
	c.JSON(status, run)
}

func (r auditRoutes) verifyRuns(c *gin.Context) {
	runs, err := r.svc.VerifyRuns(c.Request.Context())
	if err != nil {
		r.g.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, verifyRunList{Items: runs})
}

func (r auditRoutes) verifyRun(c *gin.Context) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		r.g.fail(c, badRequest("id", "run id must be an integer", "校验编号须为整数"))
		return
	}
	run, err := r.svc.VerifyRun(c.Request.Context(), id)
	if err != nil {
		r.g.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, run)
}

func (r auditRoutes) evidenceBundle(c *gin.Context) {
	code := c.Param("code")
	b, err := r.svc.Bundle(c.Request.Context(), code)
	if err != nil {
		r.g.fail(c, err)
		return
	}
	c.Header("Content-Disposition", fmt.Sprintf(`attachment; filename="evidence-%s.json"`, sanitizeFilename(code)))
	c.Header("Content-Type", "application/json")
	c.Status(http.StatusOK)
	if err := b.Write(c.Writer); err != nil {
		r.g.log.Warn("write evidence bundle", "traceCode", code, "err", err)
	}
}

// sanitizeFilename keeps letters, digits and dashes.
func sanitizeFilename(s string) string {
	out := make([]rune, 0, len(s))
	for _, r := range s {
		if r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r == '-' {
			out = append(out, r)
		}
	}
	return string(out)
}
