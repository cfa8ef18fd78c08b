// Package declaration is the one flow by which an off-chain draft becomes a
// ledger record, shared by prefiling and document drafts: reserve the
// record's number in the draft, submit, then mark the draft declared.
//
// The number is reserved before the submit, so whatever happens after it, a
// later declare of the same draft resumes with the same number and the
// ledger (which refuses an existing number) never holds two declarations of
// one draft.
package declaration

import (
	"context"
	"errors"

	"zonetrace/gateway/apierror"
	"zonetrace/gateway/service/ledgertx"
	"zonetrace/gateway/validation"
	"zonetrace/network/ledger"
)

// Store is what a declaration needs of a draft store (gateway/drafts,
// gateway/docdrafts, both on gateway/draftlife).
type Store[D any] interface {
	// Reserve records number unless the draft holds one already, and
	// returns the draft with the number it holds.
	Reserve(ctx context.Context, enterpriseID, id, number string) (D, error)
	Unreserve(ctx context.Context, enterpriseID, id, number string) error
	MarkDeclared(ctx context.Context, enterpriseID, id, user string) error
}

// Declaration is one declaration of a draft that has passed its checks.
type Declaration[D any] struct {
	Store                       Store[D]
	EnterpriseID, DraftID, User string
	// Candidate is the number used when the draft holds none yet.
	Candidate string
	// Number is the number a reserved draft holds.
	Number func(D) string
	// Call is the ledger transaction declaring the reserved draft, with a
	// ReadBack of the record by its number.
	Call func(D) (ledgertx.Call, error)
	// Owner is the enterprise of a record read back.
	Owner func(payload []byte) (string, error)
}

// Run reserves, submits and marks the draft declared, returning the draft
// as reserved and the ledger's answer (the declared record's JSON).
//
// A CONFLICT on the reserved number means an earlier attempt (under another
// idempotency key) declared it: the record is read back and taken if it is
// the enterprise's. Any other chaincode rejection means nothing was
// declared: the number is freed so the draft can be corrected. A ledger
// failure keeps the reservation, as the outcome is unknown.
func Run[D any](ctx context.Context, tx ledgertx.Submitter, d Declaration[D]) (D, ledgertx.Result, error) {
	draft, err := d.Store.Reserve(ctx, d.EnterpriseID, d.DraftID, d.Candidate)
	if err != nil {
		return draft, ledgertx.Result{}, err
	}
	call, err := d.Call(draft)
	if err != nil {
		return draft, ledgertx.Result{}, err
	}
	res, err := tx.Submit(ctx, call)
	if err != nil {
		res, err = d.resume(ctx, draft, call, err)
	}
	if err != nil {
		return draft, ledgertx.Result{}, err
	}
	// The record is on the ledger: its draft is marked even if the client
	// has gone.
	if err := d.Store.MarkDeclared(context.WithoutCancel(ctx), d.EnterpriseID, d.DraftID, d.User); err != nil {
		return draft, res, err
	}
	return draft, res, nil
}

func (d Declaration[D]) resume(ctx context.Context, draft D, call ledgertx.Call, submitErr error) (ledgertx.Result, error) {
	var cc *ledger.ChaincodeError
	if !errors.As(submitErr, &cc) {
		return ledgertx.Result{}, submitErr
	}
	if apierror.From(submitErr).Code == apierror.Conflict {
		payload, err := call.ReadBack(ctx)
		if err == nil {
			if owner, err := d.Owner(payload); err == nil && owner == d.EnterpriseID {
				return ledgertx.Result{Payload: payload}, nil
			}
		}
	}
	if err := d.Store.Unreserve(context.WithoutCancel(ctx), d.EnterpriseID, d.DraftID, d.Number(draft)); err != nil {
		return ledgertx.Result{}, errors.Join(submitErr, err)
	}
	return ledgertx.Result{}, submitErr
}

// Repeat answers a declare of a draft its store already marks declared.
// The request may be a retry of the very declaration that did it, whose
// answer was lost (the gateway was killed, or answered 503 "committed, not
// yet indexed", before the outbox stored the answer): then call, the
// declaring transaction under this request's id, was carried out, and
// Repeat returns it and the record read back, to be answered as the
// original success. Otherwise it returns declared, the caller's refusal.
func Repeat(ctx context.Context, tx ledgertx.Submitter, call ledgertx.Call, declared error) (ledgertx.Result, error) {
	res, again, err := tx.CommittedEarlier(ctx, call)
	switch {
	case err != nil:
		return ledgertx.Result{}, err
	case !again:
		return ledgertx.Result{}, declared
	}
	return res, nil
}

// Incomplete refuses a draft its checks warn about: nothing is reserved or
// submitted.
func Incomplete(warnings []validation.Problem) error {
	if len(warnings) == 0 {
		return nil
	}
	e := apierror.Invalid(warnings...)
	e.Message, e.MessageZh = "the draft is incomplete", "信息不完整，不能申报"
	return e
}
