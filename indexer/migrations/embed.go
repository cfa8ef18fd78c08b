// Package migrations holds the indexer's PostgreSQL schema as numbered goose
// SQL files, embedded so the binary carries its own schema.
package migrations

import "embed"

// FS holds the migration files at its root.
//
//go:embed *.sql
var FS embed.FS
