package main

import (
	"testing"

	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
	"zonetrace/chaincode/ruleengine"
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
}
