package gateway

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/accounts"
	"zonetrace/gateway/validation"
	"zonetrace/indexer/query"
)

type createUserRequest struct {
	Username     string        `json:"username"`
	Password     string        `json:"password"`
	DisplayName  string        `json:"displayName"`
	Role         accounts.Role `json:"role"`
	EnterpriseID string        `json:"enterpriseId,omitempty"`
}

type resetPasswordRequest struct {
	// Password is the temporary password; it must pass the password policy.
	Password string `json:"password"`
}

type userPage struct {
	Items    []userJSON `json:"items"`
	Total    int        `json:"total"`
	Page     int        `json:"page"`
	PageSize int        `json:"pageSize"`
}

func (g *Gateway) routeUsers(api *gin.RouterGroup) {
	api.POST("/users", allow(zoneAdminOnly...), g.idempotent(false), g.createUser)
	api.GET("/users", allow(supervisors...), g.listUsers)
	api.PUT("/users/:username", allow(zoneAdminOnly...), g.idempotent(true), g.updateUser)
	api.POST("/users/:username/disable", allow(zoneAdminOnly...), g.idempotent(true), g.setUserDisabled(true))
	api.POST("/users/:username/enable", allow(zoneAdminOnly...), g.idempotent(true), g.setUserDisabled(false))
	api.POST("/users/:username/password-reset", allow(zoneAdminOnly...), g.idempotent(false), g.resetPassword)
	api.POST("/users/:username/unlock", allow(zoneAdminOnly...), g.unlockUser)
}

func (g *Gateway) createUser(c *gin.Context) {
	var req createUserRequest
	if err := decodeJSON(c, &req); err != nil {
		g.fail(c, err)
		return
	}
	nu := accounts.NewUser{Username: req.Username, Password: req.Password, DisplayName: req.DisplayName, Role: req.Role, EnterpriseID: req.EnterpriseID}
	if err := nu.Check(); err != nil {
		g.fail(c, err)
		return
	}
	ctx := c.Request.Context()
	if err := g.knownEnterprise(ctx, nu.EnterpriseID); err != nil {
		g.fail(c, err)
		return
	}
	u, err := g.accounts.CreateUser(ctx, nu)
	if err != nil {
		g.fail(c, err)
		return
	}
	g.issueIdentity(ctx, u)
	g.answerUser(c, http.StatusCreated, u)
}

// issueIdentity gives u its ledger identity now, rotating it when u's role
// or enterprise changed, and publishes the revocation of a replaced one. A
// failure is only logged: the identity is issued again on u's first write,
// and revocations are published again with the next ones and at start-up.
func (g *Gateway) issueIdentity(ctx context.Context, u accounts.User) {
	if _, err := g.identities.Issue(u); err != nil {
		g.log.Error("issue ledger identity", "user", u.Username, "err", err)
		return
	}
	if err := g.identities.PublishRevocations(ctx); err != nil {
		g.log.Error("publish revoked ledger identities", "err", err)
	}
}

// IssueIdentities issues their ledger identity to the enabled users that
// have none (users created before identities were personal) and publishes
// the revocation lists the ledger may not hold yet. Call it before serving.
// A ledger that cannot take the revocation lists now (an orderer down) does
// not keep the node from starting: revoked keys are destroyed in the
// keystore already, and the lists go out again with the next revocation or
// start.
func (g *Gateway) IssueIdentities(ctx context.Context) error {
	users, err := g.accounts.Users(ctx)
	if err != nil {
		return fmt.Errorf("issue ledger identities: %w", err)
	}
	n, err := g.identities.IssueMissing(ctx, users)
	if err != nil {
		return fmt.Errorf("issue ledger identities: %w", err)
	}
	g.log.Info("ledger identities checked", "users", n)
	if err := g.identities.PublishRevocations(ctx); err != nil {
		g.log.Error("publish revoked ledger identities", "err", err)
	}
	return nil
}

// knownEnterprise refuses an enterprise id the read model does not know;
// "" (no enterprise) passes.
func (g *Gateway) knownEnterprise(ctx context.Context, id string) error {
	if id == "" {
		return nil
	}
	_, err := g.cfg.Reads.Enterprise(ctx, id)
	if errors.Is(err, query.ErrNotFound) {
		return validation.Problems{{Field: "enterpriseId", Message: "unknown enterprise", MessageZh: "企业未注册"}}
	}
	return err
}

func (g *Gateway) answerUser(c *gin.Context, status int, u accounts.User) {
	out, err := g.userJSON(c.Request.Context(), u)
	if err != nil {
		g.fail(c, err)
		return
	}
	c.JSON(status, out)
}

func (g *Gateway) updateUser(c *gin.Context) {
	var p accounts.UserProfile
	if err := decodeJSON(c, &p); err != nil {
		g.fail(c, err)
		return
	}
	if err := p.Check(); err != nil {
		g.fail(c, err)
		return
	}
	ctx := c.Request.Context()
	if err := g.knownEnterprise(ctx, p.EnterpriseID); err != nil {
		g.fail(c, err)
		return
	}
	u, err := g.accounts.UpdateUser(ctx, mustUser(c).Username, c.Param("username"), p)
	if err != nil {
		g.fail(c, err)
		return
	}
	g.issueIdentity(ctx, u)
	g.answerUser(c, http.StatusOK, u)
}

func (g *Gateway) setUserDisabled(disabled bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		if err := decodeOptional(c, &noBody{}); err != nil {
			g.fail(c, err)
			return
		}
		u, err := g.accounts.SetDisabled(c.Request.Context(), mustUser(c).Username, c.Param("username"), disabled)
		if err != nil {
			g.fail(c, err)
			return
		}
		if disabled {
			if err := g.identities.Revoke(c.Request.Context(), u); err != nil {
				g.fail(c, err)
				return
			}
		}
		g.answerUser(c, http.StatusOK, u)
	}
}

func (g *Gateway) resetPassword(c *gin.Context) {
	var req resetPasswordRequest
	if err := decodeJSON(c, &req); err != nil {
		g.fail(c, err)
		return
	}
	u, err := g.accounts.ResetPassword(c.Request.Context(), c.Param("username"), req.Password)
	if err != nil {
		g.fail(c, err)
		return
	}
	if _, err := g.identities.Rotate(c.Request.Context(), u); err != nil {
		g.fail(c, err)
		return
	}
	// The user logs in next with the new password; failures counted
	// against the old one must not keep it locked out.
	if err := g.logins.Unlock(c.Request.Context(), u.Username); err != nil {
		g.fail(c, err)
		return
	}
	g.answerUser(c, http.StatusOK, u)
}

// unlockUser clears the login guard's locks of a user, on every gateway.
func (g *Gateway) unlockUser(c *gin.Context) {
	if err := decodeOptional(c, &noBody{}); err != nil {
		g.fail(c, err)
		return
	}
	u, err := g.accounts.User(c.Request.Context(), c.Param("username"))
	if err != nil {
		g.fail(c, err)
		return
	}
	if err := g.logins.Unlock(c.Request.Context(), u.Username); err != nil {
		g.fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

func (g *Gateway) listUsers(c *gin.Context) {
	f, err := userFilter(c)
	if err != nil {
		g.fail(c, err)
		return
	}
	ctx := c.Request.Context()
	page, err := g.accounts.SearchUsers(ctx, f)
	if err != nil {
		g.fail(c, err)
		return
	}
	enterprises, err := g.cfg.Reads.Enterprises(ctx)
	if err != nil {
		g.fail(c, err)
		return
	}
	names := make(map[string]string, len(enterprises))
	for _, e := range enterprises {
		names[e.ID] = e.Name
	}
	out := userPage{Items: make([]userJSON, 0, len(page.Items)), Total: page.Total, Page: page.Page, PageSize: page.PageSize}
	for _, u := range page.Items {
		out.Items = append(out.Items, newUserJSON(u, names[u.EnterpriseID]))
	}
	c.JSON(http.StatusOK, out)
}

func userFilter(c *gin.Context) (accounts.UserFilter, error) {
	page, pageSize, err := pageParams(c)
	if err != nil {
		return accounts.UserFilter{}, err
	}
	f := accounts.UserFilter{Q: c.Query("q"), Role: accounts.Role(c.Query("role")), EnterpriseID: c.Query("enterpriseId"), Page: page, PageSize: pageSize}
	if _, ok := c.GetQuery("disabled"); ok {
		disabled, err := boolQuery(c, "disabled")
		if err != nil {
			return accounts.UserFilter{}, err
		}
		f.Disabled = &disabled
	}
	if f.Role != "" && !f.Role.Valid() {
		var p validation.Problems
		p.AddModel(model.Problem{Field: "role", Rule: model.RuleUnknownValue})
		return accounts.UserFilter{}, p
	}
	return f, nil
}
