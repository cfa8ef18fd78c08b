package gateway

import (
	"context"

	"zonetrace/chaincode/model"
	"zonetrace/indexer/query"
)

// ReadModel is what the gateway reads from the indexer's PostgreSQL mirror of
// the ledger; *query.Reader implements it.
type ReadModel interface {
	SearchPrefilings(ctx context.Context, f query.PrefilingFilter) (query.PrefilingPage, error)
	Prefiling(ctx context.Context, id string) (query.PrefilingView, error)
	TraceCode(ctx context.Context, code string) (model.TraceCode, error)
	Enterprises(ctx context.Context) ([]model.Enterprise, error)
	Enterprise(ctx context.Context, id string) (model.Enterprise, error)
	Identities(ctx context.Context, enterpriseID string) ([]model.IdentityBinding, error)
	IndexedHeight(ctx context.Context) (uint64, error)
	// WaitForBlock returns once the indexer has mirrored block.
	WaitForBlock(ctx context.Context, block uint64) error
}

var _ ReadModel = (*query.Reader)(nil)
