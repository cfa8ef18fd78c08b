package gateway

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"zonetrace/gateway/loginguard"
)

func TestAuth(t *testing.T) {
	t.Parallel()
	e := setup(t)

	t.Run("login returns a token, its expiry and the user with the enterprise name", func(t *testing.T) {
		r := e.do("", "POST", "/api/v1/auth/login", map[string]string{"username": "ent-a", "password": pw}, nil)
		require.Equal(t, 200, r.Code)
		m := r.json(t)
		require.NotEmpty(t, m["token"])
		require.NotEmpty(t, m["expiresAt"])
		require.Equal(t, map[string]any{"username": "ent-a", "displayName": "A", "role": "enterprise", "enterpriseId": entA, "enterpriseName": "甲咖啡进口有限公司",
			"disabled": false, "mustChangePassword": false}, m["user"])
		require.Equal(t, false, m["mustChangePassword"])
	})
	t.Run("a wrong password is 401", func(t *testing.T) {
		r := e.do("", "POST", "/api/v1/auth/login", map[string]string{"username": "ent-a", "password": "nope-nope-nope"}, nil)
		require.Equal(t, 401, r.Code)
		require.Equal(t, "UNAUTHENTICATED", r.code(t))
	})
	t.Run("a successful login forgets the address's failures", func(t *testing.T) {
		login := func(password string) int {
			return e.do("", "POST", "/api/v1/auth/login", map[string]string{"username": "ent-a", "password": password}, nil).Code
		}
		require.Equal(t, 200, login(pw))
		for range 2 {
			for range loginguard.DefaultPerAddress.MaxFailures - 1 {
				require.Equal(t, 401, login("guess-guess-guess"))
			}
			require.Equal(t, 200, login(pw), "the failures before the last success do not count")
		}
	})
	t.Run("an unknown field in the login body is 400", func(t *testing.T) {
		r := e.do("", "POST", "/api/v1/auth/login", `{"username":"ent-a","password":"x","admin":true}`, nil)
		require.Equal(t, 400, r.Code)
		require.Equal(t, "BAD_REQUEST", r.code(t))
		require.Contains(t, r.Body.String(), `"field":"admin"`)
	})
	t.Run("me needs a token", func(t *testing.T) {
		r := e.do("", "GET", "/api/v1/auth/me", nil, nil)
		require.Equal(t, 401, r.Code)
		r = e.do("bogus", "GET", "/api/v1/auth/me", nil, nil)
		require.Equal(t, 401, r.Code)
	})
	t.Run("after logout the token no longer works", func(t *testing.T) {
		tok := e.login("officer")
		r := e.do(tok, "GET", "/api/v1/auth/me", nil, nil)
		require.Equal(t, 200, r.Code)
		require.Equal(t, "customs_officer", r.json(t)["role"])
		r = e.do(tok, "POST", "/api/v1/auth/logout", nil, nil)
		require.Equal(t, 204, r.Code)
		r = e.do(tok, "GET", "/api/v1/auth/me", nil, nil)
		require.Equal(t, 401, r.Code)
	})
	t.Run("repeated wrong passwords lock that user from that address, even for the right one", func(t *testing.T) {
		for range loginguard.DefaultPerAddress.MaxFailures {
			r := e.do("", "POST", "/api/v1/auth/login", map[string]string{"username": "ent-b", "password": "guess-guess-guess"}, nil)
			require.Equal(t, 401, r.Code)
		}
		r := e.do("", "POST", "/api/v1/auth/login", map[string]string{"username": "ent-b", "password": pw}, nil)
		require.Equal(t, 429, r.Code)
		require.Equal(t, "TOO_MANY_ATTEMPTS", r.code(t))
		require.NotEmpty(t, r.Header().Get("Retry-After"))
		r = e.do("", "POST", "/api/v1/auth/login", map[string]string{"username": "officer", "password": pw}, nil)
		require.Equal(t, 200, r.Code, "other users are not affected")
	})
}

// TestLockoutIgnoresForwardedFor: without configured proxies a client
// cannot pick its address with X-Forwarded-For, so it can neither escape
// the lockout nor lock out somebody else's address.
func TestLockoutIgnoresForwardedFor(t *testing.T) {
	t.Parallel()
	e := setup(t)
	wrong := map[string]string{"username": "ent-b", "password": "guess-guess-guess"}
	for i := range loginguard.DefaultPerAddress.MaxFailures {
		r := e.do("", "POST", "/api/v1/auth/login", wrong, map[string]string{"X-Forwarded-For": fmt.Sprintf("10.0.0.%d", i)})
		require.Equal(t, 401, r.Code)
	}
	r := e.do("", "POST", "/api/v1/auth/login", wrong, map[string]string{"X-Forwarded-For": "10.0.0.99"})
	require.Equal(t, 429, r.Code, "a forged X-Forwarded-For does not escape the lock")

	t.Run("a configured proxy's X-Forwarded-For is believed", func(t *testing.T) {
		cfg := e.cfg
		cfg.TrustedProxies = []string{"192.0.2.0/24"} // httptest's peer address
		g, err := New(cfg)
		require.NoError(t, err)
		for range loginguard.DefaultPerAddress.MaxFailures {
			r := doOn(t, g, "", "POST", "/api/v1/auth/login", wrong, map[string]string{"X-Forwarded-For": "10.0.0.1"})
			require.Equal(t, 401, r.Code)
		}
		r := doOn(t, g, "", "POST", "/api/v1/auth/login", wrong, map[string]string{"X-Forwarded-For": "10.0.0.1"})
		require.Equal(t, 429, r.Code)
		r = doOn(t, g, "", "POST", "/api/v1/auth/login", map[string]string{"username": "ent-b", "password": pw}, map[string]string{"X-Forwarded-For": "10.0.0.2"})
		require.Equal(t, 200, r.Code, "the victim behind the proxy at another address still logs in")
	})
	t.Run("a malformed proxy list is refused at start", func(t *testing.T) {
		cfg := e.cfg
		cfg.TrustedProxies = []string{"not-an-address"}
		_, err := New(cfg)
		require.Error(t, err)
	})
}

func TestChangeOwnPassword(t *testing.T) {
	t.Parallel()
	e := setup(t)
	here, there := e.login("auditor"), e.login("auditor")
	change := func(token, current, next string) resp {
		return e.do(token, "POST", "/api/v1/me/password", map[string]string{"currentPassword": current, "newPassword": next}, nil)
	}
	r := change("", pw, "fresh-pass-9182")
	require.Equal(t, 401, r.Code)
	r = change(here, pw, "          ")
	require.Equal(t, 422, r.Code, r.Body.String())
	require.Contains(t, r.Body.String(), `"field":"newPassword"`)
	r = change(here, "wrong-pass-0000", "fresh-pass-9182")
	require.Equal(t, 422, r.Code, r.Body.String())
	require.Contains(t, r.Body.String(), `"field":"currentPassword"`)

	r = change(here, pw, "fresh-pass-9182")
	require.Equal(t, 204, r.Code, r.Body.String())
	require.Equal(t, 200, e.do(here, "GET", "/api/v1/auth/me", nil, nil).Code, "this session stays")
	require.Equal(t, 401, e.do(there, "GET", "/api/v1/auth/me", nil, nil).Code, "the other session ended")
	r = e.do("", "POST", "/api/v1/auth/login", map[string]string{"username": "auditor", "password": "fresh-pass-9182"}, nil)
	require.Equal(t, 200, r.Code)

	t.Run("wrong current passwords count towards the lockout", func(t *testing.T) {
		for range loginguard.DefaultPerAddress.MaxFailures {
			require.Equal(t, 422, change(here, "wrong-pass-0000", "fresh-pass-0001").Code)
		}
		require.Equal(t, 429, change(here, "fresh-pass-9182", "fresh-pass-0001").Code)
	})
}

func TestTenSpacesAreNotAPassword(t *testing.T) {
	t.Parallel()
	e := setup(t)
	r := e.do(e.login("admin"), "POST", "/api/v1/users", map[string]string{"username": "clerk", "password": "          ",
		"displayName": "Clerk", "role": "auditor"}, nil)
	require.Equal(t, 422, r.Code, r.Body.String())
	require.Contains(t, r.Body.String(), `"field":"password"`)
}
