package platform

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// newFabricChannel creates a channel of its own for one test on the network
// scripts/test-fabric.sh started (ZT_LEDGER=fabric), so tests that register
// the same enterprises never meet, and returns its connection description.
func newFabricChannel(t testing.TB) string {
	t.Helper()
	suffix := make([]byte, 4)
	if _, err := rand.Read(suffix); err != nil {
		t.Fatalf("draw channel name: %v", err)
	}
	channel := "t" + hex.EncodeToString(suffix)
	cmd := exec.Command("../../network/fabric/channel.sh", channel)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("create Fabric channel %s (is the network up? make test-fabric starts it): %v\n%s%s", channel, err, stdout.String(), stderr.String())
	}
	path := strings.TrimSpace(stdout.String())
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("create Fabric channel %s: connection description: %v", channel, err)
	}
	return path
}

// requireFabric skips tests that only make sense on a real Fabric network.
func requireFabric(t testing.TB) {
	t.Helper()
	if os.Getenv("ZT_LEDGER") != LedgerFabric {
		t.Skip("needs a Fabric network: run make test-fabric (ZT_LEDGER=fabric)")
	}
}
