package schema_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"zonetrace/gateway/schema"
	"zonetrace/internal/pgtest"
)

// A draft is found by its id compared as text; among an enterprise's many
// drafts that comparison must be an index lookup, not a scan of them all.
func TestDraftLookupByIDUsesAnIndex(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := pgtest.NewPool(t)
	require.NoError(t, schema.Migrate(ctx, pool))
	_, err := pool.Exec(ctx, `INSERT INTO prefiling_drafts (id, enterprise_id, data, created_at, created_by, updated_at, updated_by)
		SELECT gen_random_uuid(), '91320583MA1AAAAA0A', '{}', now(), 'u', now(), 'u' FROM generate_series(1, 2000)`)
	require.NoError(t, err)
	_, err = pool.Exec(ctx, `ANALYZE prefiling_drafts`)
	require.NoError(t, err)
	var id string
	require.NoError(t, pool.QueryRow(ctx, `SELECT id::text FROM prefiling_drafts LIMIT 1`).Scan(&id))
	var plan string
	require.NoError(t, pool.QueryRow(ctx, `EXPLAIN (FORMAT TEXT) SELECT data FROM prefiling_drafts
		WHERE id::text = '`+id+`' AND enterprise_id = '91320583MA1AAAAA0A' AND deleted_at IS NULL`).Scan(&plan))
	require.Contains(t, plan, "prefiling_drafts_id_text")

	var indexes int
	require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM pg_indexes
		WHERE indexname IN ('prefiling_drafts_id_text', 'document_drafts_id_text')`).Scan(&indexes))
	require.Equal(t, 2, indexes, "document drafts are looked up the same way")
}
