package pki

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// OpenCryptogen opens a PKI whose CAs are those Fabric's cryptogen generated
// under cryptoDir (peerOrganizations/<org domain>/ca/*-cert.pem and priv_sk),
// so that the identities it issues are trusted by a channel built from the
// same material. Issued identities are stored under dir, in the layout Open
// uses; the CAs are never copied there.
func OpenCryptogen(cryptoDir, dir string) (*PKI, error) {
	if cryptoDir == "" || dir == "" {
		return nil, errors.New("open cryptogen PKI: empty directory")
	}
	if err := os.MkdirAll(dir, dirMode); err != nil {
		return nil, fmt.Errorf("open cryptogen PKI: create %s: %w", dir, err)
	}
	keys, err := openKeystore(dir)
	if err != nil {
		return nil, fmt.Errorf("open cryptogen PKI: %w", err)
	}
	p := newPKI(dir, keys)
	for _, mspID := range MSPs {
		ca, err := loadCryptogenAuthority(filepath.Join(cryptoDir, "peerOrganizations", orgDomain(mspID), "ca"), mspID, keys)
		if err != nil {
			return nil, fmt.Errorf("open cryptogen PKI: %w", err)
		}
		if err := ca.loadCRL(crlPath(dir, mspID)); err != nil {
			return nil, fmt.Errorf("open cryptogen PKI: %w", err)
		}
		p.cas[mspID] = ca
	}
	return p, nil
}

func loadCryptogenAuthority(caDir, mspID string, keys *sealer) (*authority, error) {
	certs, err := filepath.Glob(filepath.Join(caDir, "*-cert.pem"))
	if err != nil {
		return nil, fmt.Errorf("find CA certificate of %s: %w", mspID, err)
	}
	if len(certs) != 1 {
		return nil, fmt.Errorf("find CA certificate of %s: %d files match %s/*-cert.pem, want 1", mspID, len(certs), caDir)
	}
	certPEM, err := os.ReadFile(certs[0])
	if err != nil {
		return nil, fmt.Errorf("read CA certificate of %s: %w", mspID, err)
	}
	keyPEM, err := os.ReadFile(filepath.Join(caDir, "priv_sk"))
	if err != nil {
		return nil, fmt.Errorf("read CA key of %s: %w", mspID, err)
	}
	key, err := parsePrivateKeyPEM(keyPEM)
	if err != nil {
		return nil, fmt.Errorf("read CA key of %s: %w", mspID, err)
	}
	return newAuthority(mspID, certPEM, key, keys)
}
