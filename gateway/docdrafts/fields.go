package docdrafts

import (
	"zonetrace/chaincode/model"
	"zonetrace/gateway/excelunits"
)

// headField is one text field of a document head: its JSON name, its
// Chinese label (Excel, messages) and where it lives.
type headField struct {
	key, zh string
	ref     func(*model.DocumentHead) *string
}

// headFields lists the head in the order of the Excel head sheet.
var headFields = []headField{
	{model.HeadCounterparty, "对方企业统一社会信用代码", func(h *model.DocumentHead) *string { return &h.CounterpartyID }},
	{model.HeadLinked, "关联转出单编号", func(h *model.DocumentHead) *string { return &h.LinkedDocumentID }},
	{model.HeadAccountBook, "账册号", func(h *model.DocumentHead) *string { return &h.AccountBookNo }},
	{model.HeadSupervision, "监管方式", func(h *model.DocumentHead) *string { return &h.SupervisionMode }},
	{model.HeadTransport, "运输方式", func(h *model.DocumentHead) *string { return &h.TransportMode }},
	{model.HeadPort, "进出境关别", func(h *model.DocumentHead) *string { return &h.PortCode }},
	{model.HeadCountry, "起运/运抵国（地区）", func(h *model.DocumentHead) *string { return &h.TradeCountry }},
	{model.HeadOwner, "货主", func(h *model.DocumentHead) *string { return &h.Owner }},
	{model.HeadCarrier, "承运人", func(h *model.DocumentHead) *string { return &h.Carrier }},
	{model.HeadVehicle, "车牌号", func(h *model.DocumentHead) *string { return &h.VehiclePlate }},
	{model.HeadPlannedDate, "计划日期（YYYY-MM-DD）", func(h *model.DocumentHead) *string { return &h.PlannedDate }},
	{model.HeadNote, "备注", func(h *model.DocumentHead) *string { return &h.Note }},
}

func headFieldByKey(key string) (headField, bool) {
	for _, f := range headFields {
		if f.key == key {
			return f, true
		}
	}
	return headField{}, false
}

// lineField is one column of the lines sheet. Exactly one of text and
// number is set. key is the line's JSON field (problems name it); column,
// when set, is the hidden key of the Excel column instead: a column in kg
// or 元 has a key of its own, so a sheet of an older template counting grams
// or fen under "weightGrams" is never read as kg. decimals is how many
// decimals a number column takes (kg: 3, 元: 2); the line stores it scaled
// to an integer (grams, fen).
type lineField struct {
	key, column, zh string
	decimals        int
	text            func(*model.DocumentLine) *string
	number          func(*model.DocumentLine) *int64
}

// columnKey is the key of the field's column in the Excel key row.
func (lf lineField) columnKey() string {
	if lf.column != "" {
		return lf.column
	}
	return lf.key
}

// lineFields lists a line's fields in the order of the Excel lines sheet.
var lineFields = []lineField{
	{key: "traceCode", zh: "溯源码", text: func(l *model.DocumentLine) *string { return &l.TraceCode }},
	{key: "materialNo", zh: "料号", text: func(l *model.DocumentLine) *string { return &l.MaterialNo }},
	{key: "productName", zh: "商品名称", text: func(l *model.DocumentLine) *string { return &l.ProductName }},
	{key: "hsCode", zh: "商品编码（HS）", text: func(l *model.DocumentLine) *string { return &l.HSCode }},
	{key: "origin", zh: "原产国（地区）", text: func(l *model.DocumentLine) *string { return &l.Origin }},
	{key: "weightGrams", column: "weightKg", zh: "重量（千克）", decimals: excelunits.KgDecimals, number: func(l *model.DocumentLine) *int64 { return &l.WeightGrams }},
	{key: "unitPriceFen", column: "unitPriceYuan", zh: "单价（元/千克）", decimals: excelunits.YuanDecimals, number: func(l *model.DocumentLine) *int64 { return &l.UnitPriceFen }},
	{key: "valueFen", column: "valueYuan", zh: "总价（元）", decimals: excelunits.YuanDecimals, number: func(l *model.DocumentLine) *int64 { return &l.ValueFen }},
	{key: "currency", zh: "币制", text: func(l *model.DocumentLine) *string { return &l.Currency }},
	{key: "packages", zh: "件数", number: func(l *model.DocumentLine) *int64 { return &l.Packages }},
}
