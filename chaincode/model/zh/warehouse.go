package zh

import (
	"maps"

	"zonetrace/chaincode/model"
)

// The Chinese of the warehouse feeds and locations (chaincode/model/
// warehouse.go), joined to the catalogue's tables here so the warehouse
// domain's text stays together.
func init() {
	maps.Copy(reasons, map[model.Reason]string{
		model.ReasonNotWarehouseOperator:   "企业 {enterpriseId} 不是仓储企业，不能报送仓储数据或维护库位",
		model.ReasonRecordChanged:          "{count}条记录的编号与已报送的记录相同但内容不同（{recordIds}），已报送的记录不能修改，本批数据未导入",
		model.ReasonLocationExists:         "库位编码 {code} 已存在",
		model.ReasonLocationNotFound:       "库位编码 {code} 不存在",
		model.ReasonLocationParentLevel:    "{code}是{level}，其上级须为{parentLevel}",
		model.ReasonLocationHasChildren:    "{code}下还有{children}个启用中的下级库位，请先停用或移走下级库位",
		model.ReasonLocationParentDisabled: "上级库位 {code} 已停用，不能在其下新建、移入或启用库位",
		model.ReasonReconRunNotFound:       "对账记录 {runId} 不存在",
	})
	maps.Copy(labels, map[string]string{"location": "库位", "file": "导入文件", "header": "表头", "records": "仓储记录",
		"items": "商品货号对照"})
	maps.Copy(listLabels, map[string]string{"records": "条记录", "rows": "行", "items": "条商品货号对照"})
	record := map[string]string{"recordId": "记录编号", "kind": "记录类型", "traceCode": "溯源码", "sku": "商品货号",
		"location": "库位编码", "packages": "件数", "weightGrams": "重量（克）", "at": "发生时间"}
	// Basic data deliveries name their records the same way (basicdata.go).
	if itemLabels["records"] == nil {
		itemLabels["records"] = map[string]string{}
	}
	maps.Copy(itemLabels["records"], record)
	itemLabels["rows"] = record
	header := map[string]string{}
	for _, c := range model.WarehouseColumns {
		header[c.Field] = "“" + c.Title + "”列"
	}
	itemLabels["header"] = header
	itemLabels["items"] = map[string]string{"sku": "商品货号", "traceCode": "溯源码"}
	itemLabels["location"] = map[string]string{"code": "编码", "name": "名称", "level": "层级", "parentCode": "上级编码",
		"capacityGrams": "容量（克）", "action": "变更类型"}
}

var levelNames = map[string]string{
	string(model.LevelArea): "库区", string(model.LevelWarehouse): "仓库", string(model.LevelShelf): "货架",
	string(model.LevelBin): "库位",
}
