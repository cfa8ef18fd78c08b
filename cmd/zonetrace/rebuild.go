package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/jackc/pgx/v5/pgxpool"

	"zonetrace/indexer"
	"zonetrace/internal/platform"
)

// rebuildCommand replays the whole ledger into the indexer's tables. It reads
// the same configuration as run. The node may run: an embedded ledger is read
// from a snapshot, and the node's indexer carries on from where the rebuild
// stops.
func rebuildCommand(ctx context.Context, log *slog.Logger, args []string) error {
	flags := flag.NewFlagSet("rebuild", flag.ExitOnError)
	node := nodeFlags(flags, os.Getenv)
	if err := flags.Parse(args); err != nil {
		return err
	}
	return rebuild(ctx, log, node, os.Stdout)
}

func rebuild(ctx context.Context, log *slog.Logger, node *nodeConfig, out io.Writer) error {
	l, err := platform.OpenReadLedger(ctx, node.Ledger, node.DataDir, node.FabricConnection, log)
	if err != nil {
		return err
	}
	defer l.Close()
	dbURL, err := node.Database()
	if err != nil {
		return err
	}
	keys, err := node.keyRing()
	if err != nil {
		return err
	}
	sealer, err := platform.OpenSealer(ctx, keys, node.DataDir)
	if err != nil {
		return err
	}
	pool, err := pgxpool.New(ctx, dbURL)
	if err != nil {
		return fmt.Errorf("connect to PostgreSQL: %w", err)
	}
	defer pool.Close()
	if err := indexer.Migrate(ctx, pool); err != nil {
		return err
	}
	height, err := l.Height(ctx)
	if err != nil {
		return err
	}
	if err := indexer.Rebuild(ctx, pool, l, indexer.WithLogger(log.With("component", "indexer")), indexer.WithSealer(sealer)); err != nil {
		return err
	}
	fmt.Fprintf(out, "rebuilt the indexer tables from %d blocks\n", height)
	return nil
}
