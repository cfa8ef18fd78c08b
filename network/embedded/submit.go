package embedded

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"

	"zonetrace/network/ledger"
)

// pendingTx is an endorsed transaction waiting for the committer. view is
// what listeners will see of it, prepared by the submitter (in parallel with
// other submitters) so that the committer only fills in its position and
// validation code.
type pendingTx struct {
	tx   *openedTx
	view ledger.Transaction
	done chan commitOutcome
}

type commitOutcome struct {
	block uint64
	code  string
	err   error
}

// Submit endorses, orders and commits function(args...) as signer. A
// conflicted transaction is simulated again under a new transaction ID, one
// conflicted transaction at a time, up to Config.MaxConflictRetries times; a
// transaction invalidated for good is returned as *ledger.InvalidatedError.
// If ctx ends while the transaction is being committed, Submit returns
// ctx.Err() and the transaction may still commit.
func (l *Ledger) Submit(ctx context.Context, signer ledger.Signer, function string, args ...string) (*ledger.SubmitResult, error) {
	for attempt := 0; ; attempt++ {
		res, err := l.submitAttempt(ctx, signer, function, args, attempt > 0)
		var invalid *ledger.InvalidatedError
		if errors.As(err, &invalid) && invalid.Conflict() && attempt < l.cfg.MaxConflictRetries {
			l.cfg.Logger.Debug("transaction conflicted, retrying", "function", function, "attempt", attempt, "err", err)
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("submit %s: %w", function, err)
		}
		return res, nil
	}
}

func (l *Ledger) submitAttempt(ctx context.Context, signer ledger.Signer, function string, args []string, retry bool) (*ledger.SubmitResult, error) {
	if retry {
		select {
		case l.retrySem <- struct{}{}:
			defer func() { <-l.retrySem }()
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	sp, err := newSignedProposal(l.cfg.ChannelID, signer, l.cfg.Clock(), function, args)
	if err != nil {
		return nil, err
	}
	p, err := l.endorseAndOrder(ctx, signer, sp)
	if err != nil {
		return nil, err
	}
	select {
	case out := <-p.done:
		return outcomeResult(p.tx, out)
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// endorseAndOrder simulates, has the client sign the envelope and hands it
// to the committer, all while the ledger cannot close.
func (l *Ledger) endorseAndOrder(ctx context.Context, signer ledger.Signer, sp *signedProposal) (*pendingTx, error) {
	if err := l.acquire(); err != nil {
		return nil, err
	}
	defer l.release()
	l.endorsing.Add(1)
	defer l.doneEndorsing()
	if err := l.brokenErr(); err != nil {
		return nil, err
	}
	e, err := l.endorse(sp)
	if err != nil {
		return nil, err
	}
	if e.paginated {
		return nil, refuse(e.op.prop.TxID, "paginated queries are only supported in read-only transactions")
	}
	env, err := newEnvelope(signer, sp, e.simBytes)
	if err != nil {
		return nil, err
	}
	tx, err := l.admit(env, sp, e)
	if err != nil {
		return nil, err
	}
	view, err := l.transactionView(tx)
	if err != nil {
		return nil, err
	}
	p := &pendingTx{tx: tx, view: view, done: make(chan commitOutcome, 1)}
	select {
	case l.queue <- p:
		return p, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// admit checks a signed envelope before ordering: it must be, byte for
// byte, the canonical encoding (newEnvelope's) of exactly the proposal,
// proposal signature and simulation that were endorsed, and the creator's
// envelope signature must hold. The proposal and its signature were
// verified at endorsement, so byte equality stands for checking them again;
// only the envelope signature is new. Requiring the canonical bytes also
// keeps every stored transaction compact JSON, which encodeBlock relies on.
func (l *Ledger) admit(env []byte, sp *signedProposal, e *endorsement) (*openedTx, error) {
	txID := e.op.prop.TxID
	payload, sig, ok := canonicalEnvelope(env, sp, e.simBytes)
	if !ok {
		return nil, refuse(txID, "envelope is not the endorsed proposal and result, canonically encoded")
	}
	if err := verifySignature(e.op.cert, payload, sig); err != nil {
		return nil, refuse(txID, "envelope signature: %v", err)
	}
	return &openedTx{raw: env, prop: e.op, simRaw: e.simBytes, sim: e.sim}, nil
}

// canonicalEnvelope splits the envelope newEnvelope writes for exactly this
// proposal, signature and simulation into its payload and signature without
// decoding JSON; ok is false for any other bytes.
func canonicalEnvelope(env []byte, sp *signedProposal, simBytes []byte) (payload, sig []byte, ok bool) {
	payload = appendRawObject(nil,
		rawField{"proposal", sp.Proposal},
		rawField{"proposal_signature", jsonBytes(sp.Signature)},
		rawField{"simulation", simBytes})
	rest, found := bytes.CutPrefix(env, []byte(`{"payload":`))
	if found {
		rest, found = bytes.CutPrefix(rest, payload)
	}
	if found {
		rest, found = bytes.CutPrefix(rest, []byte(`,"signature":`))
	}
	if found {
		rest, found = bytes.CutSuffix(rest, []byte(`}`))
	}
	if !found {
		return nil, nil, false
	}
	var encoded string
	if err := json.Unmarshal(rest, &encoded); err != nil {
		return nil, nil, false
	}
	sig, err := base64.StdEncoding.DecodeString(encoded)
	if err != nil || !bytes.Equal(jsonBytes(sig), rest) {
		return nil, nil, false
	}
	return payload, sig, true
}

func outcomeResult(tx *openedTx, out commitOutcome) (*ledger.SubmitResult, error) {
	txID := tx.prop.prop.TxID
	switch {
	case out.err != nil:
		return nil, fmt.Errorf("commit %s: %w", txID, out.err)
	case out.code == codeValid:
		return &ledger.SubmitResult{TxID: txID, BlockNumber: out.block, Payload: tx.sim.Payload}, nil
	default:
		return nil, &ledger.InvalidatedError{TxID: txID, Block: out.block, Code: out.code}
	}
}

// Evaluate simulates function(args...) as signer and returns its payload;
// nothing is ordered.
func (l *Ledger) Evaluate(ctx context.Context, signer ledger.Signer, function string, args ...string) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	sp, err := newSignedProposal(l.cfg.ChannelID, signer, l.cfg.Clock(), function, args)
	if err != nil {
		return nil, fmt.Errorf("evaluate %s: %w", function, err)
	}
	if err := l.acquire(); err != nil {
		return nil, fmt.Errorf("evaluate %s: %w", function, err)
	}
	defer l.release()
	e, err := l.endorse(sp)
	if err != nil {
		return nil, fmt.Errorf("evaluate %s: %w", function, err)
	}
	return e.sim.Payload, nil
}

// doneEndorsing ends a submission's endorsement, queued or not, and wakes a
// committer waiting for the last one.
func (l *Ledger) doneEndorsing() {
	if l.endorsing.Add(-1) == 0 {
		select {
		case l.endorsed <- struct{}{}:
		default:
		}
	}
}

func (l *Ledger) brokenErr() error {
	l.tipMu.Lock()
	defer l.tipMu.Unlock()
	return l.broken
}
