package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"

	"zonetrace/internal/platform"
)

// verifyCommand is the auditor's check: the ledger's hash chain and
// signatures, then the indexer's tables against a replay of the ledger up to
// the ledger's height. It reads the same configuration as run and works
// while the node runs. It prints the first fault and fails on any; a mirror
// merely behind the ledger is reported as lag, not as a fault.
func verifyCommand(ctx context.Context, log *slog.Logger, args []string) error {
	flags := flag.NewFlagSet("verify", flag.ExitOnError)
	node := nodeFlags(flags, os.Getenv)
	if err := flags.Parse(args); err != nil {
		return err
	}
	return verify(ctx, log, node, os.Stdout)
}

func verify(ctx context.Context, log *slog.Logger, node *nodeConfig, out io.Writer) error {
	dbURL, err := node.Database()
	if err != nil {
		return err
	}
	keys, err := node.keyRing()
	if err != nil {
		return err
	}
	report, err := platform.Audit(ctx, platform.AuditConfig{
		Keys:             keys,
		Ledger:           node.Ledger,
		FabricConnection: node.FabricConnection,
		DataDir:          node.DataDir,
		DatabaseURL:      dbURL,
		Logger:           log,
	})
	if err != nil {
		if platform.IsAuditFinding(err) {
			return fmt.Errorf("FAILED: %w", err)
		}
		return fmt.Errorf("could not complete the audit: %w", err)
	}
	fmt.Fprintf(out, "verified: %d blocks (hash chain and signatures, each one projectable), %d indexer tables equal to a replay of the first %d blocks\n",
		report.Blocks, report.Tables, report.IndexedHeight)
	if report.Lag > 0 {
		fmt.Fprintf(out, "lag: the mirror is %d blocks behind the ledger (indexed %d of %d)\n",
			report.Lag, report.IndexedHeight, report.Blocks)
	} else {
		fmt.Fprintln(out, "lag: none (the mirror holds every block)")
	}
	return nil
}
