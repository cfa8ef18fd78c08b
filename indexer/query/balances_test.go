package query_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
	"zonetrace/indexer/query"
)

func TestBalances(t *testing.T) {
	t.Parallel()
	w := newDocWorld(t)
	view := func(code, enterprise, name string, bonded bool) query.BalanceView {
		return query.BalanceView{Balance: w.chain.Balance(code, enterprise, bonded), EnterpriseName: name}
	}
	alphaTC1 := view("TC1", alpha, "Alpha Coffee", true)
	betaTC2 := view("TC2", beta, "Beta Trading", true)
	betaTC2Free := view("TC2", beta, "Beta Trading", false)
	yes, no := true, false

	cases := []struct {
		name   string
		filter query.BalanceFilter
		want   []query.BalanceView
	}{
		{"no filter lists every balance by trace code, enterprise, bonded first",
			query.BalanceFilter{}, []query.BalanceView{alphaTC1, betaTC2, betaTC2Free}},
		{"a trace code selects its holders", query.BalanceFilter{TraceCode: "TC1"}, []query.BalanceView{alphaTC1}},
		{"an enterprise selects its stock", query.BalanceFilter{EnterpriseID: beta}, []query.BalanceView{betaTC2, betaTC2Free}},
		{"bonded true selects bonded stock", query.BalanceFilter{EnterpriseID: beta, Bonded: &yes}, []query.BalanceView{betaTC2}},
		{"bonded false selects non-bonded stock", query.BalanceFilter{Bonded: &no}, []query.BalanceView{betaTC2Free}},
		{"an enterprise holding nothing has no balances", query.BalanceFilter{EnterpriseID: gamma}, []query.BalanceView{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := w.reader.Balances(t.Context(), tc.filter)
			require.NoError(t, err)
			require.Equal(t, tc.want, got)
		})
	}

	t.Run("pages of one walk every balance once, in order", func(t *testing.T) {
		t.Parallel()
		var got []query.BalanceView
		after := ""
		for range 10 {
			page, err := w.reader.BalancesPage(t.Context(), query.BalanceFilter{}, after, 1)
			require.NoError(t, err)
			got = append(got, page.Items...)
			if after = page.Next; after == "" {
				break
			}
		}
		require.Equal(t, []query.BalanceView{alphaTC1, betaTC2, betaTC2Free}, got)
		_, err := w.reader.BalancesPage(t.Context(), query.BalanceFilter{}, "not-a-cursor", 1)
		require.ErrorIs(t, err, query.ErrInvalidFilter)
	})

	t.Run("balances hold the chain's weights", func(t *testing.T) {
		t.Parallel()
		require.Equal(t, int64(10_000_000), alphaTC1.WeightGrams)
		require.Equal(t, int64(23_000_000), alphaTC1.ReservedGrams, "both out legs reserve, the tagged one too")
		require.Equal(t, int64(4_000_000), betaTC2.WeightGrams)
		require.Equal(t, int64(1_000_000), betaTC2Free.WeightGrams)
		require.Equal(t, int64(700_000), betaTC2Free.ReservedGrams)
	})
}

func TestMovements(t *testing.T) {
	t.Parallel()
	w := newDocWorld(t)

	t.Run("a trace code's movements come in chain order", func(t *testing.T) {
		t.Parallel()
		page, err := w.reader.Movements(t.Context(), query.MovementFilter{TraceCode: "TC2"})
		require.NoError(t, err)
		got := page.Items
		require.Equal(t, append(w.chain.Movements(hz2), w.chain.Movements(hz3)...), got)
		require.Empty(t, page.Next)
		require.Equal(t, []model.MovementKind{model.MoveZoneEntry, model.MoveConversion}, []model.MovementKind{got[0].Kind, got[1].Kind})
	})

	t.Run("an enterprise's movements are those into and out of it within the time range", func(t *testing.T) {
		t.Parallel()
		page, err := w.reader.Movements(t.Context(), query.MovementFilter{EnterpriseID: beta})
		require.NoError(t, err)
		all := page.Items
		require.Equal(t, append(w.chain.Movements(hz2), w.chain.Movements(hz3)...), all)

		at, err := time.Parse(time.RFC3339Nano, all[1].At)
		require.NoError(t, err)
		later, err := w.reader.Movements(t.Context(), query.MovementFilter{EnterpriseID: beta, Since: at})
		require.NoError(t, err)
		require.Equal(t, all[1:], later.Items, "since is inclusive")
		earlier, err := w.reader.Movements(t.Context(), query.MovementFilter{EnterpriseID: beta, Until: at})
		require.NoError(t, err)
		require.Equal(t, all[:1], earlier.Items, "until is exclusive")
		limited, err := w.reader.Movements(t.Context(), query.MovementFilter{EnterpriseID: beta, Limit: 1})
		require.NoError(t, err)
		require.Equal(t, all[:1], limited.Items)
		require.NotEmpty(t, limited.Next)
		rest, err := w.reader.Movements(t.Context(), query.MovementFilter{EnterpriseID: beta, Limit: 1, After: limited.Next})
		require.NoError(t, err)
		require.Equal(t, all[1:], rest.Items, "the next page starts after the last movement of the previous")
		require.Empty(t, rest.Next)
	})

	t.Run("a document's movements are listed with their chain ids", func(t *testing.T) {
		t.Parallel()
		got, err := w.reader.DocumentMovements(t.Context(), hz1)
		require.NoError(t, err)
		require.Equal(t, w.chain.Movements(hz1), got)
		got, err = w.reader.DocumentMovements(t.Context(), bl1)
		require.NoError(t, err)
		require.Equal(t, []model.Movement{}, got, "an out leg moves nothing before its in leg is approved")
	})

	t.Run("a filter without trace code or enterprise, or with a negative limit, is invalid", func(t *testing.T) {
		t.Parallel()
		_, err := w.reader.Movements(t.Context(), query.MovementFilter{Since: w.start})
		require.ErrorIs(t, err, query.ErrInvalidFilter)
		_, err = w.reader.Movements(t.Context(), query.MovementFilter{TraceCode: "TC1", Limit: -1})
		require.ErrorIs(t, err, query.ErrInvalidFilter)
		_, err = w.reader.Movements(t.Context(), query.MovementFilter{TraceCode: "TC1", After: "bogus"})
		require.ErrorIs(t, err, query.ErrInvalidCursor)
	})
}
