// Package attachments stores uploaded files (certificates of origin,
// quarantine certificates) content-addressed on disk, sealed (encrypted
// with the database's data keys, internal/sealing), with who uploaded them
// in PostgreSQL. Their SHA-256, of the plain content, is what prefilings
// anchor on chain.
package attachments

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"zonetrace/gateway/validation"
	"zonetrace/internal/sealing"
)

// ErrNotFound reports an unknown file or one the caller may not read.
var ErrNotFound = errors.New("attachments: not found")

// ErrTooLarge reports a file above the size limit.
var ErrTooLarge = errors.New("attachments: file too large")

// accepted maps the content types accepted, sniffed from the bytes with
// http.DetectContentType (the WHATWG MIME sniffing algorithm), never taken
// from the client, to the extensions a stored name may have; the first is
// given to a name with any other.
var accepted = map[string][]string{
	"application/pdf": {".pdf"},
	"image/png":       {".png"},
	"image/jpeg":      {".jpg", ".jpeg"},
}

// nameFor gives name the extension of contentType, so that a PDF uploaded
// as "invoice.exe" or "photo.html" is kept as "invoice.pdf" and opens as
// what it is wherever it is downloaded.
func nameFor(name, contentType string) string {
	exts := accepted[contentType]
	ext := filepath.Ext(name)
	for _, e := range exts {
		if strings.EqualFold(ext, e) {
			return name
		}
	}
	base := strings.TrimSuffix(name, ext)
	if base == "" {
		base = "attachment"
	}
	return base + exts[0]
}

var sha256Pattern = regexp.MustCompile(`^[0-9a-f]{64}$`)

// Meta describes a stored file as one enterprise uploaded it.
type Meta struct {
	SHA256       string
	Size         int64
	Name         string
	ContentType  string
	UploadedBy   string
	EnterpriseID string
	UploadedAt   time.Time
}

// Store saves and opens attachments.
type Store struct {
	pool   *pgxpool.Pool
	dir    string
	sealer *sealing.Sealer
}

// New returns a Store keeping files under dataDir/attachments, sealed with
// sealer.
func New(pool *pgxpool.Pool, dataDir string, sealer *sealing.Sealer) *Store {
	return &Store{pool: pool, dir: filepath.Join(dataDir, "attachments"), sealer: sealer}
}

// Save stores the content of r (at most maxSize bytes). Uploading the same
// content again is idempotent: the file is kept once and the first metadata
// of the enterprise wins.
func (s *Store) Save(ctx context.Context, r io.Reader, name, uploadedBy, enterpriseID string, maxSize int64) (Meta, error) {
	if name == "" || utf8.RuneCountInString(name) > 255 {
		return Meta{}, validation.Problems{{Field: "file", Message: "needs a file name of at most 255 characters", MessageZh: "文件名须为1-255个字符"}}
	}
	tmpDir := filepath.Join(s.dir, "tmp")
	if err := os.MkdirAll(tmpDir, 0o750); err != nil {
		return Meta{}, fmt.Errorf("prepare attachment directory: %w", err)
	}
	tmp, err := os.CreateTemp(tmpDir, "upload-*")
	if err != nil {
		return Meta{}, fmt.Errorf("create attachment temp file: %w", err)
	}
	defer os.Remove(tmp.Name()) // after the rename this is a no-op
	defer tmp.Close()

	br := bufio.NewReaderSize(r, 512)
	head, err := br.Peek(512)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return Meta{}, fmt.Errorf("read attachment: %w", err)
	}
	contentType := http.DetectContentType(head)
	if accepted[contentType] == nil {
		return Meta{}, validation.Problems{{Field: "file", Message: "must be a PDF, PNG or JPEG file", MessageZh: "仅支持PDF、PNG或JPEG文件"}}
	}
	name = nameFor(name, contentType)
	// Read whole (at most maxSize, the request body limit) so that the
	// plain content never touches the disk.
	content, err := io.ReadAll(io.LimitReader(br, maxSize+1))
	if err != nil {
		return Meta{}, fmt.Errorf("read attachment: %w", err)
	}
	n := int64(len(content))
	if n > maxSize {
		return Meta{}, ErrTooLarge
	}
	digest := sha256.Sum256(content)
	sum := hex.EncodeToString(digest[:])
	sealed, err := s.sealer.SealFile(place(sum), content)
	if err != nil {
		return Meta{}, err
	}
	if _, err := tmp.Write(sealed); err != nil {
		return Meta{}, fmt.Errorf("write attachment: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		return Meta{}, fmt.Errorf("sync attachment: %w", err)
	}
	final := s.path(sum)
	if err := os.MkdirAll(filepath.Dir(final), 0o750); err != nil {
		return Meta{}, fmt.Errorf("prepare attachment directory: %w", err)
	}
	if err := os.Rename(tmp.Name(), final); err != nil {
		return Meta{}, fmt.Errorf("store attachment %s: %w", sum, err)
	}
	if _, err := s.pool.Exec(ctx, `
		INSERT INTO attachments (sha256, enterprise_id, name, size, content_type, uploaded_by)
		VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
		sum, enterpriseID, name, n, contentType, uploadedBy); err != nil {
		return Meta{}, fmt.Errorf("record attachment %s: %w", sum, err)
	}
	return s.meta(ctx, sum, enterpriseID, false)
}

// Open returns the metadata and plain content of a file. An enterprise
// (anyEnterprise false) reads only files it uploaded; customs and the zone
// administration read every file.
func (s *Store) Open(ctx context.Context, sum, enterpriseID string, anyEnterprise bool) (Meta, io.ReadCloser, error) {
	if !sha256Pattern.MatchString(sum) {
		return Meta{}, nil, fmt.Errorf("open attachment: %w", ErrNotFound)
	}
	m, err := s.meta(ctx, sum, enterpriseID, anyEnterprise)
	if err != nil {
		return Meta{}, nil, err
	}
	stored, err := os.ReadFile(s.path(sum))
	if err != nil {
		return Meta{}, nil, fmt.Errorf("open attachment %s: %w", sum, err)
	}
	content, err := s.sealer.OpenFile(place(sum), stored)
	if err != nil {
		return Meta{}, nil, fmt.Errorf("open attachment %s: %w", sum, err)
	}
	return m, io.NopCloser(bytes.NewReader(content)), nil
}

// place binds a sealed file to its name: a file copied over another does
// not open.
func place(sum string) string { return "attachments/" + sum }

// sealedMarker, in the store's folder, records that every file there is
// sealed: the store writes only sealed files since, so later starts need
// not open each file again.
const sealedMarker = "sealed-at-rest"

// SealExisting seals the files a store written before sealing keeps in
// clear, each replaced atomically, and returns how many; it runs at start
// and, once a pass completed, costs one stat.
func (s *Store) SealExisting() (int, error) {
	marker := filepath.Join(s.dir, sealedMarker)
	if _, err := os.Stat(marker); err == nil {
		return 0, nil
	}
	paths, err := filepath.Glob(filepath.Join(s.dir, "[0-9a-f][0-9a-f]", "*"))
	if err != nil {
		return 0, err
	}
	n := 0
	for _, path := range paths {
		sum := filepath.Base(path)
		if !sha256Pattern.MatchString(sum) {
			continue
		}
		// Only the head is read of the (many, large) files sealed already.
		if sealed, err := isSealedFile(path); err != nil || sealed {
			if err != nil {
				return n, fmt.Errorf("seal attachment %s: %w", sum, err)
			}
			continue
		}
		content, err := os.ReadFile(path)
		if err != nil {
			return n, fmt.Errorf("seal attachment %s: %w", sum, err)
		}
		sealed, err := s.sealer.SealFile(place(sum), content)
		if err != nil {
			return n, err
		}
		if err := replaceFile(path, sealed); err != nil {
			return n, fmt.Errorf("seal attachment %s: %w", sum, err)
		}
		n++
	}
	if err := os.MkdirAll(s.dir, 0o750); err != nil {
		return n, err
	}
	return n, os.WriteFile(marker, nil, 0o600)
}

func isSealedFile(path string) (bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return false, err
	}
	defer f.Close()
	head := make([]byte, 16)
	n, err := io.ReadFull(f, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return false, err
	}
	return sealing.IsSealedFile(head[:n]), nil
}

func replaceFile(path string, content []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".seal-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // after the rename this is a no-op
	if _, err := tmp.Write(content); err != nil {
		_ = tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		_ = tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

func (s *Store) meta(ctx context.Context, sum, enterpriseID string, anyEnterprise bool) (Meta, error) {
	var m Meta
	err := s.pool.QueryRow(ctx, `
		SELECT sha256, size, name, content_type, uploaded_by, enterprise_id, uploaded_at FROM attachments
		WHERE sha256 = $1 AND ($3 OR enterprise_id = $2) ORDER BY uploaded_at LIMIT 1`,
		sum, enterpriseID, anyEnterprise).Scan(&m.SHA256, &m.Size, &m.Name, &m.ContentType, &m.UploadedBy, &m.EnterpriseID, &m.UploadedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return Meta{}, fmt.Errorf("find attachment %s: %w", sum, ErrNotFound)
	}
	if err != nil {
		return Meta{}, fmt.Errorf("find attachment %s: %w", sum, err)
	}
	return m, nil
}

func (s *Store) path(sum string) string {
	return filepath.Join(s.dir, sum[:2], sum)
}
