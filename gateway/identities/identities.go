// Package identities decides which ledger client identity acts for a
// gateway user. Every user signs with a certificate of its own, issued from
// its organisation's CA and carrying its user id, role and enterprise as
// attributes the chaincode authorises from; the node itself signs its own
// work (registering enterprises) as the zone administration. Keys stay in
// the PKI keystore; this package only picks and asks it to issue or revoke.
package identities

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/accounts"
	"zonetrace/network/ledger"
	"zonetrace/network/pki"
)

// ErrReadOnly reports a user whose role never writes to the ledger
// (auditors).
var ErrReadOnly = errors.New("identities: role is read-only")

// ZoneAdminCN is the common name of the node's own zone administration
// identity.
const ZoneAdminCN = "zone-admin"

// MSPAdminCN is the common name of the organisation admin identity (NodeOU
// admin) that signs the publication of its CA's revocation list.
const MSPAdminCN = "msp-admin"

// Publisher makes a CA's revocation list binding on a ledger whose peers
// do not consult the PKI themselves (Fabric: the channel MSP's revocation
// list, *fabricledger.Ledger). admin is an admin of mspID.
type Publisher interface {
	PublishRevocations(ctx context.Context, admin ledger.Signer, mspID string, crlPEM []byte) error
}

// Keystore issues, loads and revokes client identities (*pki.PKI through
// an adapter). Issue and Enrol return the existing identity when it is
// still what was asked for.
type Keystore interface {
	Issue(mspID, commonName, ou string) (ledger.Signer, error)
	Enrol(m pki.Member) (ledger.Signer, error)
	RevokeMember(mspID, name string) (bool, error)
	CRL(mspID string) ([]byte, error)
}

// Resolver maps users to identities.
type Resolver struct {
	keys Keystore

	mu        sync.Mutex
	publisher Publisher
	published map[string][]byte // the CRL last published, by MSP
}

// New returns a Resolver over keys.
func New(keys Keystore) *Resolver { return &Resolver{keys: keys, published: map[string][]byte{}} }

// PublishTo has revocations published to p.
func (r *Resolver) PublishTo(p Publisher) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.publisher = p
}

// EnterpriseCN is the common name of an enterprise's shared client
// identity, bound to it on chain when it is registered. Users no longer
// sign with it; it stays for systems that act for the enterprise as a
// whole.
func EnterpriseCN(enterpriseID string) string { return "ent-" + enterpriseID }

// For returns the identity that signs u's transactions: u's own
// certificate, issued now if u has none or if the one it has names another
// role or enterprise (the old one is then revoked). Auditors never sign.
func (r *Resolver) For(u accounts.User) (ledger.Signer, error) {
	if u.Role == accounts.RoleAuditor {
		return nil, fmt.Errorf("sign for %s (%s): %w", u.Username, u.Role, ErrReadOnly)
	}
	return r.Issue(u)
}

// Issue issues u's identity if u has none that matches its account, and
// returns it. A user who moved between organisations (customs and the zone
// administration) loses the certificate of the one it left.
func (r *Resolver) Issue(u accounts.User) (ledger.Signer, error) {
	m, err := memberOf(u)
	if err != nil {
		return nil, err
	}
	other := model.CustomsMSP
	if m.MspID == model.CustomsMSP {
		other = model.ZoneAdminMSP
	}
	if _, err := r.keys.RevokeMember(other, u.Username); err != nil {
		return nil, fmt.Errorf("revoke identity of %s in %s: %w", u.Username, other, err)
	}
	s, err := r.keys.Enrol(m)
	if err != nil {
		return nil, fmt.Errorf("issue identity of %s: %w", u.Username, err)
	}
	return s, nil
}

// Revoke revokes u's certificate (a disabled user, a password reset): the
// ledger refuses it from when Revoke returns, and u's next write is signed
// with a fresh one.
func (r *Resolver) Revoke(ctx context.Context, u accounts.User) error {
	m, err := memberOf(u)
	if err != nil {
		return err
	}
	if _, err := r.keys.RevokeMember(m.MspID, u.Username); err != nil {
		return fmt.Errorf("revoke identity of %s: %w", u.Username, err)
	}
	return r.PublishRevocations(ctx)
}

// Rotate gives u a fresh certificate and revokes the one it had (a
// password reset: whoever knew the old password may have used the
// account).
func (r *Resolver) Rotate(ctx context.Context, u accounts.User) (ledger.Signer, error) {
	if err := r.Revoke(ctx, u); err != nil {
		return nil, err
	}
	return r.Issue(u)
}

// PublishRevocations publishes every CA's revocation list that changed
// since it was last published (revocations, and rotations when a user's
// role changed); without a Publisher (the embedded ledger checks the PKI
// itself) it does nothing. A failed publication is tried again on the next
// call; the node calls it at start-up.
func (r *Resolver) PublishRevocations(ctx context.Context) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.publisher == nil {
		return nil
	}
	for _, mspID := range []string{model.CustomsMSP, model.ZoneAdminMSP} {
		crl, err := r.keys.CRL(mspID)
		if err != nil {
			return err
		}
		if crl == nil || bytes.Equal(crl, r.published[mspID]) {
			continue
		}
		admin, err := r.keys.Issue(mspID, MSPAdminCN, "admin")
		if err != nil {
			return fmt.Errorf("publish revocations of %s: %w", mspID, err)
		}
		if err := r.publisher.PublishRevocations(ctx, admin, mspID, crl); err != nil {
			return fmt.Errorf("publish revocations of %s: %w", mspID, err)
		}
		r.published[mspID] = crl
	}
	return nil
}

// IssueMissing issues an identity to every enabled user without a
// matching one: users created before identities were personal get theirs
// on the first start of this version. It reports how many users it went
// through.
func (r *Resolver) IssueMissing(ctx context.Context, users []accounts.User) (int, error) {
	n := 0
	for _, u := range users {
		if ctx.Err() != nil {
			return n, ctx.Err()
		}
		if u.Disabled {
			continue
		}
		if _, err := r.Issue(u); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// memberOf is the identity u's account calls for: customs roles from
// CustomsMSP's CA, the zone's own staff, enterprise clerks and auditors
// from ZoneAdminMSP's. All are clients: being an organisation's Fabric
// admin (channel configuration) is no user's business.
func memberOf(u accounts.User) (pki.Member, error) {
	if u.Username == "" {
		return pki.Member{}, errors.New("identities: user without a username")
	}
	attrs := map[string]string{model.AttrUserID: u.Username, model.AttrUserRole: string(u.Role)}
	m := pki.Member{MspID: model.ZoneAdminMSP, Name: u.Username, OU: pki.OUClient, Attrs: attrs}
	switch {
	case u.Role.IsCustoms():
		m.MspID = model.CustomsMSP
	case u.Role == accounts.RoleEnterprise:
		if u.EnterpriseID == "" {
			return pki.Member{}, fmt.Errorf("identities: enterprise user %s has no enterprise", u.Username)
		}
		attrs[model.AttrEnterpriseID] = u.EnterpriseID
	case u.Role == accounts.RoleZoneAdmin, u.Role == accounts.RoleAuditor:
	default:
		return pki.Member{}, fmt.Errorf("identities: user %s has unknown role %q", u.Username, u.Role)
	}
	return m, nil
}

// ZoneAdmin returns the zone administration's admin identity, which the
// node signs its own work with: registering enterprises and binding their
// identities.
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
