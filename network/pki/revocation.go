package pki

import (
	"crypto/rand"
	"crypto/x509"
	"errors"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// crlValidity is how long a published CRL claims to be current. Fabric does
// not refuse a CRL past its NextUpdate, so this is informative only.
const crlValidity = 365 * 24 * time.Hour

// revocations is the revocation list one CA published, loaded from and
// saved to path as PEM.
type revocations struct {
	mu      sync.RWMutex
	path    string
	list    *x509.RevocationList // nil until the first revocation
	revoked map[string]bool      // decimal serial numbers listed
}

func crlPath(root, mspID string) string { return filepath.Join(root, mspID, "crl.pem") }

// loadCRL reads the CA's published CRL at path, if any, refusing one the CA
// did not sign.
func (a *authority) loadCRL(path string) error {
	a.crl.mu.Lock()
	defer a.crl.mu.Unlock()
	a.crl.path = path
	a.crl.revoked = map[string]bool{}
	data, err := os.ReadFile(path)
	if isNotExist(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read CRL of %s: %w", a.mspID, err)
	}
	list, err := parseCRLPEM(data)
	if err != nil {
		return fmt.Errorf("read CRL of %s: %w", a.mspID, err)
	}
	if err := list.CheckSignatureFrom(a.cert); err != nil {
		return fmt.Errorf("read CRL of %s: not signed by its CA: %w", a.mspID, err)
	}
	a.crl.list = list
	for _, e := range list.RevokedCertificateEntries {
		a.crl.revoked[e.SerialNumber.String()] = true
	}
	return nil
}

// isRevoked reports whether the CA revoked the certificate with serial.
func (a *authority) isRevoked(serial *big.Int) bool {
	a.crl.mu.RLock()
	defer a.crl.mu.RUnlock()
	return a.crl.revoked[serial.String()]
}

// revoke adds serial to the CA's CRL and publishes the new list. Revoking a
// revoked serial changes nothing.
func (a *authority) revoke(serial *big.Int) error {
	a.crl.mu.Lock()
	defer a.crl.mu.Unlock()
	if a.crl.revoked[serial.String()] {
		return nil
	}
	now := time.Now()
	number := big.NewInt(1)
	var entries []x509.RevocationListEntry
	if a.crl.list != nil {
		number = new(big.Int).Add(a.crl.list.Number, big.NewInt(1))
		entries = append(entries, a.crl.list.RevokedCertificateEntries...)
	}
	entries = append(entries, x509.RevocationListEntry{SerialNumber: serial, RevocationTime: now})
	der, err := x509.CreateRevocationList(rand.Reader, &x509.RevocationList{
		Number:                    number,
		ThisUpdate:                now,
		NextUpdate:                now.Add(crlValidity),
		RevokedCertificateEntries: entries,
	}, a.cert, a.key)
	if err != nil {
		return fmt.Errorf("sign CRL of %s: %w", a.mspID, err)
	}
	list, err := x509.ParseRevocationList(der)
	if err != nil {
		return fmt.Errorf("sign CRL of %s: %w", a.mspID, err)
	}
	if err := replaceFile(a.crl.path, encodePEM("X509 CRL", der), certMode); err != nil {
		return fmt.Errorf("publish CRL of %s: %w", a.mspID, err)
	}
	a.crl.list = list
	a.crl.revoked[serial.String()] = true
	return nil
}

// crlPEM returns the CA's published CRL, or nil when it revoked nothing.
func (a *authority) crlPEM() []byte {
	a.crl.mu.RLock()
	defer a.crl.mu.RUnlock()
	if a.crl.list == nil {
		return nil
	}
	return encodePEM("X509 CRL", a.crl.list.Raw)
}

func parseCRLPEM(data []byte) (*x509.RevocationList, error) {
	block := pemBlock(data, "X509 CRL")
	if block == nil {
		return nil, errors.New("parse CRL: no PEM X509 CRL block")
	}
	list, err := x509.ParseRevocationList(block)
	if err != nil {
		return nil, fmt.Errorf("parse CRL: %w", err)
	}
	return list, nil
}
