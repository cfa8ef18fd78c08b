package alerts

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
	"zonetrace/internal/testdb"
)

// fakeSource is a ledger whose blocks the test appends: each block holds
// batches and document lines, as the indexer would have mirrored them.
type fakeSource struct {
	mu  sync.Mutex
	cfg model.RuleConfig
	// changes are later configurations by the block that wrote them.
	changes  map[uint64]model.RuleConfig
	batches  map[uint64][]Batch
	lines    map[uint64][]Line
	height   uint64
	holdings []Holding
}

func newFakeSource(risk model.RiskParams) *fakeSource {
	cfg := model.DefaultRuleConfig()
	cfg.Version, cfg.Risk = 3, &risk
	return &fakeSource{cfg: cfg, changes: map[uint64]model.RuleConfig{}, batches: map[uint64][]Batch{}, lines: map[uint64][]Line{}}
}

func (s *fakeSource) addBlock(bs []Batch, ls []Line) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.height++
	s.batches[s.height], s.lines[s.height] = bs, ls
}

func (s *fakeSource) IndexedHeight(context.Context) (uint64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.height, nil
}

func (s *fakeSource) Config(_ context.Context, upto uint64) (model.RuleConfig, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cfg := s.cfg
	for b := uint64(1); b <= upto; b++ {
		if c, ok := s.changes[b]; ok {
			cfg = c
		}
	}
	return cfg, nil
}

func (s *fakeSource) ConfigChange(_ context.Context, after, upto uint64) (uint64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for b := after + 1; b <= upto; b++ {
		if _, ok := s.changes[b]; ok {
			return b, nil
		}
	}
	return 0, nil
}

func (s *fakeSource) Batches(_ context.Context, after, upto uint64) ([]Batch, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Batch
	for b := after + 1; b <= upto; b++ {
		out = append(out, s.batches[b]...)
	}
	return out, nil
}

func (s *fakeSource) Lines(_ context.Context, after, upto uint64) ([]Line, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Line
	for b := after + 1; b <= upto; b++ {
		out = append(out, s.lines[b]...)
	}
	return out, nil
}

// ReferencePrice: every batch's reference is 10000 fen in this scenario.
func (s *fakeSource) ReferencePrice(context.Context, Batch, int) (int64, error) { return 10_000, nil }

func (s *fakeSource) Holdings(context.Context) ([]Holding, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.holdings), nil
}

// countingSink records every alert it is told of, and fails once on the
// subject failOn, rolling back the round that raised it.
type countingSink struct {
	mu     sync.Mutex
	seen   map[string]int
	failOn string
}

func (c *countingSink) Alerted(_ context.Context, _ pgx.Tx, a RiskAlert) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if a.Subject == c.failOn {
		c.failOn = ""
		return errors.New("sink down")
	}
	c.seen[string(a.Kind)+" "+a.Subject]++
	return nil
}

var scenarioRisk = model.RiskParams{
	LongStorage:     model.LongStorageParams{Limits: []model.StorageLimit{{Commodity: "冻品", MaxDays: 90}}},
	HighRisk:        model.HighRiskParams{Origins: []string{"BR"}, HSCodes: []model.CodeRange{{From: "0202", To: "0203"}}},
	HighValue:       model.HighValueParams{PeriodDays: 30, ThresholdPermille: 200},
	PriceDifference: model.PriceDifferenceParams{HighPermille: 100, LowPermille: 50},
	Quarantine:      model.QuarantineParams{Unqualified: true, NoCertificate: true},
}

// scenario generates batches and lines at each kind's boundaries — just
// under, at and just over — and returns the alerts that must fire, as
// "kind subject". A plain batch (origin AR, HS 0201…, price 10000,
// qualified with certificate) fires nothing.
func scenario() (blocks [][2]any, want []string) {
	plain := func(code string) Batch {
		return Batch{PrefilingID: "PF-" + code, TraceCode: code, EnterpriseID: "E1", Commodity: "冻品", ProductName: "牛肉",
			HSCode: "0201300000", Origin: "AR", QuarantineResult: model.QuarantineQualified, HasCertificate: true,
			AvgPriceFen: 10_000, WeightGrams: 1_000_000}
	}
	var batches []Batch
	// High risk: HS just under, at both ends of, and just over the range;
	// a listed origin.
	for code, hs := range map[string]string{"hr-under": "0201999999", "hr-from": "0202000000", "hr-to": "0203999999", "hr-over": "0204000000"} {
		b := plain(code)
		b.HSCode = hs
		batches = append(batches, b)
	}
	b := plain("hr-origin")
	b.Origin = "BR"
	batches = append(batches, b)
	want = append(want, "high_risk hr-from", "high_risk hr-to", "high_risk hr-origin")
	// High value: reference 10000, +20%.
	for code, price := range map[string]int64{"hv-under": 11_999, "hv-at": 12_000, "hv-over": 12_001} {
		b := plain(code)
		b.AvgPriceFen = price
		batches = append(batches, b)
	}
	want = append(want, "high_value hv-over")
	// Quarantine.
	for code, q := range map[string]struct {
		r    model.QuarantineResult
		cert bool
	}{"q-unqualified": {model.QuarantineUnqualified, true}, "q-nocert": {model.QuarantineQualified, false},
		"q-pending": {model.QuarantinePending, false}} {
		b := plain(code)
		b.QuarantineResult, b.HasCertificate = q.r, q.cert
		batches = append(batches, b)
	}
	want = append(want, "quarantine q-unqualified", "quarantine q-nocert")
	// Price difference: entry 10000, +10% / −5%.
	var lines []Line
	for doc, price := range map[string]int64{"pd-high-under": 10_999, "pd-high-at": 11_000, "pd-high-over": 11_001,
		"pd-low-under": 9_501, "pd-low-at": 9_500, "pd-low-over": 9_499} {
		lines = append(lines, Line{DocumentID: doc, Seq: 1, EnterpriseID: "E1", TraceCode: "hv-at", UnitPriceFen: price, EntryPriceFen: 10_000})
	}
	want = append(want, "price_difference pd-high-over", "price_difference pd-low-over")
	slices.SortFunc(batches, func(a, b Batch) int { return cmpString(a.TraceCode, b.TraceCode) })
	slices.SortFunc(lines, func(a, b Line) int { return cmpString(a.DocumentID, b.DocumentID) })
	// Spread over blocks, three items a block.
	for len(batches) > 0 || len(lines) > 0 {
		nb, nl := min(3, len(batches)), min(2, len(lines))
		blocks = append(blocks, [2]any{batches[:nb], lines[:nl]})
		batches, lines = batches[nb:], lines[nl:]
	}
	slices.Sort(want)
	return blocks, want
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// newPool is a database with the gateway's tables and, as in production,
// the indexer's, which the listing joins.
func newPool(t *testing.T) *pgxpool.Pool { return testdb.Pool(t) }

func stored(t *testing.T, pool *pgxpool.Pool) []string {
	rows, err := pool.Query(context.Background(), `SELECT kind || ' ' || subject FROM risk_alerts ORDER BY 1`)
	require.NoError(t, err)
	got, err := pgx.CollectRows(rows, pgx.RowTo[string])
	require.NoError(t, err)
	return got
}

func sinkKeys(c *countingSink) []string {
	var out []string
	for k, n := range c.seen {
		for range n {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

func TestBoundariesAcrossRestarts(t *testing.T) {
	ctx := context.Background()
	pool := newPool(t)
	src := newFakeSource(scenarioRisk)
	blocks, want := scenario()
	// The sink fails once in the middle: that round rolls back and its
	// alerts come again on the next step, not lost and not doubled.
	sink := &countingSink{seen: map[string]int{}, failOn: "hv-over"}

	// Three restarts: each life is a new engine over the same database,
	// taking over from where the last one's cursor stopped.
	lives := 4
	per := (len(blocks) + lives - 1) / lives
	for life := range lives {
		e := New(pool, src, WithSink(sink))
		for _, blk := range blocks[min(life*per, len(blocks)):min((life+1)*per, len(blocks))] {
			src.addBlock(blk[0].([]Batch), blk[1].([]Line))
			if _, err := e.Step(ctx); err != nil {
				require.ErrorContains(t, err, "sink down")
			}
		}
		_, err := e.Step(ctx)
		require.NoError(t, err)
	}
	require.Empty(t, sink.failOn, "the failing round happened")
	require.Equal(t, want, stored(t, pool), "each kind fires just over its bound and nowhere else")
	require.Equal(t, want, sinkKeys(sink), "the sink heard of each alert exactly once")

	a, err := NewStore(pool).List(ctx, Filter{Kind: model.AlertHighValue})
	require.NoError(t, err)
	require.Equal(t, 1, a.Total)
	hv := a.Items[0]
	require.Equal(t, 3, hv.ConfigVersion)
	require.Equal(t, "PF-hv-over", hv.Period)
	require.Equal(t, SubjectTraceCode, hv.SubjectType)
	require.EqualValues(t, 12_001, hv.Facts["avgPriceFen"])
	require.EqualValues(t, 10_000, hv.Facts["referencePriceFen"])
	got, err := NewStore(pool).Get(ctx, hv.ID)
	require.NoError(t, err)
	require.Equal(t, hv, got.RiskAlert)
	require.Nil(t, got.Disposal, "not assessed yet")
	_, err = NewStore(pool).Get(ctx, hv.ID+1000)
	require.ErrorIs(t, err, ErrNotFound)
}

func TestTwoEnginesRaiseEachAlertOnce(t *testing.T) {
	ctx := context.Background()
	pool := newPool(t)
	src := newFakeSource(scenarioRisk)
	blocks, want := scenario()
	sink := &countingSink{seen: map[string]int{}}
	engines := []*Engine{New(pool, src, WithSink(sink)), New(pool, src, WithSink(sink))}
	done := make(chan struct{})
	var wg sync.WaitGroup
	errs := make(chan error, 2)
	for _, e := range engines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				if _, err := e.Step(ctx); err != nil {
					errs <- err
					return
				}
				select {
				case <-done:
					return
				default:
				}
			}
		}()
	}
	for _, blk := range blocks {
		src.addBlock(blk[0].([]Batch), blk[1].([]Line))
		time.Sleep(5 * time.Millisecond)
	}
	// Let both catch up, then stop them.
	require.Eventually(t, func() bool { return len(stored(t, pool)) == len(want) }, 10*time.Second, 10*time.Millisecond)
	close(done)
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	require.Equal(t, want, stored(t, pool))
	require.Equal(t, want, sinkKeys(sink))
}

func TestStorageAge(t *testing.T) {
	ctx := context.Background()
	pool := newPool(t)
	src := newFakeSource(scenarioRisk)
	now := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	for days, code := range map[int]string{89: "ls-under", 90: "ls-at", 91: "ls-over"} {
		src.holdings = append(src.holdings, Holding{TraceCode: code, EnterpriseID: "E1", Commodity: "冻品", Since: now.AddDate(0, 0, -days)})
	}
	src.holdings = append(src.holdings, Holding{TraceCode: "other", EnterpriseID: "E1", Commodity: "水果", Since: now.AddDate(-5, 0, 0)})
	clock := now
	for range 3 { // the schedule repeats; the alert does not
		e := New(pool, src, WithClock(func() time.Time { return clock }))
		_, err := e.CheckStorage(ctx)
		require.NoError(t, err)
	}
	require.Equal(t, []string{"long_storage ls-over"}, stored(t, pool), "strictly over 90 days; 水果 has no limit")
	clock = now.Add(24 * time.Hour) // a day later ls-at is over too
	n, err := New(pool, src, WithClock(func() time.Time { return clock })).CheckStorage(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, n)
	require.Equal(t, []string{"long_storage ls-at", "long_storage ls-over"}, stored(t, pool))
	page, err := NewStore(pool).List(ctx, Filter{Subject: "ls-at"})
	require.NoError(t, err)
	require.EqualValues(t, 91, page.Items[0].Facts["days"])
	require.EqualValues(t, 90, page.Items[0].Facts["maxDays"])
	require.Equal(t, fmt.Sprint(clock), fmt.Sprint(page.Items[0].FiredAt))
}

// A round never spans a configuration change: the batch approved before
// the change is evaluated under the old version, the one after under the
// new, even when one step covers both.
func TestEachBlockUnderItsVersion(t *testing.T) {
	ctx := context.Background()
	pool := newPool(t)
	src := newFakeSource(model.DefaultRiskParams())
	batch := func(code string) Batch {
		return Batch{PrefilingID: "PF-" + code, TraceCode: code, EnterpriseID: "E1", Origin: "BR", HSCode: "0901110000",
			QuarantineResult: model.QuarantinePending}
	}
	src.addBlock([]Batch{batch("before")}, nil)
	src.addBlock(nil, nil)
	listed := model.DefaultRuleConfig()
	listed.Version, listed.Risk = 4, &model.RiskParams{HighRisk: model.HighRiskParams{Origins: []string{"BR"}}}
	src.changes[src.height+1] = listed
	src.addBlock([]Batch{batch("after")}, nil)
	src.addBlock([]Batch{batch("later")}, nil)
	_, err := New(pool, src).Step(ctx)
	require.NoError(t, err)
	require.Equal(t, []string{"high_risk after", "high_risk later"}, stored(t, pool))
	page, err := NewStore(pool).List(ctx, Filter{Subject: "after"})
	require.NoError(t, err)
	require.Equal(t, 4, page.Items[0].ConfigVersion)
}

// polledHeights waits for the fake source's blocks.
type polledHeights struct{ src *fakeSource }

func (h polledHeights) WaitForBlock(ctx context.Context, block uint64) error {
	for {
		if height, _ := h.src.IndexedHeight(ctx); height >= block {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(2 * time.Millisecond):
		}
	}
}

// TestFollowersRaiseEachAlertOnce: two followers — two gateway processes —
// step on every block without the job queue; each alert is raised once.
func TestFollowersRaiseEachAlertOnce(t *testing.T) {
	pool := newPool(t)
	src := newFakeSource(scenarioRisk)
	blocks, want := scenario()
	sink := &countingSink{seen: map[string]int{}}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for range 2 {
		e := New(pool, src, WithSink(sink))
		wg.Go(func() { e.Follow(ctx, polledHeights{src}) })
	}
	for _, blk := range blocks {
		src.addBlock(blk[0].([]Batch), blk[1].([]Line))
	}
	require.Eventually(t, func() bool { return len(stored(t, pool)) == len(want) }, 10*time.Second, 5*time.Millisecond)
	cancel()
	wg.Wait()
	require.Equal(t, want, stored(t, pool))
	require.Equal(t, want, sinkKeys(sink))
}
