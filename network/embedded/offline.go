package embedded

import (
	"encoding/json"
	"fmt"
)

// Offline checks of blocks and transactions taken out of the ledger (an
// evidence bundle): the same hashes and signature checks VerifyStore runs,
// on bytes rather than on the store.

// HeaderHash is the block hash of a header with these fields.
func HeaderHash(number uint64, previousHash, dataHash, metadataHash []byte) []byte {
	return blockHeader{Number: number, PreviousHash: previousHash, DataHash: dataHash, MetadataHash: metadataHash}.hash()
}

// DataHash is the header's data hash over the block's transactions.
func DataHash(txs [][]byte) []byte {
	raws := make([]json.RawMessage, len(txs))
	for i, tx := range txs {
		raws[i] = tx
	}
	return dataHash(raws)
}

// MetadataHash is the header's hash over the block's validation codes.
func MetadataHash(codes []string) []byte { return metadataHash(codes) }

// CheckedTransaction is a committed transaction whose transaction ID and
// both creator signatures hold.
type CheckedTransaction struct {
	TxID    string
	MspID   string
	CertPEM []byte
}

// CheckTransaction opens a committed transaction's bytes and checks its
// transaction ID and the creator's proposal and envelope signatures. Trust
// in the creator's certificate is the caller's check.
func CheckTransaction(raw []byte) (*CheckedTransaction, error) {
	tx, err := openEnvelope(raw)
	if err != nil {
		return nil, fmt.Errorf("check transaction: %w", err)
	}
	return &CheckedTransaction{TxID: tx.prop.prop.TxID, MspID: tx.prop.mspID, CertPEM: tx.prop.certPEM}, nil
}
