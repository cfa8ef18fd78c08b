package fabricledger

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hyperledger/fabric-gateway/pkg/client"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"zonetrace/network/ledger"
)

// maxDisagreementRetries bounds the proposals of a transaction whose
// endorsers simulated on different heights. Unlike a conflict nothing was
// ordered, so it does not count against Config.MaxConflictRetries.
const maxDisagreementRetries = 30

// Submit endorses, orders and commits one transaction through the signer's
// organisation's gateway peer, proposing it again under a new transaction ID
// after an MVCC or phantom read conflict.
func (l *Ledger) Submit(ctx context.Context, signer ledger.Signer, function string, args ...string) (*ledger.SubmitResult, error) {
	contract, err := l.contract(signer, l.homeOrg(signer))
	if err != nil {
		return nil, fmt.Errorf("submit %s: %w", function, err)
	}
	for attempt := 0; ; attempt++ {
		res, code, err := l.attempt(ctx, contract, function, args, attempt > 0)
		if errors.Is(err, errEndorsersDisagree) && attempt < maxDisagreementRetries {
			l.cfg.Logger.DebugContext(ctx, "fabric ledger: endorsers disagree, proposing again", "function", function)
			continue
		}
		if err != nil {
			return nil, err
		}
		switch code {
		case peer.TxValidationCode_VALID:
			return res, nil
		case peer.TxValidationCode_MVCC_READ_CONFLICT, peer.TxValidationCode_PHANTOM_READ_CONFLICT:
			if attempt >= l.cfg.MaxConflictRetries {
				return nil, fmt.Errorf("submit %s after %d retries: %w", function, attempt,
					&ledger.InvalidatedError{TxID: res.TxID, Block: res.BlockNumber, Code: code.String()})
			}
			l.cfg.Logger.DebugContext(ctx, "fabric ledger: conflict, proposing again", "function", function, "tx", res.TxID, "code", code)
		default:
			return nil, fmt.Errorf("submit %s: %w", function, &ledger.InvalidatedError{TxID: res.TxID, Block: res.BlockNumber, Code: code.String()})
		}
	}
}

// attempt runs one proposal; a retry waits for its turn among retries.
func (l *Ledger) attempt(ctx context.Context, contract *client.Contract, function string, args []string, retry bool) (*ledger.SubmitResult, peer.TxValidationCode, error) {
	if retry {
		select {
		case l.retrying <- struct{}{}:
			defer func() { <-l.retrying }()
		case <-ctx.Done():
			return nil, 0, fmt.Errorf("submit %s: wait to retry: %w", function, ctx.Err())
		}
	}
	return l.submitOnce(ctx, contract, function, args)
}

// submitOnce runs one proposal to its validation code.
func (l *Ledger) submitOnce(ctx context.Context, contract *client.Contract, function string, args []string) (*ledger.SubmitResult, peer.TxValidationCode, error) {
	proposal, err := contract.NewProposal(function, client.WithArguments(args...))
	if err != nil {
		return nil, 0, fmt.Errorf("submit %s: build proposal: %w", function, err)
	}
	txID := proposal.TransactionID()
	txn, err := proposal.EndorseWithContext(ctx)
	if err != nil {
		return nil, 0, endorseError(err, txID, function)
	}
	res := &ledger.SubmitResult{TxID: txID, Payload: txn.Result()}
	commit, err := l.send(ctx, txn)
	var st *client.Status
	if err == nil {
		st, err = l.awaitStatus(ctx, txn, commit)
	}
	if err == nil && st.Code != peer.TxValidationCode_DUPLICATE_TXID {
		res.BlockNumber = st.BlockNumber
		return res, st.Code, nil
	}
	if err == nil {
		err = fmt.Errorf("a resent copy was reported as %s", st.Code)
	}
	if ctx.Err() != nil {
		return nil, 0, fmt.Errorf("submit %s (transaction %s): %w", function, txID, ctx.Err())
	}
	// The transaction may have been ordered although the call failed (a
	// broken connection, an orderer answering after a leader change): only
	// the ledger can tell.
	l.cfg.Logger.WarnContext(ctx, "fabric ledger: submission outcome unknown, settling from the ledger", "tx", txID, "err", describe(err))
	block, code, found, settleErr := l.settle(ctx, txID)
	if settleErr != nil {
		return nil, 0, fmt.Errorf("submit %s (transaction %s): %w: %w (settling: %w)", function, txID, ErrOutcomeUnknown, err, settleErr)
	}
	if !found {
		return nil, 0, fmt.Errorf("submit %s (transaction %s): not in the ledger after %s: %w", function, txID, l.cfg.SettleTimeout, errors.Join(ErrOutcomeUnknown, err))
	}
	res.BlockNumber = block
	return res, code, nil
}

// send submits a signed transaction to the orderers through the gateway,
// sending the same envelope again when the orderer refused it (no Raft
// leader during an election, an orderer restarting). A copy that arrives
// twice is invalidated as DUPLICATE_TXID; the first one counts.
func (l *Ledger) send(ctx context.Context, txn *client.Transaction) (*client.Commit, error) {
	var err error
	for attempt := range 4 {
		if attempt > 0 {
			select {
			case <-ctx.Done():
				return nil, ctx.Err()
			case <-time.After(time.Duration(attempt) * time.Second):
			}
		}
		var commit *client.Commit
		if commit, err = txn.SubmitWithContext(ctx); err == nil {
			return commit, nil
		}
		var submitErr *client.SubmitError
		if !errors.As(err, &submitErr) {
			return nil, err
		}
		l.cfg.Logger.WarnContext(ctx, "fabric ledger: orderer refused the transaction, sending again", "tx", txn.TransactionID(), "err", describe(err))
	}
	return nil, err
}

// awaitStatus waits for the transaction's validation code, at most
// CommitStatusTimeout (StatusWithContext ignores the client's own commit
// status timeout). An orderer that stops after accepting a transaction loses
// it, and no status ever comes: while none has come, the same signed
// envelope is sent again after ResendInterval, then after twice as long, and
// so on. A copy ordered twice is invalidated as DUPLICATE_TXID; the first
// one counts.
func (l *Ledger) awaitStatus(ctx context.Context, txn *client.Transaction, commit *client.Commit) (*client.Status, error) {
	ctx, cancel := context.WithTimeout(ctx, l.cfg.CommitStatusTimeout)
	defer cancel()
	for wait := l.cfg.ResendInterval; ; wait *= 2 {
		roundCtx, cancelRound := context.WithTimeout(ctx, wait)
		st, err := commit.StatusWithContext(roundCtx)
		// The peer may answer DeadlineExceeded a moment before the round's
		// own timer fires: the deadline travels with the call.
		roundEnded := roundCtx.Err() != nil || status.Code(err) == codes.DeadlineExceeded
		cancelRound()
		if err == nil || !roundEnded || ctx.Err() != nil {
			return st, err
		}
		l.cfg.Logger.WarnContext(ctx, "fabric ledger: not committed yet, sending the same transaction again", "tx", txn.TransactionID(), "waited", wait)
		if commit, err = l.send(ctx, txn); err != nil {
			return nil, err
		}
	}
}

// settle polls the ledger for txID until it shows up or SettleTimeout passes.
func (l *Ledger) settle(ctx context.Context, txID string) (block uint64, code peer.TxValidationCode, found bool, err error) {
	ctx, cancel := context.WithTimeout(ctx, l.cfg.SettleTimeout)
	defer cancel()
	for {
		block, code, found, err = l.transactionStatus(ctx, txID)
		if err == nil && found {
			return block, code, true, nil
		}
		select {
		case <-ctx.Done():
			// Not found in time is an answer; a query that kept failing is not.
			if err != nil {
				return 0, 0, false, err
			}
			return 0, 0, false, nil
		case <-time.After(500 * time.Millisecond):
		}
	}
}

// Evaluate runs a query on the signer's organisation's peer.
func (l *Ledger) Evaluate(ctx context.Context, signer ledger.Signer, function string, args ...string) ([]byte, error) {
	contract, err := l.contract(signer, l.homeOrg(signer))
	if err != nil {
		return nil, fmt.Errorf("evaluate %s: %w", function, err)
	}
	proposal, err := contract.NewProposal(function, client.WithArguments(args...))
	if err != nil {
		return nil, fmt.Errorf("evaluate %s: build proposal: %w", function, err)
	}
	out, err := proposal.EvaluateWithContext(ctx)
	if err != nil {
		return nil, endorseError(err, proposal.TransactionID(), function)
	}
	return out, nil
}
