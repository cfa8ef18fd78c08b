package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"zonetrace/internal/bundle/bundletest"
)

func TestVerifyBundleCommand(t *testing.T) {
	b := bundletest.Evidence(t)
	var file bytes.Buffer
	require.NoError(t, b.Write(&file))
	path := filepath.Join(t.TempDir(), "evidence.json")
	require.NoError(t, os.WriteFile(path, file.Bytes(), 0o600))

	var out bytes.Buffer
	require.NoError(t, verifyBundleCommand([]string{path}, &out))
	require.Contains(t, out.String(), "evidence bundle of trace code "+b.TraceCode)
	require.Contains(t, out.String(), "ok: tx "+b.Evidence[0].TxID)
	require.True(t, strings.HasSuffix(out.String(), "verified\n"))

	// One byte of the evidence transaction's committed bytes changed.
	b.Blocks[0].Transactions[b.Evidence[0].Index][100] ^= 0x01
	file.Reset()
	require.NoError(t, b.Write(&file))
	require.NoError(t, os.WriteFile(path, file.Bytes(), 0o600))
	err := verifyBundleCommand([]string{path}, &out)
	require.ErrorContains(t, err, "FAILED: block ")
	require.ErrorContains(t, err, "/ tx "+b.Evidence[0].TxID+" /")
}
