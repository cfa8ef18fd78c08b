// Command zonetrace runs the ZoneTrace platform.
//
//	zonetrace run      start ledger, indexer, gateway and web app on one machine
//	zonetrace rebuild  replay the ledger from block 0 into fresh indexer tables
//
// Run `zonetrace <command> -h` for the flags of each.
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
  run      start the whole product on the embedded ledger
  rebuild  replay the ledger from block 0 into fresh indexer tables
`)
}
