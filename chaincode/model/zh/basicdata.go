package zh

import (
	"maps"

	"zonetrace/chaincode/model"
)

// The Chinese of the basic data checks and refusals (chaincode/model/
// basicdata.go).
func init() {
	maps.Copy(rules, map[model.Rule]string{
		model.RuleHSCodeUnknown:      "{label}：商品编码 {hsCode} 不在海关商品编码表中",
		model.RuleHSCodeNotValid:     "{label}：商品编码 {hsCode} 在 {date} 不在有效期内",
		model.RuleAccountBookUnknown: "{label}：账册 {accountBookNo} 不存在",
		model.RuleAccountBookOfOther: "{label}：账册 {accountBookNo} 不属于本企业",
		model.RuleAccountBookExpired: "{label}：账册 {accountBookNo} 在 {date} 不在有效期内或已停用",
	})
	maps.Copy(reasons, map[model.Reason]string{
		model.ReasonBasicDataSyncNotFound:  "同步记录 {syncId} 不存在",
		model.ReasonBasicDataNotConfigured: "未配置外部贸易平台的数据接口，不能同步基础数据",
		model.ReasonBasicDataSetUnknown:    "基础数据类别 {dataset} 不存在",
	})
}
