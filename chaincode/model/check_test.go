package model_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
)

func rules(ps model.Problems) []string {
	out := []string{}
	for _, p := range ps {
		out = append(out, p.Field+" "+string(p.Rule))
	}
	return out
}

func TestCheckText(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		value string
		rule  model.TextRule
		want  []string
	}{
		{"plain Chinese text passes", "耶加雪菲 G1", model.RequiredSingleLine, []string{}},
		{"a NUL is a control character", "ok\x00", model.Note, []string{"f CONTROL_CHARACTER"}},
		{"DEL is a control character", "a\x7f", model.SingleLine, []string{"f CONTROL_CHARACTER"}},
		{"a C1 control is a control character", "a\u0085", model.Note, []string{"f CONTROL_CHARACTER"}},
		{"a line break is refused in a single line", "a\nb", model.SingleLine, []string{"f CONTROL_CHARACTER"}},
		{"line breaks and tabs pass in a note", "a\r\n\tb", model.Note, []string{}},
		{"broken UTF-8 is refused", "a\xff", model.Note, []string{"f INVALID_UTF8"}},
		{"blank is missing", "  ", model.RequiredSingleLine, []string{"f REQUIRED"}},
		{"the limit counts characters", strings.Repeat("码", model.MaxTextLength), model.SingleLine, []string{}},
		{"one more is too long", strings.Repeat("码", model.MaxTextLength+1), model.SingleLine, []string{"f TOO_LONG"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, rules(model.CheckText("f", tc.value, tc.rule)))
		})
	}
	p := model.CheckText("f", "ab\x00", model.Note)[0]
	require.Equal(t, 3, p.Params["position"])
}

func TestCheckLineValue(t *testing.T) {
	t.Parallel()
	line := func(grams, price, value int64) model.DocumentLine {
		return model.DocumentLine{WeightGrams: grams, UnitPriceFen: price, ValueFen: value}
	}
	cases := []struct {
		name string
		line model.DocumentLine
		ok   bool
	}{
		{"19.2 t at 45.00 per kg is 864,000.00", line(19_200_000, 4500, 86_400_000), true},
		{"a fen off is rounding", line(19_200_000, 4500, 86_400_001), true},
		{"half a fen per kg covers a rounded unit price", line(19_200_000, 4500, 86_400_000+9_600), true},
		{"beyond it the value disagrees", line(19_200_000, 4500, 86_400_000+9_602), false},
		{"1,000.00 for 3 kg is 333.33 per kg", line(3_000, 33_333, 100_000), true},
		{"a value in yuan instead of fen disagrees", line(19_200_000, 4500, 864_000), false},
		{"no price and no value agree", line(1_000, 0, 0), true},
		{"the largest weight and price do not overflow", line(model.MaxWeightGrams, model.MaxPriceFen, model.MaxValueFen), false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ps := model.CheckLineValue("valueFen", tc.line)
			require.Equal(t, tc.ok, len(ps) == 0, "%v", ps)
			if !tc.ok {
				require.Equal(t, model.RuleValueMismatch, ps[0].Rule)
				require.NotEmpty(t, ps[0].Params["expectedFen"])
			}
		})
	}
}

func TestCheckDocumentContent(t *testing.T) {
	t.Parallel()
	ok := model.DocumentLine{TraceCode: "KSCF261126000421", ProductName: "耶加雪菲", HSCode: "0901110000", Origin: "ET",
		WeightGrams: 1_000, UnitPriceFen: 4500, ValueFen: 4500, Currency: "USD"}
	head := model.DocumentHead{CounterpartyID: "91320583MA3WWWWW3C", AccountBookNo: "T3223W000001"}
	t.Run("a complete out leg passes", func(t *testing.T) {
		require.Empty(t, model.CheckDocumentContent(model.FamilyBondedTransfer, model.BusinessOut, head, []model.DocumentLine{ok}))
	})
	t.Run("the family table's required head fields are required", func(t *testing.T) {
		require.Equal(t, []string{"head.counterpartyId REQUIRED", "head.accountBookNo REQUIRED"},
			rules(model.CheckDocumentContent(model.FamilyBondedTransfer, model.BusinessOut, model.DocumentHead{}, []model.DocumentLine{ok})))
	})
	t.Run("a linked document must be of the family", func(t *testing.T) {
		h := model.DocumentHead{LinkedDocumentID: "FL20261126AAAAAAAA", AccountBookNo: "T1"}
		require.Equal(t, []string{"head.linkedDocumentId PATTERN"},
			rules(model.CheckDocumentContent(model.FamilyBondedTransfer, model.BusinessIn, h, []model.DocumentLine{ok})))
	})
	t.Run("a NUL in the note is refused", func(t *testing.T) {
		h := head
		h.Note = "备注\x00"
		require.Equal(t, []string{"head.note CONTROL_CHARACTER"},
			rules(model.CheckDocumentContent(model.FamilyBondedTransfer, model.BusinessOut, h, []model.DocumentLine{ok})))
	})
	t.Run("a value that disagrees with weight × price is refused", func(t *testing.T) {
		bad := ok
		bad.ValueFen = 45
		require.Equal(t, []string{"lines[0].valueFen VALUE_MISMATCH"},
			rules(model.CheckDocumentContent(model.FamilyBondedTransfer, model.BusinessOut, head, []model.DocumentLine{bad})))
	})
}
