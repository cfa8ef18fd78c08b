// Package schema holds the gateway's PostgreSQL migrations, embedded in the binary.
package schema

import (
	"context"
	"embed"
	"fmt"
	"io/fs"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
)

// Migrations are the migration files, under migrations/.
//
//go:embed migrations/*.sql
var Migrations embed.FS

// VersionTable is the goose version table of the gateway; the indexer
// keeps its own in the same database, so each component migrates alone.
const VersionTable = "gateway_schema_version"

// Migrate brings the gateway's tables up to date.
func Migrate(ctx context.Context, pool *pgxpool.Pool) error {
	sub, err := fs.Sub(Migrations, "migrations")
	if err != nil {
		return fmt.Errorf("open gateway migrations: %w", err)
	}
	db := stdlib.OpenDBFromPool(pool)
	defer db.Close()
	p, err := goose.NewProvider(goose.DialectPostgres, db, sub, goose.WithTableName(VersionTable))
	if err != nil {
		return fmt.Errorf("prepare gateway migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrate gateway schema: %w", err)
	}
	return nil
}
