package pki

import (
	"crypto/sha256"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"slices"
	"sync"
	"time"

	"zonetrace/internal/ttlcache"
)

// MSP IDs of the three organisations of the ZoneTrace channel.
const (
	CustomsMSP   = "CustomsMSP"
	ZoneAdminMSP = "ZoneAdminMSP"
	WarehouseMSP = "WarehouseMSP"
)

// MSPs lists the organisations' MSP IDs in a fixed order.
var MSPs = []string{CustomsMSP, ZoneAdminMSP, WarehouseMSP}

// Fabric NodeOU values accepted by Issue.
const (
	OUClient = "client"
	OUAdmin  = "admin"
)

// PKI holds one CA per MSP, rooted at a directory.
type PKI struct {
	dir string
	cas map[string]*authority
	// members serialises the issuing, rotation and revocation of per-user
	// identities, each of which reads and replaces one member's files.
	members sync.Mutex
	keys    *sealer
	// verified are certificates whose chain Verify checked, by MSP and
	// SHA-256 of their PEM, until they expire: every transaction carries
	// its creator's certificate, and checking the chain again each time
	// was a tenth of the embedded ledger's CPU. Revocation is still
	// looked up on every call.
	verified *ttlcache.Cache[verifiedKey, *x509.Certificate]
}

// verifiedKey names a certificate Verify checked.
type verifiedKey struct {
	mspID string
	sum   [sha256.Size]byte
}

// verifiedCertificates bounds the certificates Verify remembers.
const verifiedCertificates = 4096

// newPKI is a PKI in dir with no authority loaded yet.
func newPKI(dir string, keys *sealer) *PKI {
	return &PKI{dir: dir, cas: make(map[string]*authority, len(MSPs)), keys: keys,
		verified: ttlcache.New[verifiedKey, *x509.Certificate](verifiedCertificates)}
}

// Open loads the CAs under dir, creating the missing ones. It is idempotent
// and safe to call again from a restarted process.
func Open(dir string) (*PKI, error) {
	if dir == "" {
		return nil, errors.New("open PKI: empty directory")
	}
	if err := os.MkdirAll(dir, dirMode); err != nil {
		return nil, fmt.Errorf("open PKI: create %s: %w", dir, err)
	}
	keys, err := openKeystore(dir)
	if err != nil {
		return nil, fmt.Errorf("open PKI: %w", err)
	}
	p := newPKI(dir, keys)
	for _, mspID := range MSPs {
		ca, err := loadOrCreateAuthority(caDir(dir, mspID), mspID, keys)
		if err != nil {
			return nil, fmt.Errorf("open PKI: %w", err)
		}
		if err := ca.loadCRL(crlPath(dir, mspID)); err != nil {
			return nil, fmt.Errorf("open PKI: %w", err)
		}
		p.cas[mspID] = ca
	}
	return p, nil
}

// Issue returns the identity commonName of mspID, issuing and storing it
// first if it does not exist yet. ou is the Fabric NodeOU, "client" or
// "admin"; asking for an existing identity with another OU is an error
// rather than a silent re-issue.
func (p *PKI) Issue(mspID, commonName, ou string) (*Identity, error) {
	ca, err := p.authority(mspID)
	if err != nil {
		return nil, fmt.Errorf("issue identity: %w", err)
	}
	if err := validateCommonName(commonName); err != nil {
		return nil, fmt.Errorf("issue identity: %w", err)
	}
	if ou != OUClient && ou != OUAdmin {
		return nil, fmt.Errorf("issue identity: OU %q is neither %q nor %q", ou, OUClient, OUAdmin)
	}
	id, err := p.Load(mspID, commonName)
	if isNotExist(err) {
		if err := ca.issue(userDir(p.dir, mspID, commonName), commonName, ou, nil); err != nil {
			return nil, fmt.Errorf("issue identity %s of %s: %w", commonName, mspID, err)
		}
		id, err = p.Load(mspID, commonName)
	}
	if err != nil {
		return nil, fmt.Errorf("issue identity: %w", err)
	}
	if got := id.cert.Subject.OrganizationalUnit; !slices.Equal(got, []string{ou}) {
		return nil, fmt.Errorf("issue identity %s of %s: it already exists with OU %v, not %q", commonName, mspID, got, ou)
	}
	return id, nil
}

// Load returns the stored identity commonName of mspID. The error wraps
// fs.ErrNotExist when it was never issued.
func (p *PKI) Load(mspID, commonName string) (*Identity, error) {
	if _, err := p.authority(mspID); err != nil {
		return nil, fmt.Errorf("load identity: %w", err)
	}
	if err := validateCommonName(commonName); err != nil {
		return nil, fmt.Errorf("load identity: %w", err)
	}
	certPEM, keyPEM, err := readPair(userDir(p.dir, mspID, commonName))
	if err != nil {
		return nil, fmt.Errorf("load identity %s of %s: %w", commonName, mspID, err)
	}
	id, err := p.keys.identity(mspID, certPEM, keyPEM)
	if err != nil {
		return nil, fmt.Errorf("load identity %s of %s: %w", commonName, mspID, err)
	}
	return id, nil
}

// Verify checks that certPEM holds a certificate issued by mspID's CA, valid
// now and not on the CA's revocation list, and returns it.
func (p *PKI) Verify(mspID string, certPEM []byte) (*x509.Certificate, error) {
	ca, err := p.authority(mspID)
	if err != nil {
		return nil, fmt.Errorf("verify certificate: %w", err)
	}
	key := verifiedKey{mspID: mspID, sum: sha256.Sum256(certPEM)}
	now := time.Now()
	cert, known := p.verified.Get(key, now)
	if !known {
		gen := p.verified.Begin()
		if cert, err = parseCertificatePEM(certPEM); err != nil {
			return nil, fmt.Errorf("verify certificate: %w", err)
		}
		if err := ca.verify(cert); err != nil {
			return nil, err
		}
		p.verified.Put(gen, key, cert, cert.NotAfter)
	}
	if ca.isRevoked(cert.SerialNumber) {
		return nil, fmt.Errorf("verify certificate against %s CA: %w (serial %x)", mspID, ErrRevoked, cert.SerialNumber)
	}
	return cert, nil
}

// CACertPEM returns the PEM certificate of mspID's CA.
func (p *PKI) CACertPEM(mspID string) ([]byte, error) {
	ca, err := p.authority(mspID)
	if err != nil {
		return nil, fmt.Errorf("read CA certificate: %w", err)
	}
	return append([]byte(nil), ca.pem...), nil
}

func (p *PKI) authority(mspID string) (*authority, error) {
	ca, ok := p.cas[mspID]
	if !ok {
		return nil, fmt.Errorf("%w %q (known: %v)", errUnknownMSP, mspID, MSPs)
	}
	return ca, nil
}

// validateCommonName keeps common names usable as a single directory name.
func validateCommonName(cn string) error {
	if cn == "" || len(cn) > 64 {
		return fmt.Errorf("common name %q must have 1 to 64 characters", cn)
	}
	if cn[0] == '.' || cn[0] == '-' {
		return fmt.Errorf("common name %q must not start with %q", cn, cn[0])
	}
	for _, r := range cn {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' ||
			r == '.' || r == '-' || r == '_' || r == '@'
		if !ok {
			return fmt.Errorf("common name %q may only hold letters, digits and . - _ @", cn)
		}
	}
	return nil
}
