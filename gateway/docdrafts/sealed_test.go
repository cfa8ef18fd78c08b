package docdrafts_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"zonetrace/gateway/docdrafts"
	"zonetrace/gateway/schema"
	"zonetrace/internal/pgtest"
	"zonetrace/internal/sealing/sealingtest"
)

// TestDraftLineValuesAreSealed: unit prices and values are sealed in the
// stored lines and read back unchanged; lines stored in clear before
// sealing are sealed by SealExisting.
func TestDraftLineValuesAreSealed(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := pgtest.NewPool(t)
	require.NoError(t, schema.Migrate(ctx, pool))
	sealer := sealingtest.New(t)
	sealed := docdrafts.New(pool, docdrafts.WithSealer(sealer))
	c := completeContent(t)
	c.Lines[0].UnitPriceFen, c.Lines[0].ValueFen = 9_876_543, 8_765_432_109

	id := newID(t)
	d, err := sealed.Create(ctx, id, ent, "alice", c)
	require.NoError(t, err)
	require.Equal(t, int64(8_765_432_109), d.Lines[0].ValueFen)
	var stored string
	require.NoError(t, pool.QueryRow(ctx, `SELECT lines::text FROM document_drafts WHERE id::text = $1`, id).Scan(&stored))
	require.NotContains(t, stored, "9876543")
	require.NotContains(t, stored, "8765432109")
	require.Contains(t, stored, c.Lines[0].ProductName, "searched members stay in clear")

	oldID := newID(t)
	_, err = docdrafts.New(pool).Create(ctx, oldID, ent, "alice", c)
	require.NoError(t, err)
	n, err := sealed.SealExisting(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, n)
	require.NoError(t, pool.QueryRow(ctx, `SELECT lines::text FROM document_drafts WHERE id::text = $1`, oldID).Scan(&stored))
	require.NotContains(t, stored, "8765432109")
	old, err := sealed.Get(ctx, ent, oldID)
	require.NoError(t, err)
	require.Equal(t, c.Lines[0].UnitPriceFen, old.Lines[0].UnitPriceFen)
}
