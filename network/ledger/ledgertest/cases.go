package ledgertest

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
	"zonetrace/chaincode/tracecode"
	"zonetrace/network/ledger"
	"zonetrace/network/pki"
)

func (z *zone) testSubmit(t *testing.T) {
	ctx := testContext(t)
	before := z.height(ctx, t)
	id := z.enterpriseID()
	res, err := z.ledger().Submit(ctx, z.admin, "RegisterEnterprise", z.req(), enterpriseJSON(id))
	require.NoError(t, err)
	require.NotEmpty(t, res.TxID)
	require.GreaterOrEqual(t, res.BlockNumber, before)
	var e model.Enterprise
	require.NoError(t, json.Unmarshal(res.Payload, &e), "payload is the chaincode's return value")
	require.Equal(t, id, e.ID)
	require.Equal(t, res.TxID, e.UpdatedTx, "the transaction id is the one the chaincode ran under")
	require.Greater(t, z.height(ctx, t), res.BlockNumber, "the height counts the committed block")

	_, second := z.register(ctx, t)
	require.NotEqual(t, res.TxID, second.TxID)
	require.Greater(t, second.BlockNumber, res.BlockNumber, "a later submit commits in a later block")
}

func (z *zone) testEvaluate(t *testing.T) {
	ctx := testContext(t)
	id, _ := z.register(ctx, t)
	raw, err := z.ledger().Evaluate(ctx, z.customs, "GetEnterprise", id)
	require.NoError(t, err)
	var e model.Enterprise
	require.NoError(t, json.Unmarshal(raw, &e))
	require.Equal(t, id, e.ID)

	before := z.height(ctx, t)
	unregistered := z.enterpriseID()
	raw, err = z.ledger().Evaluate(ctx, z.admin, "RegisterEnterprise", z.req(), enterpriseJSON(unregistered))
	require.NoError(t, err, "a write function evaluates like a query")
	require.NoError(t, json.Unmarshal(raw, &e))
	require.Equal(t, unregistered, e.ID)
	require.Equal(t, before, z.height(ctx, t), "an evaluation orders nothing")
	_, err = z.ledger().Evaluate(ctx, z.customs, "GetEnterprise", unregistered)
	require.Equal(t, model.CodeNotFound, refusal(t, err), "an evaluation changes no state")
}

func (z *zone) testListen(t *testing.T) {
	ctx := testContext(t)
	_, first := z.register(ctx, t)
	_, second := z.register(ctx, t)
	from := first.BlockNumber

	listenCtx, stop := context.WithCancel(ctx)
	defer stop()
	delivered := make(chan ledger.Block)
	done := make(chan error, 1)
	go func() {
		done <- z.ledger().Listen(listenCtx, from, func(b ledger.Block) error {
			select {
			case delivered <- b:
				return nil
			case <-listenCtx.Done():
				return listenCtx.Err()
			}
		})
	}()
	// Two more while listening: stored and live blocks form one stream.
	_, third := z.register(ctx, t)
	_, fourth := z.register(ctx, t)

	var blocks []ledger.Block
	for len(blocks) == 0 || blocks[len(blocks)-1].Number < fourth.BlockNumber {
		select {
		case b := <-delivered:
			blocks = append(blocks, b)
		case err := <-done:
			t.Fatalf("Listen ended early after %d blocks: %v", len(blocks), err)
		case <-ctx.Done():
			t.Fatalf("no block %d after %d blocks: %v", fourth.BlockNumber, len(blocks), ctx.Err())
		}
	}
	stop()
	require.ErrorIs(t, <-done, context.Canceled, "Listen ends with the context")

	requireChain(t, blocks, from)
	require.Equal(t, fourth.BlockNumber, blocks[len(blocks)-1].Number)
	for _, res := range []*ledger.SubmitResult{first, second, third, fourth} {
		tx, block, ok := txByID(blocks, res.TxID)
		require.True(t, ok, "transaction %s not delivered", res.TxID)
		require.Equal(t, res.BlockNumber, block, "transaction %s delivered in another block than Submit said", res.TxID)
		require.True(t, tx.Valid)
		require.Equal(t, "VALID", tx.ValidationCode)
		require.Equal(t, "RegisterEnterprise", tx.Function)
		require.Equal(t, pki.ZoneAdminMSP, tx.Creator.MspID)
		require.NotNil(t, tx.Event, "the chaincode's event is delivered")
		require.NotEmpty(t, tx.Event.Payload)
		n := 0
		for _, b := range blocks {
			for _, other := range b.Transactions {
				if other.ID == res.TxID {
					n++
				}
			}
		}
		require.Equal(t, 1, n, "transaction %s delivered %d times", res.TxID, n)
	}

	t.Run("from the last block delivers that block first", func(t *testing.T) {
		got := z.blocks(ctx, t, fourth.BlockNumber, fourth.BlockNumber)
		require.Len(t, got, 1)
		require.Equal(t, blocks[len(blocks)-1].Hash, got[0].Hash)
	})
}

func (z *zone) testRefusals(t *testing.T) {
	ctx := testContext(t)
	registered, _ := z.register(ctx, t)
	unbound := z.f.Issue(t, pki.WarehouseMSP, "conformance-unbound", pki.OUClient)
	reused := z.req()
	_, err := z.ledger().Submit(ctx, z.admin, "RegisterEnterprise", reused, enterpriseJSON(z.enterpriseID()))
	require.NoError(t, err)

	before := z.height(ctx, t)
	for _, tc := range []struct {
		name     string
		signer   ledger.Signer
		function string
		args     []string
		code     model.Code
	}{
		{"bad input", z.admin, "RegisterEnterprise", []string{z.req(), "not json"}, model.CodeInvalid},
		{"an enterprise registered twice", z.admin, "RegisterEnterprise", []string{z.req(), enterpriseJSON(registered)}, model.CodeConflict},
		{"a role that may not", z.customs, "RegisterEnterprise", []string{z.req(), enterpriseJSON(z.enterpriseID())}, model.CodeForbidden},
		{"an unknown enterprise", z.admin, "BindIdentity", []string{z.req(), z.enterpriseID(), unbound.MspID(), string(unbound.Credentials())}, model.CodeNotFound},
		{"a request id used before", z.admin, "RegisterEnterprise", []string{reused, enterpriseJSON(z.enterpriseID())}, model.CodeDuplicate},
	} {
		t.Run("submit: "+tc.name+" is "+string(tc.code), func(t *testing.T) {
			_, err := z.ledger().Submit(ctx, tc.signer, tc.function, tc.args...)
			require.Equal(t, tc.code, refusal(t, err), "%v", err)
		})
	}
	t.Run("evaluate: an unknown enterprise is NOT_FOUND", func(t *testing.T) {
		_, err := z.ledger().Evaluate(ctx, z.customs, "GetEnterprise", z.enterpriseID())
		require.Equal(t, model.CodeNotFound, refusal(t, err))
	})
	require.Equal(t, before, z.height(ctx, t), "a refused transaction is never ordered")
}

func (z *zone) testCreator(t *testing.T) {
	ctx := testContext(t)
	ent := z.f.Issue(t, pki.WarehouseMSP, "conformance-creator", pki.OUClient)
	unbound := z.whoAmI(ctx, t, ent)
	require.Equal(t, pki.WarehouseMSP, unbound.MspID)
	require.NotEmpty(t, unbound.ClientID)
	require.Empty(t, unbound.Role, "an unbound client has no role")

	before := z.height(ctx, t)
	_, err := z.ledger().Submit(ctx, ent, "DeclarePrefiling", z.req(), z.prefilingID(), prefilingJSON)
	require.Equal(t, model.CodeForbidden, refusal(t, err), "an unbound identity acts for no enterprise")
	_, err = z.ledger().Submit(ctx, z.customs, "DeclarePrefiling", z.req(), z.prefilingID(), prefilingJSON)
	require.Equal(t, model.CodeForbidden, refusal(t, err), "customs is not an enterprise")
	require.Equal(t, before, z.height(ctx, t))

	id, _ := z.register(ctx, t)
	z.bind(ctx, t, id, ent)
	// On Fabric an evaluation may be served by a peer that has not yet
	// committed the block the bind went into: reads after a commit are
	// eventually consistent across peers, so wait (briefly) for it.
	var bound model.Actor
	require.Eventually(t, func() bool {
		bound = z.whoAmI(ctx, t, ent)
		return bound.Role != ""
	}, 10*time.Second, 50*time.Millisecond, "the bind never became visible to WhoAmI")
	require.Equal(t, model.Actor{MspID: pki.WarehouseMSP, ClientID: unbound.ClientID, Role: model.RoleEnterprise, EnterpriseID: id, Name: unbound.Name}, bound)

	res, err := z.ledger().Submit(ctx, ent, "DeclarePrefiling", z.req(), z.prefilingID(), prefilingJSON)
	require.NoError(t, err, "the bound identity acts for its enterprise")
	var p model.Prefiling
	require.NoError(t, json.Unmarshal(res.Payload, &p))
	require.Equal(t, id, p.EnterpriseID)

	tx, _, ok := txByID(z.blocks(ctx, t, res.BlockNumber, res.BlockNumber), res.TxID)
	require.True(t, ok)
	require.Equal(t, ledger.Creator{MspID: pki.WarehouseMSP, ID: unbound.ClientID, CertPEM: ent.Credentials()}, tx.Creator,
		"listeners see the creator the chaincode saw")

	other := z.f.Issue(t, pki.WarehouseMSP, "conformance-colleague", pki.OUClient)
	_, err = z.ledger().Submit(ctx, other, "DeclarePrefiling", z.req(), z.prefilingID(), prefilingJSON)
	require.Equal(t, model.CodeForbidden, refusal(t, err), "binding is per identity, not per organisation")
}

// approveAll approves the prefilings concurrently as customs.
func (z *zone) approveAll(ctx context.Context, ids, reqs []string) []error {
	errs := make([]error, len(ids))
	var wg sync.WaitGroup
	for i := range ids {
		wg.Go(func() {
			_, errs[i] = z.ledger().Submit(ctx, z.customs, "ReviewPrefiling", reqs[i], ids[i], "approve", "")
		})
	}
	wg.Wait()
	return errs
}

func (z *zone) reqs(n int) []string {
	reqs := make([]string, n)
	for i := range reqs {
		reqs[i] = z.req()
	}
	return reqs
}

const concurrentApprovals = 8

// testHotKey submits concurrently on one key — approvals of one prefiling,
// which read and write its record — and on keys merely alike — approvals of
// different prefilings of one commodity and day, whose trace codes share no
// counter (docs/architecture.md "Trace codes").
func (z *zone) testHotKey(t *testing.T) {
	ctx := testContext(t)
	_, ent := z.enterprise(ctx, t, pki.ZoneAdminMSP)
	ids := z.declare(ctx, t, ent, concurrentApprovals)
	errs := z.approveAll(ctx, ids, z.reqs(len(ids)))
	codes := map[string]string{} // trace code → prefiling
	for i, id := range ids {
		require.NoError(t, errs[i], "approval %d", i)
		p := z.prefiling(ctx, t, id)
		require.Equal(t, model.PrefilingApproved, p.Status, "approval %d committed", i)
		require.True(t, tracecode.Valid(p.TraceCode), "approval %d: trace code %q", i, p.TraceCode)
		require.NotContains(t, codes, p.TraceCode, "trace code issued twice")
		codes[p.TraceCode] = id
	}
	for code, id := range codes {
		raw, err := z.ledger().Evaluate(ctx, z.customs, "GetTraceCode", code)
		require.NoError(t, err)
		var tc model.TraceCode
		require.NoError(t, json.Unmarshal(raw, &tc))
		require.Equal(t, id, tc.PrefilingID)
	}

	one := z.declare(ctx, t, ent, 1)[0]
	same := slices.Repeat([]string{one}, concurrentApprovals)
	errs = z.approveAll(ctx, same, z.reqs(len(same)))
	committed := 0
	for i, err := range errs {
		if err == nil {
			committed++
			continue
		}
		// A loser either conflicted for good or, retried, found the
		// prefiling approved already.
		var invalid *ledger.InvalidatedError
		if errors.As(err, &invalid) {
			require.ErrorIs(t, err, ledger.ErrConflict, "review %d", i)
			continue
		}
		require.Equal(t, model.CodeConflict, refusal(t, err), "review %d", i)
	}
	require.Equal(t, 1, committed, "exactly one concurrent review of one prefiling commits")
	p := z.prefiling(ctx, t, one)
	require.Equal(t, model.PrefilingApproved, p.Status)
	require.Len(t, p.Steps, 2, "declared, approved once")
}

// invalidation is an approval that was ordered but invalidated.
type invalidation struct {
	err         *ledger.InvalidatedError
	prefiling   string
	requestID   string
	wrappedText string
}

func (z *zone) testInvalidated(t *testing.T) {
	ctx := testContext(t)
	_, ent := z.enterprise(ctx, t, pki.ZoneAdminMSP)
	var invalidated []invalidation
	// Concurrent reviews of one prefiling nearly always collide at once; a
	// few rounds make sure at least one collision is seen.
	for round := 0; round < 5 && len(invalidated) == 0; round++ {
		one := z.declare(ctx, t, ent, 1)[0]
		ids := slices.Repeat([]string{one}, concurrentApprovals)
		reqs := z.reqs(len(ids))
		for i, err := range z.approveAll(ctx, ids, reqs) {
			if err == nil {
				continue
			}
			var invalid *ledger.InvalidatedError
			if !errors.As(err, &invalid) {
				// Simulated after the winner committed: refused, not ordered.
				require.Equal(t, model.CodeConflict, refusal(t, err), "review %d", i)
				continue
			}
			require.ErrorIs(t, err, ledger.ErrInvalidated)
			require.ErrorIs(t, err, ledger.ErrConflict, "a read conflict is a conflict")
			require.Contains(t, []string{ledger.CodeMVCCReadConflict, ledger.CodePhantomReadConflict}, invalid.Code)
			require.NotEmpty(t, invalid.TxID)
			invalidated = append(invalidated, invalidation{invalid, ids[i], reqs[i], err.Error()})
		}
		t.Logf("round %d: %d of %d concurrent reviews invalidated", round+1, len(invalidated), concurrentApprovals)
	}
	require.NotEmpty(t, invalidated, "five rounds of %d concurrent reviews of one prefiling never conflicted", concurrentApprovals)

	for _, inv := range invalidated {
		tx, _, ok := txByID(z.blocks(ctx, t, inv.err.Block, inv.err.Block), inv.err.TxID)
		require.True(t, ok, "invalidated transaction %s is not in block %d", inv.err.TxID, inv.err.Block)
		require.False(t, tx.Valid)
		require.Equal(t, inv.err.Code, tx.ValidationCode, "listeners see the same validation code")

		p := z.prefiling(ctx, t, inv.prefiling)
		require.Len(t, p.Steps, 2, "an invalidated transaction changes nothing")
		require.NotEqual(t, inv.err.TxID, p.Steps[1].TxID, "the invalidated review is not the one that approved")
		// Not even its request id was claimed: the same request proposed
		// again is judged afresh (the prefiling is approved by now), not
		// refused as done before.
		_, err := z.ledger().Submit(ctx, z.customs, "ReviewPrefiling", inv.requestID, inv.prefiling, "approve", "")
		var cc *ledger.ChaincodeError
		require.ErrorAs(t, err, &cc, "after %s", inv.wrappedText)
		parsed, ok := model.ParseError(cc.Message)
		require.True(t, ok, cc.Message)
		require.Equal(t, model.ReasonPrefilingNotDeclared, parsed.Reason, "after %s", inv.wrappedText)
	}
}

func (z *zone) testRestart(t *testing.T) {
	ctx := testContext(t)
	id, _ := z.register(ctx, t)
	checkpoint := z.height(ctx, t)
	last := z.blocks(ctx, t, checkpoint-1, checkpoint-1)[0]

	z.f.Ledger = z.f.Restart(t)

	require.Equal(t, checkpoint, z.height(ctx, t), "the height survives a restart")
	again := z.blocks(ctx, t, checkpoint-1, checkpoint-1)[0]
	require.Equal(t, last.Hash, again.Hash, "the blocks survive a restart")
	require.Equal(t, last.Transactions, again.Transactions)
	_, err := z.ledger().Evaluate(ctx, z.customs, "GetEnterprise", id)
	require.NoError(t, err, "the state survives a restart")

	// An indexer resuming at its checkpoint gets exactly the next block,
	// also when it starts listening before that block exists.
	listenCtx, stop := context.WithCancel(ctx)
	defer stop()
	delivered := make(chan ledger.Block, 1)
	done := make(chan error, 1)
	go func() {
		done <- z.ledger().Listen(listenCtx, checkpoint, func(b ledger.Block) error {
			delivered <- b
			return errEnough
		})
	}()
	_, res := z.register(ctx, t)
	require.Equal(t, checkpoint, res.BlockNumber, "nothing else writes to the fixture's chain")
	require.ErrorIs(t, <-done, errEnough)
	b := <-delivered
	require.Equal(t, checkpoint, b.Number)
	require.Equal(t, last.Hash, b.PreviousHash)
	_, _, ok := txByID([]ledger.Block{b}, res.TxID)
	require.True(t, ok)
}
