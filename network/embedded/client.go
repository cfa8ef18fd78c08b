package embedded

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/hyperledger/fabric-protos-go-apiv2/msp"
	"google.golang.org/protobuf/proto"

	"zonetrace/network/ledger"
)

// This file is the client side of a transaction: what fabric-gateway does in
// a Fabric client. It only uses the Signer, never ledger internals.

const nonceSize = 24

// newSignedProposal builds and signs a proposal for function(args...),
// stamped with the client's time now.
func newSignedProposal(channelID string, signer ledger.Signer, now time.Time, function string, args []string) (*signedProposal, error) {
	if function == "" {
		return nil, errors.New("build proposal: empty function name")
	}
	all := append([]string{function}, args...)
	for i, a := range all {
		if !utf8.ValidString(a) {
			return nil, fmt.Errorf("build proposal: argument %d is not valid UTF-8", i)
		}
	}
	creator, err := proto.Marshal(&msp.SerializedIdentity{Mspid: signer.MspID(), IdBytes: signer.Credentials()})
	if err != nil {
		return nil, fmt.Errorf("build proposal: encode creator: %w", err)
	}
	nonce := make([]byte, nonceSize)
	if _, err := rand.Read(nonce); err != nil {
		return nil, fmt.Errorf("build proposal: draw nonce: %w", err)
	}
	prop := proposal{
		ChannelID: channelID,
		TxID:      computeTxID(nonce, creator),
		Timestamp: now.UTC().Truncate(time.Microsecond),
		Creator:   creator,
		Nonce:     nonce,
		Args:      all,
	}
	propBytes, err := json.Marshal(prop)
	if err != nil {
		return nil, fmt.Errorf("build proposal: encode: %w", err)
	}
	sig, err := signBytes(signer, propBytes)
	if err != nil {
		return nil, fmt.Errorf("build proposal %s: %w", prop.TxID, err)
	}
	return &signedProposal{Proposal: propBytes, Signature: sig}, nil
}

// newEnvelope binds the endorsed simulation to the proposal and signs it.
// The bytes are those of json.Marshal(txPayload{...}) and
// json.Marshal(envelope{...}), spliced together without encoding/json's
// second pass over the nested raw messages, which are compact JSON written
// by encoding/json already (TestEnvelopeIsJSONMarshal).
func newEnvelope(signer ledger.Signer, sp *signedProposal, simBytes []byte) ([]byte, error) {
	payload := appendRawObject(nil,
		rawField{"proposal", sp.Proposal},
		rawField{"proposal_signature", jsonBytes(sp.Signature)},
		rawField{"simulation", simBytes})
	sig, err := signBytes(signer, payload)
	if err != nil {
		return nil, fmt.Errorf("build transaction: %w", err)
	}
	return appendRawObject(nil, rawField{"payload", payload}, rawField{"signature", jsonBytes(sig)}), nil
}

// rawField is a JSON object member whose value is already encoded.
type rawField struct {
	name  string
	value []byte
}

func appendRawObject(out []byte, fields ...rawField) []byte {
	out = append(out, '{')
	for i, f := range fields {
		if i > 0 {
			out = append(out, ',')
		}
		out = append(out, '"')
		out = append(out, f.name...)
		out = append(out, '"', ':')
		out = append(out, f.value...)
	}
	return append(out, '}')
}

// jsonBytes is encoding/json's encoding of a byte slice: a base64 string,
// null when nil.
func jsonBytes(b []byte) []byte {
	if b == nil {
		return []byte("null")
	}
	out := make([]byte, 0, base64.StdEncoding.EncodedLen(len(b))+2)
	out = append(out, '"')
	out = base64.StdEncoding.AppendEncode(out, b)
	return append(out, '"')
}

// computeTxID is Fabric's transaction ID: hex(SHA-256(nonce || creator)).
func computeTxID(nonce, creator []byte) string {
	h := sha256.New()
	h.Write(nonce)
	h.Write(creator)
	return hex.EncodeToString(h.Sum(nil))
}

func signBytes(signer ledger.Signer, msg []byte) ([]byte, error) {
	digest := sha256.Sum256(msg)
	sig, err := signer.Sign(digest[:])
	if err != nil {
		return nil, fmt.Errorf("sign: %w", err)
	}
	return sig, nil
}
