package pki_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"zonetrace/network/pki"
)

// cryptogenLayout writes CAs in the file layout Fabric's cryptogen writes
// (plain-text priv_sk), so the test needs no Fabric binary, and returns the
// root and the CA certificates.
func cryptogenLayout(t *testing.T) (string, map[string]*x509.Certificate) {
	t.Helper()
	root := t.TempDir()
	cas := map[string]*x509.Certificate{}
	for _, msp := range pki.MSPs {
		domain := map[string]string{pki.CustomsMSP: "customs", pki.ZoneAdminMSP: "zoneadmin", pki.WarehouseMSP: "warehouse"}[msp] + ".zonetrace.local"
		key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		require.NoError(t, err)
		tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "ca." + domain, Organization: []string{domain}},
			NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour), IsCA: true, BasicConstraintsValid: true,
			KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
		require.NoError(t, err)
		cas[msp], err = x509.ParseCertificate(der)
		require.NoError(t, err)
		keyDER, err := x509.MarshalPKCS8PrivateKey(key)
		require.NoError(t, err)
		dir := filepath.Join(root, "peerOrganizations", domain, "ca")
		require.NoError(t, os.MkdirAll(dir, 0o700))
		require.NoError(t, os.WriteFile(filepath.Join(dir, "ca."+domain+"-cert.pem"), pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644))
		require.NoError(t, os.WriteFile(filepath.Join(dir, "priv_sk"), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600))
	}
	return root, cas
}

func TestOpenCryptogen(t *testing.T) {
	t.Parallel()
	crypto, cas := cryptogenLayout(t)

	t.Run("identities it issues chain to the cryptogen CAs", func(t *testing.T) {
		store := t.TempDir()
		p, err := pki.OpenCryptogen(crypto, store)
		require.NoError(t, err)
		id, err := p.Issue(pki.ZoneAdminMSP, "ent-1", pki.OUClient)
		require.NoError(t, err)
		roots := x509.NewCertPool()
		roots.AddCert(cas[pki.ZoneAdminMSP])
		_, err = id.Certificate().Verify(x509.VerifyOptions{Roots: roots, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}})
		require.NoError(t, err, "the original CA vouches for the issued identity")
		_, err = p.Verify(pki.ZoneAdminMSP, id.Credentials())
		require.NoError(t, err, "and so does the PKI")
		requireMode(t, filepath.Join(store, pki.ZoneAdminMSP, "users", "ent-1", "key.pem"), 0o600)
		requireSealed(t, filepath.Join(store, pki.ZoneAdminMSP, "users", "ent-1", "key.pem"))
		_, err = os.Stat(filepath.Join(store, pki.ZoneAdminMSP, "ca"))
		require.ErrorIs(t, err, os.ErrNotExist, "the CA key is not copied into the store")
	})
	t.Run("its revocations are signed by the cryptogen CA", func(t *testing.T) {
		p, err := pki.OpenCryptogen(crypto, t.TempDir())
		require.NoError(t, err)
		_, err = p.Enrol(officer("li.wei"))
		require.NoError(t, err)
		_, err = p.RevokeMember(pki.CustomsMSP, "li.wei")
		require.NoError(t, err)
		crlPEM, err := p.CRL(pki.CustomsMSP)
		require.NoError(t, err)
		block, _ := pem.Decode(crlPEM)
		crl, err := x509.ParseRevocationList(block.Bytes)
		require.NoError(t, err)
		require.NoError(t, crl.CheckSignatureFrom(cas[pki.CustomsMSP]))
	})
	t.Run("a missing CA key is an error naming the MSP", func(t *testing.T) {
		broken, _ := cryptogenLayout(t)
		require.NoError(t, os.Remove(filepath.Join(broken, "peerOrganizations", "warehouse.zonetrace.local", "ca", "priv_sk")))
		_, err := pki.OpenCryptogen(broken, t.TempDir())
		require.ErrorContains(t, err, pki.WarehouseMSP)
	})
}
