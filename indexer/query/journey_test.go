package query_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
	"zonetrace/indexer"
	"zonetrace/indexer/internal/blockfeed"
	"zonetrace/indexer/query"
	"zonetrace/internal/pgtest"
)

func TestTraceJourneyAndProof(t *testing.T) {
	t.Parallel()
	w := newDocWorld(t)
	ctx := t.Context()

	journey, err := w.reader.TraceJourney(ctx, "TC2")
	require.NoError(t, err)
	require.Len(t, journey, 2, "the entry and the conversion; the deletion-requested transfer moved nothing")
	require.Equal(t, []model.MovementKind{model.MoveZoneEntry, model.MoveConversion}, []model.MovementKind{journey[0].Kind, journey[1].Kind})
	require.Equal(t, hz2, journey[0].DocumentID)
	require.Equal(t, model.FamilyChecklist, journey[0].Family)
	require.Equal(t, model.BusinessConversion, journey[1].BusinessType)
	require.Less(t, journey[0].Proof.BlockNumber, journey[1].Proof.BlockNumber)

	for _, j := range journey {
		block, err := query.NewExplorer(w.pool).Block(ctx, int64(j.Proof.BlockNumber))
		require.NoError(t, err)
		require.Len(t, j.Proof.BlockHash, 64)
		require.Equal(t, block.HeaderHash, j.Proof.BlockHash, "the proof names the mirrored block's header hash")
		proof, err := w.reader.TxProof(ctx, j.TxID)
		require.NoError(t, err)
		require.Equal(t, j.Proof, proof)
	}

	empty, err := w.reader.TraceJourney(ctx, "TC-NONE")
	require.NoError(t, err)
	require.Empty(t, empty)
	_, err = w.reader.TxProof(ctx, "no-such-tx")
	require.ErrorIs(t, err, query.ErrNotFound)
}

func TestMaterialBatches(t *testing.T) {
	t.Parallel()
	pool := pgtest.NewPool(t)
	require.NoError(t, indexer.Migrate(t.Context(), pool))
	feed := blockfeed.New()
	c := blockfeed.NewChain(feed, time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC))
	w := &world{pool: pool, feed: feed, chain: c, reader: query.New(pool)}
	c.RegisterEnterprise(alpha, "Alpha Coffee")
	c.RegisterEnterprise(beta, "Beta Trading")
	withMaterial := func(product, materialNo string) model.PrefilingData {
		d := data(product, "ET", "Addis Green Export")
		d.MaterialNo, d.BatchNo = materialNo, "B-"+product
		return d
	}
	c.Declare(pf(1), alpha, withMaterial("one", "M-100"))
	c.Review(pf(1), true, "")
	c.Declare(pf(2), alpha, withMaterial("two", "M-100"))
	c.Declare(pf(3), beta, withMaterial("three", "M-100"))
	c.Declare(pf(4), alpha, withMaterial("four", "M-200"))
	w.index(t)
	ctx := t.Context()

	all, err := w.reader.MaterialBatches(ctx, query.MaterialFilter{MaterialNo: "M-100"})
	require.NoError(t, err)
	require.Equal(t, pfs(3, 2, 1), batchIDs(all), "newest declaration first, every enterprise")
	one := all[2]
	require.Equal(t, "Alpha Coffee", one.EnterpriseName)
	require.Equal(t, model.PrefilingApproved, one.Status)
	require.NotEmpty(t, one.TraceCode)
	require.Equal(t, "B-one", one.BatchNo)
	require.Equal(t, int64(60_000_000), one.WeightGrams)
	require.Zero(t, one.StockGrams, "nothing entered the zone yet")

	own, err := w.reader.MaterialBatches(ctx, query.MaterialFilter{MaterialNo: "M-100", EnterpriseID: alpha})
	require.NoError(t, err)
	require.Equal(t, pfs(2, 1), batchIDs(own))

	none, err := w.reader.MaterialBatches(ctx, query.MaterialFilter{MaterialNo: "M-999"})
	require.NoError(t, err)
	require.Empty(t, none)
	_, err = w.reader.MaterialBatches(ctx, query.MaterialFilter{})
	require.ErrorIs(t, err, query.ErrInvalidFilter)
}

func batchIDs(list []query.MaterialBatch) []string {
	out := []string{}
	for _, b := range list {
		out = append(out, b.PrefilingID)
	}
	return out
}
