package query

import (
	"context"

	"zonetrace/indexer"
)

// IndexerHealth is how far the mirror is and whether its indexer is parked.
type IndexerHealth struct {
	// IndexedHeight is the checkpoint: the number of blocks mirrored.
	IndexedHeight uint64
	// Parked is the block the indexer cannot project, nil when none.
	Parked *indexer.Alarm
}

// IndexerHealth reads the checkpoint and the open alarm, for /readyz.
func (r *Reader) IndexerHealth(ctx context.Context) (IndexerHealth, error) {
	var h IndexerHealth
	var err error
	if h.IndexedHeight, err = r.IndexedHeight(ctx); err != nil {
		return h, err
	}
	if h.Parked, err = indexer.OpenAlarm(ctx, r.pool); err != nil {
		return h, err
	}
	return h, nil
}
