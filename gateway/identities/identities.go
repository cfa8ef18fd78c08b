// Package identities decides which ledger client identity acts for a
// gateway user. Keys stay in the PKI keystore; this package only picks.
package identities

import (
	"errors"
	"fmt"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/accounts"
	"zonetrace/network/ledger"
)

// ErrReadOnly reports a user whose role never writes to the ledger
// (auditors).
var ErrReadOnly = errors.New("identities: role is read-only")

// Common names of the shared identities.
const (
	CustomsOfficerCN = "customs-officer"
	ZoneAdminCN      = "zone-admin"
)

// Keystore issues and loads client identities. Issue returns the existing
// identity when one was issued before.
type Keystore interface {
	Issue(mspID, commonName, ou string) (ledger.Signer, error)
	Load(mspID, commonName string) (ledger.Signer, error)
}

// Resolver maps users to identities.
type Resolver struct {
	keys Keystore
}

// New returns a Resolver over keys.
func New(keys Keystore) *Resolver { return &Resolver{keys: keys} }

// EnterpriseCN is the common name of an enterprise's client identity.
func EnterpriseCN(enterpriseID string) string { return "ent-" + enterpriseID }

// For returns the identity that signs u's transactions: the enterprise's own
// client identity (issued when the enterprise was registered), the shared
// customs officer identity, or the zone administration's admin identity.
func (r *Resolver) For(u accounts.User) (ledger.Signer, error) {
	switch {
	case u.Role == accounts.RoleEnterprise:
		s, err := r.keys.Load(model.ZoneAdminMSP, EnterpriseCN(u.EnterpriseID))
		if err != nil {
			return nil, fmt.Errorf("load identity of enterprise %s: %w", u.EnterpriseID, err)
		}
		return s, nil
	case u.Role.IsCustoms():
		s, err := r.keys.Issue(model.CustomsMSP, CustomsOfficerCN, "client")
		if err != nil {
			return nil, fmt.Errorf("load customs identity: %w", err)
		}
		return s, nil
	case u.Role == accounts.RoleZoneAdmin:
		return r.ZoneAdmin()
	default:
		return nil, fmt.Errorf("sign for %s (%s): %w", u.Username, u.Role, ErrReadOnly)
	}
}

// ZoneAdmin returns the zone administration's admin identity, which
// registers enterprises and binds their identities.
func (r *Resolver) ZoneAdmin() (ledger.Signer, error) {
	s, err := r.keys.Issue(model.ZoneAdminMSP, ZoneAdminCN, "admin")
	if err != nil {
		return nil, fmt.Errorf("load zone admin identity: %w", err)
	}
	return s, nil
}

// IssueEnterprise issues (or returns the already issued) client identity of
// an enterprise from the zone administration's CA.
func (r *Resolver) IssueEnterprise(enterpriseID string) (ledger.Signer, error) {
	s, err := r.keys.Issue(model.ZoneAdminMSP, EnterpriseCN(enterpriseID), "client")
	if err != nil {
		return nil, fmt.Errorf("issue identity of enterprise %s: %w", enterpriseID, err)
	}
	return s, nil
}
