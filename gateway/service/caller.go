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
	"zonetrace/gateway/service/ledgertx"
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

// Written is the outcome of a write: the record as the ledger answered it,
// and the transaction that committed it (nil when an earlier attempt had).
// Tx is set also when a step after the commit failed.
type Written struct {
	ID      string
	Payload []byte
	Tx      *ledgertx.Tx
}

// ChangeRecord submits function(requestID, id, args...) as the caller; a
// request already carried out is answered from getter(id). The chaincode
// holds the state rules: a change the record's state does not allow is its
// CONFLICT, another enterprise's record its FORBIDDEN.
func ChangeRecord(ctx context.Context, signers Signers, submitter ledgertx.Submitter, w Write, getter, id, function string, args ...string) (Written, error) {
	signer, err := signers.For(w.Caller)
	if err != nil {
		return Written{}, err
	}
	res, err := submitter.Submit(ctx, ledgertx.Call{Signer: signer, Function: function,
		Args: append([]string{w.RequestID, id}, args...), ReadBack: submitter.Evaluator(signer, getter, id)})
	if err != nil {
		return Written{}, err
	}
	return Written{ID: id, Payload: res.Payload, Tx: res.Tx}, nil
}
