package main

import (
	"errors"
	"flag"
	"fmt"
	"net/url"
	"slices"

	"zonetrace/internal/platform"
	"zonetrace/internal/sealing"
)

// nodeConfig is where a node keeps its ledger and its mirror. run, rebuild
// and verify read it alike, from the same flags whose defaults come from the
// same environment variables, so a verify or rebuild next to a running node
// looks at that node:
//
//	flag                 environment            default
//	--data               ZT_DATA                .data/node
//	--db                 ZT_DB_URL              postgres://postgres@127.0.0.1:$ZT_PG_PORT/zonetrace?sslmode=disable
//	                     ZT_PG_PORT             54329 (the port scripts/pg.sh serves on)
//	--ledger             ZT_LEDGER              embedded
//	--fabric-connection  ZT_FABRIC_CONNECTION   .data/fabric/connection-zonetrace.json
//	--db-sslmode         ZT_DB_SSLMODE          the URL's own (libpq sslmode: disable … verify-full)
//	--db-sslrootcert     ZT_DB_SSLROOTCERT      the URL's own (CA file the server's certificate must chain to)
//	                     ZT_KEK                 <data>/keys/kek.json (KEKs sealing data at rest: "1:<base64>,2:<base64>")
//
// A flag beats its variable; ZT_DB_URL beats ZT_PG_PORT. The two TLS
// settings are merged into the URL (Database), replacing what it says.
type nodeConfig struct {
	DataDir          string
	DatabaseURL      string
	Ledger           string
	FabricConnection string
	DBSSLMode        string
	DBSSLRootCert    string
	// kek is ZT_KEK: never a flag, so that keys stay out of process lists.
	kek string
}

// defaultPGPort is scripts/pg.sh's port when ZT_PG_PORT is not set.
const defaultPGPort = "54329"

// nodeFlags registers the node flags on flags; the returned config is filled
// when flags are parsed. getenv is os.Getenv outside tests.
func nodeFlags(flags *flag.FlagSet, getenv func(string) string) *nodeConfig {
	env := func(name, fallback string) string {
		if v := getenv(name); v != "" {
			return v
		}
		return fallback
	}
	port := env("ZT_PG_PORT", defaultPGPort)
	dbURL := env("ZT_DB_URL", fmt.Sprintf("postgres://postgres@127.0.0.1:%s/zonetrace?sslmode=disable", port))
	c := &nodeConfig{kek: getenv("ZT_KEK")}
	flags.StringVar(&c.DataDir, "data", env("ZT_DATA", ".data/node"),
		"node data folder: embedded ledger, dev PKI, attachments (env ZT_DATA)")
	flags.StringVar(&c.DatabaseURL, "db", dbURL,
		"PostgreSQL connection string of the mirror (env ZT_DB_URL; default port from ZT_PG_PORT)")
	flags.StringVar(&c.Ledger, "ledger", env("ZT_LEDGER", platform.LedgerEmbedded),
		"ledger: embedded, or fabric (a network started by network/fabric/up.sh) (env ZT_LEDGER)")
	flags.StringVar(&c.FabricConnection, "fabric-connection", env("ZT_FABRIC_CONNECTION", ".data/fabric/connection-zonetrace.json"),
		"connection description written by network/fabric/up.sh, with --ledger fabric (env ZT_FABRIC_CONNECTION)")
	flags.StringVar(&c.DBSSLMode, "db-sslmode", getenv("ZT_DB_SSLMODE"),
		"TLS to PostgreSQL: disable, require, verify-ca or verify-full (env ZT_DB_SSLMODE; default the URL's sslmode)")
	flags.StringVar(&c.DBSSLRootCert, "db-sslrootcert", getenv("ZT_DB_SSLROOTCERT"),
		"PEM CA certificate the database server's certificate must chain to, for verify-ca and verify-full (env ZT_DB_SSLROOTCERT)")
	return c
}

// keyRing returns the key-encryption keys that wrap the node's data keys:
// ZT_KEK's in production (from a secret store), else the data folder's
// development key file, created on first use.
func (c *nodeConfig) keyRing() (*sealing.KeyRing, error) {
	if c.kek != "" {
		return sealing.ParseKeyRing(c.kek)
	}
	return sealing.OpenKeyFile(platform.KeyFile(c.DataDir))
}

// dbSSLModes are the sslmode values accepted on the command line; allow and
// prefer are left out because they silently fall back to plain text.
var dbSSLModes = []string{"disable", "require", "verify-ca", "verify-full"}

// Database is the database URL with the TLS settings merged in.
func (c *nodeConfig) Database() (string, error) {
	if c.DBSSLMode == "" && c.DBSSLRootCert == "" {
		return c.DatabaseURL, nil
	}
	if c.DBSSLMode != "" && !slices.Contains(dbSSLModes, c.DBSSLMode) {
		return "", fmt.Errorf("--db-sslmode %q: want one of %v", c.DBSSLMode, dbSSLModes)
	}
	u, err := url.Parse(c.DatabaseURL)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return "", errors.New("--db-sslmode and --db-sslrootcert need --db as a postgres:// URL")
	}
	q := u.Query()
	if c.DBSSLMode != "" {
		q.Set("sslmode", c.DBSSLMode)
	}
	if c.DBSSLRootCert != "" {
		q.Set("sslrootcert", c.DBSSLRootCert)
	}
	u.RawQuery = q.Encode()
	return u.String(), nil
}
