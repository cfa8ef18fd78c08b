package main

import (
	"bytes"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"zonetrace/internal/apiclient"
	"zonetrace/network/pki"
)

// tlsConfig is where run finds its HTTPS key pair:
//
//	flag        environment   default
//	--tls-cert  ZT_TLS_CERT   a certificate of the dev TLS CA in <data>/tls
//	--tls-key   ZT_TLS_KEY    its key, beside it
//
// Production names the organisation's certificate (full chain, PEM) and key;
// development gets one issued by the data folder's dev TLS CA for localhost,
// 127.0.0.1, ::1, the host name and the listen host, reused at each start.
type tlsConfig struct {
	CertFile, KeyFile string
}

func tlsFlags(flags *flag.FlagSet, getenv func(string) string) *tlsConfig {
	c := &tlsConfig{}
	flags.StringVar(&c.CertFile, "tls-cert", getenv("ZT_TLS_CERT"),
		"PEM certificate chain served over HTTPS (env ZT_TLS_CERT; default: issued by the dev TLS CA in <data>/tls)")
	flags.StringVar(&c.KeyFile, "tls-key", getenv("ZT_TLS_KEY"),
		"PEM private key of --tls-cert (env ZT_TLS_KEY)")
	return c
}

// devTLSDir is the dev TLS CA's folder in a node's data folder; its
// ca/cert.pem is what clients of a development node trust.
func devTLSDir(dataDir string) string { return filepath.Join(dataDir, "tls") }

// serverTLS loads the configured key pair, or the dev one for listen.
func (c *tlsConfig) serverTLS(dataDir, listen string) (*tls.Config, error) {
	if (c.CertFile == "") != (c.KeyFile == "") {
		return nil, errors.New("--tls-cert and --tls-key (ZT_TLS_CERT, ZT_TLS_KEY) go together")
	}
	var certPEM, keyPEM []byte
	var err error
	if c.CertFile != "" {
		if certPEM, err = os.ReadFile(c.CertFile); err != nil {
			return nil, fmt.Errorf("read TLS certificate: %w", err)
		}
		if keyPEM, err = os.ReadFile(c.KeyFile); err != nil {
			return nil, fmt.Errorf("read TLS key: %w", err)
		}
	} else {
		ca, err := pki.OpenTLS(devTLSDir(dataDir))
		if err != nil {
			return nil, err
		}
		if certPEM, keyPEM, err = ca.Server("gateway", devHosts(listen)); err != nil {
			return nil, err
		}
	}
	return pki.ServerTLSConfig(certPEM, keyPEM)
}

// devHosts are the names a development certificate is valid for.
func devHosts(listen string) []string {
	hosts := []string{"localhost", "127.0.0.1", "::1"}
	if name, err := os.Hostname(); err == nil && name != "" {
		hosts = append(hosts, name)
	}
	if host, _, err := net.SplitHostPort(listen); err == nil && host != "" {
		if ip := net.ParseIP(host); ip == nil || !ip.IsUnspecified() {
			hosts = append(hosts, host)
		}
	}
	return hosts
}

// selfClient returns a client of the node's own API, for the demo seeder:
// it trusts exactly the certificate the node serves, whatever its names
// (a production certificate rarely names 127.0.0.1).
func selfClient(baseURL string, served *tls.Config) *apiclient.Client {
	leaf := served.Certificates[0].Certificate[0]
	c := apiclient.New(baseURL)
	c.HTTP = &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{
		MinVersion:         tls.VersionTLS12,
		InsecureSkipVerify: true, //nolint:gosec // G402: replaced by the pin below, stricter than a chain: only this node's own leaf passes
		VerifyConnection: func(cs tls.ConnectionState) error {
			if len(cs.PeerCertificates) == 0 || !bytes.Equal(cs.PeerCertificates[0].Raw, leaf) {
				return errors.New("the server is not this node")
			}
			return nil
		},
	}}}
	return c
}
