package gates

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestSignatureCoversEveryPart(t *testing.T) {
	pub, key, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	body := []byte(`{"plate":"苏E12345","direction":"in"}`)
	h := Sign(key, "G1", time.Unix(1_800_000_000, 0), "0123456789abcdef", body)
	s, err := parseHeaders(func(k string) string { return h[k] })
	require.NoError(t, err)
	require.True(t, ed25519.Verify(pub, SignedMessage(s.gateID, s.timestamp, s.nonce, body), s.signature))
	for name, msg := range map[string][]byte{
		"gate":      SignedMessage("G2", s.timestamp, s.nonce, body),
		"timestamp": SignedMessage(s.gateID, "1800000001", s.nonce, body),
		"nonce":     SignedMessage(s.gateID, s.timestamp, "0123456789abcdeF", body),
		"body":      SignedMessage(s.gateID, s.timestamp, s.nonce, append(body, ' ')),
	} {
		require.False(t, ed25519.Verify(pub, msg, s.signature), "a changed %s still verifies", name)
	}
}

func TestParseHeadersRefusesMalformedOnes(t *testing.T) {
	ok := map[string]string{HeaderGate: "G1", HeaderTimestamp: "1800000000", HeaderNonce: "0123456789abcdef",
		HeaderSignature: base64.StdEncoding.EncodeToString(make([]byte, ed25519.SignatureSize))}
	for name, change := range map[string]func(map[string]string){
		"missing signature": func(h map[string]string) { delete(h, HeaderSignature) },
		"short nonce":       func(h map[string]string) { h[HeaderNonce] = "abc" },
		"nonce with space":  func(h map[string]string) { h[HeaderNonce] = "0123456789 abcdef" },
		"timestamp":         func(h map[string]string) { h[HeaderTimestamp] = "2026-11-28T00:00:00Z" },
		"signature length":  func(h map[string]string) { h[HeaderSignature] = base64.StdEncoding.EncodeToString([]byte("short")) },
	} {
		h := map[string]string{}
		for k, v := range ok {
			h[k] = v
		}
		change(h)
		_, err := parseHeaders(func(k string) string { return h[k] })
		require.Error(t, err, name)
	}
	_, err := parseHeaders(func(k string) string { return ok[k] })
	require.NoError(t, err)
}

func TestParsePublicKey(t *testing.T) {
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	got, err := ParsePublicKey(EncodePublicKey(pub))
	require.NoError(t, err)
	require.Equal(t, pub, got)
	der, err := x509.MarshalPKIXPublicKey(pub)
	require.NoError(t, err)
	got, err = ParsePublicKey(string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})))
	require.NoError(t, err)
	require.Equal(t, pub, got)
	_, err = ParsePublicKey(base64.StdEncoding.EncodeToString(make([]byte, 31)))
	require.Error(t, err)
}

func TestNormalisePlate(t *testing.T) {
	for in, want := range map[string]string{"苏E·a1234": "苏EA1234", " 苏E A-1234 ": "苏EA1234", "沪A.00001": "沪A00001"} {
		require.Equal(t, want, NormalisePlate(in))
	}
}
