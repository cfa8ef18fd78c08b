package embedded

import (
	"cmp"
	"maps"
	"slices"
)

// rwRecorder accumulates a simulation's reads and writes.
type rwRecorder struct {
	reads      map[string]kvRead
	ranges     []rangeRead
	writes     map[string]kvWrite
	metaWrites map[[2]string]metaWrite
}

func newRWRecorder() *rwRecorder {
	return &rwRecorder{
		reads:      map[string]kvRead{},
		writes:     map[string]kvWrite{},
		metaWrites: map[[2]string]metaWrite{},
	}
}

// read records the version a key had; the first read of a key is the one
// that counts, as all reads come from the same snapshot.
func (r *rwRecorder) read(key string, v *version) {
	if _, seen := r.reads[key]; !seen {
		r.reads[key] = kvRead{Key: key, Version: v}
	}
}

func (r *rwRecorder) put(key string, value []byte) {
	if len(value) == 0 {
		r.writes[key] = kvWrite{Key: key, Delete: true}
		return
	}
	r.writes[key] = kvWrite{Key: key, Value: slices.Clone(value)}
}

func (r *rwRecorder) del(key string) {
	r.writes[key] = kvWrite{Key: key, Delete: true}
}

func (r *rwRecorder) putMeta(key, name string, value []byte) {
	r.metaWrites[[2]string{key, name}] = metaWrite{Key: key, Name: name, Value: slices.Clone(value)}
}

func (r *rwRecorder) hasWrites() bool {
	return len(r.writes) > 0 || len(r.metaWrites) > 0
}

// set returns the recorded sets in a deterministic order.
func (r *rwRecorder) set() rwSet {
	s := rwSet{Ranges: r.ranges}
	for _, k := range slices.Sorted(maps.Keys(r.reads)) {
		s.Reads = append(s.Reads, r.reads[k])
	}
	for _, k := range slices.Sorted(maps.Keys(r.writes)) {
		s.Writes = append(s.Writes, r.writes[k])
	}
	metas := slices.Collect(maps.Values(r.metaWrites))
	slices.SortFunc(metas, func(a, b metaWrite) int {
		return cmp.Or(cmp.Compare(a.Key, b.Key), cmp.Compare(a.Name, b.Name))
	})
	s.MetaWrites = metas
	return s
}
