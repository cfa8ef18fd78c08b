package embedded

import (
	"crypto/ecdsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/asn1"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"

	"github.com/hyperledger/fabric-protos-go-apiv2/msp"
	"google.golang.org/protobuf/proto"

	"zonetrace/network/ledger"
)

// RefusedError reports a transaction refused before execution or ordering:
// unknown or untrusted creator, bad signature, malformed or replayed
// transaction ID. It matches ledger.ErrEndorsement with errors.Is, which is
// how a Fabric peer's refusal reaches a client.
type RefusedError struct {
	TxID   string
	Reason string
}

func (e *RefusedError) Error() string {
	if e.TxID == "" {
		return "embedded ledger refused transaction: " + e.Reason
	}
	return fmt.Sprintf("embedded ledger refused transaction %s: %s", e.TxID, e.Reason)
}

// Unwrap lets errors.Is(err, ledger.ErrEndorsement) hold.
func (e *RefusedError) Unwrap() error { return ledger.ErrEndorsement }

func refuse(txID, format string, args ...any) *RefusedError {
	return &RefusedError{TxID: txID, Reason: fmt.Sprintf(format, args...)}
}

// openedProposal is a proposal whose creator signature and transaction ID
// are consistent. Whether the creator's certificate is trusted is checked
// separately, against a Verifier.
type openedProposal struct {
	raw     []byte
	prop    proposal
	mspID   string
	certPEM []byte
	cert    *x509.Certificate
}

func openProposal(sp *signedProposal) (*openedProposal, error) {
	var prop proposal
	if err := json.Unmarshal(sp.Proposal, &prop); err != nil {
		return nil, refuse("", "malformed proposal: %v", err)
	}
	if err := checkTxID(prop); err != nil {
		return nil, err
	}
	switch {
	case len(prop.Args) == 0 || prop.Args[0] == "":
		return nil, refuse(prop.TxID, "no function name")
	case prop.Timestamp.IsZero():
		return nil, refuse(prop.TxID, "no timestamp")
	}
	var sid msp.SerializedIdentity
	if err := proto.Unmarshal(prop.Creator, &sid); err != nil {
		return nil, refuse(prop.TxID, "malformed creator: %v", err)
	}
	if sid.Mspid == "" {
		return nil, refuse(prop.TxID, "creator has no MSP ID")
	}
	cert, err := parseCertificate(sid.IdBytes)
	if err != nil {
		return nil, refuse(prop.TxID, "creator certificate: %v", err)
	}
	if err := verifySignature(cert, sp.Proposal, sp.Signature); err != nil {
		return nil, refuse(prop.TxID, "proposal signature: %v", err)
	}
	return &openedProposal{raw: sp.Proposal, prop: prop, mspID: sid.Mspid, certPEM: sid.IdBytes, cert: cert}, nil
}

func checkTxID(prop proposal) error {
	if len(prop.TxID) != sha256.Size*2 {
		return refuse(prop.TxID, "transaction ID is not 64 hex digits")
	}
	if _, err := hex.DecodeString(prop.TxID); err != nil {
		return refuse(prop.TxID, "transaction ID is not hex")
	}
	if len(prop.Nonce) != nonceSize {
		return refuse(prop.TxID, "nonce has %d bytes, want %d", len(prop.Nonce), nonceSize)
	}
	if want := computeTxID(prop.Nonce, prop.Creator); prop.TxID != want {
		return refuse(prop.TxID, "transaction ID is not SHA-256(nonce || creator)")
	}
	return nil
}

// openedTx is a stored or submitted transaction whose two signatures hold.
type openedTx struct {
	raw    []byte
	prop   *openedProposal
	simRaw []byte
	sim    simulation
}

// openEnvelope decodes a transaction and checks the proposal signature, the
// transaction ID and the envelope signature; it does not check trust in the
// creator's certificate.
func openEnvelope(raw []byte) (*openedTx, error) {
	var env envelope
	if err := json.Unmarshal(raw, &env); err != nil {
		return nil, refuse("", "malformed envelope: %v", err)
	}
	var payload txPayload
	if err := json.Unmarshal(env.Payload, &payload); err != nil {
		return nil, refuse("", "malformed envelope payload: %v", err)
	}
	op, err := openProposal(&signedProposal{Proposal: payload.Proposal, Signature: payload.ProposalSignature})
	if err != nil {
		return nil, err
	}
	if err := verifySignature(op.cert, env.Payload, env.Signature); err != nil {
		return nil, refuse(op.prop.TxID, "envelope signature: %v", err)
	}
	tx := &openedTx{raw: raw, prop: op, simRaw: payload.Simulation}
	if err := json.Unmarshal(payload.Simulation, &tx.sim); err != nil {
		return nil, refuse(op.prop.TxID, "malformed simulation result: %v", err)
	}
	return tx, nil
}

func parseCertificate(certPEM []byte) (*x509.Certificate, error) {
	block, _ := pem.Decode(certPEM)
	if block == nil || block.Type != "CERTIFICATE" {
		return nil, errors.New("no PEM CERTIFICATE block")
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("parse certificate: %w", err)
	}
	return cert, nil
}

// verifySignature checks an ECDSA signature of SHA-256(msg) and, as Fabric
// does, refuses the high-S form.
func verifySignature(cert *x509.Certificate, msg, sig []byte) error {
	pub, ok := cert.PublicKey.(*ecdsa.PublicKey)
	if !ok {
		return fmt.Errorf("certificate key is %T, not ECDSA", cert.PublicKey)
	}
	digest := sha256.Sum256(msg)
	if !ecdsa.VerifyASN1(pub, digest[:], sig) {
		return errors.New("does not verify against the creator's certificate")
	}
	var parsed struct{ R, S *big.Int }
	if _, err := asn1.Unmarshal(sig, &parsed); err != nil {
		return fmt.Errorf("parse signature: %w", err)
	}
	if parsed.S.Cmp(new(big.Int).Rsh(pub.Curve.Params().N, 1)) > 0 {
		return errors.New("signature is not in low-S form")
	}
	return nil
}
