package gateway

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/accounts"
	"zonetrace/gateway/apierror"
)

const ctxUser = "zt.user"

// recoveryUser marks a request re-driven by Recover; it can only be set
// inside the process, never by a client.
type recoveryUser struct{}

// authenticate resolves the bearer token (or, for a re-driven submission,
// the submission's user) into the request's user.
func (g *Gateway) authenticate(c *gin.Context) {
	ctx := c.Request.Context()
	var (
		u   accounts.User
		err error
	)
	if name, ok := ctx.Value(recoveryUser{}).(string); ok {
		u, err = g.accounts.User(ctx, name)
	} else {
		token, ok := bearerToken(c)
		if !ok {
			g.fail(c, apierror.New(apierror.Unauthenticated))
			return
		}
		u, err = g.accounts.Authenticate(ctx, token)
		if errors.Is(err, accounts.ErrNotFound) {
			g.fail(c, apierror.New(apierror.Unauthenticated).WithCause(err))
			return
		}
	}
	if err != nil {
		g.fail(c, err)
		return
	}
	// A re-driven submission was accepted before any reset, so only
	// requests of the user themselves wait for the change.
	if _, recovering := ctx.Value(recoveryUser{}).(string); !recovering {
		if err := g.refuseDisabledEnterprise(ctx, u); err != nil {
			g.fail(c, err)
			return
		}
		if u.MustChangePassword && !passwordChangeRoutes[c.FullPath()] {
			g.fail(c, apierror.New(apierror.PasswordChangeRequired))
			return
		}
	}
	c.Set(ctxUser, u)
	c.Next()
}

// passwordChangeRoutes are what a user whose password must change may
// call: the change itself, who am I, and logout.
var passwordChangeRoutes = map[string]bool{
	APIPrefix + "/me/password": true,
	APIPrefix + "/auth/me":     true,
	APIPrefix + "/auth/logout": true,
}

func bearerToken(c *gin.Context) (string, bool) {
	h := c.GetHeader("Authorization")
	scheme, token, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
		return "", false
	}
	return strings.TrimSpace(token), true
}

func currentUser(c *gin.Context) (accounts.User, bool) {
	v, ok := c.Get(ctxUser)
	if !ok {
		return accounts.User{}, false
	}
	u, ok := v.(accounts.User)
	return u, ok
}

// mustUser returns the authenticated user; routes using it sit behind
// authenticate.
func mustUser(c *gin.Context) accounts.User {
	u, _ := currentUser(c)
	return u
}

// allow lets only the given roles through.
func allow(roles ...accounts.Role) gin.HandlerFunc {
	return func(c *gin.Context) {
		if u, ok := currentUser(c); !ok || !slices.Contains(roles, u.Role) {
			c.AbortWithStatusJSON(403, apierror.New(apierror.Forbidden).Body())
			return
		}
		c.Next()
	}
}

// refuseDisabledEnterprise refuses a user of an enterprise the zone admin
// disabled (as the read model knows it, at most the session cache's TTL
// ago): such users neither log in nor use their open sessions; the
// chaincode refuses the enterprise's identities anyway.
func (g *Gateway) refuseDisabledEnterprise(ctx context.Context, u accounts.User) error {
	if u.EnterpriseID == "" {
		return nil
	}
	disabled, err := g.enterpriseDisabled(ctx, u.EnterpriseID)
	if err != nil || !disabled {
		return err
	}
	return refuseDisabled(model.Enterprise{ID: u.EnterpriseID, Status: model.EnterpriseDisabled})
}
