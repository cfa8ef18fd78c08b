package embedded

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	"zonetrace/network/ledger"
)

// pendingTx is an endorsed transaction waiting for the committer.
type pendingTx struct {
	tx   *openedTx
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
	tx, err := l.admit(env, e)
	if err != nil {
		return nil, err
	}
	p := &pendingTx{tx: tx, done: make(chan commitOutcome, 1)}
	select {
	case l.queue <- p:
		return p, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// admit checks a signed envelope before ordering: both signatures hold, and
// it carries exactly the proposal and simulation that were endorsed.
func (l *Ledger) admit(env []byte, e *endorsement) (*openedTx, error) {
	tx, err := openEnvelope(env)
	if err != nil {
		return nil, err
	}
	if !bytes.Equal(tx.prop.raw, e.op.raw) {
		return nil, refuse(e.op.prop.TxID, "envelope carries another proposal than the endorsed one")
	}
	if !bytes.Equal(tx.simRaw, e.simBytes) {
		return nil, refuse(e.op.prop.TxID, "envelope carries another result than the endorsed one")
	}
	return tx, nil
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

func (l *Ledger) brokenErr() error {
	l.tipMu.Lock()
	defer l.tipMu.Unlock()
	return l.broken
}
