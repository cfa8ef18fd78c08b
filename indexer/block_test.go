package indexer

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
	"zonetrace/indexer/internal/blockfeed"
	"zonetrace/internal/pgtest"
	"zonetrace/network/ledger"
)

func TestApplyBlock(t *testing.T) {
	t.Parallel()

	setup := func(t *testing.T) (*Indexer, *blockfeed.Feed, *blockfeed.Chain) {
		t.Helper()
		pool := pgtest.NewPool(t)
		require.NoError(t, Migrate(t.Context(), pool))
		feed := blockfeed.New()
		chain := blockfeed.NewChain(feed, time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC))
		chain.RegisterEnterprise("91320583MA1XYZ0001", "A")
		chain.RegisterEnterprise("91320583MA1XYZ0002", "B")
		return New(pool, feed), feed, chain
	}
	block := func(t *testing.T, feed *blockfeed.Feed, n uint64) ledger.Block {
		t.Helper()
		var b ledger.Block
		err := feed.Listen(t.Context(), n, func(got ledger.Block) error { b = got; return errStop })
		require.ErrorIs(t, err, errStop)
		return b
	}
	rows := func(t *testing.T, ix *Indexer) int {
		t.Helper()
		var n int
		require.NoError(t, ix.pool.QueryRow(t.Context(), `SELECT count(*) FROM ledger_transactions`).Scan(&n))
		return n
	}

	t.Run("a block already applied is skipped, not applied twice", func(t *testing.T) {
		t.Parallel()
		ix, feed, _ := setup(t)
		next, err := ix.applyBlock(t.Context(), block(t, feed, 0))
		require.NoError(t, err)
		require.Equal(t, uint64(1), next)
		next, err = ix.applyBlock(t.Context(), block(t, feed, 0))
		require.NoError(t, err)
		require.Equal(t, uint64(1), next)
		require.Equal(t, 1, rows(t, ix))
	})

	t.Run("a group of blocks applies in one transaction, skipping those applied already", func(t *testing.T) {
		t.Parallel()
		ix, feed, chain := setup(t)
		chain.RegisterEnterprise("91320583MA1XYZ0003", "C")
		group := func(from, to uint64) []ledger.Block {
			var out []ledger.Block
			for n := from; n <= to; n++ {
				out = append(out, block(t, feed, n))
			}
			return out
		}
		next, err := ix.applyBlock(t.Context(), block(t, feed, 0))
		require.NoError(t, err)
		require.Equal(t, uint64(1), next)
		next, err = ix.applyBlocks(t.Context(), group(0, 2))
		require.NoError(t, err)
		require.Equal(t, uint64(3), next)
		require.Equal(t, 3, rows(t, ix), "block 0 once, blocks 1 and 2")
		var cp int64
		require.NoError(t, ix.pool.QueryRow(t.Context(), `SELECT next_block FROM indexer_checkpoint`).Scan(&cp))
		require.Equal(t, int64(3), cp)

		_, err = ix.applyBlocks(t.Context(), group(0, 2))
		require.NoError(t, err)
		require.Equal(t, 3, rows(t, ix), "a group applied already changes nothing")
	})

	t.Run("a group beyond the checkpoint is a gap error and writes nothing", func(t *testing.T) {
		t.Parallel()
		ix, feed, chain := setup(t)
		chain.RegisterEnterprise("91320583MA1XYZ0003", "C")
		_, err := ix.applyBlocks(t.Context(), []ledger.Block{block(t, feed, 1), block(t, feed, 2)})
		var gap *GapError
		require.ErrorAs(t, err, &gap)
		require.Equal(t, GapError{Block: 1, Checkpoint: 0}, *gap)
		require.Equal(t, 0, rows(t, ix))
	})

	t.Run("a block beyond the checkpoint is a gap error and writes nothing", func(t *testing.T) {
		t.Parallel()
		ix, feed, _ := setup(t)
		_, err := ix.applyBlock(t.Context(), block(t, feed, 1))
		var gap *GapError
		require.ErrorAs(t, err, &gap)
		require.Equal(t, GapError{Block: 1, Checkpoint: 0}, *gap)
		require.Equal(t, 0, rows(t, ix))
	})

	t.Run("an unknown schema version is an UnsupportedSchemaError and writes nothing", func(t *testing.T) {
		t.Parallel()
		ix, feed, chain := setup(t)
		_, err := ix.applyBlock(t.Context(), block(t, feed, 0))
		require.NoError(t, err)
		_, err = ix.applyBlock(t.Context(), block(t, feed, 1))
		require.NoError(t, err)
		txID, at := chain.NextTx()
		tx := blockfeed.Tx(txID, at, "RegisterEnterprise", blockfeed.ZoneAdmin)
		tx.Event.Payload, err = json.Marshal(model.EventEnvelope{Schema: 0, TxID: txID})
		require.NoError(t, err)
		feed.Commit(tx)

		_, err = ix.applyBlock(t.Context(), block(t, feed, 2))
		var schema *UnsupportedSchemaError
		require.ErrorAs(t, err, &schema)
		require.Equal(t, 0, schema.Version)
		require.Equal(t, 2, rows(t, ix))
	})

	t.Run("a malformed time is refused with the field named", func(t *testing.T) {
		t.Parallel()
		ix, feed, chain := setup(t)
		txID, at := chain.NextTx()
		feed.Commit(blockfeed.Tx(txID, at, "RegisterEnterprise", blockfeed.ZoneAdmin, model.DomainEvent{
			Type: model.EventEnterpriseRegistered, Enterprise: &model.Enterprise{ID: "X", RegisteredAt: "2025-03-01 08:00"}}))
		for n := range uint64(2) {
			_, err := ix.applyBlock(t.Context(), block(t, feed, n))
			require.NoError(t, err)
		}
		_, err := ix.applyBlock(t.Context(), block(t, feed, 2))
		require.ErrorContains(t, err, `parse registeredAt "2025-03-01 08:00" as RFC 3339`)
		require.Equal(t, 2, rows(t, ix))
	})
}

var errStop = errors.New("stop listening")
