package attachments_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"zonetrace/gateway/attachments"
	"zonetrace/gateway/schema"
	"zonetrace/gateway/validation"
	"zonetrace/internal/pgtest"
	"zonetrace/internal/sealing/sealingtest"
)

var pdf = []byte("%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n")

func TestStore(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := pgtest.NewPool(t)
	require.NoError(t, schema.Migrate(ctx, pool))
	dir := t.TempDir()
	s := attachments.New(pool, dir, sealingtest.New(t))
	sum := sha256.Sum256(pdf)
	want := hex.EncodeToString(sum[:])

	m, err := s.Save(ctx, bytes.NewReader(pdf), "co.pdf", "alice", "ENT1", 1<<20)
	require.NoError(t, err)
	require.Equal(t, want, m.SHA256)
	require.Equal(t, "application/pdf", m.ContentType)
	require.Equal(t, int64(len(pdf)), m.Size)
	stored, err := os.ReadFile(filepath.Join(dir, "attachments", want[:2], want))
	require.NoError(t, err)
	require.NotContains(t, string(stored), "%PDF", "the file at rest is sealed")
	require.NotContains(t, string(stored), "endobj")

	t.Run("uploading the same content again is idempotent", func(t *testing.T) {
		again, err := s.Save(ctx, bytes.NewReader(pdf), "renamed.pdf", "alice", "ENT1", 1<<20)
		require.NoError(t, err)
		require.Equal(t, "co.pdf", again.Name)
	})
	t.Run("the uploader's enterprise and customs can read it, another enterprise cannot", func(t *testing.T) {
		_, f, err := s.Open(ctx, want, "ENT1", false)
		require.NoError(t, err)
		got, err := io.ReadAll(f)
		require.NoError(t, err)
		require.NoError(t, f.Close())
		require.Equal(t, pdf, got)
		_, f, err = s.Open(ctx, want, "", true)
		require.NoError(t, err)
		require.NoError(t, f.Close())
		_, _, err = s.Open(ctx, want, "ENT2", false)
		require.ErrorIs(t, err, attachments.ErrNotFound)
	})
	t.Run("a path-like name is not found", func(t *testing.T) {
		_, _, err := s.Open(ctx, "../../etc/passwd", "", true)
		require.ErrorIs(t, err, attachments.ErrNotFound)
	})
	t.Run("a file that is not a pdf, png or jpeg is refused", func(t *testing.T) {
		_, err := s.Save(ctx, bytes.NewReader([]byte("<html><script>alert(1)</script>")), "x.pdf", "alice", "ENT1", 1<<20)
		var p validation.Problems
		require.ErrorAs(t, err, &p)
		require.Equal(t, "file", p[0].Field)
	})
	t.Run("a file above the limit is refused and not kept", func(t *testing.T) {
		big := append(append([]byte{}, pdf...), make([]byte, 100)...)
		_, err := s.Save(ctx, bytes.NewReader(big), "big.pdf", "alice", "ENT1", int64(len(big)-1))
		require.ErrorIs(t, err, attachments.ErrTooLarge)
		entries, err := os.ReadDir(filepath.Join(dir, "attachments", "tmp"))
		require.NoError(t, err)
		require.Empty(t, entries)
	})
}

// TestStoredNamesTakeTheSniffedExtension: the stored name ends in the
// extension of the type sniffed from the bytes, whatever the client called
// the file; types off the allow-list are refused.
func TestStoredNamesTakeTheSniffedExtension(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := pgtest.NewPool(t)
	require.NoError(t, schema.Migrate(ctx, pool))
	s := attachments.New(pool, t.TempDir(), sealingtest.New(t))
	png := append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), make([]byte, 32)...)
	jpeg := append([]byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00"), make([]byte, 32)...)
	cases := []struct {
		content      []byte
		name, stored string
		enterpriseID string
	}{
		{pdf, "invoice.exe", "invoice.pdf", "E1"},
		{pdf, "report.PDF", "report.PDF", "E2"},
		{png, "photo.jpg", "photo.png", "E1"},
		{png, "scan.html", "scan.png", "E3"},
		{jpeg, "cert.jpeg", "cert.jpeg", "E1"},
		{jpeg, "cert", "cert.jpg", "E2"},
		{jpeg, ".svg", "attachment.jpg", "E3"},
	}
	for _, c := range cases {
		m, err := s.Save(ctx, bytes.NewReader(c.content), c.name, "alice", c.enterpriseID, 1<<20)
		require.NoError(t, err, c.name)
		require.Equal(t, c.stored, m.Name, c.name)
	}
	for _, refused := range [][]byte{[]byte("<svg xmlns='http://www.w3.org/2000/svg'/>"), []byte("MZ\x90\x00"), []byte("PK\x03\x04zip")} {
		_, err := s.Save(ctx, bytes.NewReader(refused), "x.pdf", "alice", "E1", 1<<20)
		var p validation.Problems
		require.ErrorAs(t, err, &p, "%q", refused)
		require.Equal(t, "file", p[0].Field)
	}
}

// TestFilesStoredInClearAreSealedAtStart: a store written before sealing
// keeps its files in clear; SealExisting seals each (once), they still open,
// and a sealed file copied over another name does not.
func TestFilesStoredInClearAreSealedAtStart(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := pgtest.NewPool(t)
	require.NoError(t, schema.Migrate(ctx, pool))
	dir := t.TempDir()
	s := attachments.New(pool, dir, sealingtest.New(t))
	m, err := s.Save(ctx, bytes.NewReader(pdf), "co.pdf", "alice", "ENT1", 1<<20)
	require.NoError(t, err)
	path := filepath.Join(dir, "attachments", m.SHA256[:2], m.SHA256)
	require.NoError(t, os.WriteFile(path, pdf, 0o640)) // as an older release stored it

	n, err := s.SealExisting()
	require.NoError(t, err)
	require.Equal(t, 1, n)
	stored, err := os.ReadFile(path)
	require.NoError(t, err)
	require.NotContains(t, string(stored), "%PDF")
	n, err = s.SealExisting()
	require.NoError(t, err)
	require.Zero(t, n, "sealed files are left alone")
	_, f, err := s.Open(ctx, m.SHA256, "ENT1", false)
	require.NoError(t, err)
	got, err := io.ReadAll(f)
	require.NoError(t, err)
	require.Equal(t, pdf, got)

	png := append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), make([]byte, 32)...)
	other, err := s.Save(ctx, bytes.NewReader(png), "p.png", "alice", "ENT1", 1<<20)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "attachments", other.SHA256[:2], other.SHA256), stored, 0o640))
	_, _, err = s.Open(ctx, other.SHA256, "ENT1", false)
	require.Error(t, err, "a sealed file moved to another name does not open")
}
