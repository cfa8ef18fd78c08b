// Package systemd holds the multi-host deployment's systemd units; its test
// has systemd itself check them.
package systemd

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestUnitsPassSystemdVerify runs `systemd-analyze verify` on every unit in
// a scratch root that has the host's own system units (the targets ours
// order against) and a stand-in for each program a unit starts, so that
// only the units themselves are judged: unknown keys, bad values, missing
// dependencies. The programs' paths are the deployment guide's layout, not
// this machine's.
func TestUnitsPassSystemdVerify(t *testing.T) {
	analyze, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Skip("systemd-analyze is not installed (Debian: apt-get install systemd); the units are not checked")
	}
	systemUnits := "/usr/lib/systemd/system"
	if _, err := os.Stat(filepath.Join(systemUnits, "multi-user.target")); err != nil {
		t.Skipf("no system units in %s; the units are not checked", systemUnits)
	}
	units, err := filepath.Glob("*.service")
	require.NoError(t, err)
	require.NotEmpty(t, units)

	root := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(root, "usr/lib/systemd"), 0o755))
	require.NoError(t, exec.Command("cp", "-a", systemUnits, filepath.Join(root, "usr/lib/systemd/")).Run())
	installed := filepath.Join(root, "etc/systemd/system")
	require.NoError(t, os.MkdirAll(installed, 0o755))
	for _, unit := range units {
		text, err := os.ReadFile(unit)
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(installed, unit), text, 0o644))
		for _, program := range started(t, unit) {
			stand := filepath.Join(root, program)
			require.NoError(t, os.MkdirAll(filepath.Dir(stand), 0o755))
			require.NoError(t, os.WriteFile(stand, []byte("#!/bin/sh\n"), 0o755))
		}
	}
	for _, unit := range units {
		t.Run(unit, func(t *testing.T) {
			cmd := exec.Command(analyze, "verify", "--man=no", "--root="+root, unit)
			cmd.Dir = installed
			out, err := cmd.CombinedOutput()
			require.NoError(t, err, "%s", out)
			require.Empty(t, strings.TrimSpace(string(out)), "systemd's warnings")
		})
	}
}

// started returns the programs a unit's Exec lines run.
func started(t *testing.T, unit string) []string {
	f, err := os.Open(unit)
	require.NoError(t, err)
	defer f.Close()
	var programs []string
	lines := bufio.NewScanner(f)
	for lines.Scan() {
		key, value, ok := strings.Cut(strings.TrimSpace(lines.Text()), "=")
		if ok && strings.HasPrefix(key, "Exec") {
			programs = append(programs, strings.Fields(strings.TrimLeft(value, "-+!@:"))[0])
		}
	}
	require.NoError(t, lines.Err())
	require.NotEmpty(t, programs, "%s starts nothing", unit)
	return programs
}
