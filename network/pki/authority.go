package pki

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"math/big"
	"path/filepath"
	"strings"
	"time"
)

const (
	caValidity     = 10 * 365 * 24 * time.Hour
	clientValidity = 5 * 365 * 24 * time.Hour
	// backdate tolerates clocks a little behind the issuing machine's.
	backdate = time.Hour
)

// authority is one MSP's certificate authority.
type authority struct {
	mspID string
	cert  *x509.Certificate
	pem   []byte
	key   *ecdsa.PrivateKey
	roots *x509.CertPool
	crl   revocations
	// keys seals the private keys of the identities it issues.
	keys *sealer
}

// orgDomain names an MSP's organisation the way Fabric's cryptogen does:
// CustomsMSP becomes customs.zonetrace.local.
func orgDomain(mspID string) string {
	return strings.ToLower(strings.TrimSuffix(mspID, "MSP")) + ".zonetrace.local"
}

// loadOrCreateAuthority loads the CA under dir, creating it first if absent.
func loadOrCreateAuthority(dir, mspID string, keys *sealer) (*authority, error) {
	certPEM, keyPEM, err := readPair(dir)
	if isNotExist(err) {
		if err := createAuthority(dir, mspID, keys); err != nil {
			return nil, err
		}
		certPEM, keyPEM, err = readPair(dir)
	}
	if err != nil {
		return nil, fmt.Errorf("load CA of %s: %w", mspID, err)
	}
	cert, err := parseCertificatePEM(certPEM)
	if err != nil {
		return nil, fmt.Errorf("load CA of %s: %w", mspID, err)
	}
	key, err := keys.open(keyPEM, cert.Raw)
	if err != nil {
		return nil, fmt.Errorf("load CA of %s: %w", mspID, err)
	}
	return newAuthority(mspID, certPEM, key, keys)
}

// newAuthority builds a CA from its PEM certificate and private key.
func newAuthority(mspID string, certPEM []byte, key *ecdsa.PrivateKey, keys *sealer) (*authority, error) {
	cert, err := parseCertificatePEM(certPEM)
	if err != nil {
		return nil, fmt.Errorf("load CA of %s: %w", mspID, err)
	}
	if pub, ok := cert.PublicKey.(*ecdsa.PublicKey); !ok || !pub.Equal(&key.PublicKey) {
		return nil, fmt.Errorf("load CA of %s: private key does not match certificate", mspID)
	}
	roots := x509.NewCertPool()
	roots.AddCert(cert)
	return &authority{mspID: mspID, cert: cert, pem: certPEM, key: key, roots: roots, keys: keys}, nil
}

func createAuthority(dir, mspID string, keys *sealer) error {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return fmt.Errorf("generate CA key of %s: %w", mspID, err)
	}
	serial, err := randomSerial()
	if err != nil {
		return err
	}
	now := time.Now()
	org := orgDomain(mspID)
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{Organization: []string{org}, CommonName: "ca." + org},
		NotBefore:             now.Add(-backdate),
		NotAfter:              now.Add(caValidity),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth, x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return fmt.Errorf("create CA certificate of %s: %w", mspID, err)
	}
	keyPEM, err := keys.seal(key, der)
	if err != nil {
		return err
	}
	if _, err := writePair(dir, encodePEM("CERTIFICATE", der), keyPEM); err != nil {
		return fmt.Errorf("store CA of %s: %w", mspID, err)
	}
	return nil
}

// issue signs a new client certificate, carrying attrs in Fabric CA's
// attribute extension when there are any, and stores it under dir.
func (a *authority) issue(dir, commonName, ou string, attrs map[string]string) error {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return fmt.Errorf("generate key: %w", err)
	}
	serial, err := randomSerial()
	if err != nil {
		return err
	}
	now := time.Now()
	// Fabric's MSP checks the chain at the leaf's NotBefore, so a leaf
	// backdated past its CA's own NotBefore (a CA created minutes ago by
	// cryptogen) would be refused.
	notBefore := now.Add(-backdate)
	if notBefore.Before(a.cert.NotBefore) {
		notBefore = a.cert.NotBefore
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject: pkix.Name{
			Organization:       []string{orgDomain(a.mspID)},
			OrganizationalUnit: []string{ou},
			CommonName:         commonName,
		},
		NotBefore: notBefore,
		NotAfter:  now.Add(clientValidity),
		KeyUsage:  x509.KeyUsageDigitalSignature,
		// No extended key usage, as in cryptogen's enrolment certificates:
		// Fabric's MSP verifies chains with Go's default (server auth), which
		// a client-auth-only certificate fails.
		BasicConstraintsValid: true,
	}
	if len(attrs) > 0 {
		ext, err := attributeExtension(attrs)
		if err != nil {
			return err
		}
		tmpl.ExtraExtensions = []pkix.Extension{ext}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, a.cert, &key.PublicKey, a.key)
	if err != nil {
		return fmt.Errorf("sign certificate: %w", err)
	}
	keyPEM, err := a.keys.seal(key, der)
	if err != nil {
		return err
	}
	if _, err := writePair(dir, encodePEM("CERTIFICATE", der), keyPEM); err != nil {
		return fmt.Errorf("store identity: %w", err)
	}
	return nil
}

// verify checks that cert chains to this CA and is valid now.
func (a *authority) verify(cert *x509.Certificate) error {
	_, err := cert.Verify(x509.VerifyOptions{
		Roots:       a.roots,
		CurrentTime: time.Now(),
		KeyUsages:   []x509.ExtKeyUsage{x509.ExtKeyUsageAny},
	})
	if err != nil {
		return fmt.Errorf("verify certificate against %s CA: %w", a.mspID, err)
	}
	return nil
}

func randomSerial() (*big.Int, error) {
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 128))
	if err != nil {
		return nil, fmt.Errorf("draw certificate serial number: %w", err)
	}
	return serial, nil
}

func caDir(root, mspID string) string { return filepath.Join(root, mspID, "ca") }

func userDir(root, mspID, commonName string) string {
	return filepath.Join(root, mspID, "users", commonName)
}

var errUnknownMSP = errors.New("unknown MSP")
