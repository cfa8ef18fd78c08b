// Package sealingtest gives tests a sealer of their own: a fresh key ring
// file and data keys in a temporary folder.
package sealingtest

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"zonetrace/internal/sealing"
)

// New opens a sealer over fresh keys in a folder of t's.
func New(t testing.TB) *sealing.Sealer {
	t.Helper()
	dir := t.TempDir()
	ring, err := sealing.OpenKeyFile(filepath.Join(dir, "kek.json"))
	require.NoError(t, err)
	s, err := sealing.Open(context.Background(), dir, ring)
	require.NoError(t, err)
	return s
}
