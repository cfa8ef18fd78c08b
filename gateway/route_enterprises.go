package gateway

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/validation"
)

type registerEnterpriseRequest struct {
	ID          string               `json:"id"`
	Name        string               `json:"name"`
	Kind        model.EnterpriseKind `json:"kind"`
	CustomsCode string               `json:"customsCode,omitempty"`
}

// uscc is the shape of a unified social credit code (GB 32100-2015; the
// check character is the chaincode's business).
var uscc = regexp.MustCompile(`^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$`)

var customsCodePattern = regexp.MustCompile(`^[0-9A-Z]{10}$`)

func (r registerEnterpriseRequest) check() error {
	var p validation.Problems
	if !uscc.MatchString(r.ID) {
		p.Add("id", "must be an 18-character unified social credit code", "须为18位统一社会信用代码")
	}
	if n := utf8.RuneCountInString(r.Name); n == 0 || n > 200 {
		p.Add("name", "is required (at most 200 characters)", "企业名称必填（不超过200字）")
	}
	if !slices.Contains(model.EnterpriseKinds, r.Kind) {
		p.Add("kind", "must be importer, warehouse, trader, processor or logistics", "企业类型无效")
	}
	if r.CustomsCode != "" && !customsCodePattern.MatchString(r.CustomsCode) {
		p.Add("customsCode", "must be 10 characters of 0-9 A-Z", "海关编码须为10位数字或大写字母")
	}
	return p.Err()
}

type enterpriseList struct {
	Items []model.Enterprise `json:"items"`
}

type identityJSON struct {
	MspID           string `json:"mspId"`
	CertFingerprint string `json:"certFingerprint"`
	BoundAt         string `json:"boundAt"`
}

type enterpriseDetail struct {
	model.Enterprise
	Identities []identityJSON `json:"identities"`
}

func (g *Gateway) routeEnterprises(api *gin.RouterGroup) {
	api.POST("/enterprises", allow(zoneAdminOnly...), g.idempotent(true), g.registerEnterprise)
	api.GET("/enterprises", allow(supervisors...), g.listEnterprises)
	api.GET("/enterprises/:id", allow(supervisors...), g.getEnterprise)
}

// registerEnterprise registers the enterprise, issues its client identity
// and binds it, as the zone admin. Each step has its own chaincode request
// id derived from the idempotency key, so a retry after a crash finishes the
// job without doing any step twice.
func (g *Gateway) registerEnterprise(c *gin.Context) {
	var req registerEnterpriseRequest
	if err := decodeJSON(c, &req); err != nil {
		g.fail(c, err)
		return
	}
	if err := req.check(); err != nil {
		g.fail(c, err)
		return
	}
	admin, err := g.identities.ZoneAdmin()
	if err != nil {
		g.fail(c, err)
		return
	}
	enterpriseJSON, err := json.Marshal(req)
	if err != nil {
		g.fail(c, fmt.Errorf("encode enterprise: %w", err))
		return
	}
	rid := c.GetString(ctxLedgerRequestID)
	payload, err := g.submit(c, txCall{signer: admin, function: "RegisterEnterprise",
		args: []string{rid + ":register", string(enterpriseJSON)}, readBack: g.evaluate(admin, "GetEnterprise", req.ID)})
	if err != nil {
		g.fail(c, err)
		return
	}
	var enterprise model.Enterprise
	if err := json.Unmarshal(payload, &enterprise); err != nil {
		g.fail(c, fmt.Errorf("decode registered enterprise: %w", err))
		return
	}
	identity, err := g.identities.IssueEnterprise(req.ID)
	if err != nil {
		g.fail(c, err)
		return
	}
	if _, err := g.submit(c, txCall{signer: admin, function: "BindIdentity",
		args: []string{rid + ":bind", req.ID, identity.MspID(), string(identity.Credentials())}}); err != nil {
		g.fail(c, err)
		return
	}
	if _, err := g.awaitIndexed(c); err != nil {
		g.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, enterprise)
}

func (g *Gateway) listEnterprises(c *gin.Context) {
	list, err := g.cfg.Reads.Enterprises(c.Request.Context())
	if err != nil {
		g.fail(c, err)
		return
	}
	if list == nil {
		list = []model.Enterprise{}
	}
	c.JSON(http.StatusOK, enterpriseList{Items: list})
}

func (g *Gateway) getEnterprise(c *gin.Context) {
	ctx := c.Request.Context()
	e, err := g.cfg.Reads.Enterprise(ctx, c.Param("id"))
	if err != nil {
		g.fail(c, err)
		return
	}
	bindings, err := g.cfg.Reads.Identities(ctx, e.ID)
	if err != nil {
		g.fail(c, err)
		return
	}
	out := enterpriseDetail{Enterprise: e, Identities: make([]identityJSON, 0, len(bindings))}
	for _, b := range bindings {
		out.Identities = append(out.Identities, identityJSON{MspID: b.MspID, CertFingerprint: b.CertFingerprint, BoundAt: b.BoundAt})
	}
	c.JSON(http.StatusOK, out)
}
