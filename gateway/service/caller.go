// Package service holds what the business operations below the HTTP
// handlers share: who is asking and which request a write belongs to. The
// operations themselves live in the packages beside it, one per domain;
// none of them sees an HTTP request.
package service

import (
	"context"
	"errors"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/accounts"
	"zonetrace/indexer/query"
	"zonetrace/network/ledger"
)

// Write is one idempotent write: the caller and the chaincode request id the
// idempotency layer derived from the caller's Idempotency-Key, so a retry
// re-sends the same request id and never writes twice.
type Write struct {
	Caller    accounts.User
	RequestID string
}

// Signers resolves the ledger identity a user signs with
// (*identities.Resolver).
type Signers interface {
	For(u accounts.User) (ledger.Signer, error)
}

// Enterprises names enterprises (the read model).
type Enterprises interface {
	Enterprise(ctx context.Context, id string) (model.Enterprise, error)
}

// SeesAll reports whether u sees every enterprise's records; an enterprise
// user sees only its own.
func SeesAll(u accounts.User) bool {
	return u.Role != accounts.RoleEnterprise
}

// EnterpriseName is the name of an enterprise the read model knows, or ""
// for one it has not mirrored yet (a record answered straight from the
// ledger may be ahead of the mirror).
func EnterpriseName(ctx context.Context, reads Enterprises, id string) (string, error) {
	e, err := reads.Enterprise(ctx, id)
	switch {
	case errors.Is(err, query.ErrNotFound):
		return "", nil
	case err != nil:
		return "", err
	}
	return e.Name, nil
}
