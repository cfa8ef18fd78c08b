package identities_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"zonetrace/gateway/accounts"
	"zonetrace/gateway/identities"
	"zonetrace/network/ledger"
)

type signer struct{ msp, cn, ou string }

func (s signer) MspID() string                 { return s.msp }
func (s signer) Credentials() []byte           { return []byte(s.cn) }
func (s signer) Sign(d []byte) ([]byte, error) { return d, nil }

// keystore records what was asked; Load only finds issued identities.
type keystore struct{ issued map[string]signer }

func (k *keystore) Issue(msp, cn, ou string) (ledger.Signer, error) {
	s := signer{msp, cn, ou}
	k.issued[msp+"/"+cn] = s
	return s, nil
}

func (k *keystore) Load(msp, cn string) (ledger.Signer, error) {
	s, ok := k.issued[msp+"/"+cn]
	if !ok {
		return nil, errors.New("not issued")
	}
	return s, nil
}

func TestResolver(t *testing.T) {
	t.Parallel()
	ks := &keystore{issued: map[string]signer{}}
	r := identities.New(ks)
	_, err := r.IssueEnterprise("E1")
	require.NoError(t, err)

	cases := []struct {
		name string
		user accounts.User
		want signer
	}{
		{"an enterprise user signs as its enterprise", accounts.User{Role: accounts.RoleEnterprise, EnterpriseID: "E1"}, signer{"ZoneAdminMSP", "ent-E1", "client"}},
		{"a customs officer signs as the customs client", accounts.User{Role: accounts.RoleCustomsOfficer}, signer{"CustomsMSP", "customs-officer", "client"}},
		{"a customs admin signs as the customs client too", accounts.User{Role: accounts.RoleCustomsAdmin}, signer{"CustomsMSP", "customs-officer", "client"}},
		{"the zone admin signs as the zone admin", accounts.User{Role: accounts.RoleZoneAdmin}, signer{"ZoneAdminMSP", "zone-admin", "admin"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, err := r.For(tc.user)
			require.NoError(t, err)
			require.Equal(t, tc.want, s)
		})
	}
	t.Run("an auditor never signs", func(t *testing.T) {
		_, err := r.For(accounts.User{Role: accounts.RoleAuditor})
		require.ErrorIs(t, err, identities.ErrReadOnly)
	})
	t.Run("an enterprise without an issued identity cannot sign", func(t *testing.T) {
		_, err := r.For(accounts.User{Role: accounts.RoleEnterprise, EnterpriseID: "E2"})
		require.Error(t, err)
	})
}
