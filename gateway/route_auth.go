package gateway

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"zonetrace/chaincode/model"
	"zonetrace/chaincode/model/zh"
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
	// MustChangePassword: the password was set by an administrator (or at
	// first run); every call but POST /me/password, GET /auth/me and
	// logout answers 403 PASSWORD_CHANGE_REQUIRED until it is changed.
	MustChangePassword bool     `json:"mustChangePassword"`
	User               userJSON `json:"user"`
}

// userJSON is the API's user: {username, displayName, role, enterpriseId?,
// enterpriseName?, disabled, mustChangePassword}.
type userJSON struct {
	Username           string        `json:"username"`
	DisplayName        string        `json:"displayName"`
	Role               accounts.Role `json:"role"`
	EnterpriseID       string        `json:"enterpriseId,omitempty"`
	EnterpriseName     string        `json:"enterpriseName,omitempty"`
	Disabled           bool          `json:"disabled"`
	MustChangePassword bool          `json:"mustChangePassword"`
}

func newUserJSON(u accounts.User, enterpriseName string) userJSON {
	return userJSON{Username: u.Username, DisplayName: u.DisplayName, Role: u.Role, EnterpriseID: u.EnterpriseID,
		EnterpriseName: enterpriseName, Disabled: u.Disabled, MustChangePassword: u.MustChangePassword}
}

// tooManyAttempts answers a locked login with how long the lock lasts: the
// Retry-After header and params.retryAfterSeconds, and the Chinese message
// in whole minutes.
func (g *Gateway) tooManyAttempts(c *gin.Context, wait time.Duration) {
	seconds := int(math.Ceil(wait.Seconds()))
	minutes := (seconds + 59) / 60
	c.Header("Retry-After", strconv.Itoa(seconds))
	e := apierror.Newf(apierror.TooManyAttempts, fmt.Sprintf("too many failed logins, try again in %d minutes", minutes),
		fmt.Sprintf("登录失败次数过多，请 %d 分钟后再试", minutes))
	e.Params = model.Params{"retryAfterSeconds": seconds}
	g.fail(c, e)
}

// refuseAttempt answers a login the guard holds back: 429 while locked, or
// the failure to read the guard (a guard that cannot be read lets no
// guess through).
func (g *Gateway) refuseAttempt(c *gin.Context, wait time.Duration, err error) {
	if err != nil {
		g.fail(c, err)
		return
	}
	g.tooManyAttempts(c, wait)
}

// countFailure records a failed login of username from the client. A count
// that cannot be stored is logged; the request fails anyway.
func (g *Gateway) countFailure(c *gin.Context, username string) {
	if err := g.logins.Failed(c.Request.Context(), username, c.ClientIP()); err != nil {
		g.log.ErrorContext(c.Request.Context(), "login guard: could not count a failed login", "err", err)
	}
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
	if wait, err := g.logins.Allow(c.Request.Context(), u.Username, c.ClientIP()); err != nil || wait > 0 {
		g.refuseAttempt(c, wait, err)
		return
	}
	token, _ := bearerToken(c) // authenticate checked it
	err := g.accounts.ChangePassword(c.Request.Context(), u.Username, req.CurrentPassword, req.NewPassword, token)
	if errors.Is(err, accounts.ErrWrongPassword) {
		g.countFailure(c, u.Username)
		err = validation.Problems{{Field: "currentPassword", Message: "is wrong", MessageZh: "当前密码不正确"}}
	}
	if err != nil {
		g.fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// login costs, besides the argon2id hash, one guard statement (Check; the
// pair's failures are forgotten only if it has some), the user's row, the
// session insert and, for an enterprise user, one enterprise read that
// both refuses a disabled enterprise and names it in the answer.
func (g *Gateway) login(c *gin.Context) {
	var req loginRequest
	if err := decodeJSON(c, &req); err != nil {
		g.fail(c, err)
		return
	}
	noteObject(c, req.Username)
	ctx := c.Request.Context()
	wait, pairFailures, err := g.logins.Check(ctx, req.Username, c.ClientIP())
	if err != nil || wait > 0 {
		g.refuseAttempt(c, wait, err)
		return
	}
	s, err := g.accounts.Login(ctx, req.Username, req.Password)
	if err == nil {
		noteOperator(c, s.User)
	}
	if errors.Is(err, accounts.ErrBadCredentials) {
		g.countFailure(c, req.Username)
	}
	if err != nil {
		g.fail(c, err)
		return
	}
	if pairFailures {
		if err := g.logins.Succeeded(ctx, req.Username, c.ClientIP()); err != nil {
			// The login stands; the pair's old failures merely keep counting.
			g.log.WarnContext(ctx, "login guard: could not forget failures", "err", err)
		}
	}
	e, err := g.enterpriseOf(ctx, s.User)
	if err == nil {
		err = refuseDisabled(e)
	}
	if err != nil {
		if logoutErr := g.accounts.Logout(ctx, s.Token); logoutErr != nil {
			err = logoutErr
		}
		g.fail(c, err)
		return
	}
	u := newUserJSON(s.User, e.Name)
	c.JSON(http.StatusOK, loginResponse{Token: s.Token, ExpiresAt: s.ExpiresAt, MustChangePassword: s.User.MustChangePassword, User: u})
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
	e, err := g.enterpriseOf(ctx, u)
	if err != nil {
		return userJSON{}, err
	}
	return newUserJSON(u, e.Name), nil
}

// enterpriseOf is u's enterprise from the read model: the zero Enterprise
// for a user of no enterprise or of one not indexed yet.
func (g *Gateway) enterpriseOf(ctx context.Context, u accounts.User) (model.Enterprise, error) {
	if u.EnterpriseID == "" {
		return model.Enterprise{}, nil
	}
	e, err := g.cfg.Reads.Enterprise(ctx, u.EnterpriseID)
	if errors.Is(err, query.ErrNotFound) {
		return model.Enterprise{}, nil
	}
	return e, err
}

// refuseDisabled refuses the users of an enterprise the zone admin
// disabled; the zero Enterprise (no enterprise) passes.
func refuseDisabled(e model.Enterprise) error {
	if e.Status != model.EnterpriseDisabled {
		return nil
	}
	params := model.Params{"enterpriseId": e.ID}
	messageZh, _ := zh.Reason(model.ReasonEnterpriseDisabled, params)
	refusal := apierror.Newf(apierror.AccountDisabled, "the user's enterprise is disabled", messageZh)
	refusal.Reason, refusal.Params = string(model.ReasonEnterpriseDisabled), params
	return refusal
}
