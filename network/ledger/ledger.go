// Package ledger is the one narrow interface through which the gateway and the
// indexer reach a ledger. The embedded single-process ledger (network/embedded)
// and the Hyperledger Fabric client implement it, so everything above this
// package behaves identically in both modes.
package ledger

import (
	"context"
	"time"
)

// Signer is a client identity able to sign transactions: an X.509 certificate
// issued under one of the channel's MSPs and its private key. It mirrors
// fabric-gateway's identity.Identity plus identity.Sign so that a Fabric
// implementation can wrap it without conversion.
type Signer interface {
	MspID() string
	// Credentials returns the PEM-encoded X.509 certificate.
	Credentials() []byte
	// Sign signs a SHA-256 digest and returns an ASN.1 DER ECDSA signature.
	Sign(digest []byte) ([]byte, error)
}

// Ledger submits and evaluates chaincode transactions and streams committed
// blocks.
type Ledger interface {
	// Submit endorses, orders and commits one transaction invoking the named
	// chaincode function as signer, and returns once it is committed. A
	// chaincode rejection is returned as *ChaincodeError; a transaction
	// ordered but invalidated as *InvalidatedError (errors.Is ErrInvalidated),
	// which for an MVCC or phantom read conflict that survived the
	// implementation's own retries also matches ErrConflict.
	Submit(ctx context.Context, signer Signer, function string, args ...string) (*SubmitResult, error)
	// Evaluate runs a read-only query against the current state; nothing is
	// ordered or committed.
	Evaluate(ctx context.Context, signer Signer, function string, args ...string) ([]byte, error)
	// Listen calls handle for every committed block from block number from
	// onwards, in order, and blocks until ctx ends, handle fails, or the stream
	// breaks. It always returns a non-nil error; callers resume by calling
	// Listen again from their own checkpoint, so a broken stream is never
	// mistaken for the end of the chain.
	Listen(ctx context.Context, from uint64, handle func(Block) error) error
	// Height is the number of committed blocks (the next block number).
	Height(ctx context.Context) (uint64, error)
	Close() error
}

// SubmitResult describes a committed transaction.
type SubmitResult struct {
	TxID        string
	BlockNumber uint64
	// Payload is the chaincode function's return value.
	Payload []byte
}

// Block is a committed block as seen by listeners, with what a block
// explorer shows and an auditor needs to recompute its hashes.
type Block struct {
	Number uint64
	// Hash is the header hash, which the next block carries as PreviousHash.
	Hash         []byte
	PreviousHash []byte
	// DataHash is the header's hash over the transactions' raw bytes.
	DataHash []byte
	// MetadataHash is the embedded ledger's header hash over the validation
	// codes; Fabric leaves them outside the header, so it is nil there.
	MetadataHash []byte
	Transactions []Transaction
}

// Transaction is one transaction of a committed block. Invalid transactions
// (MVCC conflicts, bad signatures) appear with Valid false and must be
// skipped by projections.
type Transaction struct {
	ID             string
	Index          int
	Valid          bool
	ValidationCode string
	Creator        Creator
	Timestamp      time.Time
	// Function is the invoked chaincode function name.
	Function string
	// Event is the single chaincode event of the transaction, nil if none.
	Event *ChaincodeEvent
	// Endorsements are the peers' signatures over the transaction's result,
	// in block order; the embedded ledger has no endorsing peers, so none.
	Endorsements []Endorsement
	// Writes are the keys the transaction wrote or deleted, in rwset order.
	Writes []KeyWrite
	// Raw is the transaction exactly as committed in the block's data, the
	// bytes the block's data hash and the creator's signature cover.
	Raw []byte
}

// Creator identifies who submitted a transaction.
type Creator struct {
	MspID string
	// ID is the client id as the chaincode sees it (x509::subject::issuer).
	ID string
	// CertPEM is the creator's X.509 certificate as carried in the
	// transaction.
	CertPEM []byte
}

// Endorsement is one endorser's signature over a transaction's result.
type Endorsement struct {
	MspID   string
	CertPEM []byte
	// SignatureValid says the signature verifies against CertPEM's key; that
	// the certificate chains to its MSP is the auditor's check, not this one.
	SignatureValid bool
}

// KeyWrite is one key a transaction wrote (or deleted) in a chaincode
// namespace.
type KeyWrite struct {
	Namespace string
	Key       string
	Delete    bool
}

// ChaincodeEvent is the event a transaction set with SetEvent.
type ChaincodeEvent struct {
	Name    string
	Payload []byte
}
