package query_test

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
	"zonetrace/indexer/query"
)

// TestDetailInOneStatement checks the one-statement detail lookups answer
// exactly what the earlier row-then-steps reading answered, byte for byte
// as JSON, over records with every kind of step: rule-decided steps,
// supplements, return reasons, deletions and external sources.
func TestDetailInOneStatement(t *testing.T) {
	t.Parallel()
	w := newQueueWorld(t)
	ctx := t.Context()

	for _, id := range pfs(1, 2, 3) {
		got, err := w.reader.Prefiling(ctx, id)
		require.NoError(t, err)
		want, err := w.reader.PrefilingByStatements(ctx, id)
		require.NoError(t, err)
		require.Equal(t, want, got, id)
		require.NotEmpty(t, got.Steps, id)
		requireSameJSON(t, want, got)
	}
	p2, err := w.reader.Prefiling(ctx, pf(2))
	require.NoError(t, err)
	require.True(t, slices.ContainsFunc(p2.Steps, func(s model.PrefilingStep) bool { return s.DecidedBy != nil }),
		"the rule's step keeps its rule")
	p3, err := w.reader.Prefiling(ctx, pf(3))
	require.NoError(t, err)
	require.NotNil(t, p3.Steps[len(p3.Steps)-1].Supplement, "the supplement step keeps its content")

	code := w.chain.Prefiling(pf(3)).TraceCode
	require.NotEmpty(t, code)
	tc, p, err := w.reader.TraceCodeDetail(ctx, code)
	require.NoError(t, err)
	wantCode, err := w.reader.TraceCode(ctx, code)
	require.NoError(t, err)
	wantPrefiling, err := w.reader.PrefilingByStatements(ctx, pf(3))
	require.NoError(t, err)
	require.Equal(t, wantCode, tc)
	require.Equal(t, wantPrefiling, p)
	requireSameJSON(t, wantPrefiling, p)
	_, _, err = w.reader.TraceCodeDetail(ctx, "KSCF000000000000")
	require.ErrorIs(t, err, query.ErrNotFound)
	_, err = w.reader.Prefiling(ctx, "PF-missing")
	require.ErrorIs(t, err, query.ErrNotFound)
	_, err = w.reader.Document(ctx, "HZ-missing")
	require.ErrorIs(t, err, query.ErrNotFound)

	movedSome := false
	for _, id := range []string{hz1, hz2, hz3, bl1, bl2, fs1, fl1, fs2, gr1, hz4} {
		got, err := w.reader.Document(ctx, id)
		require.NoError(t, err)
		want, err := w.reader.DocumentByStatements(ctx, id)
		require.NoError(t, err)
		require.Equal(t, want, got, id)
		require.Equal(t, w.chain.Document(id), got.Document, id)
		requireSameJSON(t, want, got)

		withMoves, moves, err := w.reader.DocumentWithMovements(ctx, id)
		require.NoError(t, err)
		require.Equal(t, got, withMoves, id)
		wantMoves, err := w.reader.DocumentMovements(ctx, id)
		require.NoError(t, err)
		require.Equal(t, wantMoves, moves, id)
		movedSome = movedSome || len(moves) > 0
	}
	require.True(t, movedSome, "some documents moved goods")
	_, _, err = w.reader.DocumentWithMovements(ctx, "HZ-missing")
	require.ErrorIs(t, err, query.ErrNotFound)
	fs, err := w.reader.Document(ctx, fs2)
	require.NoError(t, err)
	require.True(t, slices.ContainsFunc(fs.Steps, func(s model.DocumentStep) bool { return s.DecidedBy != nil }))
}

func requireSameJSON(t *testing.T, want, got any) {
	t.Helper()
	wantJSON, err := json.Marshal(want)
	require.NoError(t, err)
	gotJSON, err := json.Marshal(got)
	require.NoError(t, err)
	require.JSONEq(t, string(wantJSON), string(gotJSON))
}
