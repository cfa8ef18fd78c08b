package embedded

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"time"
)

// LevelDB key layout. One database holds everything so that a block and all
// it implies are written by one atomic batch.
const (
	prefixBlock   = 'b' // b + be64(number) → storedBlock JSON
	prefixState   = 's' // s + key → stateRecord JSON
	prefixHistory = 'h' // h + be32(len key) + key + be64(block) + be64(tx) → historyEntry JSON
	prefixTxID    = 't' // t + txID → be64(block) + be64(tx)
	prefixMeta    = 'm' // m + name → value
)

var heightKey = []byte{prefixMeta, 'h', 'e', 'i', 'g', 'h', 't'}

func blockKey(n uint64) []byte {
	return binary.BigEndian.AppendUint64([]byte{prefixBlock}, n)
}

func stateKey(key string) []byte {
	return append([]byte{prefixState}, key...)
}

// historyPrefix length-prefixes the key so that the history of "a" never
// shares a prefix with the history of "ab".
func historyPrefix(key string) []byte {
	b := binary.BigEndian.AppendUint32([]byte{prefixHistory}, uint32(len(key)))
	return append(b, key...)
}

func historyKey(key string, v version) []byte {
	b := binary.BigEndian.AppendUint64(historyPrefix(key), v.Block)
	return binary.BigEndian.AppendUint64(b, v.Tx)
}

func txIDKey(txID string) []byte {
	return append([]byte{prefixTxID}, txID...)
}

func encodeVersion(v version) []byte {
	b := binary.BigEndian.AppendUint64(nil, v.Block)
	return binary.BigEndian.AppendUint64(b, v.Tx)
}

func encodeUint64(n uint64) []byte { return binary.BigEndian.AppendUint64(nil, n) }

func decodeUint64(b []byte) (uint64, error) {
	if len(b) != 8 {
		return 0, fmt.Errorf("decode counter: %d bytes, want 8", len(b))
	}
	return binary.BigEndian.Uint64(b), nil
}

// version is the height of the transaction that last wrote a key, as in
// Fabric.
type version struct {
	Block uint64 `json:"block"`
	Tx    uint64 `json:"tx"`
}

// stateRecord is the committed value of one key.
type stateRecord struct {
	Value   []byte            `json:"value"`
	Version version           `json:"version"`
	Meta    map[string][]byte `json:"meta,omitempty"`
}

// historyEntry is one committed write of a key.
type historyEntry struct {
	TxID      string    `json:"tx_id"`
	Value     []byte    `json:"value,omitempty"`
	IsDelete  bool      `json:"is_delete"`
	Timestamp time.Time `json:"timestamp"`
}

func decodeState(b []byte) (*stateRecord, error) {
	var rec stateRecord
	if err := json.Unmarshal(b, &rec); err != nil {
		return nil, fmt.Errorf("decode state record: %w", err)
	}
	return &rec, nil
}
