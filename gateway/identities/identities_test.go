package identities_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/accounts"
	"zonetrace/gateway/identities"
	"zonetrace/network/ledger"
	"zonetrace/network/pki"
)

func newResolver(t *testing.T) (*identities.Resolver, *pki.PKI) {
	t.Helper()
	p, err := pki.Open(t.TempDir())
	require.NoError(t, err)
	return identities.New(identities.PKI(p)), p
}

func certOf(t *testing.T, s ledger.Signer) *pki.Identity {
	t.Helper()
	id, ok := s.(*pki.Identity)
	require.True(t, ok)
	return id
}

func TestEveryUserSignsAsItself(t *testing.T) {
	t.Parallel()
	r, _ := newResolver(t)
	cases := []struct {
		name  string
		user  accounts.User
		msp   string
		attrs map[string]string
	}{
		{"an enterprise clerk, from the zone's CA, naming its enterprise",
			accounts.User{Username: "clerk1", Role: accounts.RoleEnterprise, EnterpriseID: "E1"}, model.ZoneAdminMSP,
			map[string]string{model.AttrUserID: "clerk1", model.AttrUserRole: "enterprise", model.AttrEnterpriseID: "E1"}},
		{"a customs officer, from customs' CA",
			accounts.User{Username: "officer1", Role: accounts.RoleCustomsOfficer}, model.CustomsMSP,
			map[string]string{model.AttrUserID: "officer1", model.AttrUserRole: "customs_officer"}},
		{"a customs admin, from customs' CA",
			accounts.User{Username: "chief", Role: accounts.RoleCustomsAdmin}, model.CustomsMSP,
			map[string]string{model.AttrUserID: "chief", model.AttrUserRole: "customs_admin"}},
		{"the zone admin, from the zone's CA",
			accounts.User{Username: "admin", Role: accounts.RoleZoneAdmin}, model.ZoneAdminMSP,
			map[string]string{model.AttrUserID: "admin", model.AttrUserRole: "zone_admin"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, err := r.For(tc.user)
			require.NoError(t, err)
			id := certOf(t, s)
			require.Equal(t, tc.msp, id.MspID())
			require.Equal(t, tc.user.Username, id.Certificate().Subject.CommonName)
			require.Equal(t, []string{pki.OUClient}, id.Certificate().Subject.OrganizationalUnit)
			require.Equal(t, tc.attrs, id.Attributes())
		})
	}
	t.Run("two officers sign with two certificates", func(t *testing.T) {
		a, err := r.For(accounts.User{Username: "officer-a", Role: accounts.RoleCustomsOfficer})
		require.NoError(t, err)
		b, err := r.For(accounts.User{Username: "officer-b", Role: accounts.RoleCustomsOfficer})
		require.NoError(t, err)
		require.NotEqual(t, certOf(t, a).Fingerprint(), certOf(t, b).Fingerprint())
	})
	t.Run("an auditor never signs, but has a certificate", func(t *testing.T) {
		auditor := accounts.User{Username: "aud", Role: accounts.RoleAuditor}
		_, err := r.For(auditor)
		require.ErrorIs(t, err, identities.ErrReadOnly)
		s, err := r.Issue(auditor)
		require.NoError(t, err)
		require.Equal(t, "auditor", certOf(t, s).Attributes()[model.AttrUserRole])
	})
	t.Run("an enterprise user without an enterprise gets nothing", func(t *testing.T) {
		_, err := r.For(accounts.User{Username: "lost", Role: accounts.RoleEnterprise})
		require.ErrorContains(t, err, "no enterprise")
	})
}

func TestIdentitiesFollowTheAccount(t *testing.T) {
	t.Parallel()
	r, p := newResolver(t)
	u := accounts.User{Username: "zhang", Role: accounts.RoleCustomsOfficer}
	first, err := r.For(u)
	require.NoError(t, err)
	same, err := r.For(u)
	require.NoError(t, err)
	require.Equal(t, certOf(t, first).Fingerprint(), certOf(t, same).Fingerprint())

	t.Run("a user moved to the zone administration loses the customs certificate", func(t *testing.T) {
		moved := u
		moved.Role = accounts.RoleZoneAdmin
		s, err := r.For(moved)
		require.NoError(t, err)
		require.Equal(t, model.ZoneAdminMSP, s.MspID())
		_, err = p.Verify(model.CustomsMSP, first.Credentials())
		require.ErrorIs(t, err, pki.ErrRevoked)
	})

	t.Run("a revoked user's next write is signed with a fresh certificate", func(t *testing.T) {
		v := accounts.User{Username: "qian", Role: accounts.RoleEnterprise, EnterpriseID: "E9"}
		before, err := r.For(v)
		require.NoError(t, err)
		require.NoError(t, r.Revoke(context.Background(), v))
		_, err = p.Verify(model.ZoneAdminMSP, before.Credentials())
		require.ErrorIs(t, err, pki.ErrRevoked)
		after, err := r.For(v)
		require.NoError(t, err)
		_, err = p.Verify(model.ZoneAdminMSP, after.Credentials())
		require.NoError(t, err)
	})

	t.Run("rotation issues a fresh certificate and revokes the old one", func(t *testing.T) {
		w := accounts.User{Username: "sun", Role: accounts.RoleCustomsAdmin}
		before, err := r.For(w)
		require.NoError(t, err)
		after, err := r.Rotate(context.Background(), w)
		require.NoError(t, err)
		require.NotEqual(t, certOf(t, before).Fingerprint(), certOf(t, after).Fingerprint())
		_, err = p.Verify(model.CustomsMSP, before.Credentials())
		require.ErrorIs(t, err, pki.ErrRevoked)
		_, err = p.Verify(model.CustomsMSP, after.Credentials())
		require.NoError(t, err)
		current, err := r.For(w)
		require.NoError(t, err)
		require.Equal(t, certOf(t, after).Fingerprint(), certOf(t, current).Fingerprint())
	})

	t.Run("on upgrade every enabled user without one gets an identity", func(t *testing.T) {
		users := []accounts.User{
			{Username: "old1", Role: accounts.RoleCustomsOfficer},
			{Username: "old2", Role: accounts.RoleAuditor},
			{Username: "gone", Role: accounts.RoleCustomsOfficer, Disabled: true},
		}
		n, err := r.IssueMissing(context.Background(), users)
		require.NoError(t, err)
		require.Equal(t, 2, n)
		_, err = p.LoadMember(model.CustomsMSP, "old1")
		require.NoError(t, err)
		_, err = p.LoadMember(model.ZoneAdminMSP, "old2")
		require.NoError(t, err)
		_, err = p.LoadMember(model.CustomsMSP, "gone")
		require.Error(t, err, "a disabled user gets none")
	})
}

func TestTheNodeSignsItsOwnWorkAsTheZoneAdministration(t *testing.T) {
	t.Parallel()
	r, _ := newResolver(t)
	s, err := r.ZoneAdmin()
	require.NoError(t, err)
	id := certOf(t, s)
	require.Equal(t, identities.ZoneAdminCN, id.Certificate().Subject.CommonName)
	require.Equal(t, []string{pki.OUAdmin}, id.Certificate().Subject.OrganizationalUnit)
	require.Empty(t, id.Attributes())
}

// publisher records what it was asked to publish; it fails while failing.
type publisher struct {
	calls   []string
	failing bool
}

func (p *publisher) PublishRevocations(_ context.Context, admin ledger.Signer, mspID string, crlPEM []byte) error {
	if p.failing {
		return errors.New("orderer unreachable")
	}
	id := admin.(*pki.Identity)
	p.calls = append(p.calls, mspID+" by "+id.MspID()+"/"+id.Certificate().Subject.CommonName+"/"+id.Certificate().Subject.OrganizationalUnit[0])
	if len(crlPEM) == 0 {
		return errors.New("empty CRL")
	}
	return nil
}

func TestRevocationsArePublishedOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r, _ := newResolver(t)
	pub := &publisher{}
	r.PublishTo(pub)
	require.NoError(t, r.PublishRevocations(ctx))
	require.Empty(t, pub.calls, "nothing revoked, nothing published")

	officer := accounts.User{Username: "li", Role: accounts.RoleCustomsOfficer}
	_, err := r.For(officer)
	require.NoError(t, err)
	require.NoError(t, r.Revoke(ctx, officer))
	require.Equal(t, []string{"CustomsMSP by CustomsMSP/msp-admin/admin"}, pub.calls)
	require.NoError(t, r.PublishRevocations(ctx))
	require.Len(t, pub.calls, 1, "an unchanged list is not published again")

	t.Run("a failed publication is tried again", func(t *testing.T) {
		clerk := accounts.User{Username: "clerk", Role: accounts.RoleEnterprise, EnterpriseID: "E1"}
		_, err := r.For(clerk)
		require.NoError(t, err)
		pub.failing = true
		require.ErrorContains(t, r.Revoke(ctx, clerk), "orderer unreachable")
		pub.failing = false
		require.NoError(t, r.PublishRevocations(ctx))
		require.Equal(t, "ZoneAdminMSP by ZoneAdminMSP/msp-admin/admin", pub.calls[len(pub.calls)-1])
	})
}
