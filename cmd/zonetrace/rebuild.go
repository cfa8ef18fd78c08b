package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"

	"github.com/jackc/pgx/v5/pgxpool"

	"zonetrace/indexer"
	"zonetrace/internal/platform"
)

// rebuildCommand replays the whole ledger into the indexer's tables. The node
// must be stopped: the embedded ledger is opened by one process at a time.
func rebuildCommand(ctx context.Context, log *slog.Logger, args []string) error {
	flags := flag.NewFlagSet("rebuild", flag.ExitOnError)
	dataDir := flags.String("data", ".data/node", "folder of the embedded ledger")
	dbURL := flags.String("db", "postgres://postgres@127.0.0.1:54329/zonetrace?sslmode=disable", "PostgreSQL connection string")
	if err := flags.Parse(args); err != nil {
		return err
	}
	l, _, err := platform.OpenLedger(ctx, *dataDir, log)
	if err != nil {
		return err
	}
	defer l.Close()
	pool, err := pgxpool.New(ctx, *dbURL)
	if err != nil {
		return fmt.Errorf("connect to PostgreSQL: %w", err)
	}
	defer pool.Close()
	if err := indexer.Migrate(ctx, pool); err != nil {
		return err
	}
	if err := indexer.Rebuild(ctx, pool, l); err != nil {
		return err
	}
	height, err := l.Height(ctx)
	if err != nil {
		return err
	}
	fmt.Printf("rebuilt the indexer tables from %d blocks\n", height)
	return nil
}
