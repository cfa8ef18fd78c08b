package gateway

import (
	"context"
	"io/fs"
	"testing"

	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
	"zonetrace/network/pki"
)

// TestUserAdministrationKeepsIdentitiesInStep shows each account change
// reaching the user's ledger certificate.
func TestUserAdministrationKeepsIdentitiesInStep(t *testing.T) {
	t.Parallel()
	e := setup(t)
	admin := e.login("admin")
	current := func(msp, user string) *pki.Identity {
		id, err := e.pki.LoadMember(msp, user)
		require.NoError(t, err)
		return id
	}
	requireRevoked := func(msp string, id *pki.Identity) {
		_, err := e.pki.Verify(msp, id.Credentials())
		require.ErrorIs(t, err, pki.ErrRevoked)
	}

	r := e.do(admin, "POST", "/api/v1/users", map[string]string{"username": "zhou.li", "password": pw, "displayName": "周立", "role": "customs_officer"}, nil)
	require.Equal(t, 201, r.Code, r.Body.String())
	issued := current(model.CustomsMSP, "zhou.li")
	require.Equal(t, map[string]string{model.AttrUserID: "zhou.li", model.AttrUserRole: "customs_officer"}, issued.Attributes(), "issued when created")

	r = e.do(admin, "PUT", "/api/v1/users/zhou.li", map[string]any{"displayName": "周立", "role": "customs_admin"}, nil)
	require.Equal(t, 200, r.Code, r.Body.String())
	promoted := current(model.CustomsMSP, "zhou.li")
	require.Equal(t, "customs_admin", promoted.Attributes()[model.AttrUserRole], "rotated when the role changes")
	requireRevoked(model.CustomsMSP, issued)

	r = e.do(admin, "POST", "/api/v1/users/zhou.li/password-reset", map[string]any{"password": "Temp-pass-4471"}, nil)
	require.Equal(t, 200, r.Code, r.Body.String())
	reset := current(model.CustomsMSP, "zhou.li")
	require.NotEqual(t, promoted.Fingerprint(), reset.Fingerprint(), "rotated by a password reset")
	requireRevoked(model.CustomsMSP, promoted)

	r = e.do(admin, "POST", "/api/v1/users/zhou.li/disable", nil, nil)
	require.Equal(t, 200, r.Code, r.Body.String())
	requireRevoked(model.CustomsMSP, reset)
	_, err := e.pki.LoadMember(model.CustomsMSP, "zhou.li")
	require.ErrorIs(t, err, fs.ErrNotExist, "a disabled user has no certificate")

	t.Run("on start every enabled user without one gets an identity", func(t *testing.T) {
		require.NoError(t, e.g.IssueIdentities(context.Background()))
		for msp, users := range map[string][]string{model.ZoneAdminMSP: {"ent-a", "ent-b", "admin", "auditor"}, model.CustomsMSP: {"officer"}} {
			for _, u := range users {
				require.Equal(t, u, current(msp, u).Attributes()[model.AttrUserID])
			}
		}
		_, err := e.pki.LoadMember(model.CustomsMSP, "zhou.li")
		require.ErrorIs(t, err, fs.ErrNotExist, "not the disabled one")
	})
}
