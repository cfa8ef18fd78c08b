package gateway

import (
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestUserAdministration(t *testing.T) {
	t.Parallel()
	e := setup(t)
	admin := e.login("admin")
	loginAs := func(user, password string) resp {
		return e.do("", "POST", "/api/v1/auth/login", map[string]string{"username": user, "password": password}, nil)
	}
	userNamed := func(username string) map[string]any {
		r := e.do(admin, "GET", "/api/v1/users?q="+username, nil, nil)
		require.Equal(t, 200, r.Code, r.Body.String())
		for _, it := range r.json(t)["items"].([]any) {
			if u := it.(map[string]any); u["username"] == username {
				return u
			}
		}
		t.Fatalf("no user %s", username)
		return nil
	}

	t.Run("the zone admin edits a user; its session sees the change", func(t *testing.T) {
		clerk := e.login("ent-a")
		r := e.do(admin, "PUT", "/api/v1/users/ent-a", map[string]any{"displayName": "甲公司文员", "role": "enterprise", "enterpriseId": entB}, nil)
		require.Equal(t, 200, r.Code, r.Body.String())
		require.Equal(t, "乙仓储", r.json(t)["enterpriseName"])
		me := e.do(clerk, "GET", "/api/v1/auth/me", nil, nil).json(t)
		require.Equal(t, "甲公司文员", me["displayName"])
		require.Equal(t, entB, me["enterpriseId"])
		r = e.do(admin, "PUT", "/api/v1/users/ent-a", map[string]any{"displayName": "A", "role": "enterprise", "enterpriseId": entA}, nil)
		require.Equal(t, 200, r.Code, r.Body.String())
	})
	t.Run("bad edits are refused and change nothing", func(t *testing.T) {
		cases := []struct {
			name   string
			body   map[string]any
			status int
			field  string
		}{
			{"an unknown role", map[string]any{"displayName": "x", "role": "king"}, 422, "role"},
			{"no display name", map[string]any{"displayName": "", "role": "enterprise", "enterpriseId": entA}, 422, "displayName"},
			{"an enterprise user without enterprise", map[string]any{"displayName": "x", "role": "enterprise"}, 422, "enterpriseId"},
			{"an unknown enterprise", map[string]any{"displayName": "x", "role": "enterprise", "enterpriseId": "91320583MA1ZZZZZ0Z"}, 422, "enterpriseId"},
			{"an unknown field", map[string]any{"displayName": "x", "role": "auditor", "password": "long-pass-8812"}, 400, ""},
		}
		for _, tc := range cases {
			r := e.do(admin, "PUT", "/api/v1/users/ent-a", tc.body, nil)
			require.Equal(t, tc.status, r.Code, tc.name+": "+r.Body.String())
			if tc.field != "" {
				require.Contains(t, r.Body.String(), `"field":"`+tc.field+`"`, tc.name)
			}
		}
		r := e.do(admin, "PUT", "/api/v1/users/ent-a", map[string]any{"displayName": "  ", "role": "enterprise", "enterpriseId": entA}, nil)
		require.Equal(t, 422, r.Code)
		detail := r.json(t)["error"].(map[string]any)["details"].([]any)[0].(map[string]any)
		require.Equal(t, "REQUIRED", detail["rule"], "the model's rule, with Chinese from the catalogue")
		require.Contains(t, detail["messageZh"], "姓名")
		u := userNamed("ent-a")
		require.Equal(t, "A", u["displayName"])
		require.Equal(t, entA, u["enterpriseId"])
		require.Equal(t, 404, e.do(admin, "PUT", "/api/v1/users/nobody", map[string]any{"displayName": "x", "role": "auditor"}, nil).Code)
		require.Equal(t, 404, e.do(admin, "POST", "/api/v1/users/nobody/disable", nil, nil).Code)
		require.Equal(t, 404, e.do(admin, "POST", "/api/v1/users/nobody/password-reset", map[string]any{"password": "Temp-pass-4471"}, nil).Code)
		require.Equal(t, 404, e.do(admin, "POST", "/api/v1/users/nobody/unlock", nil, nil).Code)
	})
	t.Run("the admin can neither demote nor disable itself", func(t *testing.T) {
		r := e.do(admin, "PUT", "/api/v1/users/admin", map[string]any{"displayName": "x", "role": "auditor"}, nil)
		require.Equal(t, 409, r.Code, r.Body.String())
		require.Equal(t, 409, e.do(admin, "POST", "/api/v1/users/admin/disable", nil, nil).Code)
		require.Equal(t, "zone_admin", userNamed("admin")["role"])
		require.Equal(t, false, userNamed("admin")["disabled"])
		r = e.do(admin, "PUT", "/api/v1/users/admin", map[string]any{"displayName": "管理局一", "role": "zone_admin"}, nil)
		require.Equal(t, 200, r.Code, r.Body.String())
	})
	t.Run("only the zone admin administers users", func(t *testing.T) {
		for _, who := range []string{"officer", "auditor", "ent-a"} {
			token := e.login(who)
			for _, call := range []struct {
				method, path string
				body         any
			}{
				{"PUT", "/api/v1/users/ent-b", map[string]any{"displayName": "x", "role": "auditor"}},
				{"POST", "/api/v1/users/ent-b/disable", nil},
				{"POST", "/api/v1/users/ent-b/enable", nil},
				{"POST", "/api/v1/users/ent-b/password-reset", map[string]any{"password": "Temp-pass-4471"}},
				{"POST", "/api/v1/users/ent-b/unlock", nil},
			} {
				r := e.do(token, call.method, call.path, call.body, nil)
				require.Equal(t, 403, r.Code, who+" "+call.method+" "+call.path)
			}
		}
		u := userNamed("ent-b")
		require.Equal(t, "B", u["displayName"])
		require.Equal(t, false, u["disabled"])
		require.Equal(t, false, u["mustChangePassword"])
		require.Equal(t, 200, loginAs("ent-b", pw).Code)
	})
	t.Run("a disabled user's sessions end and it cannot log in until enabled", func(t *testing.T) {
		clerk := e.login("ent-b")
		r := e.do(admin, "POST", "/api/v1/users/ent-b/disable", nil, nil)
		require.Equal(t, 200, r.Code, r.Body.String())
		require.Equal(t, true, r.json(t)["disabled"])
		require.Equal(t, 401, e.do(clerk, "GET", "/api/v1/auth/me", nil, nil).Code)
		r = loginAs("ent-b", pw)
		require.Equal(t, 403, r.Code)
		require.Equal(t, "ACCOUNT_DISABLED", r.code(t))
		require.Equal(t, 401, loginAs("ent-b", "wrong-pass-1234").Code, "a wrong password does not learn that the account is disabled")
		require.Equal(t, 200, e.do(admin, "POST", "/api/v1/users/ent-b/disable", nil, nil).Code, "disabling twice is no error")

		r = e.do(admin, "POST", "/api/v1/users/ent-b/enable", nil, nil)
		require.Equal(t, 200, r.Code, r.Body.String())
		require.Equal(t, false, r.json(t)["disabled"])
		require.Equal(t, 401, e.do(clerk, "GET", "/api/v1/auth/me", nil, nil).Code, "an old session stays ended")
		require.Equal(t, 200, loginAs("ent-b", pw).Code)
	})
	t.Run("a reset password must pass the policy", func(t *testing.T) {
		for _, weak := range []string{"short", "password123", "aaaaaaaaaaaa"} {
			r := e.do(admin, "POST", "/api/v1/users/officer/password-reset", map[string]any{"password": weak}, nil)
			require.Equal(t, 422, r.Code, weak)
			require.Contains(t, r.Body.String(), `"field":"password"`)
		}
		require.Equal(t, false, userNamed("officer")["mustChangePassword"])
		require.Equal(t, 200, loginAs("officer", pw).Code)
	})
	t.Run("after a reset the user must change the password before anything else", func(t *testing.T) {
		old := e.login("officer")
		r := e.do(admin, "POST", "/api/v1/users/officer/password-reset", map[string]any{"password": "Temp-pass-4471"}, nil)
		require.Equal(t, 200, r.Code, r.Body.String())
		require.Equal(t, true, r.json(t)["mustChangePassword"])
		require.NotContains(t, r.Body.String(), "Temp-pass-4471")
		require.Equal(t, 401, e.do(old, "GET", "/api/v1/auth/me", nil, nil).Code, "sessions end at a reset")
		require.Equal(t, 401, loginAs("officer", pw).Code, "the old password is gone")

		r = loginAs("officer", "Temp-pass-4471")
		require.Equal(t, 200, r.Code, r.Body.String())
		require.Equal(t, true, r.json(t)["mustChangePassword"])
		token := r.json(t)["token"].(string)
		r = e.do(token, "GET", "/api/v1/users", nil, nil)
		require.Equal(t, 403, r.Code)
		require.Equal(t, "PASSWORD_CHANGE_REQUIRED", r.code(t))
		require.Equal(t, 403, e.do(token, "GET", "/api/v1/prefilings", nil, nil).Code)
		me := e.do(token, "GET", "/api/v1/auth/me", nil, nil)
		require.Equal(t, 200, me.Code)
		require.Equal(t, true, me.json(t)["mustChangePassword"])

		r = e.do(token, "POST", "/api/v1/me/password", map[string]string{"currentPassword": "Temp-pass-4471", "newPassword": "Temp-pass-4471"}, nil)
		require.Equal(t, 422, r.Code, "the temporary password cannot be kept")
		r = e.do(token, "POST", "/api/v1/me/password", map[string]string{"currentPassword": "Temp-pass-4471", "newPassword": "own-chosen-7730"}, nil)
		require.Equal(t, 204, r.Code, r.Body.String())
		require.Equal(t, 200, e.do(token, "GET", "/api/v1/users", nil, nil).Code)
		r = loginAs("officer", "own-chosen-7730")
		require.Equal(t, 200, r.Code)
		require.Equal(t, false, r.json(t)["mustChangePassword"])
	})
	t.Run("a locked-out user is told how long, and the admin unlocks it", func(t *testing.T) {
		for range 5 {
			require.Equal(t, 401, loginAs("auditor", "wrong-pass-1234").Code)
		}
		r := loginAs("auditor", pw)
		require.Equal(t, 429, r.Code)
		retry, err := strconv.Atoi(r.Header().Get("Retry-After"))
		require.NoError(t, err)
		require.InDelta(t, 895, retry, 5, "the 15 minutes' lock, less the moments the test took")
		body := r.json(t)["error"].(map[string]any)
		require.Equal(t, "登录失败次数过多，请 15 分钟后再试", body["messageZh"])
		require.EqualValues(t, retry, body["params"].(map[string]any)["retryAfterSeconds"])

		require.Equal(t, 204, e.do(admin, "POST", "/api/v1/users/auditor/unlock", nil, nil).Code)
		require.Equal(t, 200, loginAs("auditor", pw).Code)
	})
	t.Run("users are searched and paged", func(t *testing.T) {
		list := func(query string) map[string]any {
			r := e.do(admin, "GET", "/api/v1/users"+query, nil, nil)
			require.Equal(t, 200, r.Code, query+": "+r.Body.String())
			return r.json(t)
		}
		names := func(page map[string]any) []string {
			var out []string
			for _, it := range page["items"].([]any) {
				out = append(out, it.(map[string]any)["username"].(string))
			}
			return out
		}
		require.Equal(t, []string{"ent-a", "ent-b"}, names(list("?q=ENT-")))
		require.Equal(t, []string{"admin"}, names(list("?q=管理局")))
		require.Equal(t, []string{"officer"}, names(list("?role=customs_officer")))
		require.Equal(t, []string{"ent-a"}, names(list("?enterpriseId="+entA)))
		require.Empty(t, names(list("?q=%25")), "% matches itself only")
		page := list("?page=2&pageSize=2")
		require.Equal(t, []string{"ent-a", "ent-b"}, names(page))
		require.EqualValues(t, 5, page["total"])
		require.Equal(t, 200, e.do(admin, "POST", "/api/v1/users/ent-b/disable", nil, nil).Code)
		require.Equal(t, []string{"ent-b"}, names(list("?disabled=true")))
		require.Len(t, names(list("?disabled=false")), 4)
		require.Equal(t, 422, e.do(admin, "GET", "/api/v1/users?role=king", nil, nil).Code)
		require.Equal(t, 400, e.do(admin, "GET", "/api/v1/users?disabled=maybe", nil, nil).Code)
		require.Equal(t, 422, e.do(admin, "GET", "/api/v1/users?pageSize=0", nil, nil).Code)
	})
}
