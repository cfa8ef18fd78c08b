package receipts

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// cursorName names the deliverer's position in receipt_cursor.
const cursorName = "webhook"

// start is the position before the very first receipt.
var start = Position{Index: -1}

// cursor returns how far the deliverer has enqueued; start before the
// first receipt.
func (s *Store) cursor(ctx context.Context) (Position, error) {
	var p Position
	err := s.pool.QueryRow(ctx, `SELECT block, event_index FROM receipt_cursor WHERE name = $1`, cursorName).Scan(&p.Block, &p.Index)
	if errors.Is(err, pgx.ErrNoRows) {
		return start, nil
	}
	if err != nil {
		return Position{}, fmt.Errorf("read receipt cursor: %w", err)
	}
	return p, nil
}

// enqueue owes one delivery per receipt of an enterprise with a webhook and
// moves the cursor past the batch, in one transaction: a crash either
// enqueues the whole batch and moves on, or does neither, so no receipt is
// skipped and none is enqueued twice.
func (s *Store) enqueue(ctx context.Context, batch []Positioned) (int, error) {
	if len(batch) == 0 {
		return 0, nil
	}
	var enqueued int
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		for _, p := range batch {
			body, err := json.Marshal(p.Receipt)
			if err != nil {
				return fmt.Errorf("encode receipt %s: %w", p.Receipt.ID, err)
			}
			tag, err := tx.Exec(ctx, `INSERT INTO webhook_deliveries (receipt_id, enterprise_id, body)
				SELECT $1, $2, $3 WHERE EXISTS (SELECT 1 FROM webhooks WHERE enterprise_id = $2)
				ON CONFLICT (receipt_id, enterprise_id) DO NOTHING`, p.Receipt.ID, p.Receipt.EnterpriseID, body)
			if err != nil {
				return fmt.Errorf("enqueue delivery of %s: %w", p.Receipt.ID, err)
			}
			enqueued += int(tag.RowsAffected())
		}
		last := batch[len(batch)-1].Position
		// Only forward: a second gateway on the same database may be ahead.
		if _, err := tx.Exec(ctx, `INSERT INTO receipt_cursor (name, block, event_index) VALUES ($1, $2, $3)
			ON CONFLICT (name) DO UPDATE SET block = EXCLUDED.block, event_index = EXCLUDED.event_index, updated_at = now()
			WHERE (receipt_cursor.block, receipt_cursor.event_index) < (EXCLUDED.block, EXCLUDED.event_index)`,
			cursorName, last.Block, last.Index); err != nil {
			return fmt.Errorf("move receipt cursor: %w", err)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return enqueued, nil
}

// claimed is a delivery a sender has taken.
type claimed struct {
	receiptID    string
	enterpriseID string
	body         []byte
	attempts     int
}

// claim takes up to limit due deliveries for lease: until it runs out no
// other sender takes them, and if this one dies they fall due again.
func (s *Store) claim(ctx context.Context, lease time.Duration, limit int) ([]claimed, error) {
	rows, err := s.pool.Query(ctx, `UPDATE webhook_deliveries d SET next_attempt_at = now() + $1 * interval '1 millisecond'
		FROM (SELECT receipt_id, enterprise_id FROM webhook_deliveries
		      WHERE delivered_at IS NULL AND next_attempt_at <= now()
		      ORDER BY next_attempt_at, created_at LIMIT $2 FOR UPDATE SKIP LOCKED) due
		WHERE d.receipt_id = due.receipt_id AND d.enterprise_id = due.enterprise_id
		RETURNING d.receipt_id, d.enterprise_id, d.body, d.attempts`, lease.Milliseconds(), limit)
	if err != nil {
		return nil, fmt.Errorf("claim deliveries: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (claimed, error) {
		var c claimed
		err := row.Scan(&c.receiptID, &c.enterpriseID, &c.body, &c.attempts)
		return c, err
	})
	if err != nil {
		return nil, fmt.Errorf("claim deliveries: %w", err)
	}
	return out, nil
}

// delivered records an acknowledged attempt.
func (s *Store) delivered(ctx context.Context, c claimed, status int) error {
	if _, err := s.pool.Exec(ctx, `UPDATE webhook_deliveries SET attempts = attempts + 1, last_status = $3, last_error = '',
		last_attempt_at = now(), delivered_at = now() WHERE receipt_id = $1 AND enterprise_id = $2`,
		c.receiptID, c.enterpriseID, status); err != nil {
		return fmt.Errorf("record delivery of %s: %w", c.receiptID, err)
	}
	return nil
}

// failed records a failed attempt (status 0: no HTTP answer) and when to
// try again.
func (s *Store) failed(ctx context.Context, c claimed, status int, reason string, wait time.Duration) error {
	var st *int
	if status != 0 {
		st = &status
	}
	if _, err := s.pool.Exec(ctx, `UPDATE webhook_deliveries SET attempts = attempts + 1, last_status = $3, last_error = $4,
		last_attempt_at = now(), next_attempt_at = now() + $5 * interval '1 millisecond'
		WHERE receipt_id = $1 AND enterprise_id = $2 AND delivered_at IS NULL`,
		c.receiptID, c.enterpriseID, st, reason, wait.Milliseconds()); err != nil {
		return fmt.Errorf("record failed delivery of %s: %w", c.receiptID, err)
	}
	return nil
}

// unclaim hands back a claimed delivery that was not attempted (or whose
// attempt a stop aborted): due again at once, no attempt counted.
func (s *Store) unclaim(ctx context.Context, c claimed) error {
	if _, err := s.pool.Exec(ctx, `UPDATE webhook_deliveries SET next_attempt_at = now()
		WHERE receipt_id = $1 AND enterprise_id = $2 AND delivered_at IS NULL`, c.receiptID, c.enterpriseID); err != nil {
		return fmt.Errorf("hand back delivery of %s: %w", c.receiptID, err)
	}
	return nil
}
