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
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
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

// schema holds the wrapped data keys. It is created here rather than by a
// component's migrations because the indexer, the gateway and the auditor
// all open the same keys.
const schema = `CREATE TABLE IF NOT EXISTS sealing_data_keys (
	id          integer PRIMARY KEY,
	kek_version integer NOT NULL,
	wrapped     bytea NOT NULL,
	created_at  timestamptz NOT NULL DEFAULT now(),
	rewrapped_at timestamptz
)`

// lockKey serialises the creation of the table and the first data key
// between processes starting together (node, verify, rebuild).
const lockKey = 7_263_511_204

// Open loads the data keys of pool's database, creating the table and a
// first data key wrapped by kek when there is none.
func Open(ctx context.Context, pool *pgxpool.Pool, kek KeyEncrypter) (*Sealer, error) {
	var rows []storedKey
	err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, lockKey); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, schema); err != nil {
			return err
		}
		var err error
		if rows, err = readKeys(ctx, tx, ""); err != nil || len(rows) > 0 {
			return err
		}
		first := make([]byte, 32)
		if _, err := rand.Read(first); err != nil {
			return err
		}
		version, wrapped, err := kek.Wrap(ctx, first)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO sealing_data_keys (id, kek_version, wrapped) VALUES (1, $1, $2)`,
			int64(version), wrapped); err != nil {
			return err
		}
		rows = []storedKey{{id: 1, version: version, wrapped: wrapped}}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("open data keys: %w", err)
	}
	s := &Sealer{keys: make(map[uint32]dataKey, len(rows))}
	for _, r := range rows {
		raw, err := kek.Unwrap(ctx, r.version, r.wrapped)
		if err != nil {
			return nil, fmt.Errorf("open data key %d: %w", r.id, err)
		}
		if s.keys[r.id], err = newDataKey(raw); err != nil {
			return nil, fmt.Errorf("open data key %d: %w", r.id, err)
		}
		s.current = max(s.current, r.id)
	}
	return s, nil
}

type storedKey struct {
	id, version uint32
	wrapped     []byte
}

func readKeys(ctx context.Context, tx pgx.Tx, lock string) ([]storedKey, error) {
	rows, err := tx.Query(ctx, `SELECT id, kek_version, wrapped FROM sealing_data_keys ORDER BY id`+lock)
	if err != nil {
		return nil, err
	}
	var out []storedKey
	var id, version int64
	var wrapped []byte
	_, err = pgx.ForEachRow(rows, []any{&id, &version, &wrapped}, func() error {
		out = append(out, storedKey{id: uint32(id), version: uint32(version), wrapped: bytes.Clone(wrapped)})
		return nil
	})
	return out, err
}

// Rotate re-wraps every data key under kek's current version and returns
// how many it re-wrapped. Sealed values name data keys, not KEK versions,
// so they stay readable and unchanged.
func Rotate(ctx context.Context, pool *pgxpool.Pool, kek KeyEncrypter) (int, error) {
	n := 0
	err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		rows, err := readKeys(ctx, tx, " FOR UPDATE")
		if err != nil {
			return err
		}
		for _, r := range rows {
			raw, err := kek.Unwrap(ctx, r.version, r.wrapped)
			if err != nil {
				return fmt.Errorf("data key %d: %w", r.id, err)
			}
			version, wrapped, err := kek.Wrap(ctx, raw)
			if err != nil {
				return fmt.Errorf("data key %d: %w", r.id, err)
			}
			if _, err := tx.Exec(ctx, `UPDATE sealing_data_keys SET kek_version = $2, wrapped = $3, rewrapped_at = now() WHERE id = $1`,
				int64(r.id), int64(version), wrapped); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("rotate data keys: %w", err)
	}
	return n, nil
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
