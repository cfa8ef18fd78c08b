package embedded

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"fmt"

	"zonetrace/network/ledger"
)

// Validation codes, named as in Fabric's peer.TxValidationCode.
const (
	codeValid         = "VALID"
	codeMVCCConflict  = ledger.CodeMVCCReadConflict
	codePhantomRead   = ledger.CodePhantomReadConflict
	codeDuplicateTxID = "DUPLICATE_TXID"
)

// storedBlock is a block as stored under its number. Data holds the
// transaction envelopes byte for byte; Metadata the validation code of each.
type storedBlock struct {
	Header   blockHeader       `json:"header"`
	Data     []json.RawMessage `json:"data"`
	Metadata blockMetadata     `json:"metadata"`
}

type blockHeader struct {
	Number       uint64 `json:"number"`
	PreviousHash []byte `json:"previous_hash,omitempty"`
	DataHash     []byte `json:"data_hash"`
	// MetadataHash covers the validation codes, which Fabric leaves outside
	// the header; here they are chained too so an auditor can trust them.
	MetadataHash []byte `json:"metadata_hash"`
}

type blockMetadata struct {
	ValidationCodes []string `json:"validation_codes"`
}

// hash is SHA-256 over number (8 bytes, big-endian) and the three 32-byte
// hashes; the genesis block's missing previous hash counts as zeros.
func (h blockHeader) hash() []byte {
	buf := binary.BigEndian.AppendUint64(make([]byte, 0, 8+3*sha256.Size), h.Number)
	prev := h.PreviousHash
	if len(prev) == 0 {
		prev = make([]byte, sha256.Size)
	}
	buf = append(buf, prev...)
	buf = append(buf, h.DataHash...)
	buf = append(buf, h.MetadataHash...)
	sum := sha256.Sum256(buf)
	return sum[:]
}

// dataHash is SHA-256 over each transaction's length (8 bytes, big-endian)
// followed by its bytes; the length prefix makes the split unambiguous.
func dataHash(txs []json.RawMessage) []byte {
	h := sha256.New()
	for _, tx := range txs {
		h.Write(binary.BigEndian.AppendUint64(nil, uint64(len(tx))))
		h.Write(tx)
	}
	return h.Sum(nil)
}

func metadataHash(codes []string) []byte {
	h := sha256.New()
	for _, c := range codes {
		h.Write(binary.BigEndian.AppendUint64(nil, uint64(len(c))))
		h.Write([]byte(c))
	}
	return h.Sum(nil)
}

func newStoredBlock(number uint64, previousHash []byte, txs []json.RawMessage, codes []string) *storedBlock {
	return &storedBlock{
		Header: blockHeader{
			Number:       number,
			PreviousHash: previousHash,
			DataHash:     dataHash(txs),
			MetadataHash: metadataHash(codes),
		},
		Data:     txs,
		Metadata: blockMetadata{ValidationCodes: codes},
	}
}

// encodeBlock is json.Marshal(b) without its second pass over the
// transactions: encoding/json re-validates and compacts every raw message,
// which for a full block is most of the committer's encoding time. The
// transactions are compact JSON already (encoding/json wrote them and admit
// decoded them), so splicing them in gives the same bytes
// (TestEncodeBlockIsJSONMarshal).
func encodeBlock(b *storedBlock) ([]byte, error) {
	header, err := json.Marshal(b.Header)
	if err != nil {
		return nil, fmt.Errorf("encode block header: %w", err)
	}
	metadata, err := json.Marshal(b.Metadata)
	if err != nil {
		return nil, fmt.Errorf("encode block metadata: %w", err)
	}
	if b.Data == nil {
		return json.Marshal(b)
	}
	size := len(header) + len(metadata) + len(`{"header":,"data":[],"metadata":}`)
	for _, tx := range b.Data {
		size += len(tx) + 1
	}
	out := make([]byte, 0, size)
	out = append(out, `{"header":`...)
	out = append(out, header...)
	out = append(out, `,"data":[`...)
	for i, tx := range b.Data {
		if i > 0 {
			out = append(out, ',')
		}
		out = append(out, tx...)
	}
	out = append(out, `],"metadata":`...)
	out = append(out, metadata...)
	return append(out, '}'), nil
}

func decodeBlock(raw []byte) (*storedBlock, error) {
	var b storedBlock
	if err := json.Unmarshal(raw, &b); err != nil {
		return nil, fmt.Errorf("decode block: %w", err)
	}
	if len(b.Data) != len(b.Metadata.ValidationCodes) {
		return nil, fmt.Errorf("decode block %d: %d transactions but %d validation codes",
			b.Header.Number, len(b.Data), len(b.Metadata.ValidationCodes))
	}
	return &b, nil
}
