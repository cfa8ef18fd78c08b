package sealing

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// KeyEncrypter wraps data keys under a key-encryption key. Wrap uses the
// current KEK version and returns it; Unwrap accepts every version still
// held. A KMS or HSM implements it by sending the data key to the device.
type KeyEncrypter interface {
	Wrap(ctx context.Context, dataKey []byte) (version uint32, wrapped []byte, err error)
	Unwrap(ctx context.Context, version uint32, wrapped []byte) ([]byte, error)
}

// KeyRing holds versioned 256-bit KEKs; the highest version is current. A
// ring read from a file can grow a version (AddVersion); one from the
// environment is changed by whoever sets the environment.
type KeyRing struct {
	keys    map[uint32][]byte
	current uint32
	path    string
}

// keyFile is a KeyRing on disk.
type keyFile struct {
	Versions map[string]string `json:"versions"` // version -> base64 key
}

// OpenKeyFile reads the ring in path, creating it with one fresh version
// (mode 0600, folder 0700) when it does not exist.
func OpenKeyFile(path string) (*KeyRing, error) {
	data, err := os.ReadFile(path) //nolint:gosec // G304: the key file in the operator's data folder (<data>/keys/kek.json)
	if errors.Is(err, os.ErrNotExist) {
		r := &KeyRing{keys: map[uint32][]byte{}, path: path}
		if _, err := r.AddVersion(); err != nil {
			return nil, err
		}
		return r, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read key ring: %w", err)
	}
	var f keyFile
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("read key ring %s: %w", path, err)
	}
	var pairs []string
	for v, k := range f.Versions {
		pairs = append(pairs, v+":"+k)
	}
	r, err := parseKeys(strings.Join(pairs, ","))
	if err != nil {
		return nil, fmt.Errorf("read key ring %s: %w", path, err)
	}
	r.path = path
	return r, nil
}

// ParseKeyRing reads a ring from text "1:<base64 key>,2:<base64 key>", the
// form of ZT_KEK for production, where the KEKs come from a secret store.
func ParseKeyRing(text string) (*KeyRing, error) {
	r, err := parseKeys(text)
	if err != nil {
		return nil, fmt.Errorf("read key ring: %w", err)
	}
	return r, nil
}

func parseKeys(text string) (*KeyRing, error) {
	r := &KeyRing{keys: map[uint32][]byte{}}
	for item := range strings.SplitSeq(text, ",") {
		if item = strings.TrimSpace(item); item == "" {
			continue
		}
		vs, ks, ok := strings.Cut(item, ":")
		v, err := strconv.ParseUint(vs, 10, 32)
		if !ok || err != nil || v == 0 {
			return nil, fmt.Errorf("entry %q: want VERSION:BASE64KEY with a version from 1", vs)
		}
		key, err := base64.StdEncoding.DecodeString(ks)
		if err != nil || len(key) != 32 {
			return nil, fmt.Errorf("version %d: want a base64 256-bit key", v)
		}
		r.keys[uint32(v)] = key
		r.current = max(r.current, uint32(v))
	}
	if r.current == 0 {
		return nil, errors.New("no key")
	}
	return r, nil
}

// Current is the version Wrap uses.
func (r *KeyRing) Current() uint32 { return r.current }

// AddVersion draws a new current KEK and stores the ring in its file.
func (r *KeyRing) AddVersion() (uint32, error) {
	if r.path == "" {
		return 0, errors.New("add a KEK version: the key ring comes from the environment; add the version there")
	}
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return 0, fmt.Errorf("add a KEK version: %w", err)
	}
	next := r.current + 1
	f := keyFile{Versions: map[string]string{}}
	for v, k := range r.keys {
		f.Versions[strconv.FormatUint(uint64(v), 10)] = base64.StdEncoding.EncodeToString(k)
	}
	f.Versions[strconv.FormatUint(uint64(next), 10)] = base64.StdEncoding.EncodeToString(key)
	if err := writeKeyFile(r.path, f); err != nil {
		return 0, fmt.Errorf("add a KEK version: %w", err)
	}
	r.keys[next], r.current = key, next
	return next, nil
}

// writeKeyFile replaces path atomically: a crash leaves the old ring or the
// new one, never a torn file that would lose every key.
func writeKeyFile(path string, f keyFile) error {
	data, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return err
	}
	return replaceFile(path, data)
}

// writeTemp writes data to a new 0600 file in dir (created 0700) and
// returns its path.
func writeTemp(dir string, data []byte) (string, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	tmp, err := os.CreateTemp(dir, ".key-*")
	if err != nil {
		return "", err
	}
	// One err through every step: a failed write or sync must not leave a
	// short key file that the caller then renames into place.
	err = tmp.Chmod(0o600)
	if err == nil {
		_, err = tmp.Write(data)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(tmp.Name())
		return "", err
	}
	return tmp.Name(), nil
}

// replaceFile replaces path with data atomically, mode 0600.
func replaceFile(path string, data []byte) error {
	tmp, err := writeTemp(filepath.Dir(path), data)
	if err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		_ = os.Remove(tmp)
		return err
	}
	return nil
}

// Wrap seals dataKey under the current KEK (AES-256-GCM, random nonce, the
// version as associated data).
func (r *KeyRing) Wrap(_ context.Context, dataKey []byte) (uint32, []byte, error) {
	aead, err := newGCM(r.keys[r.current])
	if err != nil {
		return 0, nil, err
	}
	nonce := make([]byte, aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return 0, nil, fmt.Errorf("wrap data key: %w", err)
	}
	return r.current, aead.Seal(nonce, nonce, dataKey, versionAD(r.current)), nil
}

// Unwrap opens a data key wrapped under version.
func (r *KeyRing) Unwrap(_ context.Context, version uint32, wrapped []byte) ([]byte, error) {
	key, ok := r.keys[version]
	if !ok {
		return nil, fmt.Errorf("unwrap data key: KEK version %d is not in the key ring", version)
	}
	aead, err := newGCM(key)
	if err != nil {
		return nil, err
	}
	if len(wrapped) < aead.NonceSize() {
		return nil, errors.New("unwrap data key: too short")
	}
	dataKey, err := aead.Open(nil, wrapped[:aead.NonceSize()], wrapped[aead.NonceSize():], versionAD(version))
	if err != nil {
		return nil, fmt.Errorf("unwrap data key under KEK version %d: %w", version, err)
	}
	return dataKey, nil
}

func versionAD(v uint32) []byte { return []byte("zonetrace kek " + strconv.FormatUint(uint64(v), 10)) }

func newGCM(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}
