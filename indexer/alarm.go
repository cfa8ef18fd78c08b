package indexer

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Alarm is a block an indexer is parked on because it cannot project it.
type Alarm struct {
	Block    uint64    `json:"block"`
	Reason   string    `json:"reason"`
	Attempts int       `json:"attempts"`
	FirstAt  time.Time `json:"firstAt"`
	LastAt   time.Time `json:"lastAt"`
}

// RowQuerier is a pool, connection or transaction.
type RowQuerier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// OpenAlarm returns the alarm of the block the mirror is parked on, or nil
// when there is none. An unresolved alarm below the checkpoint is stale (its
// block was applied by an indexer that did not know of it) and is ignored.
func OpenAlarm(ctx context.Context, q RowQuerier) (*Alarm, error) {
	var a Alarm
	var block int64
	err := q.QueryRow(ctx, `SELECT a.block_number, a.reason, a.attempts, a.first_at, a.last_at
		FROM indexer_alarms a, indexer_checkpoint c
		WHERE a.resolved_at IS NULL AND a.block_number >= c.next_block
		ORDER BY a.block_number LIMIT 1`).Scan(&block, &a.Reason, &a.Attempts, &a.FirstAt, &a.LastAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read indexer alarm: %w", err)
	}
	a.Block = uint64(block)
	return &a, nil
}
