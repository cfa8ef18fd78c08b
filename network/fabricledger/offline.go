package fabricledger

import (
	"crypto/x509"
	"fmt"

	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"github.com/hyperledger/fabric-protos-go-apiv2/msp"
	"google.golang.org/protobuf/proto"
)

// HeaderHash is BlockHash of a header with these fields.
func HeaderHash(number uint64, previousHash, dataHash []byte) []byte {
	return BlockHash(&common.BlockHeader{Number: number, PreviousHash: previousHash, DataHash: dataHash})
}

// EnvelopesHash is DataHash over the block's envelopes.
func EnvelopesHash(envelopes [][]byte) []byte {
	return DataHash(&common.BlockData{Data: envelopes})
}

// CheckTransaction checks one committed envelope offline, as VerifyChain
// does: the creator's signature and every endorsement's, each against a
// certificate chaining to its MSP's CA in roots. It returns the transaction
// ID (empty for a configuration transaction, which it does not check).
func CheckTransaction(raw []byte, roots map[string]*x509.CertPool) (string, error) {
	t, err := parseTx(raw)
	if err != nil {
		return "", err
	}
	txID := t.header.GetTxId()
	if t.action == nil {
		return txID, nil
	}
	if err := verifySigned(roots, t.sid, t.env.GetPayload(), t.env.GetSignature()); err != nil {
		return txID, fmt.Errorf("creator signature: %w", err)
	}
	for j, e := range t.action.GetAction().GetEndorsements() {
		var endorser msp.SerializedIdentity
		if err := proto.Unmarshal(e.GetEndorser(), &endorser); err != nil {
			return txID, fmt.Errorf("endorsement %d: decode endorser: %w", j, err)
		}
		msg := append(append([]byte(nil), t.action.GetAction().GetProposalResponsePayload()...), e.GetEndorser()...)
		if err := verifySigned(roots, &endorser, msg, e.GetSignature()); err != nil {
			return txID, fmt.Errorf("endorsement %d by %s: %w", j, endorser.GetMspid(), err)
		}
	}
	return txID, nil
}
