package gateway

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

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

type userList struct {
	Items []userJSON `json:"items"`
}

func (g *Gateway) routeUsers(api *gin.RouterGroup) {
	api.POST("/users", allow(zoneAdminOnly...), g.idempotent(false), g.createUser)
	api.GET("/users", allow(supervisors...), g.listUsers)
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
	if nu.EnterpriseID != "" {
		if _, err := g.cfg.Reads.Enterprise(ctx, nu.EnterpriseID); errors.Is(err, query.ErrNotFound) {
			g.fail(c, validation.Problems{{Field: "enterpriseId", Message: "unknown enterprise", MessageZh: "企业未注册"}})
			return
		} else if err != nil {
			g.fail(c, err)
			return
		}
	}
	u, err := g.accounts.CreateUser(ctx, nu)
	if err != nil {
		g.fail(c, err)
		return
	}
	out, err := g.userJSON(ctx, u)
	if err != nil {
		g.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, out)
}

func (g *Gateway) listUsers(c *gin.Context) {
	ctx := c.Request.Context()
	users, err := g.accounts.Users(ctx)
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
	out := userList{Items: make([]userJSON, 0, len(users))}
	for _, u := range users {
		out.Items = append(out.Items, userJSON{Username: u.Username, DisplayName: u.DisplayName, Role: u.Role,
			EnterpriseID: u.EnterpriseID, EnterpriseName: names[u.EnterpriseID]})
	}
	c.JSON(http.StatusOK, out)
}
