package main

import (
	"cmp"
	"context"
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
	"zonetrace/chaincode/ruleengine"
	"zonetrace/gateway/gates"
	"zonetrace/gateway/service/cockpit"
	"zonetrace/internal/apiclient"
	"zonetrace/internal/pgtest"
	"zonetrace/internal/platform"
	"zonetrace/network/ledger"
)

// The year's configuration is one the chaincode accepts.
func TestDemoYearRuleConfigIsValid(t *testing.T) {
	d := demoYearRuleConfig()
	require.Empty(t, ruleengine.CheckConfig(d))
	require.Empty(t, model.CheckRiskParams(*d.Risk))
}

// --demo --demo-year replays a year on the ledger's clock through the
// public API and the signed gate intake: the cockpit shows trade in the
// year's months, vehicles crossed at the gates, the risk engine raised
// alerts, and the node is back on the real clock afterwards.
func TestDemoYearFillsTheCockpit(t *testing.T) {
	if testing.Short() {
		t.Skip("replays a year of trade (about a minute)")
	}
	ctx := t.Context()
	// The year is fixed so that its months are known: December 2025 to
	// November 2026.
	end := time.Date(2026, time.December, 15, 12, 0, 0, 0, model.ZoneTime)
	year := &demoYear{Clock: &demoClock{}, End: end}
	p, err := platform.Start(ctx, platform.Config{DataDir: t.TempDir(), DatabaseURL: pgtest.NewDatabase(t), Listen: "127.0.0.1:0",
		Logger: slog.New(slog.DiscardHandler), LedgerClock: year.Clock.Now, Gates: gates.Config{Now: year.Clock.Now}})
	require.NoError(t, err)
	t.Cleanup(func() { _ = p.Close() })
	started := time.Now()
	require.NoError(t, seedDemo(ctx, p, func() *apiclient.Client { return apiclient.New(p.URL) }, year))
	t.Logf("seeded the demo year in %s", time.Since(started).Round(time.Millisecond))
	require.WithinDuration(t, time.Now(), year.Clock.Now(), time.Second, "the node serves on the real clock")

	customs := apiclient.New(p.URL)
	require.NoError(t, customs.Login(ctx, "customs", demoPassword))
	var o cockpit.Overview
	require.NoError(t, customs.Get(ctx, "/api/v1/cockpit/overview?year=2026", &o))
	months := 0
	for _, m := range o.Trade.Months {
		if m.Import.Grams > 0 {
			months++
		}
	}
	require.GreaterOrEqual(t, months, 10, "imports in most months of 2026: %+v", o.Trade.Months)
	require.Positive(t, o.Trade.Export.Grams)
	require.GreaterOrEqual(t, len(o.Countries.Top), 5, "coffee of several origins")
	require.GreaterOrEqual(t, len(o.Importers.Top), 3)
	require.Positive(t, o.Stock.Total.Grams)

	// The chaincode stamped the year's transactions with the demo clock,
	// in order: the first block after genesis is in the year's first
	// month, and no transaction is older than the one before it.
	height, err := p.Ledger.Height(ctx)
	require.NoError(t, err)
	var stamps []time.Time
	lctx, cancel := context.WithCancel(ctx)
	_ = p.Ledger.Listen(lctx, 1, func(b ledger.Block) error {
		for _, tx := range b.Transactions {
			stamps = append(stamps, tx.Timestamp)
		}
		if b.Number == height-1 {
			cancel()
		}
		return nil
	})
	require.Equal(t, "2025-12", stamps[0].In(model.ZoneTime).Format("2006-01"))
	for i := 1; i < len(stamps); i++ {
		require.False(t, stamps[i].Before(stamps[i-1]), "transaction %d at %s is older than the one before (%s)", i, stamps[i], stamps[i-1])
	}

	admin := apiclient.New(p.URL)
	require.NoError(t, admin.Login(ctx, "admin", demoPassword))
	var matched, unmatched, ignored gates.EventPage
	require.NoError(t, admin.Get(ctx, "/api/v1/gate-events?state=matched&pageSize=100", &matched))
	require.NoError(t, admin.Get(ctx, "/api/v1/gate-events?state=unmatched", &unmatched))
	require.NoError(t, admin.Get(ctx, "/api/v1/gate-events?state=ignored", &ignored))
	require.Equal(t, 1, unmatched.Total, "the last empty lorry waits for the zone admin")
	require.Equal(t, 2, ignored.Total, "the other empty lorries were set aside")
	events := slices.Concat(matched.Items, unmatched.Items, ignored.Items)
	slices.SortFunc(events, func(a, b gates.Event) int { return cmp.Compare(a.ID, b.ID) })
	for i := 1; i < len(events); i++ {
		require.False(t, events[i].At.Before(events[i-1].At), "gate event %d crossed before the one sent before it", events[i].ID)
	}
	directions := map[string]int{}
	for _, ev := range matched.Items {
		directions[ev.Direction]++
		require.True(t, !ev.At.Before(year.first()) && ev.At.Before(end), "crossed within the year: %s", ev.At)
	}
	require.GreaterOrEqual(t, directions[gates.DirectionIn], 24, "two entries a month")
	require.GreaterOrEqual(t, directions[gates.DirectionOut], 10)

	// The risk engine follows the blocks in the background.
	kinds := map[model.AlertKind]bool{}
	require.Eventually(t, func() bool {
		var page struct {
			Items []struct {
				Kind model.AlertKind `json:"kind"`
			} `json:"items"`
		}
		if err := customs.Get(ctx, "/api/v1/alerts?pageSize=100", &page); err != nil {
			return false
		}
		for _, a := range page.Items {
			kinds[a.Kind] = true
		}
		return kinds[model.AlertHighRisk] && kinds[model.AlertHighValue] && kinds[model.AlertPriceDifference] && kinds[model.AlertQuarantine]
	}, 30*time.Second, 200*time.Millisecond, "alerts raised: %v", kinds)
}

// The demo clock is the embedded ledger's only: on Fabric the client
// stamps its own proposals, so the node refuses to start with one.
func TestLedgerClockRefusedOnFabric(t *testing.T) {
	clock := &demoClock{}
	_, err := platform.Start(t.Context(), platform.Config{DataDir: t.TempDir(), Ledger: platform.LedgerFabric, LedgerClock: clock.Now,
		Logger: slog.New(slog.DiscardHandler)})
	require.ErrorContains(t, err, "embedded ledger only")
}

// The demo clock runs from where it was set, and Real puts it back.
func TestDemoClock(t *testing.T) {
	var c demoClock
	past := time.Date(2025, time.December, 1, 8, 0, 0, 0, model.ZoneTime)
	c.Set(past)
	require.WithinDuration(t, past, c.Now(), time.Second)
	require.False(t, c.Now().Before(past), "it runs forward from the set time")
	c.Real()
	require.WithinDuration(t, time.Now(), c.Now(), time.Second)
}
