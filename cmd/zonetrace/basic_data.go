package main

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"os"
	"time"

	"zonetrace/gateway/basicdata/connector"
)

// basicDataFlags say where the trade platform's basic data comes from
// (gateway/basicdata): a drop folder or an HTTPS API. Neither pulls none.
type basicDataFlags struct {
	dir, url, token, cert, key, ca, every string
}

func newBasicDataFlags(flags *flag.FlagSet, getenv func(string) string) *basicDataFlags {
	b := &basicDataFlags{}
	flags.StringVar(&b.dir, "basic-data-dir", getenv("ZT_BASIC_DATA_DIR"),
		"folder the trade platform drops basic data files into (<dataset>_*.json; env ZT_BASIC_DATA_DIR)")
	flags.StringVar(&b.url, "basic-data-url", getenv("ZT_BASIC_DATA_URL"),
		"or the base URL of the trade platform's basic data API (env ZT_BASIC_DATA_URL); neither syncs none")
	flags.StringVar(&b.token, "basic-data-token", getenv("ZT_BASIC_DATA_TOKEN"),
		"bearer token of the basic data API (prefer the env ZT_BASIC_DATA_TOKEN: flags show in ps)")
	flags.StringVar(&b.cert, "basic-data-cert", getenv("ZT_BASIC_DATA_CERT"), "client certificate (PEM) for mutual TLS with the API (env ZT_BASIC_DATA_CERT)")
	flags.StringVar(&b.key, "basic-data-key", getenv("ZT_BASIC_DATA_KEY"), "its private key (PEM; env ZT_BASIC_DATA_KEY)")
	flags.StringVar(&b.ca, "basic-data-ca", getenv("ZT_BASIC_DATA_CA"), "CA certificates (PEM) the API's certificate is checked against (default: the system's; env ZT_BASIC_DATA_CA)")
	flags.StringVar(&b.every, "basic-data-every", getenv("ZT_BASIC_DATA_EVERY"), "how often basic data is synced (default 1h; env ZT_BASIC_DATA_EVERY)")
	return b
}

// config is the connector and the sync period.
func (b *basicDataFlags) config() (connector.Connector, time.Duration, error) {
	var every time.Duration
	if b.every != "" {
		d, err := time.ParseDuration(b.every)
		if err != nil || d < time.Minute {
			return nil, 0, errors.New("--basic-data-every: a duration of at least 1m")
		}
		every = d
	}
	switch {
	case b.dir != "" && b.url != "":
		return nil, 0, errors.New("--basic-data-dir and --basic-data-url exclude each other")
	case b.dir != "":
		return connector.Directory{Dir: b.dir}, every, nil
	case b.url == "":
		return nil, every, nil
	}
	tlsConfig := &tls.Config{MinVersion: tls.VersionTLS12}
	if (b.cert == "") != (b.key == "") {
		return nil, 0, errors.New("--basic-data-cert and --basic-data-key go together")
	}
	if b.cert != "" {
		pair, err := tls.LoadX509KeyPair(b.cert, b.key)
		if err != nil {
			return nil, 0, fmt.Errorf("basic data client certificate: %w", err)
		}
		tlsConfig.Certificates = []tls.Certificate{pair}
	}
	if b.ca != "" {
		pem, err := os.ReadFile(b.ca)
		if err != nil {
			return nil, 0, fmt.Errorf("basic data CA: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, 0, fmt.Errorf("basic data CA: no certificate in %s", b.ca)
		}
		tlsConfig.RootCAs = pool
	}
	client := &http.Client{Timeout: time.Minute, Transport: &http.Transport{TLSClientConfig: tlsConfig, Proxy: http.ProxyFromEnvironment}}
	return connector.HTTP{BaseURL: b.url, Token: b.token, Client: client}, every, nil
}
