package schema_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"zonetrace/gateway/schema"
	"zonetrace/internal/pgtest"
)

func TestMigrate(t *testing.T) {
	t.Parallel()
	pool := pgtest.NewPool(t)
	ctx := context.Background()

	t.Run("creates the tables and records the version in its own table", func(t *testing.T) {
		require.NoError(t, schema.Migrate(ctx, pool))
		files, err := filepath.Glob("migrations/*.sql")
		require.NoError(t, err)
		var n int
		require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM gateway_schema_version WHERE version_id > 0`).Scan(&n))
		require.Equal(t, len(files), n, "every migration file is applied once")
		require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM submissions`).Scan(&n))
	})
	t.Run("running it again changes nothing", func(t *testing.T) {
		require.NoError(t, schema.Migrate(ctx, pool))
	})
}
