package embedded

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
	"github.com/hyperledger/fabric-protos-go-apiv2/ledger/queryresult"
	"github.com/syndtr/goleveldb/leveldb/util"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// GetHistoryForKey returns the committed writes of key, newest first as in
// Fabric 2.x. Like Fabric it records no read: history is not re-checked at
// commit.
func (s *stub) GetHistoryForKey(key string) (shim.HistoryQueryIteratorInterface, error) {
	if key == "" {
		return nil, errors.New("key must not be an empty string")
	}
	it := s.snap.NewIterator(util.BytesPrefix(historyPrefix(key)), nil)
	defer it.Release()
	var mods []*queryresult.KeyModification
	for ok := it.Last(); ok; ok = it.Prev() {
		var e historyEntry
		if err := json.Unmarshal(it.Value(), &e); err != nil {
			return nil, s.noteFault(fmt.Errorf("read history of %q: %w", key, err))
		}
		mods = append(mods, &queryresult.KeyModification{
			TxId:      e.TxID,
			Value:     e.Value,
			Timestamp: timestamppb.New(e.Timestamp),
			IsDelete:  e.IsDelete,
		})
	}
	if err := it.Error(); err != nil {
		return nil, s.noteFault(fmt.Errorf("read history of %q: %w", key, err))
	}
	return &historyIterator{mods: mods}, nil
}

// historyIterator iterates materialised history results.
type historyIterator struct {
	mods []*queryresult.KeyModification
	pos  int
}

func (it *historyIterator) HasNext() bool { return it.pos < len(it.mods) }

func (it *historyIterator) Close() error { return nil }

func (it *historyIterator) Next() (*queryresult.KeyModification, error) {
	if !it.HasNext() {
		return nil, errors.New("iterator exhausted")
	}
	m := it.mods[it.pos]
	it.pos++
	return m, nil
}
