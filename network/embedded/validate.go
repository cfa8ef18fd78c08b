package embedded

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"

	"github.com/syndtr/goleveldb/leveldb"
	"github.com/syndtr/goleveldb/leveldb/util"
)

// validate decides a transaction's validation code as a Fabric committing
// peer does: duplicate transaction IDs, then MVCC on point reads, then
// phantoms on range reads, each against committed state plus the earlier
// valid transactions of the same block.
func (s *blockState) validate(tx *openedTx) (string, error) {
	txID := tx.prop.prop.TxID
	if s.seen[txID] {
		return codeDuplicateTxID, nil
	}
	dup, err := s.db.Has(txIDKey(txID), nil)
	if err != nil {
		return "", fmt.Errorf("check transaction ID %s: %w", txID, err)
	}
	if dup {
		return codeDuplicateTxID, nil
	}
	for _, r := range tx.sim.RWSet.Reads {
		rec, err := s.get(r.Key)
		if err != nil {
			return "", err
		}
		if !sameVersion(rec, r.Version) {
			return codeMVCCConflict, nil
		}
	}
	for _, rr := range tx.sim.RWSet.Ranges {
		now, err := s.rangeNow(rr.Start, rr.End)
		if err != nil {
			return "", err
		}
		if !sameResults(now, rr.Results) {
			return codePhantomRead, nil
		}
	}
	return codeValid, nil
}

func sameVersion(rec *stateRecord, v *version) bool {
	if rec == nil || v == nil {
		return rec == nil && v == nil
	}
	return rec.Version == *v
}

func sameResults(a, b []kvRead) bool {
	return slices.EqualFunc(a, b, func(x, y kvRead) bool {
		return x.Key == y.Key && x.Version != nil && y.Version != nil && *x.Version == *y.Version
	})
}

// rangeNow re-executes a range query over committed state and the overlay.
func (s *blockState) rangeNow(start, end string) ([]kvRead, error) {
	rng := &util.Range{Start: stateKey(start), Limit: []byte{prefixState + 1}}
	if end != "" {
		rng.Limit = stateKey(end)
	}
	found := map[string]version{}
	it := s.db.NewIterator(rng, nil)
	for it.Next() {
		rec, err := decodeState(it.Value())
		if err != nil {
			it.Release()
			return nil, fmt.Errorf("re-run range query: %w", err)
		}
		found[string(it.Key()[1:])] = rec.Version
	}
	it.Release()
	if err := it.Error(); err != nil {
		return nil, fmt.Errorf("re-run range query: %w", err)
	}
	for key, rec := range s.overlay {
		if key < start || (end != "" && key >= end) {
			continue
		}
		if rec == nil {
			delete(found, key)
		} else {
			found[key] = rec.Version
		}
	}
	out := make([]kvRead, 0, len(found))
	for _, key := range slices.Sorted(maps.Keys(found)) {
		v := found[key]
		out = append(out, kvRead{Key: key, Version: &v})
	}
	return out, nil
}

// apply stages a valid transaction's writes, metadata writes and history.
// A value write keeps the key's metadata, as in Fabric; a metadata write to
// a key that does not exist is ignored.
func (s *blockState) apply(wb *leveldb.Batch, tx *openedTx, v version) error {
	for _, w := range tx.sim.RWSet.Writes {
		old, err := s.get(w.Key)
		if err != nil {
			return err
		}
		entry := historyEntry{TxID: tx.prop.prop.TxID, Timestamp: tx.prop.prop.Timestamp}
		if w.Delete {
			s.overlay[w.Key] = nil
			wb.Delete(stateKey(w.Key))
			entry.IsDelete = true
		} else {
			rec := &stateRecord{Value: w.Value, Version: v}
			if old != nil {
				rec.Meta = old.Meta
			}
			if err := s.put(wb, w.Key, rec); err != nil {
				return err
			}
			entry.Value = w.Value
		}
		raw, err := json.Marshal(entry)
		if err != nil {
			return fmt.Errorf("encode history of %q: %w", w.Key, err)
		}
		wb.Put(historyKey(w.Key, v), raw)
	}
	for _, m := range tx.sim.RWSet.MetaWrites {
		old, err := s.get(m.Key)
		if err != nil {
			return err
		}
		if old == nil {
			continue
		}
		rec := &stateRecord{Value: old.Value, Version: v, Meta: maps.Clone(old.Meta)}
		if len(m.Value) == 0 {
			delete(rec.Meta, m.Name)
		} else {
			if rec.Meta == nil {
				rec.Meta = map[string][]byte{}
			}
			rec.Meta[m.Name] = m.Value
		}
		if err := s.put(wb, m.Key, rec); err != nil {
			return err
		}
	}
	return nil
}

func (s *blockState) put(wb *leveldb.Batch, key string, rec *stateRecord) error {
	raw, err := json.Marshal(rec)
	if err != nil {
		return fmt.Errorf("encode state of %q: %w", key, err)
	}
	s.overlay[key] = rec
	wb.Put(stateKey(key), raw)
	return nil
}
