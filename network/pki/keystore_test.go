package pki_test

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
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

// requireSealed asserts a key file holds no private key in plain text.
func requireSealed(t *testing.T, path string) {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	block, _ := pem.Decode(data)
	require.NotNil(t, block, path)
	require.Equal(t, "ZONETRACE SEALED PRIVATE KEY", block.Type, path)
	_, err = x509.ParsePKCS8PrivateKey(block.Bytes)
	require.Error(t, err, "%s parses as a plain key", path)
}

func TestKeysAreSealedAtRest(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p, err := pki.Open(dir)
	require.NoError(t, err)
	_, err = p.Issue(pki.CustomsMSP, "system", pki.OUClient)
	require.NoError(t, err)
	_, err = p.Enrol(officer("li.wei"))
	require.NoError(t, err)

	requireMode(t, filepath.Join(dir, "keystore.kek"), 0o600)
	for _, msp := range pki.MSPs {
		requireSealed(t, filepath.Join(dir, msp, "ca", "key.pem"))
	}
	requireSealed(t, filepath.Join(dir, pki.CustomsMSP, "users", "system", "key.pem"))
	requireSealed(t, filepath.Join(dir, pki.CustomsMSP, "members", "li.wei", "key.pem"))

	t.Run("a sealed key opens only beside its own certificate", func(t *testing.T) {
		_, err := p.Issue(pki.CustomsMSP, "other", pki.OUClient)
		require.NoError(t, err)
		stolen, err := os.ReadFile(filepath.Join(dir, pki.CustomsMSP, "users", "other", "key.pem"))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, pki.CustomsMSP, "users", "system", "key.pem"), stolen, 0o600))
		_, err = p.Load(pki.CustomsMSP, "system")
		require.ErrorContains(t, err, "open sealed key")
	})

	t.Run("without the key-encryption key nothing opens", func(t *testing.T) {
		require.NoError(t, os.WriteFile(filepath.Join(dir, "keystore.kek"), bytes.Repeat([]byte{7}, 32), 0o600))
		_, err := pki.Open(dir)
		require.ErrorContains(t, err, "open sealed key")
	})
}

// TestPlainKeysAreSealedOnStart opens a PKI written before keys were sealed:
// a CA and an identity with plain PKCS #8 keys.
func TestPlainKeysAreSealedOnStart(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	caKey, caCert := writePlainCA(t, filepath.Join(dir, pki.CustomsMSP, "ca"))
	userKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(2),
		Subject:   pkix.Name{CommonName: "customs-officer", Organization: []string{"customs.zonetrace.local"}, OrganizationalUnit: []string{"client"}},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), KeyUsage: x509.KeyUsageDigitalSignature}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, caCert, &userKey.PublicKey, caKey)
	require.NoError(t, err)
	writePlainPair(t, filepath.Join(dir, pki.CustomsMSP, "users", "customs-officer"), der, userKey)

	// An identity another process is writing (files.go writes a dot-named
	// temporary folder, then renames it): left to its writer.
	writing := filepath.Join(dir, pki.ZoneAdminMSP, "users", ".ent-x.tmp-1")
	writePlainPair(t, writing, der, userKey)

	p, err := pki.Open(dir)
	require.NoError(t, err)
	unsealed, err := os.ReadFile(filepath.Join(writing, "key.pem"))
	require.NoError(t, err)
	block, _ := pem.Decode(unsealed)
	require.Equal(t, "PRIVATE KEY", block.Type, "a folder being written is not migrated")
	requireSealed(t, filepath.Join(dir, pki.CustomsMSP, "ca", "key.pem"))
	requireSealed(t, filepath.Join(dir, pki.CustomsMSP, "users", "customs-officer", "key.pem"))

	id, err := p.Load(pki.CustomsMSP, "customs-officer")
	require.NoError(t, err)
	digest := sha256.Sum256([]byte("after migration"))
	sig, err := id.Sign(digest[:])
	require.NoError(t, err)
	require.True(t, ecdsa.VerifyASN1(&userKey.PublicKey, digest[:], sig), "the migrated key is the same key")

	issued, err := p.Enrol(officer("li.wei"))
	require.NoError(t, err)
	roots := x509.NewCertPool()
	roots.AddCert(caCert)
	_, err = issued.Certificate().Verify(x509.VerifyOptions{Roots: roots, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}})
	require.NoError(t, err, "the migrated CA still issues")

	_, err = pki.Open(dir)
	require.NoError(t, err, "a second start finds nothing left to migrate")
}

func writePlainCA(t *testing.T, dir string) (*ecdsa.PrivateKey, *x509.Certificate) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1),
		Subject:   pkix.Name{CommonName: "ca.customs.zonetrace.local", Organization: []string{"customs.zonetrace.local"}},
		NotBefore: time.Now().Add(-2 * time.Hour), NotAfter: time.Now().Add(24 * time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	writePlainPair(t, dir, der, key)
	cert, err := x509.ParseCertificate(der)
	require.NoError(t, err)
	return key, cert
}

func writePlainPair(t *testing.T, dir string, certDER []byte, key *ecdsa.PrivateKey) {
	t.Helper()
	require.NoError(t, os.MkdirAll(dir, 0o700))
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "cert.pem"), pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: certDER}), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "key.pem"), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600))
}
