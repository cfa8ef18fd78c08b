package gateway

import (
	"context"

	"github.com/jackc/pgx/v5/pgxpool"

	"zonetrace/gateway/schema"
)

// Migrate brings the gateway's tables up to date (goose, version table
// gateway_schema_version).
func Migrate(ctx context.Context, pool *pgxpool.Pool) error {
	return schema.Migrate(ctx, pool)
}
