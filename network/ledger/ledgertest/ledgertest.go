// Package ledgertest is the conformance suite of the ledger.Ledger contract.
// Every implementation runs it — the embedded ledger in make test, Fabric in
// make test-fabric — so that what the gateway and the indexer rely on is
// checked on both, with the real chaincode (chaincode/contract) as the
// workload: submit and evaluate, listening from a block, the height,
// refusals with the model's codes, typed invalidation, MVCC conflicts on a
// hot key, the creator identity the chaincode sees, and restart and resume.
package ledgertest

import (
	"context"
	"testing"
	"time"

	"zonetrace/network/ledger"
)

// Options asks the implementation for a particular ledger configuration.
type Options struct {
	// NoConflictRetries opens a ledger that proposes a conflicted
	// transaction only once, so that its invalidation reaches the caller.
	NoConflictRetries bool
}

// Fixture is one ledger under test on a chain of its own, running the real
// ZoneTrace chaincode. Nothing but the suite writes to that chain.
type Fixture struct {
	Ledger ledger.Ledger
	// Issue returns a new identity of mspID (a channel organisation) with
	// organisational unit ou (pki.OUClient or pki.OUAdmin), trusted by the
	// ledger and bound to no enterprise.
	Issue func(t *testing.T, mspID, name, ou string) ledger.Signer
	// Restart closes Ledger and opens the same chain again; the suite then
	// uses the returned ledger.
	Restart func(t *testing.T) ledger.Ledger
	// Endorser is an MSP whose peer endorses every chaincode transaction,
	// "" for a ledger without endorsing peers (the embedded one).
	Endorser string
}

// Opener opens a fresh fixture; the implementation closes it when t ends.
type Opener func(t *testing.T, opts Options) *Fixture

// Run runs the suite. The subtests share one fixture (they use ids of their
// own) except the one that needs a ledger without conflict retries.
func Run(t *testing.T, open Opener) {
	z := newZone(t, open(t, Options{}))
	t.Run("submit returns the payload, transaction id and block", z.testSubmit)
	t.Run("evaluate returns the payload and orders nothing", z.testEvaluate)
	t.Run("listen from a block delivers exactly the blocks from there in order", z.testListen)
	t.Run("a chaincode refusal carries the model's code and commits nothing", z.testRefusals)
	t.Run("the chaincode sees the submitting identity", z.testCreator)
	t.Run("a delivered block carries what an explorer shows", z.testExplorerFields)
	t.Run("concurrent submits on one key commit once, on alike keys all commit", z.testHotKey)
	t.Run("restart keeps the height and listen resumes from the checkpoint", z.testRestart)
	t.Run("a transaction ordered but invalidated is a typed error", func(t *testing.T) {
		newZone(t, open(t, Options{NoConflictRetries: true})).testInvalidated(t)
	})
}

// timeout bounds each subtest; Fabric commits take a second or two each.
const timeout = 3 * time.Minute

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), timeout)
	t.Cleanup(cancel)
	return ctx
}
