package indexer_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
	"zonetrace/indexer"
	"zonetrace/indexer/query"
)

func TestResume(t *testing.T) {
	t.Parallel()

	t.Run("a broken stream is reconnected from the checkpoint with no duplicate and no gap", func(t *testing.T) {
		t.Parallel()
		f := setup(t)
		blocks := f.lifecycle()
		f.feed.BreakAfter(2)

		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan error, 1)
		go func() { done <- f.indexer().Run(ctx) }()
		waitCtx, waitCancel := context.WithTimeout(t.Context(), 30*time.Second)
		defer waitCancel()
		require.NoError(t, query.New(f.pool).WaitForBlock(waitCtx, uint64(blocks-1)))
		cancel()
		require.ErrorIs(t, <-done, context.Canceled)

		require.GreaterOrEqual(t, f.feed.Listens(), blocks/2, "the stream broke every two blocks")
		require.Equal(t, blocks, f.checkpoint(t))
		require.Equal(t, blocks, f.count(t, `SELECT count(*) FROM ledger_transactions`))
		require.Equal(t, blocks, f.count(t, `SELECT count(DISTINCT block_number) FROM ledger_transactions`))
		require.Contains(t, f.logs.String(), "stream broken on purpose")
	})

	t.Run("an indexer killed at any instant resumes exactly where it stopped", func(t *testing.T) {
		t.Parallel()
		f := setup(t)
		for i := range 30 {
			f.chain.RegisterEnterprise(fmt.Sprintf("91320583MA1X%06d", i), fmt.Sprintf("E%d", i))
		}
		blocks := f.lifecycle() + 30

		// Cancel runs after varying delays so that some end between blocks
		// and some inside a block's transaction.
		for i := range 8 {
			ctx, cancel := context.WithTimeout(t.Context(), time.Duration(i*3)*time.Millisecond)
			require.ErrorIs(t, f.indexer().Run(ctx), context.DeadlineExceeded)
			cancel()
		}
		f.catchUp(t)

		require.Equal(t, blocks, f.checkpoint(t))
		require.Equal(t, blocks, f.count(t, `SELECT count(*) FROM ledger_transactions`))
		require.Equal(t, 32, f.count(t, `SELECT count(*) FROM enterprises`))
		resumed, err := indexer.TableDigest(t.Context(), f.pool)
		require.NoError(t, err)
		require.NoError(t, indexer.Rebuild(t.Context(), f.pool, f.feed))
		rebuilt, err := indexer.TableDigest(t.Context(), f.pool)
		require.NoError(t, err)
		require.Equal(t, rebuilt, resumed)
	})

	t.Run("two indexers on one database apply each block once", func(t *testing.T) {
		t.Parallel()
		f := setup(t)
		blocks := f.lifecycle()
		ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
		defer cancel()
		errs := make(chan error, 2)
		for range 2 {
			go func() { errs <- f.indexer().CatchUp(ctx, uint64(blocks)) }()
		}
		require.NoError(t, <-errs)
		require.NoError(t, <-errs)
		require.Equal(t, blocks, f.count(t, `SELECT count(*) FROM ledger_transactions`))
	})
}

func TestRebuild(t *testing.T) {
	t.Parallel()

	t.Run("replaying the chain yields identical tables", func(t *testing.T) {
		t.Parallel()
		f := setup(t)
		blocks := f.lifecycle()
		f.catchUp(t)
		before, err := indexer.TableDigest(t.Context(), f.pool)
		require.NoError(t, err)
		require.Len(t, before, 23)

		require.NoError(t, indexer.Rebuild(t.Context(), f.pool, f.feed))
		after, err := indexer.TableDigest(t.Context(), f.pool)
		require.NoError(t, err)
		require.Equal(t, before, after)
		require.Equal(t, blocks, f.checkpoint(t))
	})

	t.Run("replaying a document flow with deletions yields identical tables", func(t *testing.T) {
		t.Parallel()
		f := setup(t)
		code := f.transfer()
		f.chain.DeclareDocument(model.Document{ID: "HZ2025030100000009", Family: model.FamilyChecklist,
			BusinessType: model.BusinessExit, EnterpriseID: transferor, Lines: []model.DocumentLine{line(1, code, 20_000_000)}})
		f.chain.RequestDeletion(outLegID, "合同取消")
		f.chain.ConfirmDeletion(outLegID)
		f.chain.ReviewDeletion(outLegID, true, "")
		f.catchUp(t)
		before, err := indexer.TableDigest(t.Context(), f.pool)
		require.NoError(t, err)
		for _, table := range []string{"documents", "document_lines", "document_tags", "document_steps", "movements", "balances", "receipts"} {
			require.NotZero(t, f.count(t, `SELECT count(*) FROM `+table), "the flow fills %s", table)
		}

		require.NoError(t, indexer.Rebuild(t.Context(), f.pool, f.feed))
		after, err := indexer.TableDigest(t.Context(), f.pool)
		require.NoError(t, err)
		require.Equal(t, before, after)
	})

	t.Run("the digest tells a changed row apart", func(t *testing.T) {
		t.Parallel()
		f := setup(t)
		f.lifecycle()
		f.catchUp(t)
		before, err := indexer.TableDigest(t.Context(), f.pool)
		require.NoError(t, err)
		_, err = f.pool.Exec(t.Context(), `UPDATE prefiling_steps SET reason = 'tampered' WHERE seq = 1`)
		require.NoError(t, err)
		after, err := indexer.TableDigest(t.Context(), f.pool)
		require.NoError(t, err)
		require.NotEqual(t, before["prefiling_steps"], after["prefiling_steps"])
		require.Equal(t, before["prefilings"], after["prefilings"])

		require.NoError(t, indexer.Rebuild(t.Context(), f.pool, f.feed))
		repaired, err := indexer.TableDigest(t.Context(), f.pool)
		require.NoError(t, err)
		require.Equal(t, before, repaired, "a rebuild repairs a tampered mirror")
	})
}
