package sealing

import (
	"bytes"
	"context"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Prefix starts every sealed field value: "zt1:" and the base64url of the
// data key id (4 bytes, big-endian), the nonce (12) and the GCM output.
const Prefix = "zt1:"

// fileMagic starts every sealed file: the magic, then the same layout.
var fileMagic = []byte("ZTSEAL1\n")

const nonceSize = 12

// Sealer seals and opens values with the data keys of one database.
type Sealer struct {
	current uint32
	keys    map[uint32]dataKey
}

type dataKey struct {
	aead     cipher.AEAD
	nonceKey []byte
}

// dataKeyFile holds the wrapped data keys of a node, in its data folder
// next to the ledger and attachments they protect, so that every database
// the node's mirror is rebuilt into seals with the same keys.
const dataKeyFile = "datakeys.json"

type storedKeys struct {
	Keys []storedKey `json:"keys"`
}

type storedKey struct {
	ID         uint32 `json:"id"`
	KEKVersion uint32 `json:"kekVersion"`
	Wrapped    []byte `json:"wrapped"`
}

// Open loads the data keys kept in dir, creating a first one wrapped by kek
// when there is none. Processes starting together (node, verify, rebuild)
// agree on the one created first.
func Open(ctx context.Context, dir string, kek KeyEncrypter) (*Sealer, error) {
	stored, err := readKeys(dir)
	if errors.Is(err, os.ErrNotExist) {
		stored, err = createKeys(ctx, dir, kek)
	}
	if err != nil {
		return nil, fmt.Errorf("open data keys: %w", err)
	}
	s := &Sealer{keys: make(map[uint32]dataKey, len(stored.Keys))}
	for _, k := range stored.Keys {
		raw, err := kek.Unwrap(ctx, k.KEKVersion, k.Wrapped)
		if err != nil {
			return nil, fmt.Errorf("open data key %d: %w", k.ID, err)
		}
		if s.keys[k.ID], err = newDataKey(raw); err != nil {
			return nil, fmt.Errorf("open data key %d: %w", k.ID, err)
		}
		s.current = max(s.current, k.ID)
	}
	if len(s.keys) == 0 {
		return nil, fmt.Errorf("open data keys: %s holds none", filepath.Join(dir, dataKeyFile))
	}
	return s, nil
}

func readKeys(dir string) (storedKeys, error) {
	var stored storedKeys
	data, err := os.ReadFile(filepath.Join(dir, dataKeyFile)) //nolint:gosec // G304: the data keys in the operator's data folder (<data>/keys)
	if err != nil {
		return stored, err
	}
	if err := json.Unmarshal(data, &stored); err != nil {
		return stored, fmt.Errorf("read %s: %w", dataKeyFile, err)
	}
	return stored, nil
}

// createKeys draws the first data key and links its file into place, which
// fails if another process did so first; that one's file is then read.
func createKeys(ctx context.Context, dir string, kek KeyEncrypter) (storedKeys, error) {
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return storedKeys{}, err
	}
	version, wrapped, err := kek.Wrap(ctx, raw)
	if err != nil {
		return storedKeys{}, err
	}
	stored := storedKeys{Keys: []storedKey{{ID: 1, KEKVersion: version, Wrapped: wrapped}}}
	data, err := json.MarshalIndent(stored, "", "  ")
	if err != nil {
		return storedKeys{}, err
	}
	tmp, err := writeTemp(dir, data)
	if err != nil {
		return storedKeys{}, err
	}
	defer os.Remove(tmp) //nolint:errcheck // only the link stays
	if err := os.Link(tmp, filepath.Join(dir, dataKeyFile)); errors.Is(err, os.ErrExist) {
		return readKeys(dir)
	} else if err != nil {
		return storedKeys{}, err
	}
	return stored, nil
}

// Rotate re-wraps every data key kept in dir under kek's current version
// and returns how many it re-wrapped. Sealed values name data keys, not KEK
// versions, so they stay readable and unchanged; the older KEK versions can
// be retired afterwards.
func Rotate(ctx context.Context, dir string, kek KeyEncrypter) (int, error) {
	stored, err := readKeys(dir)
	if err != nil {
		return 0, fmt.Errorf("rotate data keys: %w", err)
	}
	for i, k := range stored.Keys {
		raw, err := kek.Unwrap(ctx, k.KEKVersion, k.Wrapped)
		if err != nil {
			return 0, fmt.Errorf("rotate data key %d: %w", k.ID, err)
		}
		version, wrapped, err := kek.Wrap(ctx, raw)
		if err != nil {
			return 0, fmt.Errorf("rotate data key %d: %w", k.ID, err)
		}
		stored.Keys[i].KEKVersion, stored.Keys[i].Wrapped = version, wrapped
	}
	data, err := json.MarshalIndent(stored, "", "  ")
	if err != nil {
		return 0, err
	}
	if err := replaceFile(filepath.Join(dir, dataKeyFile), data); err != nil {
		return 0, fmt.Errorf("rotate data keys: %w", err)
	}
	return len(stored.Keys), nil
}

// newDataKey derives the cipher and the nonce key from a 256-bit data key.
func newDataKey(raw []byte) (dataKey, error) {
	if len(raw) != 32 {
		return dataKey{}, errors.New("a data key has 256 bits")
	}
	encKey, err := hkdf.Key(sha256.New, raw, nil, "zonetrace sealing cipher", 32)
	if err != nil {
		return dataKey{}, err
	}
	nonceKey, err := hkdf.Key(sha256.New, raw, nil, "zonetrace sealing nonce", 32)
	if err != nil {
		return dataKey{}, err
	}
	aead, err := newGCM(encKey)
	if err != nil {
		return dataKey{}, err
	}
	return dataKey{aead: aead, nonceKey: nonceKey}, nil
}

// Seal seals plaintext for the field place (e.g. "prefilings.avg_price_fen",
// bound as associated data: a value moved to another field does not open)
// of row. The nonce is HMAC(place, row, plaintext), so sealing the same
// value of the same row again gives the same text.
func (s *Sealer) Seal(place, row string, plaintext []byte) string {
	k := s.keys[s.current]
	mac := hmac.New(sha256.New, k.nonceKey)
	for _, part := range [][]byte{[]byte(place), []byte(row), plaintext} {
		_ = binary.Write(mac, binary.BigEndian, uint64(len(part)))
		mac.Write(part)
	}
	return Prefix + base64.RawURLEncoding.EncodeToString(s.seal(mac.Sum(nil)[:nonceSize], place, plaintext))
}

func (s *Sealer) seal(nonce []byte, place string, plaintext []byte) []byte {
	out := binary.BigEndian.AppendUint32(nil, s.current)
	out = append(out, nonce...)
	return s.keys[s.current].aead.Seal(out, nonce, plaintext, []byte(place))
}

// IsSealed reports whether text is a sealed field value.
func IsSealed(text string) bool { return strings.HasPrefix(text, Prefix) }

// Open opens a value Seal sealed for place.
func (s *Sealer) Open(place, sealed string) ([]byte, error) {
	if !IsSealed(sealed) {
		return nil, fmt.Errorf("open %s: not a sealed value", place)
	}
	raw, err := base64.RawURLEncoding.DecodeString(sealed[len(Prefix):])
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", place, err)
	}
	return s.open(place, raw)
}

func (s *Sealer) open(place string, raw []byte) ([]byte, error) {
	if s == nil {
		return nil, fmt.Errorf("open %s: sealed, and no data keys were given", place)
	}
	if len(raw) < 4+nonceSize {
		return nil, fmt.Errorf("open %s: too short", place)
	}
	id := binary.BigEndian.Uint32(raw)
	k, ok := s.keys[id]
	if !ok {
		return nil, fmt.Errorf("open %s: unknown data key %d", place, id)
	}
	plain, err := k.aead.Open(nil, raw[4:4+nonceSize], raw[4+nonceSize:], []byte(place))
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", place, err)
	}
	return plain, nil
}

// SealFile seals a file's content for place with a random nonce.
func (s *Sealer) SealFile(place string, plaintext []byte) ([]byte, error) {
	nonce := make([]byte, nonceSize)
	if _, err := rand.Read(nonce); err != nil {
		return nil, fmt.Errorf("seal %s: %w", place, err)
	}
	return append(bytes.Clone(fileMagic), s.seal(nonce, place, plaintext)...), nil
}

// IsSealedFile reports whether content was written by SealFile.
func IsSealedFile(content []byte) bool { return bytes.HasPrefix(content, fileMagic) }

// OpenFile opens content SealFile sealed for place.
func (s *Sealer) OpenFile(place string, content []byte) ([]byte, error) {
	if !IsSealedFile(content) {
		return nil, fmt.Errorf("open %s: not a sealed file", place)
	}
	return s.open(place, content[len(fileMagic):])
}
