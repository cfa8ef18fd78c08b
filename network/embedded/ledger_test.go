package embedded

import (
	"context"
	"encoding/json"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"zonetrace/network/ledger"
	"zonetrace/network/pki"
)

func TestSubmitAndEvaluate(t *testing.T) {
	f := setup(t)
	ctx := context.Background()

	res, err := f.ledger.Submit(ctx, f.customs, "Put", "greeting", "hello")
	require.NoError(t, err)
	require.Len(t, res.TxID, 64)
	require.Equal(t, uint64(0), res.BlockNumber)

	got, err := f.ledger.Evaluate(ctx, f.customs, "Get", "greeting")
	require.NoError(t, err)
	require.Equal(t, "hello", string(got))

	height, err := f.ledger.Height(ctx)
	require.NoError(t, err)
	require.Equal(t, uint64(1), height)

	t.Run("evaluate orders nothing", func(t *testing.T) {
		_, err := f.ledger.Evaluate(ctx, f.customs, "Put", "greeting", "changed")
		require.NoError(t, err)
		got, err := f.ledger.Evaluate(ctx, f.customs, "Get", "greeting")
		require.NoError(t, err)
		require.Equal(t, "hello", string(got))
		height, err := f.ledger.Height(ctx)
		require.NoError(t, err)
		require.Equal(t, uint64(1), height)
	})

	t.Run("the chaincode sees the submitter's identity", func(t *testing.T) {
		got, err := f.ledger.Evaluate(ctx, f.customs, "WhoAmI")
		require.NoError(t, err)
		id, err := clientID(mustCreator(t, f.customs))
		require.NoError(t, err)
		require.Equal(t, pki.CustomsMSP+" "+id, string(got))
	})
}

func TestChaincodeErrorCommitsNothing(t *testing.T) {
	f := setup(t)
	ctx := context.Background()

	_, err := f.ledger.Submit(ctx, f.customs, "Fail", "k", "CONFLICT: no way")
	var ccErr *ledger.ChaincodeError
	require.ErrorAs(t, err, &ccErr)
	require.Equal(t, "CONFLICT: no way", ccErr.Message)
	require.Len(t, ccErr.TxID, 64)

	height, err := f.ledger.Height(ctx)
	require.NoError(t, err)
	require.Zero(t, height)
	_, err = f.ledger.Evaluate(ctx, f.customs, "Get", "k")
	require.ErrorAs(t, err, &ccErr)
	require.Contains(t, ccErr.Message, "NOT_FOUND")
}

func TestCompositeKeysAndPartialQueries(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	for _, kv := range [][4]string{
		{"doc", "acme", "2", "b"}, {"doc", "acme", "1", "a"}, {"doc", "zeta", "1", "z"}, {"other", "acme", "1", "o"},
	} {
		_, err := f.ledger.Submit(ctx, f.customs, "PutComposite", kv[0], kv[1], kv[2], kv[3])
		require.NoError(t, err)
	}
	_, err := f.ledger.Submit(ctx, f.customs, "Put", "plain", "p")
	require.NoError(t, err)

	for _, tc := range []struct {
		name, objectType string
		attrs            []string
		want             []string
	}{
		{"one attribute selects its keys in order", "doc", []string{"acme"}, []string{"acme/1=a", "acme/2=b"}},
		{"no attribute selects the whole object type", "doc", []string{}, []string{"acme/1=a", "acme/2=b", "zeta/1=z"}},
		{"an unknown prefix selects nothing", "doc", []string{"nobody"}, []string{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			attrs, err := json.Marshal(tc.attrs)
			require.NoError(t, err)
			got, err := f.ledger.Evaluate(ctx, f.customs, "Partial", tc.objectType, string(attrs))
			require.NoError(t, err)
			var list []string
			require.NoError(t, json.Unmarshal(got, &list))
			require.Equal(t, tc.want, list)
		})
	}

	t.Run("a simple range query never returns composite keys", func(t *testing.T) {
		got, err := f.ledger.Evaluate(ctx, f.customs, "RangeCount", "", "", "")
		require.NoError(t, err)
		require.Equal(t, "1", string(got))
	})

	t.Run("an attribute holding U+0000 is refused as by the Fabric shim", func(t *testing.T) {
		_, err := f.ledger.Submit(ctx, f.customs, "PutComposite", "doc", "a\x00b", "1", "x")
		var ccErr *ledger.ChaincodeError
		require.ErrorAs(t, err, &ccErr)
		require.Contains(t, ccErr.Message, "not allowed")
	})
}

func TestPagination(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	for _, k := range []string{"p1", "p2", "p3"} {
		_, err := f.ledger.Submit(ctx, f.customs, "Put", k, "v")
		require.NoError(t, err)
	}

	page := func(bookmark string) []string {
		got, err := f.ledger.Evaluate(ctx, f.customs, "Page", "p", "q", "2", bookmark, "false")
		require.NoError(t, err)
		var list []string
		require.NoError(t, json.Unmarshal(got, &list))
		return list
	}
	require.Equal(t, []string{"p1", "p2", "bookmark=p3"}, page(""))
	require.Equal(t, []string{"p3", "bookmark="}, page("p3"))

	t.Run("a paginated query in an update transaction is refused", func(t *testing.T) {
		_, err := f.ledger.Submit(ctx, f.customs, "Page", "p", "q", "2", "", "true")
		var refused *RefusedError
		require.ErrorAs(t, err, &refused)
		require.Contains(t, refused.Reason, "read-only")
	})
}

func TestHistoryIsNewestFirst(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	first, err := f.ledger.Submit(ctx, f.customs, "Put", "h", "v1")
	require.NoError(t, err)
	second, err := f.ledger.Submit(ctx, f.customs, "Put", "h", "v2")
	require.NoError(t, err)
	del, err := f.ledger.Submit(ctx, f.customs, "Del", "h")
	require.NoError(t, err)

	got, err := f.ledger.Evaluate(ctx, f.customs, "History", "h")
	require.NoError(t, err)
	var items []historyItem
	require.NoError(t, json.Unmarshal(got, &items))
	require.Equal(t, []historyItem{
		{TxID: del.TxID, IsDelete: true},
		{TxID: second.TxID, Value: "v2"},
		{TxID: first.TxID, Value: "v1"},
	}, items)
}

func TestListenDeliversEventsWithTransactionMetadata(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	before := time.Now()
	res, err := f.ledger.Submit(ctx, f.customs, "Emit", "DocumentDeclared", `{"id":1}`)
	require.NoError(t, err)

	blocks := f.blocks(t)
	require.Len(t, blocks, 1)
	tx, ok := txByID(blocks, res.TxID)
	require.True(t, ok)
	id, err := clientID(mustCreator(t, f.customs))
	require.NoError(t, err)
	require.Equal(t, ledger.Transaction{
		ID:             res.TxID,
		Index:          0,
		Valid:          true,
		ValidationCode: "VALID",
		Creator:        ledger.Creator{MspID: pki.CustomsMSP, ID: id, CertPEM: f.customs.Credentials()},
		Timestamp:      tx.Timestamp,
		Function:       "Emit",
		Event:          &ledger.ChaincodeEvent{Name: "DocumentDeclared", Payload: []byte(`{"id":1}`)},
		Writes:         []ledger.KeyWrite{{Namespace: Namespace, Key: "emitted/DocumentDeclared"}},
		Raw:            tx.Raw,
	}, tx)
	opened, err := openEnvelope(tx.Raw)
	require.NoError(t, err, "Raw is the committed envelope")
	require.Equal(t, res.TxID, opened.prop.prop.TxID)
	require.Equal(t, dataHash([]json.RawMessage{tx.Raw}), blocks[0].DataHash, "the data hash covers Raw")
	require.WithinDuration(t, before, tx.Timestamp, time.Minute)
	require.Nil(t, blocks[0].PreviousHash)
	require.Len(t, blocks[0].Hash, 32)

	t.Run("live blocks follow stored ones without gap or duplicate", func(t *testing.T) {
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		got := make(chan ledger.Block, 10)
		done := make(chan error, 1)
		go func() {
			done <- f.ledger.Listen(ctx, 0, func(b ledger.Block) error {
				got <- b
				return nil
			})
		}()
		require.Equal(t, uint64(0), (<-got).Number)
		for i := range 3 {
			_, err := f.ledger.Submit(ctx, f.customs, "Put", "live", strconv.Itoa(i))
			require.NoError(t, err)
		}
		prev := blocks[0].Hash
		for n := uint64(1); n <= 3; n++ {
			b := <-got
			require.Equal(t, n, b.Number)
			require.Equal(t, prev, b.PreviousHash)
			prev = b.Hash
		}
		cancel()
		require.ErrorIs(t, <-done, context.Canceled)
		require.Empty(t, got)
	})

	t.Run("a failing handler ends Listen with its error", func(t *testing.T) {
		boom := &ledger.ChaincodeError{Message: "handler failed"}
		err := f.ledger.Listen(ctx, 0, func(ledger.Block) error { return boom })
		require.ErrorIs(t, err, boom)
	})
}

func TestRestartKeepsBlocksAndState(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	for i := range 3 {
		_, err := f.ledger.Submit(ctx, f.customs, "Emit", "E"+strconv.Itoa(i), "p")
		require.NoError(t, err)
	}
	before := f.blocks(t)
	require.Len(t, before, 3)

	f.reopen(t)

	height, err := f.ledger.Height(ctx)
	require.NoError(t, err)
	require.Equal(t, uint64(3), height)
	got, err := f.ledger.Evaluate(ctx, f.customs, "Get", "emitted/E2")
	require.NoError(t, err)
	require.Equal(t, "p", string(got))
	require.Equal(t, before, f.blocks(t))

	res, err := f.ledger.Submit(ctx, f.customs, "Put", "after", "restart")
	require.NoError(t, err)
	require.Equal(t, uint64(3), res.BlockNumber)
	after := f.blocks(t)
	require.Equal(t, before[2].Hash, after[3].PreviousHash)
	require.NoError(t, f.ledger.Close())
	require.NoError(t, VerifyStore(f.cfg.Dir))
}

func TestConcurrentIncrementsAllLand(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	const n = 50
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for range n {
		wg.Go(func() {
			_, err := f.ledger.Submit(ctx, f.customs, "Incr", "counter")
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	got, err := f.ledger.Evaluate(ctx, f.customs, "Get", "counter")
	require.NoError(t, err)
	require.Equal(t, "50", string(got))
}

func TestConflictsAreDetectedAndRetried(t *testing.T) {
	for _, tc := range []struct {
		name     string
		function string
		args     []string
		// interfere is committed while the paused transaction waits.
		interfere []string
		code      string
		payload   string
	}{
		{
			name:      "a changed key read is an MVCC read conflict",
			function:  "Incr",
			args:      []string{"c"},
			interfere: []string{"Incr", "c"},
			code:      "MVCC_READ_CONFLICT",
			payload:   "2",
		},
		{
			name:      "a key appearing in a read range is a phantom read",
			function:  "RangeCount",
			args:      []string{"r/", "r0", "mark"},
			interfere: []string{"Put", "r/5", "x"},
			code:      "PHANTOM_READ_CONFLICT",
			payload:   "1",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := setup(t)
			ctx := context.Background()
			g := newGate(tc.function)
			f.contract.pause = g.pause

			type result struct {
				res *ledger.SubmitResult
				err error
			}
			paused := make(chan result, 1)
			go func() {
				res, err := f.ledger.Submit(ctx, f.customs, tc.function, tc.args...)
				paused <- result{res, err}
			}()
			<-g.reached
			_, err := f.ledger.Submit(ctx, f.customs, tc.interfere[0], tc.interfere[1:]...)
			require.NoError(t, err)
			close(g.release)
			r := <-paused
			require.NoError(t, r.err)
			require.Equal(t, tc.payload, string(r.res.Payload))

			blocks := f.blocks(t)
			require.Len(t, blocks, 3, "interfering tx, conflicted tx, retried tx")
			conflicted := blocks[1].Transactions[0]
			require.False(t, conflicted.Valid)
			require.Equal(t, tc.code, conflicted.ValidationCode)
			require.NotEqual(t, r.res.TxID, conflicted.ID, "the retry has a new transaction ID")
			retried, ok := txByID(blocks, r.res.TxID)
			require.True(t, ok)
			require.True(t, retried.Valid)
		})
	}
}

func TestCloseStopsTheLedger(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	done := make(chan error, 1)
	go func() { done <- f.ledger.Listen(ctx, 0, func(ledger.Block) error { return nil }) }()
	require.NoError(t, f.ledger.Close())
	require.ErrorIs(t, <-done, ErrClosed)
	_, err := f.ledger.Submit(ctx, f.customs, "Put", "k", "v")
	require.ErrorIs(t, err, ErrClosed)
	_, err = f.ledger.Evaluate(ctx, f.customs, "Get", "k")
	require.ErrorIs(t, err, ErrClosed)
	f.reopen(t)
}

// A configured client clock stamps the proposals: the chaincode and the
// block's listeners see its time, not the wall clock's.
func TestClockStampsProposals(t *testing.T) {
	at := time.Date(2025, time.December, 3, 9, 30, 0, 0, time.UTC)
	f := setup(t, func(c *Config) { c.Clock = func() time.Time { return at } })
	ctx := context.Background()
	got, err := f.ledger.Evaluate(ctx, f.customs, "TxTime")
	require.NoError(t, err)
	require.Equal(t, at.Format(time.RFC3339Nano), string(got))
	res, err := f.ledger.Submit(ctx, f.customs, "Put", "k", "v")
	require.NoError(t, err)
	tx, ok := txByID(f.blocks(t), res.TxID)
	require.True(t, ok)
	require.True(t, at.Equal(tx.Timestamp), "block timestamp %s", tx.Timestamp)
}
