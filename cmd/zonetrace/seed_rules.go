package main

import (
	"context"
	"net/http"

	"zonetrace/chaincode/model"
	"zonetrace/internal/apiclient"
)

// demoTags is the tag catalogue of the tender (数据校验打标, seed lines
// 1198–1228 and 3433): what each validation model marks a declaration with.
var demoTags = []model.TagDef{
	{Code: model.TagWeightAnomaly, NameZh: "重量异常", Category: "重量校验", Colour: "#D4380D", Description: "申报出库重量大于理论库存量（已申报入库减已申报出库）"},
	{Code: model.TagPriceAnomaly, NameZh: "价格异常", Category: "价格校验", Colour: "#FA8C16", Description: "申报价格低于溯源批次的重量加权平均价格"},
	{Code: model.TagOriginMismatch, NameZh: "原产地不一致", Category: "原产地校验", Colour: "#CF1322", Description: "申报原产地与溯源码记录的原产地不一致"},
	{Code: model.TagQuarantined, NameZh: "已检疫", Category: "检疫校验", Colour: "#389E0D", Description: "商品已检疫，检疫证书已审核"},
	{Code: model.TagNotQuarantined, NameZh: "未检疫", Category: "检疫校验", Colour: "#D48806", Description: "商品待检疫或没有已审核的检疫证书"},
	{Code: model.TagQuarantineBatchMismatch, NameZh: "申报批次号与实货不一致", Category: "检疫校验", Colour: "#C41D7F", Description: "检疫证书的批次号与预核申报的检疫批次号不一致"},
	{Code: model.TagHighValue, NameZh: "有高价值", Category: "高价值校验", Colour: "#531DAB", Description: "表体商品单价高于设置的高价值阈值"},
	{Code: model.TagFlowAnomaly, NameZh: "流向异常", Category: "流向校验", Colour: "#1D39C4", Description: "申报从某库存流出的货物从未实际进入该库存（未过卡）"},
	{Code: model.TagTaxAnomaly, NameZh: "税款征收异常", Category: "税款征收校验", Colour: "#A8071A", Description: "保税货物未完成保税转非保税（税款未征收）即按非保税移动"},
}

// demoModels are the validation models of the demo: all enabled, the weight
// model on the tender's basis, and a high-value threshold of 80 yuan/kg that
// the demo's Kenyan AA (95 yuan/kg) exceeds.
var demoModels = []model.ValidationModel{
	{Code: model.ModelWeight, Tag: model.TagWeightAnomaly, Enabled: true, Params: []model.ModelParam{
		{Name: model.ParamToleranceGrams, Value: 0}, {Name: model.ParamWeightBasis, Value: model.WeightBasisDeclared}}},
	{Code: model.ModelPrice, Tag: model.TagPriceAnomaly, Enabled: true, Params: []model.ModelParam{{Name: model.ParamTolerancePermille, Value: 0}}},
	{Code: model.ModelOrigin, Tag: model.TagOriginMismatch, Enabled: true, Params: []model.ModelParam{}},
	{Code: model.ModelQuarantined, Tag: model.TagQuarantined, Enabled: true, Params: []model.ModelParam{}},
	{Code: model.ModelNotQuarantined, Tag: model.TagNotQuarantined, Enabled: true, Params: []model.ModelParam{}},
	{Code: model.ModelQuarantineBatch, Tag: model.TagQuarantineBatchMismatch, Enabled: true, Params: []model.ModelParam{}},
	{Code: model.ModelHighValue, Tag: model.TagHighValue, Enabled: true, Params: []model.ModelParam{{Name: model.ParamThresholdFen, Value: 8_000}}},
	{Code: model.ModelFlow, Tag: model.TagFlowAnomaly, Enabled: true, Params: []model.ModelParam{}},
	{Code: model.ModelTax, Tag: model.TagTaxAnomaly, Enabled: true, Params: []model.ModelParam{}},
}

// demoBindings enables each tag on the families it means something for:
// quarantine at the zone gate, tax where non-bonded goods move, the others
// on every family.
func demoBindings() []model.TagBinding {
	gate := []model.Family{model.FamilyWarehouseReceipt, model.FamilyNonBondedApplication, model.FamilyChecklist, model.FamilyGateRegistration}
	nonBonded := []model.Family{model.FamilyNonBondedApplication, model.FamilyNonBondedTransfer, model.FamilyGateRegistration}
	families := map[string][]model.Family{
		model.TagQuarantined: gate, model.TagNotQuarantined: gate, model.TagQuarantineBatchMismatch: gate,
		model.TagTaxAnomaly: nonBonded,
	}
	var out []model.TagBinding
	for _, t := range demoTags {
		fs, ok := families[t.Code]
		if !ok {
			fs = model.Families
		}
		for _, f := range fs {
			out = append(out, model.TagBinding{Tag: t.Code, Target: string(f), Enabled: true})
		}
	}
	return out
}

// demoRuleConfig is the demo's first configuration: the tender's catalogue,
// every validation model, and two example review rules — one that only
// sends unqualified batches to customs' queue, and one disabled.
func demoRuleConfig() model.RuleConfigDraft {
	d := model.DefaultRuleConfig().RuleConfigDraft
	d.Tags = demoTags
	d.Models = demoModels
	d.Bindings = demoBindings()
	d.Note = "演示初始配置：招标文件标签目录、全部校验模型与两条示例规则"
	d.Rules = []model.ReviewRule{
		{ID: "unqualified-manual", Kind: model.KindPrefiling, Name: "检疫不合格批次转人工审核", Priority: 10,
			Condition: `prefiling.quarantineResult == "unqualified"`, Outcome: model.OutcomeManual,
			Opinion: "申报检疫结果为不合格，请人工审核", Enabled: true},
		{ID: "weight-manual", Kind: model.KindBondedTransfer, Name: "重量异常的保税流转转人工审核（示例，未启用）", Priority: 10,
			Condition: `"WEIGHT_ANOMALY" in tags`, Outcome: model.OutcomeManual,
			Opinion: "申报重量超过理论库存，请人工核对", Enabled: false},
	}
	return d
}

// seedRuleConfig writes the first rule configuration as customs'
// administrator.
func seedRuleConfig(ctx context.Context, c *apiclient.Client, cfg model.RuleConfigDraft) error {
	if err := c.Login(ctx, "customs-admin", demoPassword); err != nil {
		return err
	}
	_, err := c.Do(ctx, apiclient.Request{Method: http.MethodPut, Path: "/api/v1/rules/config",
		Body: map[string]any{"baseVersion": 0, "config": cfg}}, nil)
	return err
}
