package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"zonetrace/internal/platform"
	"zonetrace/internal/sealing"
)

// rotateKeysCommand moves the node's data keys to a new key-encryption key:
// with the data folder's key file it draws a new KEK version first; with
// ZT_KEK the operator has added the new version there. Every data key is
// re-wrapped under the newest version; sealed data is untouched and stays
// readable, and the older versions can then be retired. It works while the
// node runs (the node holds its data keys in memory).
func rotateKeysCommand(ctx context.Context, args []string) error {
	flags := flag.NewFlagSet("rotate-keys", flag.ExitOnError)
	node := nodeFlags(flags, os.Getenv)
	if err := flags.Parse(args); err != nil {
		return err
	}
	return rotateKeys(ctx, node, os.Stdout)
}

func rotateKeys(ctx context.Context, node *nodeConfig, out io.Writer) error {
	ring, err := node.keyRing()
	if err != nil {
		return err
	}
	// The keys must open before the ring changes: a wrong ZT_KEK or data
	// folder fails here, not after a new version was drawn.
	if _, err := sealing.Open(ctx, platform.KeysDir(node.DataDir), ring); err != nil {
		return err
	}
	if node.kek == "" {
		if _, err := ring.AddVersion(); err != nil {
			return err
		}
	}
	n, err := sealing.Rotate(ctx, platform.KeysDir(node.DataDir), ring)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "re-wrapped %d data keys under KEK version %d\n", n, ring.Current())
	return nil
}
