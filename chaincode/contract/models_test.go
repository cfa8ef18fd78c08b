package contract

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
)

// modelTagNames are the Chinese names the test catalogue gives the models'
// tags; reasons start with them.
var modelTagNames = map[string]string{
	model.TagWeightAnomaly: "重量异常", model.TagPriceAnomaly: "价格异常", model.TagOriginMismatch: "原产地不一致",
	model.TagQuarantined: "已检疫", model.TagNotQuarantined: "未检疫", model.TagQuarantineBatchMismatch: "申报批次号与实货不一致",
	model.TagHighValue: "有高价值", model.TagFlowAnomaly: "流向异常", model.TagTaxAnomaly: "税款征收异常",
}

// modelsConfig enables the given models (with their parameters) on every
// family, each with its default tag; every other model is catalogued but
// disabled.
func modelsConfig(enabled map[string][]model.ModelParam) model.RuleConfigDraft {
	d := model.RuleConfigDraft{Tags: []model.TagDef{}, Models: []model.ValidationModel{}, Bindings: []model.TagBinding{}, Rules: []model.ReviewRule{}}
	for _, code := range model.ModelCodes {
		tag := model.ModelSpecs[code].Tag
		d.Tags = append(d.Tags, model.TagDef{Code: tag, NameZh: modelTagNames[tag], Category: "校验", Colour: "#D4380D"})
		params, on := enabled[code]
		d.Models = append(d.Models, model.ValidationModel{Code: code, Tag: tag, Enabled: on, Params: append([]model.ModelParam{}, params...)})
		for _, f := range model.Families {
			d.Bindings = append(d.Bindings, model.TagBinding{Tag: tag, Target: string(f), Enabled: true})
		}
	}
	return d
}

// only enables one model with its parameters.
func only(code string, params ...model.ModelParam) model.RuleConfigDraft {
	return modelsConfig(map[string][]model.ModelParam{code: params})
}

// modelTag returns the one tag of code on d, checking what every model's tag
// carries: the model, the configuration version, the transaction, a reason
// that starts with the tag's name and the offending fields.
func modelTag(t *testing.T, d model.Document, code, modelCode string, version int) model.Tag {
	t.Helper()
	var found []model.Tag
	for _, tag := range d.Tags {
		if tag.Code == code {
			found = append(found, tag)
		}
	}
	require.Len(t, found, 1, "tags of %s: %+v", code, d.Tags)
	tag := found[0]
	require.Equal(t, modelCode, tag.Model)
	require.Equal(t, version, tag.ConfigVersion)
	require.Equal(t, d.UpdatedTx, tag.TxID)
	require.True(t, strings.HasPrefix(tag.Reason, modelTagNames[code]+"："), tag.Reason)
	require.NotEmpty(t, tag.Fields)
	require.Nil(t, tag.AddedBy)
	return tag
}

func tagCodes(d model.Document) []string {
	out := []string{}
	for _, tag := range d.Tags {
		out = append(out, tag.Code)
	}
	return out
}

// priced is a line of the trade's batch at a unit price, its value rounded
// to the fen.
func (tr *trade) priced(grams, priceFen int64) model.DocumentLine {
	l := tr.line(grams)
	l.UnitPriceFen = priceFen
	l.ValueFen = (grams*priceFen + 500) / 1000
	return l
}

// exact is tr.line with a value that agrees with any weight.
func (tr *trade) exact(grams int64) model.DocumentLine { return tr.priced(grams, 7200) }

// entry declares an entry checklist of A's batch (no stock needed).
func (tr *trade) entry(lines ...model.DocumentLine) model.Document {
	tr.t.Helper()
	return tr.declareDoc(tr.entA, model.FamilyChecklist, model.BusinessEntry, model.DocumentHead{}, lines...)
}

func TestModelsAreAllComputed(t *testing.T) {
	codes := []string{}
	for code, spec := range model.ModelSpecs {
		codes = append(codes, code)
		require.Contains(t, modelFuncs, code)
		require.NotEmpty(t, modelTagNames[spec.Tag], "the test catalogue names %s", spec.Tag)
		require.NotEmpty(t, spec.NameZh)
		for _, p := range spec.Params {
			require.NotEmpty(t, p.NameZh, "%s.%s", code, p.Name)
			require.True(t, p.Min <= p.Default && p.Default <= p.Max, "%s.%s default in range", code, p.Name)
		}
	}
	require.Len(t, modelFuncs, len(model.ModelSpecs))
	slices.Sort(codes)
	sorted := slices.Sorted(slices.Values(model.ModelCodes))
	require.Equal(t, codes, sorted, "ModelCodes lists every model once")
}

func TestPriceModel(t *testing.T) {
	// The batch was prefiled at 6850 fen/kg (validData).
	cases := []struct {
		name      string
		tolerance int64
		lines     [][2]int64 // grams, unit price
		tagged    bool
		fields    []string
	}{
		{"at the batch price", 0, [][2]int64{{1000, 6850}}, false, nil},
		{"one fen under", 0, [][2]int64{{1000, 6849}}, true, []string{"lines[0].unitPriceFen"}},
		{"one fen over", 0, [][2]int64{{1000, 6851}}, false, nil},
		{"at the tolerance", 100, [][2]int64{{1000, 6165}}, false, nil},
		{"just under the tolerance", 100, [][2]int64{{1000, 6164}}, true, []string{"lines[0].unitPriceFen"}},
		{"just over the tolerance", 100, [][2]int64{{1000, 6166}}, false, nil},
		// (6000×1 + 7100×4) / 5 = 6880: a cheap light line is outweighed.
		{"weighted average above", 0, [][2]int64{{1000, 6000}, {4000, 7100}}, false, nil},
		// (6000×1 + 7100×3) / 4 = 6825: the cheap line is named.
		{"weighted average below", 0, [][2]int64{{1000, 6000}, {3000, 7100}}, true, []string{"lines[0].unitPriceFen"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tr := newTrade(t)
			cfg := tr.putRules(only(model.ModelPrice, model.ModelParam{Name: model.ParamTolerancePermille, Value: c.tolerance}))
			var lines []model.DocumentLine
			for _, l := range c.lines {
				lines = append(lines, tr.priced(l[0], l[1]))
			}
			d := tr.entry(lines...)
			if !c.tagged {
				require.Empty(t, d.Tags)
				return
			}
			tag := modelTag(t, d, model.TagPriceAnomaly, model.ModelPrice, cfg.Version)
			require.Equal(t, c.fields, tag.Fields)
			require.Contains(t, tag.Reason, "溯源批次加权平均单价 6850 分/千克")
			require.Contains(t, tag.Reason, fmt.Sprintf("容差 %d‰", c.tolerance))
		})
	}

	t.Run("lines in another currency than their batch are not compared", func(t *testing.T) {
		tr := newTrade(t)
		tr.putRules(only(model.ModelPrice))
		l := tr.priced(1000, 100)
		l.Currency = "USD"
		require.Empty(t, tr.entry(l).Tags)
	})
}

func TestHighValueModel(t *testing.T) {
	for _, c := range []struct {
		price  int64
		tagged bool
	}{{7199, false}, {7200, false}, {7201, true}} {
		t.Run(fmt.Sprint(c.price), func(t *testing.T) {
			tr := newTrade(t)
			cfg := tr.putRules(only(model.ModelHighValue, model.ModelParam{Name: model.ParamThresholdFen, Value: 7200}))
			d := tr.entry(tr.priced(1000, 7000), tr.priced(1000, c.price))
			if !c.tagged {
				require.Empty(t, d.Tags)
				return
			}
			tag := modelTag(t, d, model.TagHighValue, model.ModelHighValue, cfg.Version)
			require.Equal(t, []string{"lines[1].unitPriceFen"}, tag.Fields)
			require.Equal(t, "有高价值：第2行单价 7201 分/千克，高于高价值阈值 7200 分/千克", tag.Reason)
		})
	}
}

func TestOriginModel(t *testing.T) {
	tr := newTrade(t)
	cfg := tr.putRules(only(model.ModelOrigin))
	require.Empty(t, tr.entry(tr.exact(1000)).Tags, "ET as recorded")
	other := tr.exact(1000)
	other.Origin = "BR"
	d := tr.entry(tr.exact(1000), other)
	tag := modelTag(t, d, model.TagOriginMismatch, model.ModelOrigin, cfg.Version)
	require.Equal(t, []string{"lines[1].origin"}, tag.Fields)
	require.Equal(t, fmt.Sprintf("原产地不一致：第2行申报原产地 BR，溯源码 %s 记录的原产地 ET", tr.code), tag.Reason)
}

func TestQuarantineModels(t *testing.T) {
	certificate := model.Attachment{Kind: model.AttachmentQuarantineCertificate, Name: "q.pdf", SHA256: strings.Repeat("cd", 32), Size: 2048}
	all := modelsConfig(map[string][]model.ModelParam{model.ModelQuarantined: nil, model.ModelNotQuarantined: nil, model.ModelQuarantineBatch: nil})
	// batchOf approves a prefiling of A with data and returns a line of it.
	batchOf := func(tr *trade, id string, data model.PrefilingData) model.DocumentLine {
		tr.mustInvoke(tr.entA, "DeclarePrefiling", tr.req(), id, dataJSON(t, data))
		p := decodePrefiling(t, tr.mustInvoke(tr.customs, "ReviewPrefiling", tr.req(), id, "approve", ""))
		l := tr.exact(1000)
		l.TraceCode = p.TraceCode
		return l
	}

	t.Run("a qualified batch with its certificate is quarantined; one without, or pending, is not", func(t *testing.T) {
		tr := newTrade(t)
		cfg := tr.putRules(all)
		withCert := validData()
		withCert.Attachments = append(withCert.Attachments, certificate)
		certified := batchOf(tr, "PF20261126BBBBBBBB", withCert)
		pending := validData()
		pending.QuarantineResult = model.QuarantinePending
		waiting := batchOf(tr, "PF20261126CCCCCCCC", pending)

		d := tr.entry(tr.exact(1000), certified, waiting)
		require.Equal(t, []string{model.TagQuarantined, model.TagNotQuarantined}, tagCodes(d))
		yes := modelTag(t, d, model.TagQuarantined, model.ModelQuarantined, cfg.Version)
		require.Equal(t, []string{"lines[1].traceCode"}, yes.Fields)
		require.Equal(t, fmt.Sprintf("已检疫：第2行溯源码 %s 检疫批次号 Q2026-0001，检疫结果合格", certified.TraceCode), yes.Reason)
		no := modelTag(t, d, model.TagNotQuarantined, model.ModelNotQuarantined, cfg.Version)
		require.Equal(t, []string{"lines[0].traceCode", "lines[2].traceCode"}, no.Fields)
		require.Equal(t, fmt.Sprintf("未检疫：第1行溯源码 %s 检疫结果合格，但没有已审核的检疫证书；第3行溯源码 %s 待检疫", tr.code, waiting.TraceCode), no.Reason)
	})

	t.Run("a certificate whose batch number differs is tagged until customs accepts it", func(t *testing.T) {
		tr := newTrade(t)
		cfg := tr.putRules(all)
		body := func(batchNo string) string {
			return `{"quarantineBatchNo":"` + batchNo + `","quarantineResult":"qualified","attachments":[{"kind":"quarantine_certificate","name":"q.pdf","sha256":"` +
				strings.Repeat("cd", 32) + `","size":2048}]}`
		}
		const pf = "PF20261126AAAAAAAA"
		tr.mustInvoke(tr.entA, "DeclareSupplement", tr.req(), pf, body("Q2026-0001"))
		require.NotContains(t, tagCodes(tr.entry(tr.exact(1000))), model.TagQuarantineBatchMismatch, "same number as prefiled")
		tr.mustInvoke(tr.customs, "ReviewSupplement", tr.req(), pf, "return", "证书模糊")

		tr.mustInvoke(tr.entA, "DeclareSupplement", tr.req(), pf, body("Q2026-0099"))
		d := tr.entry(tr.exact(1000))
		tag := modelTag(t, d, model.TagQuarantineBatchMismatch, model.ModelQuarantineBatch, cfg.Version)
		require.Equal(t, []string{"lines[0].traceCode"}, tag.Fields)
		require.Contains(t, tag.Reason, "预核申报的检疫批次号 Q2026-0001，检疫证书（补录入）的批次号 Q2026-0099")
		require.Contains(t, tagCodes(d), model.TagNotQuarantined, "the certificate is not approved yet")

		tr.mustInvoke(tr.customs, "ReviewSupplement", tr.req(), pf, "approve", "")
		require.Equal(t, []string{model.TagQuarantined}, tagCodes(tr.entry(tr.exact(1000))))
	})
}

func TestWeightModel(t *testing.T) {
	// exitTags enters 10 kg (effective) and 5 kg more (approved, not yet
	// through the gate), then declares an exit of asked grams.
	exitTags := func(t *testing.T, basis, tolerance, asked int64) (model.Document, model.RuleConfig) {
		tr := newTrade(t)
		cfg := tr.putRules(only(model.ModelWeight, model.ModelParam{Name: model.ParamWeightBasis, Value: basis},
			model.ModelParam{Name: model.ParamToleranceGrams, Value: tolerance}))
		tr.enter(10_000)
		pending := tr.entry(tr.exact(5_000))
		tr.receipt(pending.ID, "INV201", "1")
		return tr.declareDoc(tr.entA, model.FamilyChecklist, model.BusinessExit, model.DocumentHead{}, tr.exact(asked)), cfg
	}
	for _, c := range []struct {
		name                    string
		basis, tolerance, asked int64
		tagged                  bool
	}{
		{"effective: at the stock", model.WeightBasisEffective, 0, 10_000, false},
		{"effective: one gram over", model.WeightBasisEffective, 0, 10_001, true},
		{"effective: at the tolerance", model.WeightBasisEffective, 500, 10_500, false},
		{"effective: one gram over the tolerance", model.WeightBasisEffective, 500, 10_501, true},
		{"declared: counts the entry still at the gate", model.WeightBasisDeclared, 0, 15_000, false},
		{"declared: one gram over", model.WeightBasisDeclared, 0, 15_001, true},
		{"declared: at the tolerance", model.WeightBasisDeclared, 500, 15_500, false},
		{"declared: one gram over the tolerance", model.WeightBasisDeclared, 500, 15_501, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			d, cfg := exitTags(t, c.basis, c.tolerance, c.asked)
			if !c.tagged {
				require.Empty(t, d.Tags)
				return
			}
			tag := modelTag(t, d, model.TagWeightAnomaly, model.ModelWeight, cfg.Version)
			require.Equal(t, []string{"lines[0].weightGrams"}, tag.Fields)
			want := "理论库存可用 10000 克"
			if c.basis == model.WeightBasisDeclared {
				want = "理论库存（已申报入库减已申报出库）可用 15000 克"
			}
			require.Contains(t, tag.Reason, fmt.Sprintf("申报 %d 克，%s", c.asked, want))
		})
	}

	t.Run("declared basis: a returned entry no longer counts", func(t *testing.T) {
		tr := newTrade(t)
		tr.putRules(only(model.ModelWeight))
		tr.enter(10_000)
		returned := tr.entry(tr.exact(5_000))
		tr.receipt(returned.ID, "INV201", "3")
		d := tr.declareDoc(tr.entA, model.FamilyChecklist, model.BusinessExit, model.DocumentHead{}, tr.exact(10_001))
		require.Equal(t, []string{model.TagWeightAnomaly}, tagCodes(d))
	})

	t.Run("declared basis: a deletion asked for counts by the status it was asked in", func(t *testing.T) {
		tr := newTrade(t)
		tr.putRules(only(model.ModelWeight))
		entry := func(grams int64) model.Document {
			d := tr.declareDoc(tr.entA, model.FamilyNonBondedApplication, model.BusinessEntry, model.DocumentHead{}, tr.exact(grams))
			tr.mustInvoke(tr.customs, "ReviewDocument", tr.req(), d.ID, "approve", "")
			return d
		}
		effective := entry(5_000)
		tr.mustInvoke(tr.admin, "RecordGatePass", tr.req(), effective.ID)
		tr.mustInvoke(tr.entA, "RequestDeletion", tr.req(), effective.ID, "数量有误")
		atGate := entry(3_000)
		tr.mustInvoke(tr.entA, "RequestDeletion", tr.req(), atGate.ID, "不进区了")
		exit := func(grams int64) model.Document {
			return tr.declareDoc(tr.entA, model.FamilyNonBondedApplication, model.BusinessExit, model.DocumentHead{}, tr.exact(grams))
		}
		require.Empty(t, exit(8_000).Tags, "5 kg in stock and 3 kg still to come, neither counted twice")
		require.Contains(t, exit(1).Tags[0].Reason, "可用 0 克")
	})

	t.Run("a document moving nothing is tagged only without any stock record", func(t *testing.T) {
		tr := newTrade(t)
		tr.enter(10_000)
		consolidated := func(id testIdentity) model.Document {
			return tr.declareDoc(id, model.FamilyChecklist, model.BusinessConsolidated, model.DocumentHead{}, tr.exact(20_000))
		}
		require.Empty(t, consolidated(tr.entA).Tags, "A holds the batch; a consolidated checklist reports earlier moves")
		d := consolidated(tr.entB)
		tag := modelTag(t, d, model.TagWeightAnomaly, model.ModelWeight, 0)
		require.Equal(t, fmt.Sprintf("重量异常：第1行 %s 申报 20000 克，企业没有该批次的保税库存记录，理论库存可用 0 克", tr.code), tag.Reason)
	})
}

func TestFlowModel(t *testing.T) {
	tr := newTrade(t)
	cfg := tr.putRules(only(model.ModelFlow))
	entry := tr.entry(tr.exact(10_000))
	tr.receipt(entry.ID, "INV201", "1")
	exit := tr.declareDoc(tr.entA, model.FamilyChecklist, model.BusinessExit, model.DocumentHead{}, tr.exact(1_000))
	tag := modelTag(t, exit, model.TagFlowAnomaly, model.ModelFlow, cfg.Version)
	require.Equal(t, []string{"lines[0].traceCode"}, tag.Fields)
	require.Contains(t, tag.Reason, "从未实际进入该库存")

	tr.mustInvoke(tr.admin, "RecordGatePass", tr.req(), entry.ID)
	require.Empty(t, tr.declareDoc(tr.entA, model.FamilyChecklist, model.BusinessExit, model.DocumentHead{}, tr.exact(1_000)).Tags,
		"the entry crossed the gate")
	require.Empty(t, tr.entry(tr.exact(1_000)).Tags, "an entry takes from no holding")
}

func TestTaxModel(t *testing.T) {
	tr := newTrade(t)
	cfg := tr.putRules(only(model.ModelTax))
	tr.enter(10_000)
	exit := func(grams int64) model.Document {
		return tr.declareDoc(tr.entA, model.FamilyNonBondedApplication, model.BusinessExit, model.DocumentHead{}, tr.exact(grams))
	}
	d := exit(1_000)
	tag := modelTag(t, d, model.TagTaxAnomaly, model.ModelTax, cfg.Version)
	require.Equal(t, []string{"lines[0].weightGrams"}, tag.Fields)
	require.Equal(t, fmt.Sprintf("税款征收异常：第1行溯源码 %s 按非保税申报 1000 克，非保税库存可用 0 克，企业仍持有保税库存 10000 克：保税转非保税尚未生效，税款未征收", tr.code), tag.Reason)
	tr.mustInvoke(tr.customs, "ReviewDocument", tr.req(), d.ID, "return", "先办理保税转非保税")

	conversion := tr.declareDoc(tr.entA, model.FamilyChecklist, model.BusinessConversion, model.DocumentHead{}, tr.exact(2_000))
	require.Empty(t, conversion.Tags, "a conversion takes bonded stock")
	tr.receipt(conversion.ID, "INV201", "1")
	require.Empty(t, exit(2_000).Tags, "at the converted stock")
	require.Equal(t, []string{model.TagTaxAnomaly}, tagCodes(exit(1)), "one gram beyond it")
}

func TestModelSwitches(t *testing.T) {
	over := func(tr *trade) model.DocumentLine {
		l := tr.priced(1000, 9000)
		l.Origin = "BR"
		return l
	}
	t.Run("version 0 runs the weight model only", func(t *testing.T) {
		tr := newTrade(t)
		require.Empty(t, tr.entry(over(tr)).Tags)
	})
	t.Run("a disabled model sets no tag", func(t *testing.T) {
		tr := newTrade(t)
		d := modelsConfig(map[string][]model.ModelParam{model.ModelOrigin: nil})
		tr.putRules(d)
		require.Equal(t, []string{model.TagOriginMismatch}, tagCodes(tr.entry(over(tr))))
		d.Models[slices.IndexFunc(d.Models, func(m model.ValidationModel) bool { return m.Code == model.ModelOrigin })].Enabled = false
		tr.putRules(d)
		require.Empty(t, tr.entry(over(tr)).Tags)
	})
	t.Run("a disabled or missing binding sets no tag for that family only", func(t *testing.T) {
		tr := newTrade(t)
		d := only(model.ModelHighValue, model.ModelParam{Name: model.ParamThresholdFen, Value: 8000})
		for i, b := range d.Bindings {
			if b.Tag == model.TagHighValue && b.Target == string(model.FamilyChecklist) {
				d.Bindings[i].Enabled = false
			}
		}
		tr.putRules(d)
		require.Empty(t, tr.entry(over(tr)).Tags)
		nb := tr.declareDoc(tr.entA, model.FamilyNonBondedApplication, model.BusinessEntry, model.DocumentHead{}, over(tr))
		require.Equal(t, []string{model.TagHighValue}, tagCodes(nb))

		d.Bindings = slices.DeleteFunc(d.Bindings, func(b model.TagBinding) bool { return b.Tag == model.TagHighValue })
		tr.putRules(d)
		nb = tr.declareDoc(tr.entA, model.FamilyNonBondedApplication, model.BusinessEntry, model.DocumentHead{}, over(tr))
		require.Empty(t, nb.Tags)
	})
}

func TestModelsAreDeterministic(t *testing.T) {
	run := func() []model.Tag {
		tr := newTrade(t)
		tr.putRules(modelsConfig(map[string][]model.ModelParam{
			model.ModelWeight: nil, model.ModelPrice: nil, model.ModelOrigin: nil, model.ModelNotQuarantined: nil,
			model.ModelHighValue: {{Name: model.ParamThresholdFen, Value: 1}}, model.ModelFlow: nil, model.ModelTax: nil}))
		l := tr.priced(1000, 100)
		l.Origin = "BR"
		return tr.declareDoc(tr.entB, model.FamilyNonBondedApplication, model.BusinessExit, model.DocumentHead{}, l, tr.exact(2000)).Tags
	}
	first := run()
	require.Equal(t, []string{model.TagWeightAnomaly, model.TagPriceAnomaly, model.TagOriginMismatch, model.TagNotQuarantined,
		model.TagHighValue, model.TagFlowAnomaly}, tagCodes(model.Document{Tags: first}), "in the configuration's order")
	require.Equal(t, first, run())
}
