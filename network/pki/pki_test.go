package pki_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"io/fs"
	"math/big"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"zonetrace/network/ledger"
	"zonetrace/network/pki"
)

var _ ledger.Signer = (*pki.Identity)(nil)

func TestOpenCreatesOneCAPerMSPAndReloadsIt(t *testing.T) {
	dir := t.TempDir()
	p, err := pki.Open(dir)
	require.NoError(t, err)
	again, err := pki.Open(dir)
	require.NoError(t, err)

	for _, mspID := range pki.MSPs {
		first, err := p.CACertPEM(mspID)
		require.NoError(t, err)
		second, err := again.CACertPEM(mspID)
		require.NoError(t, err)
		require.Equal(t, first, second, "a second Open must reuse the CA of %s", mspID)

		block, _ := pem.Decode(first)
		cert, err := x509.ParseCertificate(block.Bytes)
		require.NoError(t, err)
		require.True(t, cert.IsCA)
		require.Greater(t, time.Until(cert.NotAfter), 9*365*24*time.Hour)
		requireMode(t, filepath.Join(dir, mspID, "ca", "key.pem"), 0o600)
		requireMode(t, filepath.Join(dir, mspID, "ca"), 0o700)
	}
}

func TestIssue(t *testing.T) {
	dir := t.TempDir()
	p, err := pki.Open(dir)
	require.NoError(t, err)

	t.Run("it issues a client certificate in Fabric NodeOU style", func(t *testing.T) {
		id, err := p.Issue(pki.WarehouseMSP, "alice", pki.OUClient)
		require.NoError(t, err)
		cert := id.Certificate()
		require.Equal(t, "alice", cert.Subject.CommonName)
		require.Equal(t, []string{"client"}, cert.Subject.OrganizationalUnit)
		require.Equal(t, []string{"warehouse.zonetrace.local"}, cert.Subject.Organization)
		require.Equal(t, pki.WarehouseMSP, id.MspID())
		requireMode(t, filepath.Join(dir, pki.WarehouseMSP, "users", "alice", "key.pem"), 0o600)
		requireMode(t, filepath.Join(dir, pki.WarehouseMSP, "users", "alice"), 0o700)

		verified, err := p.Verify(pki.WarehouseMSP, id.Credentials())
		require.NoError(t, err)
		require.Equal(t, cert.Raw, verified.Raw)
	})

	t.Run("issuing an existing identity returns it unchanged", func(t *testing.T) {
		first, err := p.Issue(pki.CustomsMSP, "officer", pki.OUAdmin)
		require.NoError(t, err)
		second, err := p.Issue(pki.CustomsMSP, "officer", pki.OUAdmin)
		require.NoError(t, err)
		require.Equal(t, first.Fingerprint(), second.Fingerprint())
	})

	t.Run("an existing identity asked for with another OU is refused", func(t *testing.T) {
		_, err := p.Issue(pki.CustomsMSP, "officer", pki.OUClient)
		require.ErrorContains(t, err, "already exists with OU")
	})

	t.Run("a new Open loads identities issued before", func(t *testing.T) {
		issued, err := p.Issue(pki.ZoneAdminMSP, "admin@zone", pki.OUAdmin)
		require.NoError(t, err)
		reopened, err := pki.Open(dir)
		require.NoError(t, err)
		loaded, err := reopened.Load(pki.ZoneAdminMSP, "admin@zone")
		require.NoError(t, err)
		require.Equal(t, issued.Fingerprint(), loaded.Fingerprint())
		_, err = reopened.Verify(pki.ZoneAdminMSP, loaded.Credentials())
		require.NoError(t, err)
	})

	t.Run("loading an identity never issued wraps fs.ErrNotExist", func(t *testing.T) {
		_, err := p.Load(pki.CustomsMSP, "nobody")
		require.ErrorIs(t, err, fs.ErrNotExist)
	})

	for _, tc := range []struct {
		name, mspID, cn, ou, want string
	}{
		{"an unknown MSP is refused", "Org1MSP", "bob", "client", "unknown MSP"},
		{"a path in the common name is refused", pki.CustomsMSP, "../bob", "client", "must not start"},
		{"a slash in the common name is refused", pki.CustomsMSP, "a/b", "client", "may only hold"},
		{"an OU other than client or admin is refused", pki.CustomsMSP, "bob", "peer", "neither"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := p.Issue(tc.mspID, tc.cn, tc.ou)
			require.ErrorContains(t, err, tc.want)
		})
	}
}

func TestVerifyRefusesForeignCertificates(t *testing.T) {
	p, err := pki.Open(t.TempDir())
	require.NoError(t, err)
	warehouse, err := p.Issue(pki.WarehouseMSP, "clerk", pki.OUClient)
	require.NoError(t, err)

	t.Run("a certificate of another MSP is refused", func(t *testing.T) {
		_, err := p.Verify(pki.CustomsMSP, warehouse.Credentials())
		require.Error(t, err)
	})

	t.Run("a self-made certificate with the right names is refused", func(t *testing.T) {
		key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		require.NoError(t, err)
		tmpl := &x509.Certificate{
			SerialNumber: big.NewInt(7),
			Subject: pkix.Name{
				CommonName:         "ca.customs.zonetrace.local",
				Organization:       []string{"customs.zonetrace.local"},
				OrganizationalUnit: []string{"client"},
			},
			NotBefore: time.Now().Add(-time.Hour),
			NotAfter:  time.Now().Add(time.Hour),
		}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
		require.NoError(t, err)
		_, err = p.Verify(pki.CustomsMSP, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
		require.Error(t, err)
	})

	t.Run("garbage instead of a certificate is refused", func(t *testing.T) {
		_, err := p.Verify(pki.CustomsMSP, []byte("not a pem"))
		require.ErrorContains(t, err, "no PEM CERTIFICATE block")
	})
}

func TestSignProducesLowSSignatures(t *testing.T) {
	p, err := pki.Open(t.TempDir())
	require.NoError(t, err)
	id, err := p.Issue(pki.CustomsMSP, "signer", pki.OUClient)
	require.NoError(t, err)
	pub := id.Certificate().PublicKey.(*ecdsa.PublicKey)
	halfOrder := new(big.Int).Rsh(elliptic.P256().Params().N, 1)

	// Without normalisation about half of all signatures are high-S, so 64
	// rounds miss a broken normalisation with probability 2^-64.
	for i := range 64 {
		digest := sha256.Sum256([]byte{byte(i)})
		sig, err := id.Sign(digest[:])
		require.NoError(t, err)
		require.True(t, ecdsa.VerifyASN1(pub, digest[:], sig))
		var parsed struct{ R, S *big.Int }
		_, err = asn1.Unmarshal(sig, &parsed)
		require.NoError(t, err)
		require.LessOrEqual(t, parsed.S.Cmp(halfOrder), 0, "signature %d is high-S", i)
	}
}

func TestIdentityFromPEMRefusesAMismatchedKey(t *testing.T) {
	p, err := pki.Open(t.TempDir())
	require.NoError(t, err)
	a, err := p.Issue(pki.CustomsMSP, "a", pki.OUClient)
	require.NoError(t, err)
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	der, err := x509.MarshalPKCS8PrivateKey(key)
	require.NoError(t, err)

	_, err = pki.IdentityFromPEM(pki.CustomsMSP, a.Credentials(), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
	require.ErrorContains(t, err, "does not match")
}

func requireMode(t *testing.T, path string, want os.FileMode) {
	t.Helper()
	info, err := os.Stat(path)
	require.NoError(t, err)
	require.Equal(t, want, info.Mode().Perm(), path)
}
