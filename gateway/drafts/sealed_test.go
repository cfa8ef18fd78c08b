package drafts_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"zonetrace/gateway/drafts"
	"zonetrace/gateway/schema"
	"zonetrace/internal/pgtest"
	"zonetrace/internal/sealing"
	"zonetrace/internal/sealing/sealingtest"
)

// TestDraftPricesAreSealed: the average price is sealed in the stored data
// and read back unchanged; a draft stored in clear before sealing is sealed
// by SealExisting and still reads the same.
func TestDraftPricesAreSealed(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := pgtest.NewPool(t)
	require.NoError(t, schema.Migrate(ctx, pool))
	sealer := sealingtest.New(t)
	sealed := drafts.New(pool, drafts.WithSealer(sealer))
	data := completeData()
	data.AvgPriceFen = 7_654_321

	id, err := drafts.NewID("")
	require.NoError(t, err)
	d, err := sealed.Create(ctx, id, ent, "alice", data)
	require.NoError(t, err)
	require.Equal(t, int64(7_654_321), d.Data.AvgPriceFen)
	var stored string
	require.NoError(t, pool.QueryRow(ctx, `SELECT data::text FROM prefiling_drafts WHERE id::text = $1`, id).Scan(&stored))
	require.NotContains(t, stored, "7654321")
	require.Contains(t, stored, sealing.Prefix)
	require.Contains(t, stored, data.ProductName, "searched members stay in clear")

	oldID, err := drafts.NewID("")
	require.NoError(t, err)
	_, err = drafts.New(pool).Create(ctx, oldID, ent, "alice", data)
	require.NoError(t, err)
	n, err := sealed.SealExisting(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, n)
	require.NoError(t, pool.QueryRow(ctx, `SELECT data::text FROM prefiling_drafts WHERE id::text = $1`, oldID).Scan(&stored))
	require.NotContains(t, stored, "7654321")
	old, err := sealed.Get(ctx, ent, oldID)
	require.NoError(t, err)
	require.Equal(t, data.AvgPriceFen, old.Data.AvgPriceFen)
	_, err = drafts.New(pool).Get(ctx, ent, oldID)
	require.Error(t, err, "without the keys a sealed draft does not open")
}
