package pki

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/asn1"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
)

// Identity is a client certificate and the signer of its private key. It
// implements zonetrace/network/ledger.Signer. The key itself is not
// reachable through it: it signs inside its crypto.Signer, which a
// hardware keystore would keep on its token.
type Identity struct {
	mspID   string
	certPEM []byte
	cert    *x509.Certificate
	signer  crypto.Signer
}

// IdentityFromPEM builds an identity from a PEM certificate and its PEM
// private key in plain text (PKCS #8 or SEC 1), checking that the key
// belongs to the certificate. It is for keys kept outside the keystore,
// such as cryptogen's Fabric admins.
func IdentityFromPEM(mspID string, certPEM, keyPEM []byte) (*Identity, error) {
	key, err := parsePrivateKeyPEM(keyPEM)
	if err != nil {
		return nil, fmt.Errorf("build identity: %w", err)
	}
	return NewIdentity(mspID, certPEM, key)
}

// NewIdentity builds an identity from a PEM certificate and the signer of
// its ECDSA private key, checking that they belong together.
func NewIdentity(mspID string, certPEM []byte, signer crypto.Signer) (*Identity, error) {
	if mspID == "" {
		return nil, errors.New("build identity: empty MSP ID")
	}
	cert, err := parseCertificatePEM(certPEM)
	if err != nil {
		return nil, fmt.Errorf("build identity: %w", err)
	}
	pub, ok := cert.PublicKey.(*ecdsa.PublicKey)
	if !ok || !pub.Equal(signer.Public()) {
		return nil, errors.New("build identity: private key does not match the certificate")
	}
	return &Identity{mspID: mspID, certPEM: append([]byte(nil), certPEM...), cert: cert, signer: signer}, nil
}

// MspID returns the MSP the certificate was issued under.
func (id *Identity) MspID() string { return id.mspID }

// Credentials returns a copy of the PEM-encoded certificate.
func (id *Identity) Credentials() []byte { return append([]byte(nil), id.certPEM...) }

// Certificate returns the parsed certificate.
func (id *Identity) Certificate() *x509.Certificate { return id.cert }

// Fingerprint returns the hex SHA-256 of the certificate's DER encoding.
func (id *Identity) Fingerprint() string { return fingerprintOf(id.cert.Raw) }

func fingerprintOf(der []byte) string {
	sum := sha256.Sum256(der)
	return hex.EncodeToString(sum[:])
}

// Sign signs digest and returns an ASN.1 DER ECDSA signature whose S is in
// the lower half of the curve order: Fabric rejects the equally valid high-S
// twin to rule out signature malleability.
func (id *Identity) Sign(digest []byte) ([]byte, error) {
	der, err := id.signer.Sign(rand.Reader, digest, crypto.SHA256)
	if err != nil {
		return nil, fmt.Errorf("sign digest: %w", err)
	}
	sig, err := toLowS(id.cert.PublicKey.(*ecdsa.PublicKey).Curve, der)
	if err != nil {
		return nil, fmt.Errorf("sign digest: %w", err)
	}
	return sig, nil
}

type ecdsaSignature struct {
	R, S *big.Int
}

func toLowS(curve elliptic.Curve, der []byte) ([]byte, error) {
	var sig ecdsaSignature
	if _, err := asn1.Unmarshal(der, &sig); err != nil {
		return nil, fmt.Errorf("parse signature: %w", err)
	}
	n := curve.Params().N
	halfOrder := new(big.Int).Rsh(n, 1)
	if sig.S.Cmp(halfOrder) <= 0 {
		return der, nil
	}
	sig.S = new(big.Int).Sub(n, sig.S)
	out, err := asn1.Marshal(sig)
	if err != nil {
		return nil, fmt.Errorf("encode signature: %w", err)
	}
	return out, nil
}

func parseCertificatePEM(certPEM []byte) (*x509.Certificate, error) {
	block, _ := pem.Decode(certPEM)
	if block == nil || block.Type != "CERTIFICATE" {
		return nil, errors.New("parse certificate: no PEM CERTIFICATE block")
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("parse certificate: %w", err)
	}
	return cert, nil
}

func parsePrivateKeyPEM(keyPEM []byte) (*ecdsa.PrivateKey, error) {
	block, _ := pem.Decode(keyPEM)
	if block == nil {
		return nil, errors.New("parse private key: no PEM block")
	}
	switch block.Type {
	case "PRIVATE KEY":
		key, err := x509.ParsePKCS8PrivateKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("parse private key: %w", err)
		}
		ec, ok := key.(*ecdsa.PrivateKey)
		if !ok {
			return nil, fmt.Errorf("parse private key: %T is not an ECDSA key", key)
		}
		return ec, nil
	case "EC PRIVATE KEY":
		key, err := x509.ParseECPrivateKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("parse private key: %w", err)
		}
		return key, nil
	default:
		return nil, fmt.Errorf("parse private key: unexpected PEM type %q", block.Type)
	}
}
