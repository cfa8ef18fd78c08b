package indexer_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
	"zonetrace/indexer"
)

func TestLegs(t *testing.T) {
	t.Parallel()
	a, b := "91320583MA1ALPHA01", "91320583MA1BETA002"
	hold := func(e string, bonded bool) *model.Holding { return &model.Holding{EnterpriseID: e, Bonded: bonded} }
	leg := func(in bool, h *model.Holding, f indexer.Flow, g int64) indexer.Leg {
		return indexer.Leg{Incoming: in, Holding: *h, Flow: f, Grams: g}
	}
	cases := []struct {
		name string
		m    model.Movement
		want []indexer.Leg
	}{
		{"an entry adds to its holding", model.Movement{Kind: model.MoveZoneEntry, To: hold(a, true), WeightGrams: 5},
			[]indexer.Leg{leg(true, hold(a, true), indexer.FlowEntry, 5)}},
		{"an exit takes from it", model.Movement{Kind: model.MoveZoneExit, From: hold(a, false), WeightGrams: 5},
			[]indexer.Leg{leg(false, hold(a, false), indexer.FlowExit, 5)}},
		{"a transfer is out of one enterprise and into another", model.Movement{Kind: model.MoveTransfer, From: hold(a, true), To: hold(b, true), WeightGrams: 5},
			[]indexer.Leg{leg(true, hold(b, true), indexer.FlowTransferIn, 5), leg(false, hold(a, true), indexer.FlowTransferOut, 5)}},
		{"a conversion moves between one enterprise's books", model.Movement{Kind: model.MoveConversion, From: hold(a, true), To: hold(a, false), WeightGrams: 5},
			[]indexer.Leg{leg(true, hold(a, false), indexer.FlowConversionIn, 5), leg(false, hold(a, true), indexer.FlowConversionOut, 5)}},
		{"reversing an entry is a negative entry", model.Movement{Kind: model.MoveReversal, From: hold(a, true), WeightGrams: 5},
			[]indexer.Leg{leg(false, hold(a, true), indexer.FlowEntry, -5)}},
		{"reversing an exit is a negative exit", model.Movement{Kind: model.MoveReversal, To: hold(a, false), WeightGrams: 5},
			[]indexer.Leg{leg(true, hold(a, false), indexer.FlowExit, -5)}},
		{"reversing a transfer undoes both legs", model.Movement{Kind: model.MoveReversal, From: hold(b, false), To: hold(a, false), WeightGrams: 5},
			[]indexer.Leg{leg(true, hold(a, false), indexer.FlowTransferOut, -5), leg(false, hold(b, false), indexer.FlowTransferIn, -5)}},
		{"reversing a conversion undoes both books", model.Movement{Kind: model.MoveReversal, From: hold(a, false), To: hold(a, true), WeightGrams: 5},
			[]indexer.Leg{leg(true, hold(a, true), indexer.FlowConversionOut, -5), leg(false, hold(a, false), indexer.FlowConversionIn, -5)}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			legs := indexer.Legs(&tc.m)
			require.Equal(t, tc.want, legs)
			// Whatever the shape, a leg moves its holding's stock the way
			// the movement moved the goods.
			for _, l := range legs {
				if l.Incoming {
					require.Equal(t, tc.m.WeightGrams, l.StockDelta(), "%+v", l)
				} else {
					require.Equal(t, -tc.m.WeightGrams, l.StockDelta(), "%+v", l)
				}
			}
		})
	}
}
