package model_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
	"zonetrace/chaincode/tracecode"
)

func problemList(ps model.Problems) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.Field + " " + string(p.Rule)
	}
	return out
}

func TestCheckWarehouseRecord(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 28, 10, 0, 0, 0, model.ZoneTime)
	code, err := tracecode.Compose(tracecode.CommodityCode("coffee"), now, 1)
	require.NoError(t, err)
	good := model.WarehouseRecord{RecordID: "R-1", Kind: model.WarehouseIn, TraceCode: code, Location: "B1", WeightGrams: 10,
		At: now.Format(time.RFC3339)}
	require.Empty(t, model.CheckWarehouseRecord("records[0]", good, now))

	for name, tc := range map[string]struct {
		change func(*model.WarehouseRecord)
		want   []string
	}{
		"a stocktake may count nothing":  {func(r *model.WarehouseRecord) { r.Kind, r.WeightGrams = model.WarehouseStocktake, 0 }, nil},
		"an in record moves weight":      {func(r *model.WarehouseRecord) { r.WeightGrams = 0 }, []string{"records[0].weightGrams REQUIRED"}},
		"negative weight":                {func(r *model.WarehouseRecord) { r.Kind, r.WeightGrams = model.WarehouseStocktake, -1 }, []string{"records[0].weightGrams OUT_OF_RANGE"}},
		"an SKU instead of a trace code": {func(r *model.WarehouseRecord) { r.TraceCode, r.SKU = "", "SKU-9" }, nil},
		"both an SKU and a trace code":   {func(r *model.WarehouseRecord) { r.SKU = "SKU-9" }, []string{"records[0].sku INVALID"}},
		"neither":                        {func(r *model.WarehouseRecord) { r.TraceCode = "" }, []string{"records[0].traceCode REQUIRED"}},
		"a mistyped trace code":          {func(r *model.WarehouseRecord) { r.TraceCode = code[:len(code)-1] + "X" }, []string{"records[0].traceCode PATTERN"}},
		"an unknown kind":                {func(r *model.WarehouseRecord) { r.Kind = "moved" }, []string{"records[0].kind UNKNOWN_VALUE"}},
		"a record id with spaces":        {func(r *model.WarehouseRecord) { r.RecordID = "R 1" }, []string{"records[0].recordId PATTERN"}},
		"no location":                    {func(r *model.WarehouseRecord) { r.Location = "" }, []string{"records[0].location REQUIRED"}},
		"a time without zone":            {func(r *model.WarehouseRecord) { r.At = "2026-11-28 10:00:00" }, []string{"records[0].at PATTERN"}},
		"a day ahead is a clock's drift": {func(r *model.WarehouseRecord) { r.At = now.Add(24 * time.Hour).Format(time.RFC3339) }, nil},
		"more is the future":             {func(r *model.WarehouseRecord) { r.At = now.Add(25 * time.Hour).Format(time.RFC3339) }, []string{"records[0].at OUT_OF_RANGE"}},
		"an unset clock":                 {func(r *model.WarehouseRecord) { r.At = "0001-01-01T00:00:00Z" }, []string{"records[0].at OUT_OF_RANGE"}},
	} {
		r := good
		tc.change(&r)
		require.Equal(t, tc.want, nilIfEmpty(problemList(model.CheckWarehouseRecord("records[0]", r, now))), name)
	}
}

func nilIfEmpty(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return s
}

func TestLocationChecks(t *testing.T) {
	t.Parallel()
	require.Empty(t, model.CheckNewLocation(model.NewLocation{Code: "A", Name: "一号库区", Level: model.LevelArea}))
	require.Equal(t, []string{"location.parentCode REQUIRED"},
		problemList(model.CheckNewLocation(model.NewLocation{Code: "B", Name: "库位", Level: model.LevelBin})))
	require.Equal(t, []string{"location.parentCode INVALID"},
		problemList(model.CheckNewLocation(model.NewLocation{Code: "A", Name: "库区", Level: model.LevelArea, ParentCode: "X"})))
	require.Equal(t, []string{"location.code REQUIRED", "location.name REQUIRED", "location.level UNKNOWN_VALUE"},
		problemList(model.CheckNewLocation(model.NewLocation{Level: "room"})))
	require.Equal(t, []string{"location.name REQUIRED"}, problemList(model.CheckLocationChange(model.LocationChange{Action: model.LocationRename})))
	require.Equal(t, []string{"location.action UNKNOWN_VALUE"}, problemList(model.CheckLocationChange(model.LocationChange{Action: model.LocationCreate})))
	parent, ok := model.ParentLevel(model.LevelBin)
	require.True(t, ok)
	require.Equal(t, model.LevelShelf, parent)
	_, ok = model.ParentLevel(model.LevelArea)
	require.False(t, ok)
}
