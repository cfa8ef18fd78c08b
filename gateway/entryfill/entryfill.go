// Package entryfill fills the trace code of an approved prefiling into the
// enterprise's entry draft (入区草单, docdrafts.Store.FillEntry). It follows
// the ledger's receipts in the read model from its own cursor: every
// prefiling approval issues one (model.PrefilingReceipt), in ledger order,
// so an approval made while the node was down, or replayed by a rebuild,
// is still seen exactly once. The job queue (internal/jobs) runs FillDue
// periodically; a fill is idempotent, so a crash between a fill and the
// cursor's move only repeats a fill that changes nothing.
package entryfill

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/validation"
	"zonetrace/indexer/query"
)

// cursorName names the fill's position in receipt_cursor (shared with the
// webhook deliverer's, under another name).
const cursorName = "entry_drafts"

// batch is how many receipts one read takes.
const batch = 200

// ReadModel is what the fill reads: the receipts in ledger order and the
// approved prefilings; *query.Reader is one.
type ReadModel interface {
	ReceiptsAfter(ctx context.Context, after query.ReceiptPosition, limit int) ([]query.PositionedReceipt, error)
	Prefiling(ctx context.Context, id string) (query.PrefilingView, error)
}

// Drafts fills an approved prefiling's entry draft; *docdrafts.Store is
// one.
type Drafts interface {
	FillEntry(ctx context.Context, p model.Prefiling) (outcome string, lines int, err error)
}

// Follower follows prefiling approvals and fills their entry drafts.
type Follower struct {
	pool   *pgxpool.Pool
	reads  ReadModel
	drafts Drafts
	log    *slog.Logger
}

// New returns a Follower whose cursor lives in pool.
func New(pool *pgxpool.Pool, reads ReadModel, drafts Drafts, log *slog.Logger) *Follower {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Follower{pool: pool, reads: reads, drafts: drafts, log: log}
}

// FillDue fills the entry drafts of the approvals after the cursor and
// returns how many approvals it handled. A failure leaves the cursor
// before the approval, to be retried next round; an approval whose draft
// cannot be made (a prefiling the draft checks refuse) is logged and
// passed, so it cannot hold up the ones after it.
func (f *Follower) FillDue(ctx context.Context) (int, error) {
	pos, err := f.cursor(ctx)
	if err != nil {
		return 0, err
	}
	handled := 0
	for {
		list, err := f.reads.ReceiptsAfter(ctx, pos, batch)
		if err != nil {
			return handled, fmt.Errorf("entry drafts: list receipts: %w", err)
		}
		for _, r := range list {
			if r.Receipt.Family == model.ReceiptFamilyPrefiling && r.Receipt.Action == model.ActionApprove {
				if err := f.fill(ctx, r.Receipt); err != nil {
					if moveErr := f.move(ctx, pos); moveErr != nil {
						return handled, errors.Join(err, moveErr)
					}
					return handled, err
				}
				handled++
			}
			pos = r.Position
		}
		if err := f.move(ctx, pos); err != nil {
			return handled, err
		}
		if len(list) < batch {
			return handled, nil
		}
	}
}

func (f *Follower) fill(ctx context.Context, r model.Receipt) error {
	p, err := f.reads.Prefiling(ctx, r.DocumentID)
	if err != nil {
		return fmt.Errorf("entry drafts: read prefiling %s: %w", r.DocumentID, err)
	}
	outcome, lines, err := f.drafts.FillEntry(ctx, p.Prefiling)
	var invalid validation.Problems
	if errors.As(err, &invalid) {
		f.log.Warn("entry draft not made", "prefilingId", p.ID, "err", err.Error())
		return nil
	}
	if err != nil {
		return err
	}
	if outcome != "" {
		f.log.Info("entry draft", "prefilingId", p.ID, "traceCode", p.TraceCode, "outcome", outcome, "lines", lines)
	}
	return nil
}

// cursor is the position after the last receipt looked at.
func (f *Follower) cursor(ctx context.Context) (query.ReceiptPosition, error) {
	var p query.ReceiptPosition
	err := f.pool.QueryRow(ctx, `SELECT block, event_index FROM receipt_cursor WHERE name = $1`, cursorName).Scan(&p.Block, &p.Index)
	if errors.Is(err, pgx.ErrNoRows) {
		return query.ReceiptPosition{Index: -1}, nil
	}
	if err != nil {
		return p, fmt.Errorf("entry drafts: read cursor: %w", err)
	}
	return p, nil
}

// move records the cursor, only ever forward.
func (f *Follower) move(ctx context.Context, p query.ReceiptPosition) error {
	if p.Index < 0 {
		return nil
	}
	if _, err := f.pool.Exec(ctx, `INSERT INTO receipt_cursor (name, block, event_index) VALUES ($1, $2, $3)
		ON CONFLICT (name) DO UPDATE SET block = EXCLUDED.block, event_index = EXCLUDED.event_index, updated_at = now()
		WHERE (receipt_cursor.block, receipt_cursor.event_index) < (EXCLUDED.block, EXCLUDED.event_index)`,
		cursorName, int64(p.Block), p.Index); err != nil {
		return fmt.Errorf("entry drafts: move cursor: %w", err)
	}
	return nil
}
