package zh_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
	"zonetrace/chaincode/model/zh"
)

// Every field the warehouse checks name reads as Chinese, in a batch, a
// file and a header alike.
func TestWarehouseFieldsHaveLabels(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 28, 10, 0, 0, 0, model.ZoneTime)
	var ps model.Problems
	ps = append(ps, model.CheckWarehouseRecord("records[2]", model.WarehouseRecord{Kind: "x", SKU: "\x01", Packages: -1, At: "x"}, now)...)
	ps = append(ps, model.CheckWarehouseRecord("rows[4]", model.WarehouseRecord{TraceCode: "x", SKU: "y"}, now)...)
	ps = append(ps, model.CheckSKUMapping("items[0]", model.SKUMapping{})...)
	ps = append(ps, model.CheckNewLocation(model.NewLocation{Level: model.LevelBin, Attributes: model.LocationAttributes{CapacityGrams: -1}})...)
	ps = append(ps, model.CheckLocationChange(model.LocationChange{})...)
	ps = append(ps, model.Problem{Field: "header.weightGrams"}, model.Problem{Field: "file"}, model.Problem{Field: "records"},
		model.Problem{Field: "items"}, model.Problem{Field: "enterpriseId"})
	require.Greater(t, len(ps), 15)
	for _, p := range ps {
		label, ok := zh.Label(p.Field)
		require.True(t, ok, "field %s has no label", p.Field)
		require.Empty(t, zh.EnglishWords(label, nil), "label of %s", p.Field)
	}
	require.Equal(t, "第3条记录的商品货号", must(zh.Label("records[2].sku")))
	require.Equal(t, "第5行的重量（克）", must(zh.Label("rows[4].weightGrams")))
	require.Equal(t, "表头“库位”列", must(zh.Label("header.location")))
	require.Equal(t, "库位上级编码", must(zh.Label("location.parentCode")))
	require.Equal(t, "第5行的发生时间须在2000-01-01 00:00:00至2026-11-29 10:00:00之间",
		zh.Problem(model.CheckWarehouseRecord("rows[4]", model.WarehouseRecord{RecordID: "R", Kind: model.WarehouseIn, SKU: "S",
			Location: "B", WeightGrams: 1, At: "2030-01-01T00:00:00Z"}, now)[0]))
}
