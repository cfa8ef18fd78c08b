package sealing

import (
	"os"
	"syscall"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestAFailedKeyWriteIsReported: a key file that cannot be written whole
// (here the process's file size limit, as a full disk would) is an error
// and leaves nothing behind, never a short file for the caller to rename
// into place. Not parallel: the limit holds for the whole process while
// the other tests wait at t.Parallel.
func TestAFailedKeyWriteIsReported(t *testing.T) {
	dir := t.TempDir()
	var was syscall.Rlimit
	require.NoError(t, syscall.Getrlimit(syscall.RLIMIT_FSIZE, &was))
	// The Go runtime ignores SIGXFSZ, so the write fails with EFBIG.
	require.NoError(t, syscall.Setrlimit(syscall.RLIMIT_FSIZE, &syscall.Rlimit{Cur: 16, Max: was.Max}))
	_, err := writeTemp(dir, make([]byte, 64))
	require.NoError(t, syscall.Setrlimit(syscall.RLIMIT_FSIZE, &was))
	require.ErrorIs(t, err, syscall.EFBIG)
	left, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Empty(t, left, "the partial file is removed")

	path, err := writeTemp(dir, make([]byte, 64))
	require.NoError(t, err, "with the limit restored")
	info, err := os.Stat(path)
	require.NoError(t, err)
	require.EqualValues(t, 64, info.Size())
}
