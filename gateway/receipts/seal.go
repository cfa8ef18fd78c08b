package receipts

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
)

// KeySize is the length of the sealing key (AES-256).
const KeySize = 32

// Sealer encrypts webhook secrets at rest with AES-256-GCM, so a copy of the
// database alone does not give away the secrets that sign deliveries.
type Sealer struct {
	aead func() (cipher.AEAD, error)
}

// NewSealer returns a Sealer over a 32-byte key.
func NewSealer(key []byte) (*Sealer, error) {
	aead, err := newAEAD(key)
	if err != nil {
		return nil, err
	}
	return &Sealer{aead: func() (cipher.AEAD, error) { return aead, nil }}, nil
}

// NewKeyFileSealer returns a Sealer whose key is read from path (see
// LoadOrCreateKey) on first use; a missing or bad key is the error of that
// use.
func NewKeyFileSealer(path string) *Sealer {
	return &Sealer{aead: sync.OnceValues(func() (cipher.AEAD, error) {
		key, err := LoadOrCreateKey(path)
		if err != nil {
			return nil, err
		}
		return newAEAD(key)
	})}
}

func newAEAD(key []byte) (cipher.AEAD, error) {
	if len(key) != KeySize {
		return nil, fmt.Errorf("webhook sealing key: want %d bytes, got %d", KeySize, len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("webhook sealing key: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("webhook sealing key: %w", err)
	}
	return aead, nil
}

// LoadOrCreateKey reads the sealing key at path, creating it (mode 0600)
// with random bytes the first time.
func LoadOrCreateKey(path string) ([]byte, error) {
	key, err := os.ReadFile(path)
	if err == nil {
		if len(key) != KeySize {
			return nil, fmt.Errorf("read webhook sealing key %s: want %d bytes, got %d", path, KeySize, len(key))
		}
		return key, nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("read webhook sealing key: %w", err)
	}
	key = make([]byte, KeySize)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("create webhook sealing key: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("create webhook sealing key: %w", err)
	}
	// O_EXCL: when two processes race, the loser reads the winner's key.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) {
		return LoadOrCreateKey(path)
	}
	if err != nil {
		return nil, fmt.Errorf("create webhook sealing key: %w", err)
	}
	if _, err := f.Write(key); err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("write webhook sealing key: %w", err)
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("write webhook sealing key: %w", err)
	}
	return key, nil
}

// Seal encrypts plain; the enterprise id is bound as associated data, so a
// sealed secret copied to another enterprise's row does not open.
func (s *Sealer) Seal(enterpriseID string, plain []byte) ([]byte, error) {
	aead, err := s.aead()
	if err != nil {
		return nil, err
	}
	nonce := make([]byte, aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, fmt.Errorf("seal webhook secret: %w", err)
	}
	return aead.Seal(nonce, nonce, plain, []byte(enterpriseID)), nil
}

// Open decrypts what Seal produced.
func (s *Sealer) Open(enterpriseID string, sealed []byte) ([]byte, error) {
	aead, err := s.aead()
	if err != nil {
		return nil, err
	}
	n := aead.NonceSize()
	if len(sealed) < n {
		return nil, errors.New("open webhook secret: too short")
	}
	plain, err := aead.Open(nil, sealed[:n], sealed[n:], []byte(enterpriseID))
	if err != nil {
		return nil, fmt.Errorf("open webhook secret: %w", err)
	}
	return plain, nil
}
