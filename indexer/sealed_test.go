package indexer_test

import (
	"context"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"zonetrace/indexer"
	"zonetrace/indexer/query"
	"zonetrace/internal/pgtest"
	"zonetrace/internal/sealing/sealingtest"
)

// clearAmount is a commercial value in clear in a row's JSON text.
var clearAmount = regexp.MustCompile(`"(avgPriceFen|unitPriceFen|valueFen|avg_price_fen|unit_price_fen|value_fen)": ?"?\d`)

// TestSealedProjection: with a sealer, the mirror holds prices and values
// sealed in their columns and in the doc copies, the read model returns
// them unchanged, a rebuild writes identical tables, and a mirror written in
// clear is sealed at start into exactly the tables the indexer writes.
func TestSealedProjection(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s := sealingtest.New(t)

	f := setup(t)
	f.transfer()
	height, err := f.feed.Height(ctx)
	require.NoError(t, err)
	catchUp, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	require.NoError(t, indexer.New(f.pool, f.feed, indexer.WithSealer(s)).CatchUp(catchUp, height))

	for _, table := range []string{"prefilings", "documents", "document_lines"} {
		for _, row := range f.strings(t, `SELECT row_to_json(t)::text FROM `+table+` t`) {
			require.NotRegexp(t, clearAmount, row, "a raw read of %s shows no amount", table)
		}
	}
	require.Equal(t, 0, f.count(t, `SELECT count(*) FROM document_lines WHERE value_fen NOT LIKE 'zt1:%' OR unit_price_fen NOT LIKE 'zt1:%'`))

	r := query.New(f.pool, query.WithSealer(s))
	got, err := r.Document(ctx, outLegID)
	require.NoError(t, err)
	require.Equal(t, f.chain.Document(outLegID), got.Document, "the read model opens the sealed values")
	require.Equal(t, int64(4000*42_50), got.Lines[0].ValueFen)
	pf, err := r.Prefiling(ctx, "PF2025030100000001")
	require.NoError(t, err)
	require.Equal(t, int64(4_250_00), pf.Data.AvgPriceFen)
	_, err = query.New(f.pool).Prefiling(ctx, "PF2025030100000001")
	require.Error(t, err, "without the keys the values do not open")

	sealed, err := indexer.TableDigest(ctx, f.pool)
	require.NoError(t, err)
	require.NoError(t, indexer.Rebuild(ctx, f.pool, f.feed, indexer.WithSealer(s)))
	rebuilt, err := indexer.TableDigest(ctx, f.pool)
	require.NoError(t, err)
	require.Equal(t, sealed, rebuilt, "sealing is deterministic: a rebuild writes the same tables")

	clear := pgtest.NewPool(t)
	require.NoError(t, indexer.Migrate(ctx, clear))
	require.NoError(t, indexer.New(clear, f.feed).CatchUp(catchUp, height))
	var clearRow string
	require.NoError(t, clear.QueryRow(ctx, `SELECT row_to_json(t)::text FROM document_lines t LIMIT 1`).Scan(&clearRow))
	require.Regexp(t, clearAmount, clearRow, "written without a sealer, the amounts are in clear")
	n, err := indexer.SealExisting(ctx, clear, s)
	require.NoError(t, err)
	require.Positive(t, n)
	migrated, err := indexer.TableDigest(ctx, clear)
	require.NoError(t, err)
	require.Equal(t, sealed, migrated, "a mirror sealed at start equals one the indexer sealed")
	n, err = indexer.SealExisting(ctx, clear, s)
	require.NoError(t, err)
	require.Zero(t, n, "a finished sealing is not repeated")
}
