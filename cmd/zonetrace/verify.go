package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"

	"zonetrace/internal/platform"
)

// verifyCommand is the auditor's check: the ledger's hash chain and
// signatures, then the indexer's tables against a replay of the ledger. It
// prints the first fault and fails on any.
func verifyCommand(ctx context.Context, log *slog.Logger, args []string) error {
	flags := flag.NewFlagSet("verify", flag.ExitOnError)
	ledgerKind := flags.String("ledger", platform.LedgerEmbedded, "ledger to check: embedded or fabric")
	dataDir := flags.String("data", ".data/node", "node data folder (embedded ledger; identities in Fabric mode); an embedded node must be stopped")
	connPath := flags.String("fabric-connection", ".data/fabric/connection-zonetrace.json", "connection description (Fabric mode)")
	dbURL := flags.String("db", "postgres://postgres@127.0.0.1:54329/zonetrace?sslmode=disable", "the indexer's PostgreSQL database")
	if err := flags.Parse(args); err != nil {
		return err
	}
	report, err := platform.Audit(ctx, platform.AuditConfig{
		Ledger:           *ledgerKind,
		FabricConnection: *connPath,
		DataDir:          *dataDir,
		DatabaseURL:      *dbURL,
		Logger:           log,
	})
	if err != nil {
		if platform.IsAuditFinding(err) {
			return fmt.Errorf("FAILED: %w", err)
		}
		return fmt.Errorf("could not complete the audit: %w", err)
	}
	fmt.Printf("verified: %d blocks (hash chain and signatures), %d indexer tables equal to a replay of the ledger\n", report.Blocks, report.Tables)
	return nil
}
