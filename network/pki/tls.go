package pki

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"time"
)

// tlsOrg names the TLS authority's organisation in its certificates.
const tlsOrg = "TLS"

// serverValidity is how long a TLS server certificate is valid; one that
// expires within serverRenewal is issued again.
const (
	serverValidity = 2 * 365 * 24 * time.Hour
	serverRenewal  = 30 * 24 * time.Hour
)

// TLSAuthority is the dev PKI's CA for TLS server certificates (the
// gateway's HTTPS, the chaincode server, test databases). It is kept apart
// from the MSP CAs so that no TLS key can ever sign a transaction:
//
//	<dir>/keystore.kek                          seals the CA's key
//	<dir>/ca/cert.pem, key.pem                  the TLS CA (key sealed)
//	<dir>/servers/<name>/cert.pem, key.pem      a server's key pair (plain, 0600)
type TLSAuthority struct {
	dir string
	ca  *authority
}

// OpenTLS loads the TLS CA under dir, creating it first if absent.
func OpenTLS(dir string) (*TLSAuthority, error) {
	if err := os.MkdirAll(dir, dirMode); err != nil {
		return nil, fmt.Errorf("open TLS authority: %w", err)
	}
	keys, err := openSealer(dir)
	if err != nil {
		return nil, fmt.Errorf("open TLS authority: %w", err)
	}
	ca, err := loadOrCreateAuthority(filepath.Join(dir, "ca"), tlsOrg, keys)
	if err != nil {
		return nil, fmt.Errorf("open TLS authority: %w", err)
	}
	return &TLSAuthority{dir: dir, ca: ca}, nil
}

// CACertPEM is the PEM certificate clients trust to reach the servers.
func (a *TLSAuthority) CACertPEM() []byte { return append([]byte(nil), a.ca.pem...) }

// Roots is a pool holding the TLS CA alone.
func (a *TLSAuthority) Roots() *x509.CertPool {
	roots := x509.NewCertPool()
	roots.AddCert(a.ca.cert)
	return roots
}

// Server returns the stored key pair of the server name, issuing it first
// when it is missing, does not cover every one of hosts (DNS names or IP
// addresses), or expires within 30 days. A restart thus reuses the same
// certificate, so clients that pinned it keep working.
func (a *TLSAuthority) Server(name string, hosts []string) (certPEM, keyPEM []byte, err error) {
	if err := validateCommonName(name); err != nil {
		return nil, nil, fmt.Errorf("TLS server certificate: %w", err)
	}
	dir := filepath.Join(a.dir, "servers", name)
	certPEM, keyPEM, err = readPair(dir)
	if err == nil && a.covers(certPEM, hosts) {
		return certPEM, keyPEM, nil
	}
	if err != nil && !isNotExist(err) {
		return nil, nil, fmt.Errorf("TLS server certificate %s: %w", name, err)
	}
	if err := os.RemoveAll(dir); err != nil {
		return nil, nil, fmt.Errorf("TLS server certificate %s: %w", name, err)
	}
	if err := a.issueServer(dir, name, hosts); err != nil {
		return nil, nil, fmt.Errorf("TLS server certificate %s: %w", name, err)
	}
	if certPEM, keyPEM, err = readPair(dir); err != nil {
		return nil, nil, fmt.Errorf("TLS server certificate %s: %w", name, err)
	}
	return certPEM, keyPEM, nil
}

// covers reports whether certPEM is this CA's, valid for a while yet, and
// names every host.
func (a *TLSAuthority) covers(certPEM []byte, hosts []string) bool {
	cert, err := parseCertificatePEM(certPEM)
	if err != nil || a.ca.verify(cert) != nil || time.Until(cert.NotAfter) < serverRenewal {
		return false
	}
	for _, h := range hosts {
		if cert.VerifyHostname(h) != nil {
			return false
		}
	}
	return true
}

func (a *TLSAuthority) issueServer(dir, name string, hosts []string) error {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return fmt.Errorf("generate key: %w", err)
	}
	serial, err := randomSerial()
	if err != nil {
		return err
	}
	now := time.Now()
	notBefore, notAfter := now.Add(-backdate), now.Add(serverValidity)
	if notBefore.Before(a.ca.cert.NotBefore) {
		notBefore = a.ca.cert.NotBefore
	}
	if notAfter.After(a.ca.cert.NotAfter) {
		notAfter = a.ca.cert.NotAfter
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{Organization: []string{orgDomain(tlsOrg)}, CommonName: name},
		NotBefore:    notBefore,
		NotAfter:     notAfter,
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	for _, h := range slices.Compact(slices.Sorted(slices.Values(hosts))) {
		if ip := net.ParseIP(h); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else if h != "" {
			tmpl.DNSNames = append(tmpl.DNSNames, h)
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, a.ca.cert, &key.PublicKey, a.ca.key)
	if err != nil {
		return fmt.Errorf("sign certificate: %w", err)
	}
	// Servers (the gateway, the chaincode server, PostgreSQL) read their
	// key as a plain PKCS #8 file, 0600; only the CA's key is sealed.
	der8, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return fmt.Errorf("encode private key: %w", err)
	}
	keyPEM := encodePEM("PRIVATE KEY", der8)
	if _, err := writePair(dir, encodePEM("CERTIFICATE", der), keyPEM); err != nil {
		return fmt.Errorf("store key pair: %w", err)
	}
	return nil
}

// ServerTLSConfig is the TLS configuration of a server presenting the key
// pair: TLS 1.2 or later only.
func ServerTLSConfig(certPEM, keyPEM []byte) (*tls.Config, error) {
	pair, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		return nil, fmt.Errorf("load TLS key pair: %w", err)
	}
	return &tls.Config{MinVersion: tls.VersionTLS12, Certificates: []tls.Certificate{pair}}, nil
}
