package embedded

import (
	"errors"
	"fmt"
	"strings"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
	"github.com/hyperledger/fabric-protos-go-apiv2/ledger/queryresult"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"github.com/syndtr/goleveldb/leveldb/util"
)

// The composite-key constants of the Fabric shim.
const (
	compositeKeyNamespace = "\x00"
	maxUnicodeRune        = "\U0010FFFF"
	// emptyKeySubstitute replaces an empty range start so that simple-key
	// ranges never reach composite keys, as in the Fabric shim.
	emptyKeySubstitute = "\x01"
)

// scan returns the committed keys in [start, end) (end "" = unbounded), at
// most limit of them when limit > 0, and the first key left out ("" if
// none). The range and its results are recorded for phantom detection.
func (s *stub) scan(start, end string, limit int) ([]*queryresult.KV, string, error) {
	rng := &util.Range{Start: stateKey(start), Limit: []byte{prefixState + 1}}
	if end != "" {
		rng.Limit = stateKey(end)
	}
	it := s.snap.NewIterator(rng, nil)
	defer it.Release()
	var (
		kvs  []*queryresult.KV
		read = rangeRead{Start: start, End: end, Results: []kvRead{}}
		next string
	)
	for it.Next() {
		key := string(it.Key()[1:])
		if limit > 0 && len(kvs) == limit {
			next = key
			// The page ends before next: later keys were not seen, so
			// only [start, next) is checked for phantoms.
			read.End = next
			break
		}
		rec, err := decodeState(it.Value())
		if err != nil {
			return nil, "", s.noteFault(fmt.Errorf("scan state: %w", err))
		}
		v := rec.Version
		read.Results = append(read.Results, kvRead{Key: key, Version: &v})
		kvs = append(kvs, &queryresult.KV{Key: key, Value: rec.Value})
	}
	if err := it.Error(); err != nil {
		return nil, "", s.noteFault(fmt.Errorf("scan state: %w", err))
	}
	s.rw.ranges = append(s.rw.ranges, read)
	return kvs, next, nil
}

// GetStateByRange iterates committed keys in [startKey, endKey).
func (s *stub) GetStateByRange(startKey, endKey string) (shim.StateQueryIteratorInterface, error) {
	if startKey == "" {
		startKey = emptyKeySubstitute
	}
	if err := validateSimpleKeys(startKey, endKey); err != nil {
		return nil, err
	}
	kvs, _, err := s.scan(startKey, endKey, 0)
	if err != nil {
		return nil, err
	}
	return &stateIterator{kvs: kvs}, nil
}

// GetStateByRangeWithPagination returns one page of GetStateByRange.
func (s *stub) GetStateByRangeWithPagination(startKey, endKey string, pageSize int32, bookmark string) (shim.StateQueryIteratorInterface, *peer.QueryResponseMetadata, error) {
	if startKey == "" {
		startKey = emptyKeySubstitute
	}
	if err := validateSimpleKeys(startKey, endKey); err != nil {
		return nil, nil, err
	}
	return s.page(startKey, endKey, pageSize, bookmark)
}

// GetStateByPartialCompositeKey iterates the composite keys starting with
// objectType and attributes.
func (s *stub) GetStateByPartialCompositeKey(objectType string, attributes []string) (shim.StateQueryIteratorInterface, error) {
	start, end, err := partialCompositeRange(objectType, attributes)
	if err != nil {
		return nil, err
	}
	kvs, _, err := s.scan(start, end, 0)
	if err != nil {
		return nil, err
	}
	return &stateIterator{kvs: kvs}, nil
}

// GetStateByPartialCompositeKeyWithPagination returns one page of
// GetStateByPartialCompositeKey.
func (s *stub) GetStateByPartialCompositeKeyWithPagination(objectType string, attributes []string, pageSize int32, bookmark string) (shim.StateQueryIteratorInterface, *peer.QueryResponseMetadata, error) {
	start, end, err := partialCompositeRange(objectType, attributes)
	if err != nil {
		return nil, nil, err
	}
	return s.page(start, end, pageSize, bookmark)
}

// GetAllStatesCompositeKeyWithPagination returns one page of all composite
// keys.
func (s *stub) GetAllStatesCompositeKeyWithPagination(pageSize int32, bookmark string) (shim.StateQueryIteratorInterface, *peer.QueryResponseMetadata, error) {
	return s.page(compositeKeyNamespace, compositeKeyNamespace+maxUnicodeRune, pageSize, bookmark)
}

// page runs a paginated range query. The bookmark is the first key of the
// next page, "" once the range is exhausted; pageSize <= 0 means no limit.
func (s *stub) page(start, end string, pageSize int32, bookmark string) (shim.StateQueryIteratorInterface, *peer.QueryResponseMetadata, error) {
	if bookmark != "" {
		if bookmark < start || (end != "" && bookmark >= end) {
			return nil, nil, fmt.Errorf("bookmark %q is outside the queried range", bookmark)
		}
		start = bookmark
	}
	s.paginated = true
	kvs, next, err := s.scan(start, end, int(pageSize))
	if err != nil {
		return nil, nil, err
	}
	meta := &peer.QueryResponseMetadata{FetchedRecordsCount: int32(len(kvs)), Bookmark: next}
	return &stateIterator{kvs: kvs}, meta, nil
}

// CreateCompositeKey builds a composite key exactly as the Fabric shim does.
func (s *stub) CreateCompositeKey(objectType string, attributes []string) (string, error) {
	return shim.CreateCompositeKey(objectType, attributes)
}

// SplitCompositeKey splits a composite key into object type and attributes.
// Unlike the Fabric shim, which panics, it returns an error for a key that
// is not composite.
func (s *stub) SplitCompositeKey(compositeKey string) (string, []string, error) {
	if !strings.HasPrefix(compositeKey, compositeKeyNamespace) || !strings.HasSuffix(compositeKey, "\x00") || len(compositeKey) < 2 {
		return "", nil, fmt.Errorf("split composite key: %q is not a composite key", compositeKey)
	}
	parts := strings.Split(compositeKey[1:len(compositeKey)-1], "\x00")
	return parts[0], parts[1:], nil
}

func partialCompositeRange(objectType string, attributes []string) (string, string, error) {
	start, err := shim.CreateCompositeKey(objectType, attributes)
	if err != nil {
		return "", "", err
	}
	return start, start + maxUnicodeRune, nil
}

// validateSimpleKeys keeps simple-key ranges out of the composite-key
// namespace, with the Fabric shim's message.
func validateSimpleKeys(keys ...string) error {
	for _, key := range keys {
		if len(key) > 0 && key[0] == compositeKeyNamespace[0] {
			return fmt.Errorf(`first character of the key [%s] contains a null character which is not allowed`, key)
		}
	}
	return nil
}

// GetQueryResult is not supported: LevelDB has no rich queries in Fabric
// either.
func (s *stub) GetQueryResult(string) (shim.StateQueryIteratorInterface, error) {
	return nil, fmt.Errorf("rich query: %w", errUnsupported)
}

// GetQueryResultWithPagination is not supported.
func (s *stub) GetQueryResultWithPagination(string, int32, string) (shim.StateQueryIteratorInterface, *peer.QueryResponseMetadata, error) {
	return nil, nil, fmt.Errorf("rich query: %w", errUnsupported)
}

// stateIterator iterates materialised range results.
type stateIterator struct {
	kvs []*queryresult.KV
	pos int
}

func (it *stateIterator) HasNext() bool { return it.pos < len(it.kvs) }

func (it *stateIterator) Close() error { return nil }

func (it *stateIterator) Next() (*queryresult.KV, error) {
	if !it.HasNext() {
		return nil, errors.New("iterator exhausted")
	}
	kv := it.kvs[it.pos]
	it.pos++
	return kv, nil
}
