package gateway

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"zonetrace/gateway/accounts"
	"zonetrace/gateway/apierror"
	"zonetrace/gateway/validation"
	"zonetrace/indexer/query"
)

type loginRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

type loginResponse struct {
	Token     string    `json:"token"`
	ExpiresAt time.Time `json:"expiresAt"`
	User      userJSON  `json:"user"`
}

// userJSON is the API's user: {username, displayName, role, enterpriseId?, enterpriseName?}.
type userJSON struct {
	Username       string        `json:"username"`
	DisplayName    string        `json:"displayName"`
	Role           accounts.Role `json:"role"`
	EnterpriseID   string        `json:"enterpriseId,omitempty"`
	EnterpriseName string        `json:"enterpriseName,omitempty"`
}

func (g *Gateway) routeAuth(api *gin.RouterGroup) {
	api.POST("/auth/login", g.login)
	api.POST("/auth/logout", g.authenticate, g.logout)
	api.GET("/auth/me", g.authenticate, g.me)
	api.POST("/me/password", g.authenticate, g.changePassword)
}

type changePasswordRequest struct {
	CurrentPassword string `json:"currentPassword"`
	NewPassword     string `json:"newPassword"`
}

// changePassword lets the logged-in user replace their password. A wrong
// current password counts as a failed login (so the endpoint is no way
// around the lockout) and is a 422 on currentPassword, not a 401: the
// session itself is fine. On success every other session of the user ends.
func (g *Gateway) changePassword(c *gin.Context) {
	var req changePasswordRequest
	if err := decodeJSON(c, &req); err != nil {
		g.fail(c, err)
		return
	}
	u := mustUser(c)
	if wait, ok := g.logins.Allow(u.Username, c.ClientIP()); !ok {
		c.Header("Retry-After", strconv.Itoa(int(wait.Seconds())+1))
		g.fail(c, apierror.New(apierror.TooManyAttempts))
		return
	}
	token, _ := bearerToken(c) // authenticate checked it
	err := g.accounts.ChangePassword(c.Request.Context(), u.Username, req.CurrentPassword, req.NewPassword, token)
	if errors.Is(err, accounts.ErrWrongPassword) {
		g.logins.Failed(u.Username, c.ClientIP())
		err = validation.Problems{{Field: "currentPassword", Message: "is wrong", MessageZh: "当前密码不正确"}}
	}
	if err != nil {
		g.fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

func (g *Gateway) login(c *gin.Context) {
	var req loginRequest
	if err := decodeJSON(c, &req); err != nil {
		g.fail(c, err)
		return
	}
	if wait, ok := g.logins.Allow(req.Username, c.ClientIP()); !ok {
		c.Header("Retry-After", strconv.Itoa(int(wait.Seconds())+1))
		g.fail(c, apierror.New(apierror.TooManyAttempts))
		return
	}
	s, err := g.accounts.Login(c.Request.Context(), req.Username, req.Password)
	if errors.Is(err, accounts.ErrBadCredentials) {
		g.logins.Failed(req.Username, c.ClientIP())
	}
	if err != nil {
		g.fail(c, err)
		return
	}
	g.logins.Succeeded(req.Username, c.ClientIP())
	u, err := g.userJSON(c.Request.Context(), s.User)
	if err != nil {
		g.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, loginResponse{Token: s.Token, ExpiresAt: s.ExpiresAt, User: u})
}

func (g *Gateway) logout(c *gin.Context) {
	token, _ := bearerToken(c) // authenticate checked it
	if err := g.accounts.Logout(c.Request.Context(), token); err != nil {
		g.fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

func (g *Gateway) me(c *gin.Context) {
	u, err := g.userJSON(c.Request.Context(), mustUser(c))
	if err != nil {
		g.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, u)
}

// userJSON adds the enterprise's name from the read model; an enterprise
// not indexed yet simply has no name.
func (g *Gateway) userJSON(ctx context.Context, u accounts.User) (userJSON, error) {
	out := userJSON{Username: u.Username, DisplayName: u.DisplayName, Role: u.Role, EnterpriseID: u.EnterpriseID}
	if u.EnterpriseID == "" {
		return out, nil
	}
	e, err := g.cfg.Reads.Enterprise(ctx, u.EnterpriseID)
	switch {
	case errors.Is(err, query.ErrNotFound):
	case err != nil:
		return userJSON{}, err
	default:
		out.EnterpriseName = e.Name
	}
	return out, nil
}
