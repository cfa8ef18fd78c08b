package main

import (
	"flag"
	"fmt"

	"zonetrace/internal/platform"
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
//
// A flag beats its variable; ZT_DB_URL beats ZT_PG_PORT.
type nodeConfig struct {
	DataDir          string
	DatabaseURL      string
	Ledger           string
	FabricConnection string
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
	c := &nodeConfig{}
	flags.StringVar(&c.DataDir, "data", env("ZT_DATA", ".data/node"),
		"node data folder: embedded ledger, dev PKI, attachments (env ZT_DATA)")
	flags.StringVar(&c.DatabaseURL, "db", dbURL,
		"PostgreSQL connection string of the mirror (env ZT_DB_URL; default port from ZT_PG_PORT)")
	flags.StringVar(&c.Ledger, "ledger", env("ZT_LEDGER", platform.LedgerEmbedded),
		"ledger: embedded, or fabric (a network started by network/fabric/up.sh) (env ZT_LEDGER)")
	flags.StringVar(&c.FabricConnection, "fabric-connection", env("ZT_FABRIC_CONNECTION", ".data/fabric/connection-zonetrace.json"),
		"connection description written by network/fabric/up.sh, with --ledger fabric (env ZT_FABRIC_CONNECTION)")
	return c
}
