package rules

import (
	"context"
	"errors"
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
		require.True(t, errors.As(apierror.From(err), &e))
		require.Equal(t, 422, e.Status, "%v", err)
		require.Equal(t, tc.field, e.Details[0].Field)
	}
	require.Zero(t, reads.calls)
}
