package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"zonetrace/internal/bundle"
)

// verifyBundleCommand checks an evidence bundle offline and prints each
// check; it needs neither the node nor the network.
func verifyBundleCommand(args []string, out io.Writer) error {
	if len(args) != 1 || args[0] == "-h" || args[0] == "--help" {
		return errors.New("usage: zonetrace verify-bundle FILE")
	}
	f, err := os.Open(args[0]) //nolint:gosec // G703: the path is the operator's FILE argument, opened read-only
	if err != nil {
		return err
	}
	defer f.Close() //nolint:errcheck // read only
	b, err := bundle.Read(f)
	if err != nil {
		return fmt.Errorf("FAILED: %w", err)
	}
	fmt.Fprintf(out, "evidence bundle of trace code %s (%s ledger, %d transactions)\n", b.TraceCode, b.Ledger, len(b.Evidence))
	report, err := bundle.Verify(b)
	if err != nil {
		return fmt.Errorf("FAILED: %w", err)
	}
	for _, line := range report {
		fmt.Fprintln(out, "ok:", line)
	}
	fmt.Fprintln(out, "verified")
	return nil
}
