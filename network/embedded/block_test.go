package embedded

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"zonetrace/network/ledger"
)

// The hand-spliced envelope is byte for byte what encoding/json gives for
// the same structs, also for text encoding/json escapes.
func TestEnvelopeIsJSONMarshal(t *testing.T) {
	f := setup(t)
	sp, err := newSignedProposal(testChannel, f.customs, time.Now(), "Put", []string{"k<&>", "v \u2028 \"quoted\" 汉字"})
	require.NoError(t, err)
	sim, err := json.Marshal(simulation{Status: 200, Payload: []byte("<b>&"), Event: &chaincodeEvent{Name: "e<>", Payload: []byte{0, 1}},
		RWSet: rwSet{Writes: []kvWrite{{Key: "k<&>", Value: []byte("v")}}}})
	require.NoError(t, err)

	env, err := newEnvelope(f.customs, sp, sim)
	require.NoError(t, err)

	var got envelope
	require.NoError(t, json.Unmarshal(env, &got))
	payload, err := json.Marshal(txPayload{Proposal: sp.Proposal, ProposalSignature: sp.Signature, Simulation: sim})
	require.NoError(t, err)
	require.Equal(t, string(payload), string(got.Payload))
	want, err := json.Marshal(envelope{Payload: payload, Signature: got.Signature})
	require.NoError(t, err)
	require.Equal(t, string(want), string(env))
	_, err = openEnvelope(env)
	require.NoError(t, err, "the spliced envelope opens and its signatures hold")
}

// The spliced block encoding is byte for byte json.Marshal's, for the
// genesis block (no previous hash) and a later one.
func TestEncodeBlockIsJSONMarshal(t *testing.T) {
	f := setup(t)
	var txs []json.RawMessage
	for _, arg := range []string{"a", "<&>", "汉字"} {
		sp, err := newSignedProposal(testChannel, f.customs, time.Now(), "Put", []string{arg, arg})
		require.NoError(t, err)
		env, err := newEnvelope(f.customs, sp, []byte(`{"status":200,"rwset":{}}`))
		require.NoError(t, err)
		txs = append(txs, env)
	}
	codes := []string{codeValid, codeMVCCConflict, codeValid}
	for _, b := range []*storedBlock{
		newStoredBlock(0, nil, txs[:1], codes[:1]),
		newStoredBlock(7, make([]byte, 32), txs, codes),
	} {
		want, err := json.Marshal(b)
		require.NoError(t, err)
		got, err := encodeBlock(b)
		require.NoError(t, err)
		require.Equal(t, string(want), string(got))
		decoded, err := decodeBlock(got)
		require.NoError(t, err)
		require.Equal(t, b.Header, decoded.Header)
	}
}

// sameBlock configures a ledger whose blocks hold two transactions, and
// makes the chaincode wait in simulation until two transactions are there:
// both are endorsed against the same state and, as the committer cuts no
// block while a submission is being endorsed, ordered into one block.
func sameBlock(t *testing.T) *fixture {
	f := setup(t, func(c *Config) {
		c.MaxBatchSize = 2
		c.BatchTimeout = time.Hour
		c.MaxConflictRetries = -1
	})
	var arrived sync.WaitGroup
	arrived.Add(2)
	f.contract.pause = func(string) {
		arrived.Done()
		arrived.Wait()
	}
	return f
}

// Two transactions simulated against the same state and ordered into one
// block: the first in block order commits, the second read a key the first
// wrote and is invalidated, as a Fabric committing peer decides.
func TestLaterTransactionOfABlockReadingAnEarlierWriteIsInvalidated(t *testing.T) {
	f := sameBlock(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range errs {
		wg.Go(func() { _, errs[i] = f.ledger.Submit(ctx, f.customs, "Incr", "c") })
	}
	wg.Wait()

	blocks := f.blocks(t)
	require.Len(t, blocks, 1, "both transactions in one block")
	txs := blocks[0].Transactions
	require.Len(t, txs, 2)
	require.True(t, txs[0].Valid, "the first in block order commits")
	require.False(t, txs[1].Valid)
	require.Equal(t, ledger.CodeMVCCReadConflict, txs[1].ValidationCode)
	committed, invalidated := 0, 0
	for _, err := range errs {
		var inv *ledger.InvalidatedError
		switch {
		case err == nil:
			committed++
		case errors.As(err, &inv):
			invalidated++
			require.Equal(t, txs[1].ID, inv.TxID)
			require.Equal(t, uint64(0), inv.Block)
		default:
			require.NoError(t, err)
		}
	}
	require.Equal(t, 1, committed)
	require.Equal(t, 1, invalidated)
	got, err := f.ledger.Evaluate(ctx, f.customs, "Get", "c")
	require.NoError(t, err)
	require.Equal(t, "1", string(got))

	// The block from memory and the block from disk are the same.
	f.contract.pause = nil
	f.reopen(t)
	require.Equal(t, blocks, f.blocks(t))
}

// A range read that a write earlier in the same block changed is a phantom
// read; the same range read before the write is valid.
func TestRangeReadAfterAWriteOfTheSameBlockIsAPhantom(t *testing.T) {
	f := sameBlock(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	wg.Go(func() { _, _ = f.ledger.Submit(ctx, f.customs, "Put", "r/5", "x") })
	wg.Go(func() { _, _ = f.ledger.Submit(ctx, f.customs, "RangeCount", "r/", "r0", "mark") })
	wg.Wait()

	blocks := f.blocks(t)
	require.Len(t, blocks, 1)
	txs := blocks[0].Transactions
	require.Len(t, txs, 2)
	require.True(t, txs[0].Valid, "the first in block order commits")
	if txs[0].Function == "Put" {
		require.False(t, txs[1].Valid)
		require.Equal(t, ledger.CodePhantomReadConflict, txs[1].ValidationCode)
	} else {
		require.True(t, txs[1].Valid, "a write after the range read changes nothing it read")
	}
}

// With no other submission being endorsed, a transaction does not wait for
// the batch timeout: it is cut into a block of its own at once.
func TestALoneTransactionDoesNotWaitForTheBatchTimeout(t *testing.T) {
	f := setup(t, func(c *Config) { c.BatchTimeout = time.Hour })
	ctx := context.Background()
	for i := range 3 {
		res, err := f.ledger.Submit(ctx, f.customs, "Put", "k", strconv.Itoa(i))
		require.NoError(t, err)
		require.Equal(t, uint64(i), res.BlockNumber)
	}
}

// Admission takes the envelope newEnvelope wrote for the endorsed proposal
// and result, and nothing else: not the same JSON re-spaced, not another
// result, not a bad signature.
func TestAdmitTakesOnlyTheCanonicalEndorsedEnvelope(t *testing.T) {
	f := setup(t)
	sp, err := newSignedProposal(testChannel, f.customs, time.Now(), "Put", []string{"k", "v"})
	require.NoError(t, err)
	e, err := f.ledger.endorse(sp)
	require.NoError(t, err)
	env, err := newEnvelope(f.customs, sp, e.simBytes)
	require.NoError(t, err)

	tx, err := f.ledger.admit(env, sp, e)
	require.NoError(t, err)
	require.Equal(t, env, tx.raw)

	var outer envelope
	require.NoError(t, json.Unmarshal(env, &outer))
	respaced, err := json.MarshalIndent(outer, "", " ")
	require.NoError(t, err)
	otherResult, err := newEnvelope(f.customs, sp, []byte(`{"status":200,"rwset":{}}`))
	require.NoError(t, err)
	badSignature := slices.Clone(env)
	badSignature[len(badSignature)-4] ^= 1
	for name, bad := range map[string][]byte{
		"re-spaced":     respaced,
		"other result":  otherResult,
		"bad signature": badSignature,
		"truncated":     env[:len(env)-1],
	} {
		_, err := f.ledger.admit(bad, sp, e)
		var refused *RefusedError
		require.ErrorAs(t, err, &refused, name)
	}
}
