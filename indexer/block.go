package indexer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"zonetrace/chaincode/model"
	"zonetrace/internal/sealing"
	"zonetrace/network/ledger"
)

// GapError reports a block beyond the checkpoint: blocks in between were never
// applied, so applying this one would lose them.
type GapError struct {
	Block      uint64
	Checkpoint uint64
}

func (e *GapError) Error() string {
	return fmt.Sprintf("indexer: block %d received but checkpoint expects block %d", e.Block, e.Checkpoint)
}

// BlockError is a committed block the indexer failed to apply. Poison says
// the failure is a property of the block (an event this indexer cannot read,
// a value PostgreSQL refuses) and would repeat on every retry; otherwise it
// is transient (the database or the stream was unreachable, a transaction was
// aborted for concurrency) and a retry is expected to succeed.
type BlockError struct {
	Block  uint64
	Poison bool
	Err    error
}

func (e *BlockError) Error() string { return fmt.Sprintf("apply block %d: %v", e.Block, e.Err) }

func (e *BlockError) Unwrap() error { return e.Err }

// applyBlock writes block b, its projections and the advanced checkpoint in
// one PostgreSQL transaction and returns the checkpoint after it. A block
// below the checkpoint was already applied and is skipped; one above it is a
// *GapError. The checkpoint row is locked, so concurrent indexers serialise.
// Any other failure is a *BlockError.
func (ix *Indexer) applyBlock(ctx context.Context, b ledger.Block) (uint64, error) {
	return ix.applyBlocks(ctx, []ledger.Block{b})
}

// applyBlocks is applyBlock for consecutive blocks in one PostgreSQL
// transaction: one checkpoint lock, one commit and one notification for all
// of them, which is what lets an indexer that fell behind catch up. If the
// group fails, its blocks are applied one at a time, so that the blocks
// before a failing one are kept and the *BlockError names the failing one.
func (ix *Indexer) applyBlocks(ctx context.Context, blocks []ledger.Block) (uint64, error) {
	next, failed, err := ix.applyGroup(ctx, blocks)
	if err == nil || len(blocks) == 1 {
		return next, err
	}
	var gap *GapError
	if errors.As(err, &gap) {
		return 0, err
	}
	ix.log.DebugContext(ctx, "indexer: a group of blocks failed; applying them one at a time",
		"first", blocks[0].Number, "blocks", len(blocks), "failed", failed, "err", err)
	for _, b := range blocks {
		if next, _, err = ix.applyGroup(ctx, []ledger.Block{b}); err != nil {
			return 0, err
		}
	}
	return next, nil
}

// applyGroup applies consecutive blocks in one transaction and returns the
// checkpoint after them, or the number of the block that failed.
func (ix *Indexer) applyGroup(ctx context.Context, blocks []ledger.Block) (next, failed uint64, err error) {
	last := blocks[len(blocks)-1].Number
	for i, b := range blocks {
		if b.Number >= math.MaxInt64 {
			return 0, b.Number, &BlockError{Block: b.Number, Poison: true, Err: errors.New("block number out of range")}
		}
		if i > 0 && b.Number != blocks[i-1].Number+1 {
			return 0, b.Number, fmt.Errorf("indexer: block %d follows block %d in one group", b.Number, blocks[i-1].Number)
		}
	}
	next = last + 1
	failed = blocks[0].Number
	poison := false
	err = pgx.BeginTxFunc(ctx, ix.pool, pgx.TxOptions{}, func(tx pgx.Tx) error {
		var cp int64
		if err := tx.QueryRow(ctx, `SELECT next_block FROM indexer_checkpoint FOR UPDATE`).Scan(&cp); err != nil {
			return fmt.Errorf("lock checkpoint: %w", err)
		}
		checkpoint := uint64(cp)
		switch {
		case last < checkpoint:
			next = checkpoint
			return nil
		case blocks[0].Number > checkpoint:
			return &GapError{Block: blocks[0].Number, Checkpoint: checkpoint}
		}
		first := checkpoint // blocks below it were applied already
		for _, b := range blocks[first-blocks[0].Number:] {
			failed = b.Number
			batch := &pgx.Batch{}
			if err := queueBlock(batch, b, ix.sealer); err != nil {
				poison = true
				return err
			}
			if b.Number == last {
				batch.Queue(`UPDATE indexer_checkpoint SET next_block = $1, updated_at = now()`, int64(next))
				batch.Queue(`UPDATE indexer_alarms SET resolved_at = now()
					WHERE block_number BETWEEN $1 AND $2 AND resolved_at IS NULL`, int64(first), int64(last))
				// Delivered only when the transaction commits.
				batch.Queue(`SELECT pg_notify($1, $2)`, NotifyChannel, strconv.FormatUint(next, 10))
			}
			if err := tx.SendBatch(ctx, batch).Close(); err != nil {
				return fmt.Errorf("write rows: %w", err)
			}
			if err := applyCockpit(ctx, tx, ix.sealer, b); err != nil {
				poison = errors.Is(err, errCockpitData)
				return err
			}
		}
		return nil
	})
	var gap *GapError
	switch {
	case err == nil:
		return next, 0, nil
	case errors.As(err, &gap):
		return 0, failed, err
	default:
		return 0, failed, &BlockError{Block: failed, Poison: poison || refusedByDatabase(err), Err: err}
	}
}

// refusedByDatabase reports a PostgreSQL error that the same statements
// would meet again: a data exception, a broken constraint, an undefined
// object. Connection failures, timeouts, cancellations, lack of resources,
// read-only servers and serialisation failures are transient; errors that
// are not PostgreSQL's (a lost connection, a cancelled context) are too.
func refusedByDatabase(err error) bool {
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || len(pgErr.Code) < 2 {
		return false
	}
	switch pgErr.Code[:2] {
	case "08", // connection exception
		"25", // invalid transaction state (a read-only standby after fail-over)
		"40", // transaction rollback: serialisation failure, deadlock
		"53", // insufficient resources: disk full, too many connections
		"55", // object not in prerequisite state: lock not available
		"57", // operator intervention: shutdown, statement timeout
		"58": // system error: I/O
		return false
	}
	return true
}

// queueBlock queues every transaction of b and the projections of the valid
// ones. Nothing is queued when an event cannot be decoded.
func queueBlock(batch *pgx.Batch, b ledger.Block, s *sealing.Sealer) error {
	block := int64(b.Number)
	queueLedgerBlock(batch, b)
	var explorer explorerRows
	for _, t := range b.Transactions {
		if err := explorer.addTransaction(block, t); err != nil {
			return fmt.Errorf("transaction %s: %w", t.ID, err)
		}
		if !t.Valid || t.Event == nil || t.Event.Name != model.EventName {
			continue
		}
		env, err := decodeEnvelope(t.Event.Payload)
		if err != nil {
			return fmt.Errorf("transaction %s: %w", t.ID, err)
		}
		storeTexts(&env)
		explorer.addSubjects(block, t.Index, env.Events)
		receipts := 0
		for i, ev := range env.Events {
			pos := position{block: block, txIndex: t.Index, event: i, receipt: receipts}
			if err := queueEvent(batch, pos, ev, s); err != nil {
				return fmt.Errorf("transaction %s event %d (%s): %w", t.ID, i, ev.Type, err)
			}
			if ev.Type == model.EventReceiptIssued {
				receipts++
			}
		}
	}
	explorer.queue(batch)
	return nil
}

// position is where an event sits in the chain.
type position struct {
	block   int64
	txIndex int
	event   int
	// receipt is the ordinal of a receipt event among its transaction's
	// receipts.
	receipt int
}

// UnsupportedSchemaError reports an event envelope written under a schema
// version this indexer does not know; guessing its meaning could corrupt the
// read model, so the block is refused until the indexer is upgraded.
type UnsupportedSchemaError struct {
	Version int
}

func (e *UnsupportedSchemaError) Error() string {
	return fmt.Sprintf("indexer: unsupported event schema version %d (this indexer reads version %d)",
		e.Version, model.EventSchemaVersion)
}

func decodeEnvelope(payload []byte) (model.EventEnvelope, error) {
	var env model.EventEnvelope
	if err := json.Unmarshal(payload, &env); err != nil {
		return env, fmt.Errorf("decode event envelope: %w", err)
	}
	if env.Schema != model.EventSchemaVersion {
		return env, &UnsupportedSchemaError{Version: env.Schema}
	}
	return env, nil
}
