package main

import (
	"log/slog"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
	"zonetrace/chaincode/ruleengine"
	"zonetrace/internal/apiclient"
	"zonetrace/internal/pgtest"
	"zonetrace/internal/platform"
)

// The demo configuration is one the chaincode accepts: its conditions
// compile and every tag it binds is catalogued.
func TestDemoRuleConfigIsValid(t *testing.T) {
	d := demoRuleConfig()
	require.Empty(t, ruleengine.CheckConfig(d))
	require.Len(t, d.Tags, 9)
	enabled := 0
	for _, r := range d.Rules {
		if r.Enabled {
			enabled++
			require.Equal(t, model.OutcomeManual, r.Outcome, "an enabled demo rule only queues for customs")
		}
	}
	require.Equal(t, 1, enabled)
	for _, code := range model.ModelCodes {
		i := slices.IndexFunc(d.Models, func(m model.ValidationModel) bool { return m.Code == code })
		require.GreaterOrEqual(t, i, 0, "the demo configures model %s", code)
		require.True(t, d.Models[i].Enabled)
		bound := slices.ContainsFunc(d.Bindings, func(b model.TagBinding) bool { return b.Tag == d.Models[i].Tag && b.Enabled })
		require.True(t, bound, "model %s's tag is bound", code)
	}
}

// --demo ends with the starter configuration written by customs' admin.
func TestDemoSeedWritesTheRuleConfiguration(t *testing.T) {
	ctx := t.Context()
	p, err := platform.Start(ctx, platform.Config{DataDir: t.TempDir(), DatabaseURL: pgtest.NewDatabase(t), Listen: "127.0.0.1:0",
		Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	t.Cleanup(func() { _ = p.Close() })
	require.NoError(t, seedDemo(ctx, p, func() *apiclient.Client { return apiclient.New(p.URL) }, nil))

	c := apiclient.New(p.URL)
	require.NoError(t, c.Login(ctx, "customs", demoPassword))
	var cfg model.RuleConfig
	require.NoError(t, c.Get(ctx, "/api/v1/rules/config", &cfg))
	require.Equal(t, 1, cfg.Version)
	require.Equal(t, demoRuleConfig().Tags, cfg.Tags)
	require.Len(t, cfg.Rules, 2)
}
