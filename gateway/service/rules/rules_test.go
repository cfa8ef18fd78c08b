package rules

import (
	"context"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/accounts"
	"zonetrace/gateway/apierror"
)

type countingReads struct{ calls int }

func (r *countingReads) RecentDeclarations(context.Context, model.DeclarationKind, int) ([]string, error) {
	r.calls++
	return []string{}, nil
}

func (r *countingReads) CurrentTags(context.Context) (int, []model.TagDef, error) {
	return 0, nil, nil
}

// A dry run with a bad limit or rule is refused before the read model or
// the ledger is asked anything.
func TestDryRunRefusesBadInputFirst(t *testing.T) {
	reads := &countingReads{}
	s := &Service{Reads: reads}
	u := accounts.User{Role: accounts.RoleCustomsOfficer}
	rule := model.ReviewRule{ID: "r1", Kind: model.KindPrefiling, Name: "x", Condition: "true", Outcome: model.OutcomeManual}

	for _, tc := range []struct {
		req   DryRun
		field string
	}{
		{DryRun{Rule: rule, Limit: model.MaxRuleDryRunTargets + 1}, "limit"},
		{DryRun{Rule: rule, Limit: -1}, "limit"},
		{DryRun{Rule: model.ReviewRule{ID: "r1", Kind: "checklist", Name: "x", Condition: "true", Outcome: model.OutcomeManual}}, "rule.kind"},
	} {
		_, err := s.DryRun(context.Background(), u, tc.req)
		var e *apierror.Error
		require.ErrorAs(t, apierror.From(err), &e)
		require.Equal(t, 422, e.Status, "%v", err)
		require.Equal(t, tc.field, e.Details[0].Field)
	}
	require.Zero(t, reads.calls)
}

// The model list is model.ModelSpecs, every model once, by code, with each
// parameter's bounds as the chaincode checks them.
func TestModelsServeEverySpecByCode(t *testing.T) {
	got := (&Service{}).Models()
	require.Len(t, got, len(model.ModelSpecs))
	for i, m := range got {
		if i > 0 {
			require.Less(t, got[i-1].Code, m.Code)
		}
		require.Equal(t, model.ModelSpecs[m.Code], m.ModelSpec)
	}
	weight := got[slices.IndexFunc(got, func(m ModelSpec) bool { return m.Code == model.ModelWeight })]
	require.Equal(t, model.ParamToleranceGrams, weight.Params[0].Name)
	require.Equal(t, int64(model.MaxWeightGrams), weight.Params[0].Max)
}
