// Package gates takes in the vehicle events of the zone's barrier gates
// (卡口): each gate signs its requests with an Ed25519 key the zone admin
// registered; an accepted event is stored, matched by plate and document
// number to an approved zone entry or exit document not yet crossed, and
// the match records the document's gate pass on the ledger through a
// durable River job. What matches nothing waits for the zone admin.
package gates

import (
	"crypto/ed25519"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Request headers of a signed gate request.
const (
	HeaderGate      = "X-Gate-Id"
	HeaderTimestamp = "X-Gate-Timestamp" // Unix seconds
	HeaderNonce     = "X-Gate-Nonce"
	HeaderSignature = "X-Gate-Signature" // standard base64 of the Ed25519 signature
)

// signingDomain starts every signed message, so a gate key's signature
// means nothing anywhere else.
const signingDomain = "ZT-GATE-1"

// DefaultWindow is how far a request's timestamp may be from the
// gateway's clock, either way.
const DefaultWindow = 5 * time.Minute

var noncePattern = regexp.MustCompile(`^[A-Za-z0-9_-]{16,64}$`)

// SignedMessage is what a gate signs: the domain, its id, the timestamp,
// the nonce and the SHA-256 of the body exactly as sent, one per line.
// Signing the body's bytes (not a re-encoding) leaves nothing to
// canonicalise: any change of a byte breaks the signature.
func SignedMessage(gateID, timestamp, nonce string, body []byte) []byte {
	sum := sha256.Sum256(body)
	return []byte(signingDomain + "\n" + gateID + "\n" + timestamp + "\n" + nonce + "\n" + hex.EncodeToString(sum[:]))
}

// Sign returns the headers of a request of gate gateID carrying body,
// signed with key at now; nonce must be fresh for every request.
func Sign(key ed25519.PrivateKey, gateID string, now time.Time, nonce string, body []byte) map[string]string {
	ts := strconv.FormatInt(now.Unix(), 10)
	sig := ed25519.Sign(key, SignedMessage(gateID, ts, nonce, body))
	return map[string]string{HeaderGate: gateID, HeaderTimestamp: ts, HeaderNonce: nonce,
		HeaderSignature: base64.StdEncoding.EncodeToString(sig)}
}

// ParsePublicKey reads an Ed25519 public key given as PEM (PKIX "PUBLIC
// KEY") or as the standard base64 of its 32 bytes.
func ParsePublicKey(s string) (ed25519.PublicKey, error) {
	s = strings.TrimSpace(s)
	if block, _ := pem.Decode([]byte(s)); block != nil {
		k, err := x509.ParsePKIXPublicKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("parse PEM public key: %w", err)
		}
		ed, ok := k.(ed25519.PublicKey)
		if !ok {
			return nil, errors.New("not an Ed25519 key")
		}
		return ed, nil
	}
	raw, err := base64.StdEncoding.DecodeString(s)
	if err != nil || len(raw) != ed25519.PublicKeySize {
		return nil, errors.New("not an Ed25519 public key (PEM or base64 of 32 bytes)")
	}
	return ed25519.PublicKey(raw), nil
}

// EncodePublicKey is the base64 form ParsePublicKey reads.
func EncodePublicKey(k ed25519.PublicKey) string { return base64.StdEncoding.EncodeToString(k) }

// signed is the parsed signature headers of a request.
type signed struct {
	gateID, timestamp, nonce string
	at                       time.Time
	signature                []byte
}

// parseHeaders reads the signature headers; get returns a header's value.
func parseHeaders(get func(string) string) (signed, error) {
	s := signed{gateID: get(HeaderGate), timestamp: get(HeaderTimestamp), nonce: get(HeaderNonce)}
	sig := get(HeaderSignature)
	if s.gateID == "" || s.timestamp == "" || s.nonce == "" || sig == "" {
		return signed{}, refusal(ReasonSignatureMissing, "the request carries no gate signature", "请求缺少卡口签名", nil)
	}
	secs, err := strconv.ParseInt(s.timestamp, 10, 64)
	if err != nil {
		return signed{}, refusal(ReasonSignatureInvalid, "the gate timestamp is not Unix seconds", "卡口签名校验失败：时间戳格式无效", nil)
	}
	s.at = time.Unix(secs, 0)
	if !noncePattern.MatchString(s.nonce) {
		return signed{}, refusal(ReasonSignatureInvalid, "the gate nonce must be 16-64 letters, digits, '_' or '-'",
			"卡口签名校验失败：随机数须为16至64位字母、数字、下划线或连字符", nil)
	}
	if s.signature, err = base64.StdEncoding.DecodeString(sig); err != nil || len(s.signature) != ed25519.SignatureSize {
		return signed{}, refusal(ReasonSignatureInvalid, "the gate signature is not a base64 Ed25519 signature", "卡口签名校验失败：签名格式无效", nil)
	}
	return s, nil
}
