// Package testdb gives tests a database with the node's schema — the
// indexer's and the gateway's tables side by side, as in production —
// copied from a pgtest template migrated once.
package testdb

import (
	"context"
	"io/fs"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"zonetrace/gateway/schema"
	"zonetrace/indexer"
	"zonetrace/indexer/migrations"
	"zonetrace/internal/pgtest"
)

// Tables is the template of the indexer's and the gateway's tables.
var Tables = pgtest.Template{
	Name:    "tables",
	Sources: []fs.FS{migrations.FS, schema.Migrations},
	Prepare: func(ctx context.Context, url string) error {
		pool, err := pgxpool.New(ctx, url)
		if err != nil {
			return err
		}
		defer pool.Close()
		if err := indexer.Migrate(ctx, pool); err != nil {
			return err
		}
		return schema.Migrate(ctx, pool)
	},
}

// Pool is a fresh database with the indexer's and the gateway's tables.
func Pool(t testing.TB) *pgxpool.Pool {
	t.Helper()
	return Tables.Pool(t)
}
