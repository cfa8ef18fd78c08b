package pki

import (
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
)

// ErrRevoked reports a certificate its CA revoked.
var ErrRevoked = errors.New("certificate revoked")

// Member describes the identity of one person: a gateway user, whose
// certificate names it (common name) and carries what the chaincode
// authorises from (attributes).
type Member struct {
	MspID string
	// Name is the user's id and the certificate's common name.
	Name string
	// OU is the Fabric NodeOU, OUClient or OUAdmin.
	OU string
	// Attrs go into Fabric CA's attribute extension.
	Attrs map[string]string
}

// Members are stored apart from the named identities of Issue, so that a
// user called like a system identity ("zone-admin") never shares its files:
//
//	<dir>/<mspID>/members/<name>/cert.pem, key.pem   the current identity
//	<dir>/<mspID>/retired/<name>.<serial>/cert.pem   revoked certificates
//	<dir>/<mspID>/crl.pem                            the CA's revocation list
func memberDir(root, mspID, name string) string {
	return filepath.Join(root, mspID, "members", name)
}

func retiredDir(root, mspID, name string, cert []byte) string {
	return filepath.Join(root, mspID, "retired", name+"."+fingerprintOf(cert)[:16])
}

// Enrol returns the member's current identity, issuing one when it has none
// and rotating it (a fresh certificate, the old one revoked) when the
// current one is revoked or carries another OU or other attributes than m:
// a user whose role changed gets a certificate naming the new role.
func (p *PKI) Enrol(m Member) (*Identity, error) {
	ca, err := p.checkMember(m)
	if err != nil {
		return nil, fmt.Errorf("enrol %s of %s: %w", m.Name, m.MspID, err)
	}
	p.members.Lock()
	defer p.members.Unlock()
	id, err := p.loadMember(m.MspID, m.Name)
	switch {
	case err == nil && !ca.isRevoked(id.cert.SerialNumber) && id.matches(m):
		return id, nil
	case err == nil:
		if err := p.retire(ca, id, m.Name); err != nil {
			return nil, fmt.Errorf("enrol %s of %s: %w", m.Name, m.MspID, err)
		}
	case !isNotExist(err):
		return nil, fmt.Errorf("enrol %s of %s: %w", m.Name, m.MspID, err)
	}
	if err := ca.issue(memberDir(p.dir, m.MspID, m.Name), m.Name, m.OU, m.Attrs); err != nil {
		return nil, fmt.Errorf("enrol %s of %s: %w", m.Name, m.MspID, err)
	}
	return p.loadMember(m.MspID, m.Name)
}

// RevokeMember revokes the member's current certificate: the CA lists it on
// its CRL, which Verify consults, and its key is destroyed. It reports
// whether there was a certificate to revoke; the next Enrol issues a fresh
// one.
func (p *PKI) RevokeMember(mspID, name string) (bool, error) {
	ca, err := p.authority(mspID)
	if err == nil {
		err = validateCommonName(name)
	}
	if err != nil {
		return false, fmt.Errorf("revoke %s of %s: %w", name, mspID, err)
	}
	p.members.Lock()
	defer p.members.Unlock()
	id, err := p.loadMember(mspID, name)
	if isNotExist(err) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("revoke %s of %s: %w", name, mspID, err)
	}
	if err := p.retire(ca, id, name); err != nil {
		return false, fmt.Errorf("revoke %s of %s: %w", name, mspID, err)
	}
	return true, nil
}

// LoadMember returns the member's current identity. The error wraps
// fs.ErrNotExist when it has none.
func (p *PKI) LoadMember(mspID, name string) (*Identity, error) {
	if _, err := p.authority(mspID); err != nil {
		return nil, fmt.Errorf("load member: %w", err)
	}
	if err := validateCommonName(name); err != nil {
		return nil, fmt.Errorf("load member: %w", err)
	}
	p.members.Lock()
	defer p.members.Unlock()
	return p.loadMember(mspID, name)
}

// CRL returns mspID's CA's revocation list in PEM, or nil when it revoked
// nothing yet.
func (p *PKI) CRL(mspID string) ([]byte, error) {
	ca, err := p.authority(mspID)
	if err != nil {
		return nil, fmt.Errorf("read CRL: %w", err)
	}
	return ca.crlPEM(), nil
}

func (p *PKI) checkMember(m Member) (*authority, error) {
	ca, err := p.authority(m.MspID)
	if err != nil {
		return nil, err
	}
	if err := validateCommonName(m.Name); err != nil {
		return nil, err
	}
	if m.OU != OUClient && m.OU != OUAdmin {
		return nil, fmt.Errorf("OU %q is neither %q nor %q", m.OU, OUClient, OUAdmin)
	}
	return ca, nil
}

func (p *PKI) loadMember(mspID, name string) (*Identity, error) {
	certPEM, keyPEM, err := readPair(memberDir(p.dir, mspID, name))
	if err != nil {
		return nil, fmt.Errorf("load member %s of %s: %w", name, mspID, err)
	}
	id, err := p.keys.identity(mspID, certPEM, keyPEM)
	if err != nil {
		return nil, fmt.Errorf("load member %s of %s: %w", name, mspID, err)
	}
	return id, nil
}

// retire revokes id and moves its certificate out of the member's place,
// destroying the key. Revocation comes first: a crash before the move
// leaves a revoked current identity, which the next Enrol replaces.
func (p *PKI) retire(ca *authority, id *Identity, name string) error {
	if err := ca.revoke(id.cert.SerialNumber); err != nil {
		return err
	}
	current := memberDir(p.dir, ca.mspID, name)
	if err := os.Remove(filepath.Join(current, keyFile)); err != nil && !isNotExist(err) {
		return fmt.Errorf("destroy revoked key: %w", err)
	}
	retired := retiredDir(p.dir, ca.mspID, name, id.cert.Raw)
	if err := os.MkdirAll(filepath.Dir(retired), dirMode); err != nil {
		return fmt.Errorf("create %s: %w", filepath.Dir(retired), err)
	}
	if err := os.Rename(current, retired); err != nil {
		return fmt.Errorf("retire revoked certificate: %w", err)
	}
	return nil
}

// Attributes returns the attributes the certificate carries (none for
// identities issued without).
func (id *Identity) Attributes() map[string]string {
	attrs, err := certAttributes(id.cert)
	if err != nil {
		return nil
	}
	return attrs
}

func (id *Identity) matches(m Member) bool {
	return slices.Equal(id.cert.Subject.OrganizationalUnit, []string{m.OU}) &&
		maps.Equal(id.Attributes(), m.Attrs)
}
