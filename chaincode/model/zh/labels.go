package zh

import (
	"regexp"
	"strconv"
	"strings"

	"zonetrace/chaincode/model"
)

// labels are the Chinese names of the fields the checks of chaincode/model
// name, as the web forms show them (web/src).
var labels = map[string]string{
	"commodity": "商品类别", "productName": "商品名称", "hsCode": "商品编码（HS）", "origin": "原产国（地区）",
	"exporterName": "境外出口商", "exporterRegNo": "出口商备案号", "quarantineBatchNo": "检疫批次号",
	"quarantineResult": "检疫结果", "avgPriceFen": "进口均价（分/千克）", "currency": "币制", "weightGrams": "重量（克）",
	"grade": "品级", "plantingRegion": "种植地", "productionDate": "生产日期", "shelfLifeDays": "保质期（天）",
	"materialNo": "料号", "batchNo": "批次号", "entryDraftNo": "入区报关单草单号", "attachments": "附件",
	"prefilingId": "预核申报编号", "quarantineDate": "检疫日期", "note": "备注", "id": "编号",
	"family": "单据类型", "businessType": "业务类型", "counterpartyId": "对方企业统一社会信用代码",
	"linkedDocumentId": "关联转出单编号", "accountBookNo": "账册号", "supervisionMode": "监管方式",
	"transportMode": "运输方式", "portCode": "进出境关别", "tradeCountry": "起运/运抵国（地区）", "owner": "货主",
	"carrier": "承运人", "vehiclePlate": "车牌号", "plannedDate": "计划日期", "lines": "表体", "traceCode": "溯源码",
	"unitPriceFen": "单价（分/千克）", "valueFen": "总价（分）", "packages": "件数", "name": "名称", "kind": "企业类型",
	"status": "状态", "supplementStatus": "补录入状态",
	"customsCode": "海关编码", "messageType": "报文类型", "customsNo": "海关编号", "manageResult": "处理结果",
	"manageDate": "处理时间", "requestId": "请求编号", "decision": "审核决定", "reason": "理由",
	"mspId": "证书所属组织", "certificate": "数字证书", "certificateName": "证书名称", "bonded": "保税状态",
	"document": "单据", "head": "表头",
	// Corrections of the ledger's readings: manual tags, change receipts,
	// consolidation.
	"code": "标签代码", "declarationType": "申报类型", "transferIds": "集报的流转单",
	// Customs' rule configuration (chaincode/model/rules.go).
	"tags": "标签目录", "models": "校验模型", "bindings": "标签适用设置", "rules": "审核规则",
	"rule": "审核规则", "targets": "试运行单据", "baseVersion": "基准版本", "before": "起始版本", "limit": "条数",
	// The gateway's accounts (gateway/accounts) check these with the same rules.
	"username": "用户名", "displayName": "姓名", "role": "角色", "enterpriseId": "所属企业",
	// The gateway's operation log (gateway/oplog) names its columns with these.
	"seq": "序号", "at": "时间", "command": "操作", "commandName": "操作名称", "objectType": "对象类型",
	"objectId": "对象编号", "ip": "IP地址", "userAgent": "客户端", "rows": "数据行数", "bytes": "数据字节数",
	"httpStatus": "结果状态码", "errorCode": "错误码", "hash": "哈希值", "headHash": "日志头哈希",
	// Risk disposal (chaincode/model/disposal.go).
	"probability": "发生概率", "impact": "影响程度", "urgency": "紧急程度", "type": "处置类型", "handler": "处置人",
	"opinion": "处置意见", "templateId": "意见模板", "alert": "预警", "subjectType": "对象类型", "subject": "预警对象",
	"period": "预警期次", "configVersion": "规则配置版本", "alertId": "预警编号", "matrix": "定级矩阵",
	"title": "标题", "text": "内容", "disposal": "处置设置",
	// Accounting periods (chaincode/model/accounting.go).
	"periodId": "核算周期编号", "from": "开始日期", "to": "结束日期", "totalsHash": "核算结果哈希",
	// Risk parameters (chaincode/model/risk.go).
	"risk": "风险预警参数：", "longStorage": "超期存储", "highRisk": "高风险货物", "highValue": "高价值货物",
	"priceDifference": "价格差异", "quarantine": "检疫", "defaultMaxDays": "默认最长存储天数",
	"periodDays": "参考均价统计天数", "thresholdPermille": "高于参考均价阈值（‰）",
	"highPermille": "高于原入区均价阈值（‰）", "lowPermille": "低于原入区均价阈值（‰）",
}

// attachmentLabels name the fields of one attachment.
var attachmentLabels = map[string]string{"kind": "类型", "name": "文件名", "sha256": "摘要", "size": "文件大小"}

// listLabels name the items of the lists of customs' rule configuration
// (第2条审核规则) and itemLabels the fields of their items.
var listLabels = map[string]string{"tags": "个标签", "models": "个校验模型", "params": "个参数",
	"bindings": "条标签适用设置", "rules": "条审核规则", "transferIds": "份集报的流转单",
	"limits": "条存储期限", "origins": "个高风险原产地", "hsCodes": "个商品编码范围", "productNames": "个高风险商品名称",
	"templates": "个处置意见模板", "kinds": "个预警类型"}

var itemLabels = map[string]map[string]string{
	"tags":      {"code": "代码", "nameZh": "中文名称", "category": "类别", "colour": "颜色", "description": "说明"},
	"models":    {"code": "模型代码", "tag": "标签"},
	"params":    {"name": "参数名", "value": "参数值"},
	"bindings":  {"tag": "标签", "target": "适用单据"},
	"limits":    {"commodity": "商品类别", "maxDays": "最长存储天数"},
	"hsCodes":   {"from": "起始编码", "to": "终止编码"},
	"templates": {"id": "模板编号", "title": "标题", "text": "意见内容", "kinds": "适用预警类型", "type": "处置类型"},
	"rules": {"id": "规则编号", "kind": "申报类型", "name": "规则名称", "priority": "优先级", "condition": "条件",
		"outcome": "审核结果", "opinion": "审核意见", "start": "生效时间", "stop": "失效时间"},
}

func init() { itemLabels["rule"] = itemLabels["rules"] }

var indexed = regexp.MustCompile(`^([A-Za-z]+)\[(\d+)\]$`)

// matrixCell is a cell of the risk level matrix, [urgency][probability][impact]
// counted from 0 (chaincode/model/disposal.go).
var matrixCell = regexp.MustCompile(`^matrix\[(\d)\]\[(\d)\]\[(\d)\]$`)

// Label is the Chinese name of a field path of the checks: "lines[3].traceCode"
// is 第4行溯源码, "attachments[0].sha256" 第1个附件的摘要, and the gateway's
// "data." prefix is dropped. ok is false when a part of the path has no
// label; the answer then names the field generically.
func Label(field string) (string, bool) {
	parts := strings.Split(strings.TrimPrefix(field, "data."), ".")
	var b strings.Builder
	ok, parent := true, ""
	for i, part := range parts {
		if m := matrixCell.FindStringSubmatch(part); m != nil {
			grade := func(s string) string {
				n, _ := strconv.Atoi(s)
				if n < 0 || n >= len(model.GradeZh) {
					return "?"
				}
				return model.GradeZh[n]
			}
			b.WriteString("定级矩阵（紧急程度" + grade(m[1]) + "、发生概率" + grade(m[2]) + "、影响程度" + grade(m[3]) + "）")
			parent = "matrix"
			continue
		}
		if m := indexed.FindStringSubmatch(part); m != nil {
			n, _ := strconv.Atoi(m[2])
			switch m[1] {
			case "lines":
				b.WriteString("第" + strconv.Itoa(n+1) + "行")
			case "attachments":
				b.WriteString("第" + strconv.Itoa(n+1) + "个附件")
				if i < len(parts)-1 {
					b.WriteString("的")
				}
			default:
				unit, known := listLabels[m[1]]
				if !known {
					ok = false
					break
				}
				b.WriteString("第" + strconv.Itoa(n+1) + unit)
				if i < len(parts)-1 {
					b.WriteString("的")
				}
			}
			parent = m[1]
			continue
		}
		if part == "head" && i < len(parts)-1 {
			continue
		}
		label, found := labels[part]
		if parent == "attachments" {
			label, found = attachmentLabels[part]
		} else if names, listed := itemLabels[parent]; listed {
			label, found = names[part]
		}
		if !found {
			return "该字段", false
		}
		b.WriteString(label)
		parent = part
	}
	if b.Len() == 0 {
		return "该字段", false
	}
	return b.String(), ok
}
