package main

import (
	"context"
	"net/http"

	"zonetrace/chaincode/model"
	"zonetrace/internal/apiclient"
)

// demoTags is the tag catalogue of the tender (数据校验打标, seed lines
// 1198–1228 and 3433): what each validation model marks a declaration
// with. Only 重量异常 has a model in the chaincode today; the others are
// catalogued so customs can bind and colour them ahead of their models.
var demoTags = []model.TagDef{
	{Code: model.TagWeightAnomaly, NameZh: "重量异常", Category: "重量校验", Colour: "#D4380D", Description: "申报出库重量大于理论库存量"},
	{Code: "PRICE_ANOMALY", NameZh: "价格异常", Category: "价格校验", Colour: "#FA8C16", Description: "申报价格低于原始单证的重量加权平均价格"},
	{Code: "ORIGIN_MISMATCH", NameZh: "原产地不一致", Category: "原产地校验", Colour: "#CF1322", Description: "申报原产地与溯源码记录的原产地不一致"},
	{Code: "QUARANTINED", NameZh: "已检疫", Category: "检疫校验", Colour: "#389E0D", Description: "商品已检疫合格"},
	{Code: "NOT_QUARANTINED", NameZh: "未检疫", Category: "检疫校验", Colour: "#D48806", Description: "商品尚未检疫"},
	{Code: "QUARANTINE_BATCH_MISMATCH", NameZh: "申报批次号与实货不一致", Category: "检疫校验", Colour: "#C41D7F", Description: "申报的检疫批次号与实货不一致"},
	{Code: "HIGH_VALUE", NameZh: "有高价值", Category: "高价值校验", Colour: "#531DAB", Description: "表体商品单价高于设置的高价值阈值"},
	{Code: "FLOW_ANOMALY", NameZh: "流向异常", Category: "流向校验", Colour: "#1D39C4", Description: "申报流向与货物实际流向不一致"},
	{Code: "TAX_ANOMALY", NameZh: "税款征收异常", Category: "税款征收校验", Colour: "#A8071A", Description: "税款未征收而货物位置已变化"},
}

// demoRuleConfig is the demo's first configuration: the tender's catalogue,
// the weight model as before, and two example review rules — one that only
// sends unqualified batches to customs' queue, and one disabled.
func demoRuleConfig() model.RuleConfigDraft {
	d := model.DefaultRuleConfig().RuleConfigDraft
	d.Tags = demoTags
	d.Note = "演示初始配置：招标文件标签目录与两条示例规则"
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

// seedRules writes the demo configuration as customs' administrator.
func seedRules(ctx context.Context, c *apiclient.Client) error {
	if err := c.Login(ctx, "customs-admin", demoPassword); err != nil {
		return err
	}
	_, err := c.Do(ctx, apiclient.Request{Method: http.MethodPut, Path: "/api/v1/rules/config",
		Body: map[string]any{"baseVersion": 0, "config": demoRuleConfig()}}, nil)
	return err
}
