package pki

import (
	"crypto/x509"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestTLSServerIsReusedAndReissuedForNewHosts(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "tls") // a node's first start: no folder yet
	ca, err := OpenTLS(dir)
	require.NoError(t, err)
	caKey, err := os.ReadFile(filepath.Join(dir, "ca", keyFile))
	require.NoError(t, err)
	require.Contains(t, string(caKey), sealedType, "the CA's key is sealed at rest")
	certPEM, _, err := ca.Server("gateway", []string{"localhost", "127.0.0.1", "::1"})
	require.NoError(t, err)
	cert, err := parseCertificatePEM(certPEM)
	require.NoError(t, err)
	_, err = cert.Verify(x509.VerifyOptions{Roots: ca.Roots(), DNSName: "127.0.0.1"})
	require.NoError(t, err)
	require.Error(t, cert.VerifyHostname("example.org"))

	reopened, err := OpenTLS(dir)
	require.NoError(t, err)
	require.Equal(t, ca.CACertPEM(), reopened.CACertPEM(), "the CA is kept")
	same, _, err := reopened.Server("gateway", []string{"127.0.0.1"})
	require.NoError(t, err)
	require.Equal(t, certPEM, same, "a certificate covering the hosts is reused")

	wider, keyPEM, err := reopened.Server("gateway", []string{"127.0.0.1", "zt.example.org"})
	require.NoError(t, err)
	require.NotEqual(t, certPEM, wider, "a new host issues the certificate again")
	_, err = ServerTLSConfig(wider, keyPEM)
	require.NoError(t, err)
}
