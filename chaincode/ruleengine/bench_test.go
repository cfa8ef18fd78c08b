package ruleengine

import (
	"fmt"
	"testing"
	"time"

	"zonetrace/chaincode/model"
)

// BenchmarkDecide50 evaluates 50 prefiling rules that all miss.
func BenchmarkDecide50(b *testing.B) {
	cfg := model.RuleConfig{Version: 1}
	for i := range 50 {
		cfg.Rules = append(cfg.Rules, model.ReviewRule{ID: fmt.Sprintf("r%02d", i), Kind: model.KindPrefiling, Priority: i,
			Outcome: model.OutcomeManual, Enabled: true,
			Condition: fmt.Sprintf(`(prefiling.origin == "X%d" || prefiling.weightGrams > %d) && any(prefiling.attachmentKinds, # == "other") && prefiling.avgPriceFen < %d`,
				i%10, 50_000_000+i, 100_000+i)})
	}
	in := model.PrefilingRuleInput(&model.Prefiling{Data: model.PrefilingData{Origin: "ET", WeightGrams: 19_200_000}})
	at := time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)
	b.ReportAllocs()
	for b.Loop() {
		if d := Decide(cfg, model.KindPrefiling, at, &in); d.Outcome != model.OutcomeNone {
			b.Fatal(d)
		}
	}
}
