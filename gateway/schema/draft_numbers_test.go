package schema_test

import (
	"context"
	"os"
	"testing"

	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/stretchr/testify/require"

	"zonetrace/gateway/schema"
	"zonetrace/internal/pgtest"
)

// TestDraftNumbersMigration: migration 00011 numbers the drafts that exist
// in creation order per enterprise and year (China time), and drafts made
// afterwards continue each enterprise's count.
func TestDraftNumbersMigration(t *testing.T) {
	t.Parallel()
	pool := pgtest.NewPool(t)
	ctx := context.Background()
	db := stdlib.OpenDBFromPool(pool)
	defer db.Close()
	p, err := goose.NewProvider(goose.DialectPostgres, db, os.DirFS("migrations"), goose.WithTableName(schema.VersionTable))
	require.NoError(t, err)
	_, err = p.UpTo(ctx, 10)
	require.NoError(t, err)

	insert := func(id, enterprise, createdAt string) {
		_, err := pool.Exec(ctx, `INSERT INTO document_drafts (id, enterprise_id, family, business_type, head, lines, line_count,
				missing_trace_codes, created_at, created_by, updated_at, updated_by)
			VALUES ($1, $2, 'checklist', 'entry', '{}', '[]', 0, 0, $3, 'u', $3, 'u')`, id, enterprise, createdAt)
		require.NoError(t, err)
	}
	insert("00000000-0000-0000-0000-000000000003", "A", "2025-06-01T00:00:00Z")
	insert("00000000-0000-0000-0000-000000000001", "A", "2025-03-01T00:00:00Z")
	insert("00000000-0000-0000-0000-000000000002", "B", "2025-03-02T00:00:00Z")
	// 2025-12-31 17:00 UTC is already 2026 in China.
	insert("00000000-0000-0000-0000-000000000004", "A", "2025-12-31T17:00:00Z")

	require.NoError(t, schema.Migrate(ctx, pool))
	insert("00000000-0000-0000-0000-000000000005", "A", "2025-07-01T00:00:00Z")

	got := map[string]string{}
	rows, err := pool.Query(ctx, `SELECT id::text, display_no FROM document_drafts`)
	require.NoError(t, err)
	for rows.Next() {
		var id, no string
		require.NoError(t, rows.Scan(&id, &no))
		got[id[len(id)-1:]] = no
	}
	require.NoError(t, rows.Err())
	require.Equal(t, map[string]string{
		"1": "2025-000001", "3": "2025-000002", // A's in creation order
		"2": "2025-000001", // B counts its own
		"4": "2026-000001", // a year of its own
		"5": "2025-000003", // the trigger continues A's 2025 count
	}, got)
}
