package fabricledger

import (
	"crypto/ecdsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/asn1"
	"encoding/pem"
	"fmt"
	"math/big"
	"time"

	"github.com/hyperledger/fabric-chaincode-go/v2/pkg/cid"
	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"github.com/hyperledger/fabric-protos-go-apiv2/ledger/rwset"
	"github.com/hyperledger/fabric-protos-go-apiv2/ledger/rwset/kvrwset"
	"github.com/hyperledger/fabric-protos-go-apiv2/msp"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"google.golang.org/protobuf/proto"

	"zonetrace/network/ledger"
)

// BlockHash is Fabric's block header hash: SHA-256 of the ASN.1 DER encoding
// of {number, previous hash, data hash}, which the next block's header
// carries as its previous hash.
func BlockHash(h *common.BlockHeader) []byte {
	der, err := asn1.Marshal(struct {
		Number       *big.Int
		PreviousHash []byte
		DataHash     []byte
	}{new(big.Int).SetUint64(h.GetNumber()), h.GetPreviousHash(), h.GetDataHash()})
	if err != nil {
		// Only a nil *big.Int fails to encode; it never is one here.
		panic(fmt.Sprintf("encode block header: %v", err))
	}
	sum := sha256.Sum256(der)
	return sum[:]
}

// DataHash is Fabric's block data hash: SHA-256 over the envelopes' bytes
// concatenated.
func DataHash(d *common.BlockData) []byte {
	h := sha256.New()
	for _, env := range d.GetData() {
		h.Write(env)
	}
	return h.Sum(nil)
}

// parsedTx is one transaction envelope taken apart.
type parsedTx struct {
	env       *common.Envelope
	payload   *common.Payload
	header    *common.ChannelHeader
	creator   []byte
	sid       *msp.SerializedIdentity
	action    *peer.ChaincodeActionPayload // nil unless an endorser transaction
	response  *peer.ProposalResponsePayload
	ccAction  *peer.ChaincodeAction
	arguments [][]byte
}

func parseTx(raw []byte) (*parsedTx, error) {
	t := &parsedTx{env: &common.Envelope{}, payload: &common.Payload{}, header: &common.ChannelHeader{}, sid: &msp.SerializedIdentity{}}
	if err := proto.Unmarshal(raw, t.env); err != nil {
		return nil, fmt.Errorf("decode envelope: %w", err)
	}
	if err := proto.Unmarshal(t.env.GetPayload(), t.payload); err != nil {
		return nil, fmt.Errorf("decode payload: %w", err)
	}
	if err := proto.Unmarshal(t.payload.GetHeader().GetChannelHeader(), t.header); err != nil {
		return nil, fmt.Errorf("decode channel header: %w", err)
	}
	var shdr common.SignatureHeader
	if err := proto.Unmarshal(t.payload.GetHeader().GetSignatureHeader(), &shdr); err != nil {
		return nil, fmt.Errorf("decode signature header: %w", err)
	}
	t.creator = shdr.GetCreator()
	if err := proto.Unmarshal(t.creator, t.sid); err != nil {
		return nil, fmt.Errorf("decode creator: %w", err)
	}
	if common.HeaderType(t.header.GetType()) != common.HeaderType_ENDORSER_TRANSACTION {
		return t, nil
	}
	var tx peer.Transaction
	if err := proto.Unmarshal(t.payload.GetData(), &tx); err != nil {
		return nil, fmt.Errorf("decode transaction: %w", err)
	}
	if len(tx.GetActions()) != 1 {
		return nil, fmt.Errorf("transaction has %d actions, want 1", len(tx.GetActions()))
	}
	t.action = &peer.ChaincodeActionPayload{}
	if err := proto.Unmarshal(tx.GetActions()[0].GetPayload(), t.action); err != nil {
		return nil, fmt.Errorf("decode chaincode action payload: %w", err)
	}
	var cpp peer.ChaincodeProposalPayload
	if err := proto.Unmarshal(t.action.GetChaincodeProposalPayload(), &cpp); err != nil {
		return nil, fmt.Errorf("decode proposal payload: %w", err)
	}
	var cis peer.ChaincodeInvocationSpec
	if err := proto.Unmarshal(cpp.GetInput(), &cis); err != nil {
		return nil, fmt.Errorf("decode invocation spec: %w", err)
	}
	t.arguments = cis.GetChaincodeSpec().GetInput().GetArgs()
	t.response = &peer.ProposalResponsePayload{}
	if err := proto.Unmarshal(t.action.GetAction().GetProposalResponsePayload(), t.response); err != nil {
		return nil, fmt.Errorf("decode proposal response payload: %w", err)
	}
	t.ccAction = &peer.ChaincodeAction{}
	if err := proto.Unmarshal(t.response.GetExtension(), t.ccAction); err != nil {
		return nil, fmt.Errorf("decode chaincode action: %w", err)
	}
	return t, nil
}

// validationCodes returns the peer's verdict on each transaction of b.
func validationCodes(b *common.Block) ([]peer.TxValidationCode, error) {
	meta := b.GetMetadata().GetMetadata()
	idx := int(common.BlockMetadataIndex_TRANSACTIONS_FILTER)
	n := len(b.GetData().GetData())
	if len(meta) <= idx || len(meta[idx]) != n {
		return nil, fmt.Errorf("block %d: transaction filter does not cover its %d transactions", b.GetHeader().GetNumber(), n)
	}
	codes := make([]peer.TxValidationCode, n)
	for i, c := range meta[idx] {
		codes[i] = peer.TxValidationCode(c)
	}
	return codes, nil
}

// toLedgerBlock converts a committed block for listeners. Only chaincode's
// events are passed on; transactions of other kinds (channel configuration,
// chaincode lifecycle) appear without event. Configuration transactions
// carry no transaction ID in Fabric; they get "config-<block>-<index>" so
// that every valid transaction has a unique ID.
func toLedgerBlock(b *common.Block, chaincode string) (ledger.Block, error) {
	number := b.GetHeader().GetNumber()
	codes, err := validationCodes(b)
	if err != nil {
		return ledger.Block{}, err
	}
	out := ledger.Block{
		Number:       number,
		Hash:         BlockHash(b.GetHeader()),
		PreviousHash: b.GetHeader().GetPreviousHash(),
		DataHash:     b.GetHeader().GetDataHash(),
		Transactions: make([]ledger.Transaction, len(codes)),
	}
	for i, raw := range b.GetData().GetData() {
		t, err := parseTx(raw)
		if err != nil {
			return ledger.Block{}, fmt.Errorf("read block %d transaction %d: %w", number, i, err)
		}
		tx := ledger.Transaction{
			ID:             t.header.GetTxId(),
			Index:          i,
			Valid:          codes[i] == peer.TxValidationCode_VALID,
			ValidationCode: codes[i].String(),
			Creator:        ledger.Creator{MspID: t.sid.GetMspid(), CertPEM: t.sid.GetIdBytes()},
			Raw:            raw,
		}
		if ts := t.header.GetTimestamp(); ts != nil {
			tx.Timestamp = ts.AsTime().UTC().Truncate(time.Microsecond)
		}
		if tx.ID == "" {
			tx.ID = fmt.Sprintf("config-%d-%d", number, i)
		}
		if len(t.sid.GetIdBytes()) > 0 {
			if tx.Creator.ID, err = clientID(t.creator); err != nil {
				return ledger.Block{}, fmt.Errorf("read block %d transaction %d: %w", number, i, err)
			}
		}
		if t.action != nil {
			if len(t.arguments) > 0 {
				tx.Function = string(t.arguments[0])
			}
			if tx.Endorsements, err = endorsements(t.action); err != nil {
				return ledger.Block{}, fmt.Errorf("read block %d transaction %d: %w", number, i, err)
			}
			if tx.Writes, err = keyWrites(t.ccAction); err != nil {
				return ledger.Block{}, fmt.Errorf("read block %d transaction %d: %w", number, i, err)
			}
			if ev, err := chaincodeEvent(t.ccAction, chaincode); err != nil {
				return ledger.Block{}, fmt.Errorf("read block %d transaction %d: %w", number, i, err)
			} else if ev != nil {
				tx.Event = ev
			}
		}
		out.Transactions[i] = tx
	}
	return out, nil
}

func chaincodeEvent(a *peer.ChaincodeAction, chaincode string) (*ledger.ChaincodeEvent, error) {
	if len(a.GetEvents()) == 0 {
		return nil, nil
	}
	var ev peer.ChaincodeEvent
	if err := proto.Unmarshal(a.GetEvents(), &ev); err != nil {
		return nil, fmt.Errorf("decode chaincode event: %w", err)
	}
	if ev.GetChaincodeId() != chaincode || ev.GetEventName() == "" {
		return nil, nil
	}
	return &ledger.ChaincodeEvent{Name: ev.GetEventName(), Payload: ev.GetPayload()}, nil
}

// endorsements lists the endorsers of an endorser transaction and whether
// each signature over (proposal response payload || endorser) verifies
// against the endorser's own certificate; trust in the certificate is
// VerifyChain's concern.
func endorsements(action *peer.ChaincodeActionPayload) ([]ledger.Endorsement, error) {
	prp := action.GetAction().GetProposalResponsePayload()
	var out []ledger.Endorsement
	for j, e := range action.GetAction().GetEndorsements() {
		var endorser msp.SerializedIdentity
		if err := proto.Unmarshal(e.GetEndorser(), &endorser); err != nil {
			return nil, fmt.Errorf("endorsement %d: decode endorser: %w", j, err)
		}
		msg := append(append([]byte(nil), prp...), e.GetEndorser()...)
		out = append(out, ledger.Endorsement{
			MspID:          endorser.GetMspid(),
			CertPEM:        endorser.GetIdBytes(),
			SignatureValid: signatureHolds(endorser.GetIdBytes(), msg, e.GetSignature()),
		})
	}
	return out, nil
}

// signatureHolds reports whether sig is the ECDSA signature of SHA-256(msg)
// by the key of the PEM certificate certPEM.
func signatureHolds(certPEM, msg, sig []byte) bool {
	block, _ := pem.Decode(certPEM)
	if block == nil {
		return false
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return false
	}
	pub, ok := cert.PublicKey.(*ecdsa.PublicKey)
	if !ok {
		return false
	}
	digest := sha256.Sum256(msg)
	return ecdsa.VerifyASN1(pub, digest[:], sig)
}

// keyWrites lists the public keys the chaincode action wrote, namespace by
// namespace in rwset order.
func keyWrites(a *peer.ChaincodeAction) ([]ledger.KeyWrite, error) {
	if len(a.GetResults()) == 0 {
		return nil, nil
	}
	var set rwset.TxReadWriteSet
	if err := proto.Unmarshal(a.GetResults(), &set); err != nil {
		return nil, fmt.Errorf("decode read-write set: %w", err)
	}
	var out []ledger.KeyWrite
	for _, ns := range set.GetNsRwset() {
		var kv kvrwset.KVRWSet
		if err := proto.Unmarshal(ns.GetRwset(), &kv); err != nil {
			return nil, fmt.Errorf("decode read-write set of %s: %w", ns.GetNamespace(), err)
		}
		for _, w := range kv.GetWrites() {
			out = append(out, ledger.KeyWrite{Namespace: ns.GetNamespace(), Key: w.GetKey(), Delete: w.GetIsDelete()})
		}
	}
	return out, nil
}

// creatorBytes lets cid compute the client ID exactly as the chaincode's
// GetClientIdentity().GetID() does: base64 of x509::<subject>::<issuer>.
type creatorBytes []byte

func (c creatorBytes) GetCreator() ([]byte, error) { return c, nil }

func clientID(creator []byte) (string, error) {
	ci, err := cid.New(creatorBytes(creator))
	if err != nil {
		return "", fmt.Errorf("read creator: %w", err)
	}
	id, err := ci.GetID()
	if err != nil {
		return "", fmt.Errorf("read creator ID: %w", err)
	}
	return id, nil
}
