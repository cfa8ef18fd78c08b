package indexer_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
	"zonetrace/indexer"
	"zonetrace/indexer/internal/blockfeed"
	"zonetrace/indexer/query"
)

// TestIndexerStoresNULText is the finding "a NUL character in any free-text
// field accepted onto the chain makes PostgreSQL refuse that block (22P05)
// and the indexer stops for every tenant". Blocks already on a chain may
// carry NUL or invalid UTF-8, so the indexer stores them, through the same
// transform in incremental runs and rebuilds.
func TestIndexerStoresNULText(t *testing.T) {
	t.Parallel()
	f := setup(t)
	f.chain.RegisterEnterprise("91320583MA1XYZ0001", "昆山\x00咖啡")
	f.chain.Declare("PF2025030100000001", "91320583MA1XYZ0001", beans("Yirgacheffe\x00G1", "ET", "Addis"))
	f.chain.Review("PF2025030100000001", false, "reason with NUL \x00 inside")
	txID, at := f.chain.NextTx()
	odd := blockfeed.Tx(txID, at, "WhoAmI\x00", blockfeed.Customs)
	odd.Event = nil
	odd.Creator.ID = "x509::CN=bad\xff\xfebytes::CN=ca"
	f.feed.Commit(odd)
	f.chain.RegisterEnterprise("91320583MA1XYZ0002", "after the odd blocks")
	f.catchUp(t)

	require.Equal(t, 5, f.checkpoint(t), "every block is applied, none parked")
	require.Equal(t, []string{"昆山␀咖啡"}, f.strings(t, `SELECT name FROM enterprises WHERE id = '91320583MA1XYZ0001'`))
	require.Equal(t, []string{"昆山␀咖啡"}, f.strings(t, `SELECT doc->>'name' FROM enterprises WHERE id = '91320583MA1XYZ0001'`))
	require.Equal(t, []string{"reason with NUL ␀ inside"},
		f.strings(t, `SELECT reason FROM prefiling_steps WHERE prefiling_id = 'PF2025030100000001' AND seq = 2`))
	require.Equal(t, []string{"WhoAmI␀"}, f.strings(t, `SELECT function FROM ledger_transactions WHERE block_number = 3`))
	require.Equal(t, []string{"x509::CN=bad\uFFFDbytes::CN=ca"}, f.strings(t, `SELECT creator_id FROM ledger_transactions WHERE block_number = 3`))

	pf, err := query.New(f.pool).Prefiling(t.Context(), "PF2025030100000001")
	require.NoError(t, err)
	require.Equal(t, "Yirgacheffe␀G1", pf.Data.ProductName)

	incremental, err := indexer.TableDigest(t.Context(), f.pool)
	require.NoError(t, err)
	require.NoError(t, indexer.Rebuild(t.Context(), f.pool, f.feed))
	rebuilt, err := indexer.TableDigest(t.Context(), f.pool)
	require.NoError(t, err)
	require.Equal(t, incremental, rebuilt, "a rebuild stores the same text")
}

func TestStoreText(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"plain 中文":         "plain 中文",
		"a\x00b\x00":       "a␀b␀",
		"bad\xff\xfe tail": "bad\uFFFD tail",
		"\x00\xff":         "␀\uFFFD",
		"":                 "",
	} {
		require.Equal(t, want, indexer.StoreText(in), "%q", in)
	}
}

// TestStoreTextsCoversTheModel fails when a map enters the event model: the
// text walk does not clean maps (keys could collide after cleaning, and which
// entry survived would depend on iteration order).
func TestStoreTextsCoversTheModel(t *testing.T) {
	t.Parallel()
	seen := map[reflect.Type]bool{}
	var walk func(reflect.Type, string)
	walk = func(typ reflect.Type, path string) {
		if seen[typ] {
			return
		}
		seen[typ] = true
		switch typ.Kind() {
		case reflect.Map:
			t.Errorf("%s is a map; teach indexer.storeTexts to clean it deterministically", path)
		case reflect.Pointer, reflect.Slice, reflect.Array:
			walk(typ.Elem(), path+"[]")
		case reflect.Struct:
			for i := range typ.NumField() {
				walk(typ.Field(i).Type, path+"."+typ.Field(i).Name)
			}
		case reflect.Interface:
			t.Errorf("%s is an interface; its dynamic text is not covered by a type check", path)
		default:
		}
	}
	walk(reflect.TypeFor[model.EventEnvelope](), "EventEnvelope")
}

// TestPoisonBlockParksAndAlarms is the finding that a block the indexer
// cannot project stopped it silently. It parks on the block (nothing after
// it is applied, nothing skipped), logs at ERROR, sets the parked metrics,
// stores an alarm, and resolves the alarm once a retry succeeds.
func TestPoisonBlockParksAndAlarms(t *testing.T) {
	t.Parallel()
	f := setup(t)
	ctx := t.Context()
	// A constraint refusing one name stands for any refusal that repeats on
	// every retry (as 22P05 did), and can be lifted as a fix would.
	_, err := f.pool.Exec(ctx, `ALTER TABLE enterprises ADD CONSTRAINT test_refuse CHECK (name <> 'refused')`)
	require.NoError(t, err)
	f.chain.RegisterEnterprise("91320583MA1XYZ0001", "A")
	f.chain.RegisterEnterprise("91320583MA1XYZ0002", "refused")
	f.chain.RegisterEnterprise("91320583MA1XYZ0003", "C")

	reg := prometheus.NewRegistry()
	ix := indexer.New(f.pool, f.feed, indexer.WithLogger(f.logger()), indexer.WithRegisterer(reg),
		indexer.WithBackoff(time.Millisecond, 10*time.Millisecond), indexer.WithParkRetry(50*time.Millisecond))
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- ix.Run(runCtx) }()
	defer func() {
		cancel()
		require.ErrorIs(t, <-done, context.Canceled)
	}()

	require.Eventually(t, func() bool { return ix.Status().State == indexer.StateParked }, 10*time.Second, 5*time.Millisecond)
	st := ix.Status()
	require.EqualValues(t, 1, st.Block)
	require.Contains(t, st.Reason, "test_refuse")
	require.Equal(t, 1, f.checkpoint(t), "nothing at or after the parked block is applied")
	require.Equal(t, 0, f.count(t, `SELECT count(*) FROM enterprises WHERE id = '91320583MA1XYZ0003'`))
	require.InDelta(t, 1, gauge(t, reg, "zonetrace_indexer_parked"), 0)
	require.InDelta(t, 1, gauge(t, reg, "zonetrace_indexer_parked_block"), 0)
	require.Contains(t, f.logs.String(), "level=ERROR")
	require.Contains(t, f.logs.String(), "block cannot be projected")

	alarm, err := indexer.OpenAlarm(ctx, f.pool)
	require.NoError(t, err)
	require.NotNil(t, alarm)
	require.EqualValues(t, 1, alarm.Block)
	require.Contains(t, alarm.Reason, "23514")
	require.Eventually(t, func() bool {
		a, err := indexer.OpenAlarm(ctx, f.pool)
		return err == nil && a != nil && a.Attempts >= 2
	}, 10*time.Second, 10*time.Millisecond, "a parked block is retried every park interval")

	health, err := query.New(f.pool).IndexerHealth(ctx)
	require.NoError(t, err)
	require.NotNil(t, health.Parked)
	require.EqualValues(t, 1, health.Parked.Block)

	// A catch-up (rebuild, audit) reports the block instead of waiting.
	catchUp, cancelCatchUp := context.WithTimeout(ctx, 10*time.Second)
	defer cancelCatchUp()
	err = f.indexer().CatchUp(catchUp, 3)
	var blockErr *indexer.BlockError
	require.ErrorAs(t, err, &blockErr)
	require.True(t, blockErr.Poison)
	require.EqualValues(t, 1, blockErr.Block)
	err = indexer.Rebuild(catchUp, f.pool, f.feed, indexer.WithLogger(f.logger()))
	require.ErrorAs(t, err, &blockErr, "rebuild fails naming the block instead of looping on it")
	require.EqualValues(t, 1, blockErr.Block)

	_, err = f.pool.Exec(ctx, `ALTER TABLE enterprises DROP CONSTRAINT test_refuse`)
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		var next int
		return f.pool.QueryRow(ctx, `SELECT next_block FROM indexer_checkpoint`).Scan(&next) == nil && next == 3
	}, 10*time.Second, 10*time.Millisecond)
	require.Eventually(t, func() bool { return ix.Status().State == indexer.StateFollowing }, 10*time.Second, 5*time.Millisecond)
	alarm, err = indexer.OpenAlarm(ctx, f.pool)
	require.NoError(t, err)
	require.Nil(t, alarm, "the retry that applied the block resolved its alarm")
	require.Equal(t, 1, f.count(t, `SELECT count(*) FROM indexer_alarms WHERE block_number = 1 AND resolved_at IS NOT NULL`))
	require.InDelta(t, 0, gauge(t, reg, "zonetrace_indexer_parked"), 0)
}

// TestTransientFailureRetriesWithoutAlarm: a failure that is not the block's
// (here a stream that breaks) is retried with backoff and raises no alarm.
func TestTransientFailureRetriesWithoutAlarm(t *testing.T) {
	t.Parallel()
	f := setup(t)
	blocks := f.lifecycle()
	f.feed.BreakAfter(3)
	f.catchUp(t)
	require.Equal(t, blocks, f.checkpoint(t))
	require.Equal(t, 0, f.count(t, `SELECT count(*) FROM indexer_alarms`))
}

// gauge reads the value of the single-series gauge name from reg.
func gauge(t *testing.T, reg *prometheus.Registry, name string) float64 {
	t.Helper()
	families, err := reg.Gather()
	require.NoError(t, err)
	for _, mf := range families {
		if mf.GetName() == name {
			return mf.GetMetric()[0].GetGauge().GetValue()
		}
	}
	t.Fatalf("metric %s not registered (have %d families)", name, len(families))
	return 0
}
