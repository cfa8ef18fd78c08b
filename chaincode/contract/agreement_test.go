package contract

import (
	"encoding/json"
	"fmt"
	"math/big"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/docdrafts"
	"zonetrace/gateway/drafts"
	"zonetrace/gateway/validation"
)

// Finding: the gateway's draft checks and the chaincode's disagreed (500
// against 200 characters, missing bounds): a draft said "can be declared"
// and the chain refused it with four problems. These properties generate
// drafts — boundary lengths, control characters, bad patterns, values that
// disagree with weight × price — and declare them on the real contract: the
// draft has no warnings exactly when the chaincode accepts its shape, and
// their problems agree field by field and rule by rule.
//
// Strings are valid UTF-8: drafts reach the gateway as JSON, whose decoder
// turns broken UTF-8 into U+FFFD (TestControlCharactersAreRefusedInEveryTextField
// covers the chaincode's plain string arguments).

// texts are values of a text field around its rules.
func textGen(valid string, multiLine bool) *rapid.Generator[string] {
	choices := []string{valid, valid, "", "  ", strings.Repeat("码", model.MaxTextLength), strings.Repeat("码", model.MaxTextLength+1),
		valid + "\x00", "\x07" + valid, valid + "\x7f", valid + "\u0085", "第一行\n第二行", "a\tb"}
	if multiLine {
		choices = append(choices, strings.Repeat("注", model.MaxNoteLength), strings.Repeat("注", model.MaxNoteLength+1))
	}
	return rapid.SampledFrom(choices)
}

// draw keeps valid unless the draft is perturbed in this field (one field
// in eight), so that about a third of the drafts are complete and the
// property sees both answers.
func draw[V any](rt *rapid.T, name string, valid V, g *rapid.Generator[V]) V {
	if rapid.IntRange(0, 7).Draw(rt, "perturb "+name) != 0 {
		return valid
	}
	return g.Draw(rt, name)
}

func amountGen(valid, maximum int64) *rapid.Generator[int64] {
	return rapid.SampledFrom([]int64{valid, valid, 0, -1, 1, maximum, maximum + 1})
}

func problemKeys(ps []model.Problem) []string {
	out := []string{}
	for _, p := range ps {
		out = append(out, p.Field+" "+string(p.Rule))
	}
	slices.Sort(out)
	return out
}

func warningKeys(ps validation.Problems) []string {
	out := []string{}
	for _, p := range ps {
		out = append(out, p.Field+" "+string(p.Rule))
	}
	slices.Sort(out)
	return out
}

func TestDraftCheckAgreesWithChaincode(t *testing.T) {
	z := newZone(t)
	declared, accepted := 0, 0
	t.Run("prefilings", func(t *testing.T) {
		rapid.Check(t, func(rt *rapid.T) {
			d := validData()
			d.Commodity = draw(rt, "commodity", d.Commodity, textGen("coffee", false))
			d.ProductName = draw(rt, "productName", d.ProductName, textGen("耶加雪菲", false))
			d.ExporterName = draw(rt, "exporterName", d.ExporterName, textGen("Yirgacheffe Union", false))
			d.Grade = draw(rt, "grade", d.Grade, textGen("G1", false))
			d.QuarantineBatchNo = draw(rt, "quarantineBatchNo", d.QuarantineBatchNo, textGen("Q2026-0001", false))
			d.HSCode = draw(rt, "hsCode", d.HSCode, rapid.SampledFrom([]string{"0901110000", "09011100", "090111000", "", "0901l10000"}))
			d.Origin = draw(rt, "origin", d.Origin, rapid.SampledFrom([]string{"ET", "BR", "XX", "et", ""}))
			d.Currency = draw(rt, "currency", d.Currency, rapid.SampledFrom([]string{"CNY", "USD", "XYZ", "usd", ""}))
			d.QuarantineResult = draw(rt, "quarantineResult", d.QuarantineResult, rapid.SampledFrom([]model.QuarantineResult{model.QuarantineQualified, model.QuarantinePending, "", "maybe"}))
			d.WeightGrams = draw(rt, "weightGrams", d.WeightGrams, amountGen(19_200_000, model.MaxWeightGrams))
			d.AvgPriceFen = draw(rt, "avgPriceFen", d.AvgPriceFen, amountGen(6850, model.MaxPriceFen))
			d.ShelfLifeDays = draw(rt, "shelfLifeDays", d.ShelfLifeDays, rapid.SampledFrom([]int{540, 0, -1, model.MaxShelfLifeDays, model.MaxShelfLifeDays + 1}))
			d.ProductionDate = draw(rt, "productionDate", d.ProductionDate, rapid.SampledFrom([]string{"2026-09-01", "", "2026-02-30", "01/09/2026"}))
			if rapid.IntRange(0, 7).Draw(rt, "badAttachment") == 0 {
				d.Attachments[0].SHA256 = "AB"
			}

			warnings := drafts.Warnings(d)
			declared++
			_, err := z.invoke(z.entA, "DeclarePrefiling", z.req(), fmt.Sprintf("PF20261126%08d", declared), dataJSON(t, d))
			if len(warnings) == 0 {
				require.NoError(rt, err, "the draft said it can be declared")
				accepted++
				return
			}
			require.Error(rt, err, "the draft warned %v", warnings)
			parsed, ok := model.ParseError(err.Error())
			require.True(rt, ok)
			require.Equal(rt, model.ReasonFieldInvalid, parsed.Reason)
			require.Equal(rt, warningKeys(warnings), problemKeys(model.Problems(parsed.Problems).Prefixed("data")))
		})
		require.Positive(t, accepted, "some generated drafts must be declared, or the property proves nothing")
		require.Less(t, accepted, declared, "some generated drafts must be refused")
	})
	t.Run("supplements", func(t *testing.T) {
		z.declare(z.entB, "PF20261126SUPPLEME")
		pf := decodePrefiling(t, z.mustInvoke(z.customs, "ReviewPrefiling", z.req(), "PF20261126SUPPLEME", "approve", ""))
		rapid.Check(t, func(rt *rapid.T) {
			s := model.SupplementData{
				QuarantineBatchNo: textGen("Q2026-0002", false).Draw(rt, "quarantineBatchNo"),
				QuarantineResult:  rapid.SampledFrom([]model.QuarantineResult{model.QuarantineQualified, model.QuarantineUnqualified, model.QuarantinePending, ""}).Draw(rt, "quarantineResult"),
				QuarantineDate:    rapid.SampledFrom([]string{"", "2026-11-20", "2026-13-01"}).Draw(rt, "quarantineDate"),
				Note:              textGen("复检合格", true).Draw(rt, "note"),
				Attachments:       []model.Attachment{},
			}
			raw, err := json.Marshal(s)
			require.NoError(rt, err)
			gatewayErr := drafts.CheckSupplement(s)
			_, err = z.invoke(z.entB, "DeclareSupplement", z.req(), pf.ID, string(raw))
			if gatewayErr == nil {
				require.NoError(rt, err)
				// Customs returns it so the next one can be declared.
				z.mustInvoke(z.customs, "ReviewSupplement", z.req(), pf.ID, "return", "重新补录")
				return
			}
			var warnings validation.Problems
			require.ErrorAs(rt, gatewayErr, &warnings)
			parsed, ok := model.ParseError(err.Error())
			require.True(rt, ok, "%v", err)
			require.Equal(rt, warningKeys(warnings), problemKeys(parsed.Problems))
		})
	})
}

// exactValue is weight × price / 1000 rounded, within MaxValueFen + 1.
func exactValue(grams, price int64) int64 {
	v := new(big.Int).Mul(big.NewInt(grams), big.NewInt(price))
	v.Add(v, big.NewInt(500)).Quo(v, big.NewInt(1000))
	if !v.IsInt64() || v.Int64() > model.MaxValueFen {
		return model.MaxValueFen + 1
	}
	return v.Int64()
}

// ledgerRules are the problems only the ledger can find.
var ledgerRules = []model.Rule{model.RuleSameEnterprise, model.RuleNotRegistered, model.RuleTraceCodeInactive,
	model.RuleTraceCodeOfOther, model.RuleNotOutLeg, model.RuleLineCountMismatch, model.RuleLineMismatch}

func TestDocumentDraftCheckAgreesWithChaincode(t *testing.T) {
	tr := newTrade(t)
	accepted, refusedByLedger, refusedByShape := 0, 0, 0
	rapid.Check(t, func(rt *rapid.T) {
		pair := rapid.SampledFrom([][2]string{
			{"checklist", "entry"}, {"checklist", "entry"}, {"checklist", "entry"}, {"nonbonded_application", "entry"},
			{"bonded_transfer", "out"}, {"bonded_transfer", "in"}, {"checklist", "in"}, {"warehouse_receipt", "out"},
		}).Draw(rt, "family")
		family, bt := model.Family(pair[0]), model.BusinessType(pair[1])
		head := completeHead(family, bt, model.DocumentHead{})
		if rule, _ := model.RuleOf(family, bt); rule.Leg == model.LegOut {
			head.CounterpartyID = rapid.SampledFrom([]string{enterpriseB, enterpriseB, enterpriseA, "91320583MA9ZZZZZ9Z", "123"}).Draw(rt, "counterpartyId")
		}
		for _, f := range model.HeadFields {
			if f.Key == model.HeadCounterparty || rapid.IntRange(0, 11).Draw(rt, "change "+f.Key) != 0 {
				continue
			}
			*f.Ref(&head) = textGen(*f.Ref(&head), f.Key == model.HeadNote).Draw(rt, f.Key)
		}
		if rapid.IntRange(0, 7).Draw(rt, "bad country or date") == 0 {
			head.TradeCountry = rapid.SampledFrom([]string{"XX", "et", ""}).Draw(rt, "tradeCountry")
			head.PlannedDate = rapid.SampledFrom([]string{"2026-02-30", "26-11-26", ""}).Draw(rt, "plannedDate")
		}
		n := draw(rt, "lines", 1, rapid.IntRange(0, 3))
		lines := make([]model.DocumentLine, n)
		for i := range lines {
			l := tr.line(1_000)
			l.TraceCode = draw(rt, "traceCode", l.TraceCode, rapid.SampledFrom([]string{tr.code, tr.code, "", tr.code[:15] + "X", "KSCF261126000421"}))
			l.ProductName = draw(rt, "productName", l.ProductName, textGen("耶加雪菲", false))
			l.HSCode = draw(rt, "hsCode", l.HSCode, rapid.SampledFrom([]string{"0901110000", "", "12345"}))
			l.Origin = draw(rt, "origin", l.Origin, rapid.SampledFrom([]string{"ET", "XX", ""}))
			l.Currency = draw(rt, "currency", l.Currency, rapid.SampledFrom([]string{"CNY", "XYZ", ""}))
			l.WeightGrams = draw(rt, "weightGrams", l.WeightGrams, amountGen(1_000, model.MaxWeightGrams))
			l.UnitPriceFen = draw(rt, "unitPriceFen", l.UnitPriceFen, rapid.SampledFrom([]int64{7200, 0, 33_333, -1, model.MaxPriceFen, model.MaxPriceFen + 1}))
			l.Packages = draw(rt, "packages", l.Packages, rapid.SampledFrom([]int64{0, 16, -1, model.MaxPackages + 1}))
			exact := exactValue(l.WeightGrams, l.UnitPriceFen)
			l.ValueFen = exact + draw(rt, "valueOff", 0, rapid.SampledFrom([]int64{1, -1, 1 + max(l.WeightGrams, 0)/2000 + 1, 1_000_000}))
			lines[i] = l
		}

		warnings := docdrafts.Warnings(family, bt, head, lines)
		raw, err := json.Marshal(model.DocumentDeclaration{ID: tr.docID(family), Family: family, BusinessType: bt, Head: head, Lines: lines})
		require.NoError(rt, err)
		_, err = tr.invoke(tr.entA, "DeclareDocument", tr.req(), string(raw))
		var parsed *model.Error
		if err != nil {
			var ok bool
			parsed, ok = model.ParseError(err.Error())
			require.True(rt, ok, "%v", err)
		}
		if len(warnings) > 0 {
			require.NotNil(rt, parsed, "the draft warned %v, the chaincode accepted", warningKeys(warnings))
			require.Equal(rt, model.ReasonFieldInvalid, parsed.Reason)
			require.Equal(rt, warningKeys(warnings), problemKeys(parsed.Problems))
			refusedByShape++
			return
		}
		if parsed == nil {
			accepted++
			return
		}
		// Only what the ledger knows may refuse a draft without warnings.
		refusedByLedger++
		for _, p := range parsed.Problems {
			require.Contains(rt, ledgerRules, p.Rule, "the chaincode refused a draft without warnings: %v", parsed)
		}
		require.NotContains(rt, []model.Reason{model.ReasonMalformedArgument, model.ReasonKeyInvalid}, parsed.Reason)
	})
	require.Positive(t, accepted, "some generated drafts must be declared, or the property proves nothing")
	require.Positive(t, refusedByShape, "some generated drafts must be refused for their shape")
	t.Logf("declared %d, refused for their shape %d, by the ledger %d", accepted, refusedByShape, refusedByLedger)
}
