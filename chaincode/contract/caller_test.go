package contract

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
)

func personal(t *testing.T, mspID, user, role string, extra ...string) testIdentity {
	attrs := map[string]string{model.AttrUserID: user, model.AttrUserRole: role}
	for i := 0; i+1 < len(extra); i += 2 {
		attrs[extra[i]] = extra[i+1]
	}
	return newPersonalIdentity(t, mspID, user, "client", attrs)
}

func whoAmI(t *testing.T, z *zone, id testIdentity) model.Actor {
	var a model.Actor
	require.NoError(t, json.Unmarshal(z.mustInvoke(id, "WhoAmI"), &a))
	return a
}

func TestPersonalCertificates(t *testing.T) {
	t.Run("two officers reviewing are told apart in the steps and the events", func(t *testing.T) {
		z := newZone(t)
		li := personal(t, model.CustomsMSP, "li.wei", model.UserCustomsOfficer)
		wang := personal(t, model.CustomsMSP, "wang.fang", model.UserCustomsAdmin)
		z.declare(z.entA, "PF20261126AAAAAAAA")
		z.declare(z.entA, "PF20261126BBBBBBBB")

		p := decodePrefiling(t, z.mustInvoke(li, "ReviewPrefiling", z.req(), "PF20261126AAAAAAAA", "approve", ""))
		step := p.Steps[len(p.Steps)-1].Actor
		require.Equal(t, model.Actor{MspID: model.CustomsMSP, ClientID: step.ClientID, Role: model.RoleCustoms,
			Name: "li.wei", UserID: "li.wei", UserRole: model.UserCustomsOfficer}, step)
		require.Equal(t, step, z.lastEvent.Actor)

		q := decodePrefiling(t, z.mustInvoke(wang, "ReviewPrefiling", z.req(), "PF20261126BBBBBBBB", "approve", ""))
		other := q.Steps[len(q.Steps)-1].Actor
		require.Equal(t, "wang.fang", other.UserID)
		require.Equal(t, model.UserCustomsAdmin, other.UserRole)
		require.NotEqual(t, step.ClientID, other.ClientID)
	})

	t.Run("an enterprise clerk acts for the enterprise its certificate names, unbound", func(t *testing.T) {
		z := newZone(t)
		clerk := personal(t, model.ZoneAdminMSP, "clerk.a", model.UserEnterprise, model.AttrEnterpriseID, enterpriseA)
		a := whoAmI(t, z, clerk)
		require.Equal(t, model.RoleEnterprise, a.Role)
		require.Equal(t, enterpriseA, a.EnterpriseID)
		require.Equal(t, "clerk.a", a.UserID)
		p := z.declare(clerk, "PF20261126AAAAAAAA")
		require.Equal(t, enterpriseA, p.EnterpriseID)
		require.Equal(t, "clerk.a", p.Steps[0].Actor.UserID)
		z.declare(z.entB, "PF20261126CCCCCCCC")
		z.refused(model.CodeForbidden, clerk, "GetPrefiling", "PF20261126CCCCCCCC")
	})

	t.Run("the zone's staff act as the zone administration without the admin OU", func(t *testing.T) {
		z := newZone(t)
		staff := personal(t, model.ZoneAdminMSP, "admin", model.UserZoneAdmin)
		a := whoAmI(t, z, staff)
		require.Equal(t, model.RoleZoneAdmin, a.Role)
		z.mustInvoke(staff, "SetEnterpriseStatus", z.req(), enterpriseB, model.EnterpriseDisabled)
	})

	t.Run("an auditor writes nothing", func(t *testing.T) {
		z := newZone(t)
		auditor := personal(t, model.ZoneAdminMSP, "aud", model.UserAuditor)
		require.Equal(t, model.RoleAuditor, whoAmI(t, z, auditor).Role)
		e := z.refusal(model.CodeForbidden, auditor, "DeclarePrefiling", z.req(), "PF20261126AAAAAAAA", dataJSON(t, validData()))
		require.Equal(t, model.ReasonRoleNotAllowed, e.Reason)
		z.refused(model.CodeForbidden, auditor, "SetEnterpriseStatus", z.req(), enterpriseB, model.EnterpriseDisabled)
	})

	for _, tc := range []struct {
		name   string
		id     func(t *testing.T) testIdentity
		reason model.Reason
	}{
		{"a customs role from the zone's CA is refused", func(t *testing.T) testIdentity {
			return personal(t, model.ZoneAdminMSP, "fake", model.UserCustomsOfficer)
		}, model.ReasonIdentityRoleMismatch},
		{"the zone admin role from customs' CA is refused", func(t *testing.T) testIdentity {
			return personal(t, model.CustomsMSP, "fake", model.UserZoneAdmin)
		}, model.ReasonIdentityRoleMismatch},
		{"an enterprise role from customs' CA is refused", func(t *testing.T) testIdentity {
			return personal(t, model.CustomsMSP, "fake", model.UserEnterprise, model.AttrEnterpriseID, enterpriseA)
		}, model.ReasonIdentityRoleMismatch},
		{"an enterprise role from a warehouse CA is refused", func(t *testing.T) testIdentity {
			return personal(t, model.WarehouseMSP, "fake", model.UserEnterprise, model.AttrEnterpriseID, enterpriseA)
		}, model.ReasonIdentityRoleMismatch},
		{"an unknown role is refused", func(t *testing.T) testIdentity {
			return personal(t, model.CustomsMSP, "fake", "superuser")
		}, model.ReasonIdentityRoleMismatch},
		{"a personal certificate without a user id is refused", func(t *testing.T) testIdentity {
			return newPersonalIdentity(t, model.CustomsMSP, "anon", "client", map[string]string{model.AttrUserRole: model.UserCustomsOfficer})
		}, model.ReasonIdentityAttributeMissing},
		{"an enterprise clerk without an enterprise is refused", func(t *testing.T) testIdentity {
			return personal(t, model.ZoneAdminMSP, "clerk", model.UserEnterprise)
		}, model.ReasonIdentityAttributeMissing},
		{"an enterprise clerk of an unregistered enterprise is refused", func(t *testing.T) testIdentity {
			return personal(t, model.ZoneAdminMSP, "clerk", model.UserEnterprise, model.AttrEnterpriseID, "91320583MA9ZZZZZ9Z")
		}, model.ReasonEnterpriseNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			z := newZone(t)
			z.declare(z.entA, "PF20261126AAAAAAAA")
			id := tc.id(t)
			e := z.refusal(tc.reason.Code(), id, "ReviewPrefiling", z.req(), "PF20261126AAAAAAAA", "approve", "")
			require.Equal(t, tc.reason, e.Reason)
			_, err := z.invoke(id, "WhoAmI")
			require.Error(t, err, "no role is derived for it even to read")
		})
	}

	t.Run("a clerk of a disabled enterprise writes nothing", func(t *testing.T) {
		z := newZone(t)
		clerk := personal(t, model.ZoneAdminMSP, "clerk.a", model.UserEnterprise, model.AttrEnterpriseID, enterpriseA)
		z.mustInvoke(z.admin, "SetEnterpriseStatus", z.req(), enterpriseA, model.EnterpriseDisabled)
		e := z.refusal(model.CodeForbidden, clerk, "DeclarePrefiling", z.req(), "PF20261126AAAAAAAA", dataJSON(t, validData()))
		require.Equal(t, model.ReasonEnterpriseDisabled, e.Reason)
	})

	t.Run("shared identities without attributes keep working", func(t *testing.T) {
		z := newZone(t)
		a := whoAmI(t, z, z.customs)
		require.Equal(t, model.RoleCustoms, a.Role)
		require.Empty(t, a.UserID)
		require.Equal(t, model.RoleEnterprise, whoAmI(t, z, z.entA).Role)
		require.Equal(t, model.RoleZoneAdmin, whoAmI(t, z, z.admin).Role)
	})
}
