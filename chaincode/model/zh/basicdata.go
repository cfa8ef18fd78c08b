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
	// The fields of the records of a delivery: records[3].validTo.
	if itemLabels["records"] == nil {
		itemLabels["records"] = map[string]string{}
	}
	maps.Copy(itemLabels["records"], map[string]string{ //nolint:gosec // G101: Chinese labels of field names, no credentials
		"enterpriseId": "企业统一社会信用代码", "supplierCode": "供应商编码", "supplierName": "供应商名称", "country": "国别（地区）",
		"status": "状态", "creditCode": "统一社会信用代码", "customsCode": "海关编码", "name": "名称", "type": "类型",
		"contact": "联系人", "phone": "联系电话", "code": "商品编码", "unit": "法定计量单位", "validFrom": "生效日期",
		"validTo": "失效日期", "number": "编号", "direction": "进出口方向", "date": "日期", "lines": "商品项",
	})
	maps.Copy(reasons, map[model.Reason]string{
		model.ReasonBasicDataSyncNotFound:  "同步记录 {syncId} 不存在",
		model.ReasonBasicDataNotConfigured: "未配置外部贸易平台的数据接口，不能同步基础数据",
		model.ReasonBasicDataSetUnknown:    "基础数据类别 {dataset} 不存在",
	})
}
