// Package ledgertx submits a request's chaincode transactions so that a
// re-driven request answers like the first one: a DUPLICATE_REQUEST means an
// earlier attempt of the very same request committed, which is success,
// answered by reading the changed record back.
//
// It knows nothing of HTTP. The transaction a write committed comes back in
// the Result; the handler turns it into X-Ledger-Block and the values the
// idempotency middleware stores.
package ledgertx

import (
	"context"
	"errors"
	"strings"
	"time"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/apierror"
	"zonetrace/network/ledger"
)

// Call is one chaincode transaction of a write.
type Call struct {
	Signer   ledger.Signer
	Function string
	Args     []string
	// ReadBack fetches the record a duplicate request changed the first
	// time; nil answers a duplicate with no payload.
	ReadBack func(ctx context.Context) ([]byte, error)
}

// Tx is a committed transaction and its block.
type Tx struct {
	ID    string
	Block uint64
}

// Result is what a submit answered.
type Result struct {
	Payload []byte
	// Tx is the committed transaction, nil when a duplicate was found on an
	// empty ledger (which cannot happen on a real one).
	Tx *Tx
}

// Submitter sends transactions to the ledger.
type Submitter struct {
	Ledger ledger.Ledger
	// Observe, when set, records each submit's function, outcome
	// (committed, rejected, failed) and duration.
	Observe func(function, outcome string, took time.Duration)
}

// Submit sends call. Chaincode rejections come back as their API error,
// anything else (unreachable, timed out) as LEDGER_UNAVAILABLE.
func (s Submitter) Submit(ctx context.Context, call Call) (Result, error) {
	start := time.Now()
	res, err := s.Ledger.Submit(ctx, call.Signer, call.Function, call.Args...)
	if s.Observe != nil {
		s.Observe(call.Function, outcome(err), time.Since(start))
	}
	if err == nil {
		return Result{Payload: res.Payload, Tx: &Tx{ID: res.TxID, Block: res.BlockNumber}}, nil
	}
	firstTx, duplicate := duplicateOf(err)
	if !duplicate {
		return Result{}, apierror.Ledger(err)
	}
	return s.duplicate(ctx, call, firstTx)
}

// CommittedEarlier reports whether call's request id was already carried
// out, answering then like Submit does for a duplicate: the transaction
// and the record read back. It only simulates call (nothing is ordered):
// the chaincode claims the request id before anything else and answers
// DUPLICATE_REQUEST for one it recorded. Any other refusal of the
// simulation means the request id was not carried out.
func (s Submitter) CommittedEarlier(ctx context.Context, call Call) (Result, bool, error) {
	_, err := s.Ledger.Evaluate(ctx, call.Signer, call.Function, call.Args...)
	if err == nil {
		return Result{}, false, nil
	}
	firstTx, duplicate := duplicateOf(err)
	if !duplicate {
		var cc *ledger.ChaincodeError
		if errors.As(err, &cc) {
			return Result{}, false, nil
		}
		return Result{}, false, apierror.Ledger(err)
	}
	res, err := s.duplicate(ctx, call, firstTx)
	return res, err == nil, err
}

// duplicate answers a request whose first attempt committed as firstTx.
func (s Submitter) duplicate(ctx context.Context, call Call, firstTx string) (Result, error) {
	// The first attempt committed at or before the last block.
	height, err := s.Ledger.Height(ctx)
	if err != nil {
		return Result{}, apierror.Ledger(err)
	}
	var r Result
	if height > 0 {
		r.Tx = &Tx{ID: firstTx, Block: height - 1}
	}
	if call.ReadBack == nil {
		return r, nil
	}
	if r.Payload, err = call.ReadBack(ctx); err != nil {
		return Result{}, apierror.Ledger(err)
	}
	return r, nil
}

// Evaluator returns a read-only chaincode query, usable as a Call's
// ReadBack.
func (s Submitter) Evaluator(signer ledger.Signer, function string, args ...string) func(context.Context) ([]byte, error) {
	return func(ctx context.Context) ([]byte, error) {
		return s.Ledger.Evaluate(ctx, signer, function, args...)
	}
}

// Last returns the later of two transactions, either of which may be nil:
// a request of several submits reports its last one.
func Last(a, b *Tx) *Tx {
	if b == nil {
		return a
	}
	return b
}

func duplicateOf(err error) (string, bool) {
	var cc *ledger.ChaincodeError
	if !errors.As(err, &cc) {
		return "", false
	}
	parsed, ok := model.ParseError(cc.Message)
	if !ok || parsed.Code != model.CodeDuplicate {
		return "", false
	}
	return strings.TrimSpace(parsed.Message), true
}

func outcome(err error) string {
	var cc *ledger.ChaincodeError
	switch {
	case err == nil:
		return "committed"
	case errors.As(err, &cc):
		return "rejected"
	default:
		return "failed"
	}
}
