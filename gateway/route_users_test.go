package gateway

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestUsers(t *testing.T) {
	t.Parallel()
	e := setup(t)
	admin := e.login("admin")

	t.Run("the zone admin creates an enterprise user", func(t *testing.T) {
		r := e.do(admin, "POST", "/api/v1/users", map[string]any{"username": "ent-a2", "password": "long-pass-8812", "displayName": "A2", "role": "enterprise", "enterpriseId": entA}, nil)
		require.Equal(t, 201, r.Code, r.Body.String())
		require.Equal(t, "甲咖啡进口有限公司", r.json(t)["enterpriseName"])
		require.NotContains(t, r.Body.String(), "long-pass-8812")
	})
	t.Run("the password is not kept in the outbox", func(t *testing.T) {
		var n int
		require.NoError(t, e.cfg.Pool.QueryRow(t.Context(), `SELECT count(*) FROM submissions WHERE position('long-pass-8812' in convert_from(body, 'UTF8')) > 0 OR position('long-pass-8812' in convert_from(coalesce(response_body, ''::bytea), 'UTF8')) > 0`).Scan(&n))
		require.Zero(t, n)
	})
	t.Run("bad input is 422 and changes nothing", func(t *testing.T) {
		cases := []struct {
			name  string
			body  map[string]any
			field string
		}{
			{"a short password", map[string]any{"username": "x1x", "password": "short", "displayName": "x", "role": "auditor"}, "password"},
			{"an unknown role", map[string]any{"username": "x1x", "password": "long-pass-8812", "displayName": "x", "role": "king"}, "role"},
			{"an unknown enterprise", map[string]any{"username": "x1x", "password": "long-pass-8812", "displayName": "x", "role": "enterprise", "enterpriseId": "91320583MA1ZZZZZ0Z"}, "enterpriseId"},
		}
		for _, tc := range cases {
			r := e.do(admin, "POST", "/api/v1/users", tc.body, nil)
			require.Equal(t, 422, r.Code, tc.name)
			require.Contains(t, r.Body.String(), `"field":"`+tc.field+`"`, tc.name)
		}
		require.Equal(t, 401, e.do("", "POST", "/api/v1/auth/login", map[string]string{"username": "x1x", "password": "long-pass-8812"}, nil).Code)
	})
	t.Run("a taken username is 409", func(t *testing.T) {
		r := e.do(admin, "POST", "/api/v1/users", map[string]any{"username": "officer", "password": "long-pass-8812", "displayName": "x", "role": "auditor"}, nil)
		require.Equal(t, 409, r.Code)
	})
	t.Run("only the zone admin creates users; supervisors list them", func(t *testing.T) {
		r := e.do(e.login("officer"), "POST", "/api/v1/users", map[string]any{"username": "y1y", "password": "long-pass-8812", "displayName": "x", "role": "auditor"}, nil)
		require.Equal(t, 403, r.Code)
		r = e.do(e.login("auditor"), "GET", "/api/v1/users", nil, nil)
		require.Equal(t, 200, r.Code)
		require.Len(t, r.json(t)["items"], 6)
	})
}
