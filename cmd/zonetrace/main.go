// Command zonetrace runs the ZoneTrace platform.
//
//	zonetrace run      start ledger, indexer, gateway and web app on one machine
//	zonetrace rebuild  replay the ledger from block 0 into fresh indexer tables
//	zonetrace verify   audit the ledger's hash chain and signatures and the indexer's tables
//	zonetrace verify-bundle FILE  check a trace code's evidence bundle offline
//	zonetrace chaincode        serve the chaincode to Fabric peers (chaincode as a service)
//	zonetrace chaincode-ready  wait until every organisation's peer commits a submission
//	zonetrace rotate-keys      re-wrap the data keys under a new key-encryption key
//	zonetrace dev-tls-server   issue a server key pair from a dev TLS CA folder
//	zonetrace gate-sim         play a barrier gate: signed vehicle events to a running gateway
//
// Run `zonetrace <command> -h` for the flags of each. run, rebuild and verify
// read the same flags and ZT_* environment variables (config.go); rebuild and
// verify work while the node runs.
package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	if len(os.Args) < 2 {
		usage()
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	log := slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))

	var err error
	switch os.Args[1] {
	case "run":
		err = runCommand(ctx, log, os.Args[2:])
	case "rebuild":
		err = rebuildCommand(ctx, log, os.Args[2:])
	case "verify":
		err = verifyCommand(ctx, log, os.Args[2:])
	case "verify-bundle":
		err = verifyBundleCommand(os.Args[2:], os.Stdout)
	case "chaincode":
		err = chaincodeCommand(ctx, log, os.Args[2:])
	case "chaincode-ready":
		err = chaincodeReadyCommand(ctx, log, os.Args[2:])
	case "rotate-keys":
		err = rotateKeysCommand(ctx, os.Args[2:])
	case "dev-tls-server":
		err = devTLSServerCommand(os.Args[2:])
	case "gate-sim":
		err = gateSimCommand(ctx, os.Args[2:], os.Stdout)
	case "-h", "--help", "help":
		usage()
		return
	default:
		fmt.Fprintf(os.Stderr, "zonetrace: unknown command %q\n", os.Args[1])
		usage()
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "zonetrace %s: %v\n", os.Args[1], err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprint(os.Stderr, `usage: zonetrace <command> [flags]

commands:
  run      start the whole product on the embedded ledger, serving HTTPS (--tls-cert/--tls-key,
           default a certificate of the dev TLS CA in <data>/tls)
  rebuild  replay the ledger from block 0 into fresh indexer tables
  verify   check the ledger (hash chain, signatures) and compare the indexer's tables with it,
           reporting how many blocks the mirror lags behind
  verify-bundle FILE  check an evidence bundle offline: block hashes, transaction bytes,
           signatures and certificate chains; fails naming block / tx / field
  run, rebuild and verify share --data --db --ledger --fabric-connection, whose defaults come
  from ZT_DATA, ZT_DB_URL (or ZT_PG_PORT), ZT_LEDGER and ZT_FABRIC_CONNECTION, and
  --db-sslmode --db-sslrootcert (ZT_DB_SSLMODE, ZT_DB_SSLROOTCERT)
  rotate-keys      re-wrap the data keys that seal data at rest under a new key-encryption key
                   (a new version in <data>/keys/kek.json, or the newest in ZT_KEK)
  chaincode        serve the chaincode to Fabric peers over TLS (--address, --id, --tls-cert, --tls-key)
  chaincode-ready  wait until a submission through every organisation's peer commits
  dev-tls-server   issue a server key pair from a dev TLS CA folder (--dir, --name, --hosts)
  gate-sim         play a barrier gate: sign vehicle events with the gate's Ed25519 key (--key, generated
                   when missing) and post them (--url, --gate, --plate/--direction/--document or --events);
                   --register registers the gate as the zone admin first
`)
}
