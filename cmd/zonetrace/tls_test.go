package main

import (
	"crypto/tls"
	"crypto/x509"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"zonetrace/internal/pgtest"
	"zonetrace/network/pki"
)

// TestRunServesHTTPSOnly starts the binary as `make run` does: it answers
// HTTPS with a certificate of the data folder's dev TLS CA naming
// 127.0.0.1, sends HSTS, refuses TLS 1.1, serves no plain HTTP on the port,
// and presents the same certificate after a restart.
func TestRunServesHTTPSOnly(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the real binary")
	}
	bin := buildBinary(t)
	dataDir, dbURL := t.TempDir(), pgtest.NewDatabase(t)
	proc := startProcess(t, bin, dataDir, dbURL)
	require.True(t, strings.HasPrefix(proc.url, "https://127.0.0.1:"), proc.url)

	get := func(cfg *tls.Config) (*http.Response, error) {
		client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: cfg}}
		return client.Get(proc.url + "/healthz")
	}
	resp, err := get(&tls.Config{RootCAs: proc.roots})
	require.NoError(t, err)
	_ = resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Equal(t, "max-age=31536000", resp.Header.Get("Strict-Transport-Security"))
	served := resp.TLS.PeerCertificates[0].Raw

	refused := func(cfg *tls.Config) error {
		resp, err := get(cfg)
		if err == nil {
			_ = resp.Body.Close()
		}
		return err
	}
	require.Error(t, refused(&tls.Config{RootCAs: proc.roots, MaxVersion: tls.VersionTLS11}), "TLS 1.1 must be refused")
	require.Error(t, refused(&tls.Config{RootCAs: x509.NewCertPool()}), "a client trusting another CA must refuse the certificate")

	plain, err := (&http.Client{Timeout: 10 * time.Second}).Get("http://" + strings.TrimPrefix(proc.url, "https://") + "/healthz")
	require.NoError(t, err)
	body, _ := io.ReadAll(plain.Body)
	_ = plain.Body.Close()
	require.Equal(t, http.StatusBadRequest, plain.StatusCode, "plain HTTP must not reach the API")
	require.NotContains(t, string(body), `"status"`)

	proc.stop(t)
	again := startProcess(t, bin, dataDir, dbURL)
	resp, err = (&http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: again.roots}}}).Get(again.url + "/healthz")
	require.NoError(t, err)
	_ = resp.Body.Close()
	require.Equal(t, served, resp.TLS.PeerCertificates[0].Raw, "a restart reuses the stored certificate")
}

// TestConfiguredCertificateIsServed is production's case: --tls-cert and
// --tls-key name the organisation's key pair, and the dev CA is not used.
func TestConfiguredCertificateIsServed(t *testing.T) {
	t.Parallel()
	ca, err := pki.OpenTLS(t.TempDir())
	require.NoError(t, err)
	certPEM, keyPEM, err := ca.Server("gateway.example", []string{"zonetrace.example.org"})
	require.NoError(t, err)
	dir := t.TempDir()
	certFile, keyFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	require.NoError(t, os.WriteFile(certFile, certPEM, 0o600))
	require.NoError(t, os.WriteFile(keyFile, keyPEM, 0o600))

	dataDir := t.TempDir()
	cfg, err := (&tlsConfig{CertFile: certFile, KeyFile: keyFile}).serverTLS(dataDir, "127.0.0.1:0")
	require.NoError(t, err)
	leaf, err := x509.ParseCertificate(cfg.Certificates[0].Certificate[0])
	require.NoError(t, err)
	require.Equal(t, []string{"zonetrace.example.org"}, leaf.DNSNames)
	require.Equal(t, uint16(tls.VersionTLS12), cfg.MinVersion)
	_, err = os.Stat(devTLSDir(dataDir))
	require.ErrorIs(t, err, os.ErrNotExist, "a configured certificate creates no dev CA")

	_, err = (&tlsConfig{CertFile: certFile}).serverTLS(dataDir, "127.0.0.1:0")
	require.ErrorContains(t, err, "go together")
}
