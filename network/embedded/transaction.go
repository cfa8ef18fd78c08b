package embedded

import (
	"encoding/json"
	"time"
)

// proposal is what a client asks the ledger to execute. It is serialised with
// encoding/json, whose output for these structs is canonical (fixed field
// order, no maps), and those exact bytes are signed and stored.
type proposal struct {
	ChannelID string    `json:"channel_id"`
	TxID      string    `json:"tx_id"`
	Timestamp time.Time `json:"timestamp"`
	// Creator is a protobuf msp.SerializedIdentity, as in Fabric.
	Creator []byte `json:"creator"`
	Nonce   []byte `json:"nonce"`
	// Args holds the function name followed by its arguments.
	Args []string `json:"args"`
}

// signedProposal carries the proposal bytes and the creator's signature of
// their SHA-256.
type signedProposal struct {
	Proposal  json.RawMessage `json:"proposal"`
	Signature []byte          `json:"signature"`
}

// simulation is what executing a proposal produced: the chaincode response,
// its event and its read-write set.
type simulation struct {
	Status  int32           `json:"status"`
	Message string          `json:"message,omitempty"`
	Payload []byte          `json:"payload,omitempty"`
	Event   *chaincodeEvent `json:"event,omitempty"`
	RWSet   rwSet           `json:"rwset"`
}

type chaincodeEvent struct {
	Name    string `json:"name"`
	Payload []byte `json:"payload,omitempty"`
}

// txPayload binds a signed proposal to its simulation; the creator signs it
// again once the result is known, as a Fabric client signs the envelope.
type txPayload struct {
	Proposal          json.RawMessage `json:"proposal"`
	ProposalSignature []byte          `json:"proposal_signature"`
	Simulation        json.RawMessage `json:"simulation"`
}

// envelope is a transaction as stored in a block.
type envelope struct {
	Payload   json.RawMessage `json:"payload"`
	Signature []byte          `json:"signature"`
}

// rwSet records what a simulation read and wrote. Reads and writes are
// sorted by key so that the encoding is deterministic.
type rwSet struct {
	Reads      []kvRead    `json:"reads,omitempty"`
	Ranges     []rangeRead `json:"ranges,omitempty"`
	Writes     []kvWrite   `json:"writes,omitempty"`
	MetaWrites []metaWrite `json:"meta_writes,omitempty"`
}

// kvRead is a key read and the version seen; a nil Version means the key did
// not exist.
type kvRead struct {
	Key     string   `json:"key"`
	Version *version `json:"version"`
}

// rangeRead is a range query [Start, End) and the keys it returned; End ""
// means unbounded. The committer re-runs it to detect phantoms.
type rangeRead struct {
	Start   string   `json:"start"`
	End     string   `json:"end"`
	Results []kvRead `json:"results"`
}

// kvWrite is a put, or a delete when Delete is set (an empty value is a
// delete, as in Fabric).
type kvWrite struct {
	Key    string `json:"key"`
	Value  []byte `json:"value,omitempty"`
	Delete bool   `json:"delete,omitempty"`
}

// metaWrite sets one metadata entry of a key (the key-level validation
// parameter); an empty Value removes it.
type metaWrite struct {
	Key   string `json:"key"`
	Name  string `json:"name"`
	Value []byte `json:"value,omitempty"`
}
