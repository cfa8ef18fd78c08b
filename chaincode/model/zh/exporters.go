package zh

import (
	"maps"

	"zonetrace/chaincode/model"
)

// The Chinese of the foreign exporter registry (chaincode/model/
// exporters.go), joined to the catalogue's tables here.
func init() {
	maps.Copy(reasons, map[model.Reason]string{
		model.ReasonExporterExists:   "备案号 {regNo} 的境外出口商已在备案库中",
		model.ReasonExporterNotFound: "境外出口商备案记录 {exporterId} 不存在",
		model.ReasonClaimNotFound:    "出口商备案核对记录 {claimId} 不存在",
		model.ReasonClaimDecided:     "出口商备案核对记录 {claimId} 已处理，不能再确认或驳回",
		model.ReasonCrawlOff:         "未配置备案网站地址，不能爬取境外出口商备案数据",
	})
	maps.Copy(labels, map[string]string{"exporter": "境外出口商", "exporterId": "备案库记录", "claimId": "核对记录"})
	maps.Copy(listLabels, map[string]string{"exporterRows": "行"})
	entry := map[string]string{"regNo": "备案号", "name": "出口商名称", "country": "国家（地区）", "products": "备案产品",
		"registeredOn": "注册日期", "expiresOn": "有效期至", "status": "备案状态", "reason": "理由"}
	itemLabels["exporter"] = entry
	itemLabels["exporterRows"] = entry
}
