package pki

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// KeyStore is what the gateway needs of a keystore: issue the identity of
// a system role or of a person, get it back, revoke a person's and publish
// the revocation list. Private keys
// never leave it; an *Identity signs with a crypto.Signer the keystore
// holds. *PKI is the software keystore, keeping keys in files sealed under
// a key-encryption key; a hardware one (PKCS#11) would generate keys on its
// token and build identities with NewIdentity from the token's signers
// (docs/architecture.md, "Ledger identities").
type KeyStore interface {
	Issue(mspID, commonName, ou string) (*Identity, error)
	Enrol(m Member) (*Identity, error)
	LoadMember(mspID, name string) (*Identity, error)
	RevokeMember(mspID, name string) (bool, error)
	// CRL is the PEM revocation list of mspID's CA (nil: none revoked).
	CRL(mspID string) ([]byte, error)
}

var _ KeyStore = (*PKI)(nil)

const (
	// kekFile holds the 32-byte AES-256 key-encryption key, 0600 in the
	// PKI's directory. Whoever reads it and the key files holds the keys,
	// as with any software keystore: it protects keys in backups and
	// copies of the key files alone.
	kekFile = "keystore.kek"
	// sealedType is the PEM type of a private key sealed with AES-256-GCM:
	// nonce followed by the ciphertext of its PKCS #8 encoding.
	sealedType = "ZONETRACE SEALED PRIVATE KEY"
)

// sealer encrypts private keys at rest.
type sealer struct{ aead cipher.AEAD }

// openSealer loads the key-encryption key of dir, creating it if absent.
func openSealer(dir string) (*sealer, error) {
	path := filepath.Join(dir, kekFile)
	kek, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		fresh := make([]byte, 32)
		if _, err := rand.Read(fresh); err != nil {
			return nil, fmt.Errorf("draw key-encryption key: %w", err)
		}
		// O_EXCL: of two processes creating it, one wins and the other
		// reads the winner's.
		if err := writeSynced(path, fresh, keyMode); err != nil && !errors.Is(err, fs.ErrExist) {
			return nil, err
		}
		kek, err = os.ReadFile(path)
	}
	if err != nil {
		return nil, fmt.Errorf("read key-encryption key: %w", err)
	}
	if len(kek) != 32 {
		return nil, fmt.Errorf("key-encryption key %s has %d bytes, want 32", path, len(kek))
	}
	block, err := aes.NewCipher(kek)
	if err != nil {
		return nil, fmt.Errorf("key-encryption key: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("key-encryption key: %w", err)
	}
	return &sealer{aead: aead}, nil
}

// sealedAAD binds a sealed key to the certificate it belongs to, so a
// sealed key moved next to another certificate does not open.
func sealedAAD(certDER []byte) []byte {
	sum := sha256.Sum256(certDER)
	return append([]byte("zonetrace sealed key v1 "), sum[:]...)
}

// seal encrypts key, the private key of the certificate certDER.
func (s *sealer) seal(key *ecdsa.PrivateKey, certDER []byte) ([]byte, error) {
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, fmt.Errorf("encode private key: %w", err)
	}
	nonce := make([]byte, s.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, fmt.Errorf("draw nonce: %w", err)
	}
	return encodePEM(sealedType, s.aead.Seal(nonce, nonce, der, sealedAAD(certDER))), nil
}

// open decrypts a sealed key of the certificate certDER. A key in plain
// text (stored before keys were sealed) is read as it is; migrate seals it.
func (s *sealer) open(keyPEM, certDER []byte) (*ecdsa.PrivateKey, error) {
	block, _ := pem.Decode(keyPEM)
	if block == nil || block.Type != sealedType {
		return parsePrivateKeyPEM(keyPEM)
	}
	n := s.aead.NonceSize()
	if len(block.Bytes) < n {
		return nil, errors.New("open sealed key: too short")
	}
	der, err := s.aead.Open(nil, block.Bytes[:n], block.Bytes[n:], sealedAAD(certDER))
	if err != nil {
		return nil, fmt.Errorf("open sealed key: %w", err)
	}
	key, err := x509.ParsePKCS8PrivateKey(der)
	if err != nil {
		return nil, fmt.Errorf("open sealed key: %w", err)
	}
	ec, ok := key.(*ecdsa.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("open sealed key: %T is not an ECDSA key", key)
	}
	return ec, nil
}

// openKeystore opens the sealer of the PKI in dir and seals the keys still
// in plain text there.
func openKeystore(dir string) (*sealer, error) {
	keys, err := openSealer(dir)
	if err != nil {
		return nil, err
	}
	if _, err := keys.migrate(dir); err != nil {
		return nil, err
	}
	return keys, nil
}

// identity builds the identity of a stored certificate and sealed key.
func (s *sealer) identity(mspID string, certPEM, keyPEM []byte) (*Identity, error) {
	cert, err := parseCertificatePEM(certPEM)
	if err != nil {
		return nil, err
	}
	key, err := s.open(keyPEM, cert.Raw)
	if err != nil {
		return nil, err
	}
	return NewIdentity(mspID, certPEM, key)
}

// migrate seals every key under root still stored in plain text (CAs and
// identities written before keys were sealed), each replaced atomically.
func (s *sealer) migrate(root string) (int, error) {
	keys, err := filepath.Glob(filepath.Join(root, "*", "*", "*", keyFile))
	if err != nil {
		return 0, err
	}
	cas, err := filepath.Glob(filepath.Join(root, "*", "ca", keyFile))
	if err != nil {
		return 0, err
	}
	n := 0
	for _, path := range append(cas, keys...) {
		if strings.HasPrefix(filepath.Base(filepath.Dir(path)), ".") {
			// An identity another process (the running node, when verify
			// opens the PKI) is writing: it is sealed as written and
			// renamed into place, or removed.
			continue
		}
		keyPEM, err := os.ReadFile(path)
		if errors.Is(err, fs.ErrNotExist) {
			continue // renamed into place or removed since the Glob
		}
		if err != nil {
			return n, fmt.Errorf("migrate %s: %w", path, err)
		}
		if block, _ := pem.Decode(keyPEM); block != nil && block.Type == sealedType {
			continue
		}
		certPEM, err := os.ReadFile(filepath.Join(filepath.Dir(path), certFile))
		if err != nil {
			return n, fmt.Errorf("migrate %s: %w", path, err)
		}
		cert, err := parseCertificatePEM(certPEM)
		if err != nil {
			return n, fmt.Errorf("migrate %s: %w", path, err)
		}
		key, err := parsePrivateKeyPEM(keyPEM)
		if err != nil {
			return n, fmt.Errorf("migrate %s: %w", path, err)
		}
		sealed, err := s.seal(key, cert.Raw)
		if err != nil {
			return n, fmt.Errorf("migrate %s: %w", path, err)
		}
		if err := replaceFile(path, sealed, keyMode); err != nil {
			return n, fmt.Errorf("migrate %s: %w", path, err)
		}
		n++
	}
	return n, nil
}
