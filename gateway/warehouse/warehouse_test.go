package warehouse_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"zonetrace/chaincode/model"
	"zonetrace/chaincode/model/zh"
	"zonetrace/chaincode/tracecode"
	"zonetrace/gateway/accounts"
	"zonetrace/gateway/apierror"
	"zonetrace/gateway/schema"
	"zonetrace/gateway/warehouse"
	"zonetrace/indexer"
	"zonetrace/internal/pgtest"
)

const (
	opA      = "91320583MA1WWWWW1A" // warehouse operator
	opB      = "91320583MA1WWWWW2B" // another warehouse operator
	importer = "91320583MA1IIIII3C"
)

var (
	userA    = accounts.User{Username: "op-a", Role: accounts.RoleEnterprise, EnterpriseID: opA}
	userB    = accounts.User{Username: "op-b", Role: accounts.RoleEnterprise, EnterpriseID: opB}
	userImp  = accounts.User{Username: "imp", Role: accounts.RoleEnterprise, EnterpriseID: importer}
	officer  = accounts.User{Username: "officer", Role: accounts.RoleCustomsOfficer}
	clock    = time.Date(2026, 11, 28, 10, 0, 0, 0, model.ZoneTime)
	dayStart = time.Date(2026, 11, 1, 8, 0, 0, 0, model.ZoneTime)
)

type enterprises map[string]model.EnterpriseKind

func (e enterprises) Enterprise(_ context.Context, id string) (model.Enterprise, error) {
	k, ok := e[id]
	if !ok {
		return model.Enterprise{}, errors.New("no such enterprise")
	}
	return model.Enterprise{ID: id, Kind: k}, nil
}

func newService(t testing.TB) (*warehouse.Service, *pgxpool.Pool) {
	t.Helper()
	pool := pgtest.NewPool(t)
	require.NoError(t, schema.Migrate(t.Context(), pool))
	require.NoError(t, indexer.Migrate(t.Context(), pool))
	svc := warehouse.New(pool, enterprises{opA: model.KindWarehouse, opB: model.KindWarehouse, importer: model.KindImporter},
		warehouse.WithClock(func() time.Time { return clock }))
	return svc, pool
}

// code is the n-th valid trace code.
func code(t *testing.T, n int) string {
	t.Helper()
	c, err := tracecode.Compose(tracecode.CommodityCode("coffee"), dayStart, n)
	require.NoError(t, err)
	return c
}

// bins creates area A → warehouse W → shelves S1, S2 → bins B1 (in S1),
// B2 (in S2) for u.
func bins(t *testing.T, svc *warehouse.Service, u accounts.User) {
	t.Helper()
	for _, l := range []model.NewLocation{
		{Code: "A", Name: "一号库区", Level: model.LevelArea},
		{Code: "W", Name: "冷库", Level: model.LevelWarehouse, ParentCode: "A"},
		{Code: "S1", Name: "货架1", Level: model.LevelShelf, ParentCode: "W"},
		{Code: "S2", Name: "货架2", Level: model.LevelShelf, ParentCode: "W"},
		{Code: "B1", Name: "库位1", Level: model.LevelBin, ParentCode: "S1"},
		{Code: "B2", Name: "库位2", Level: model.LevelBin, ParentCode: "S2"},
	} {
		_, err := svc.CreateLocation(t.Context(), u, l)
		require.NoError(t, err)
	}
}

func at(d time.Duration) string { return dayStart.Add(d).Format(time.RFC3339) }

func recordCount(t *testing.T, pool *pgxpool.Pool, enterprise string) int {
	t.Helper()
	var n int
	require.NoError(t, pool.QueryRow(t.Context(), `SELECT count(*) FROM warehouse_records WHERE enterprise_id = $1`, enterprise).Scan(&n))
	return n
}

func apiErr(t *testing.T, err error) *apierror.Error {
	t.Helper()
	require.Error(t, err)
	return apierror.From(err)
}

func TestFeedIsIdempotentByRecordID(t *testing.T) {
	t.Parallel()
	svc, pool := newService(t)
	bins(t, svc, userA)
	ctx := t.Context()
	batch := []model.WarehouseRecord{
		{RecordID: "R1", Kind: model.WarehouseIn, TraceCode: code(t, 1), Location: "B1", Packages: 10, WeightGrams: 1000, At: at(time.Hour)},
		{RecordID: "R2", Kind: model.WarehouseOut, TraceCode: code(t, 1), Location: "B1", WeightGrams: 200, At: at(2 * time.Hour)},
		{RecordID: "R3", Kind: model.WarehouseStocktake, TraceCode: code(t, 2), Location: "B2", WeightGrams: 0, At: at(3 * time.Hour)},
	}
	got, err := svc.Feed(ctx, userA, batch)
	require.NoError(t, err)
	require.Equal(t, warehouse.FeedResult{Received: 3, Kept: 3}, got)

	t.Run("resending the same records changes nothing", func(t *testing.T) {
		same := append([]model.WarehouseRecord(nil), batch...)
		// The same instant written in another zone is the same record.
		same[0].At = dayStart.Add(time.Hour).UTC().Format(time.RFC3339)
		got, err := svc.Feed(ctx, userA, same)
		require.NoError(t, err)
		require.Equal(t, warehouse.FeedResult{Received: 3, Unchanged: 3}, got)
		require.Equal(t, 3, recordCount(t, pool, opA))
	})
	t.Run("a changed resend is refused and nothing of its batch is kept", func(t *testing.T) {
		changed := append([]model.WarehouseRecord(nil), batch...)
		changed[1].WeightGrams = 250
		changed = append(changed, model.WarehouseRecord{RecordID: "R4", Kind: model.WarehouseIn, TraceCode: code(t, 3),
			Location: "B1", WeightGrams: 5, At: at(time.Hour)})
		e := apiErr(t, func() error { _, err := svc.Feed(ctx, userA, changed); return err }())
		require.Equal(t, apierror.Conflict, e.Code)
		require.Equal(t, string(model.ReasonRecordChanged), e.Reason)
		require.Equal(t, "R2", e.Params["recordIds"])
		require.Equal(t, "1条记录的编号与已报送的记录相同但内容不同（R2），已报送的记录不能修改，本批数据未导入", e.MessageZh)
		require.Equal(t, 3, recordCount(t, pool, opA))
	})
	t.Run("another operator's ids are its own", func(t *testing.T) {
		bins(t, svc, userB)
		got, err := svc.Feed(ctx, userB, batch[:1])
		require.NoError(t, err)
		require.Equal(t, 1, got.Kept)
	})
	t.Run("a bad record refuses the batch with every problem", func(t *testing.T) {
		bad := []model.WarehouseRecord{
			batch[0],
			{RecordID: "R9", Kind: "moved", TraceCode: code(t, 1), Location: "NOWHERE", WeightGrams: 1, At: at(0)},
			{RecordID: "R9", Kind: model.WarehouseIn, Location: "B1", WeightGrams: 0, At: "yesterday"},
			{RecordID: "R10", Kind: model.WarehouseIn, SKU: "UNMAPPED", Location: "B1", WeightGrams: 1, At: at(0)},
		}
		e := apiErr(t, func() error { _, err := svc.Feed(ctx, userA, bad); return err }())
		require.Equal(t, apierror.ValidationFailed, e.Code)
		var got []string
		for _, d := range e.Details {
			got = append(got, d.Field+" "+string(d.Rule))
		}
		require.Equal(t, []string{
			"records[1].kind UNKNOWN_VALUE",
			"records[2].at PATTERN", "records[2].recordId DUPLICATE", "records[2].traceCode REQUIRED", "records[2].weightGrams REQUIRED",
			"records[3].sku UNKNOWN_VALUE",
		}, got, "records[1]'s unknown location is found only once its own checks pass")
		require.Equal(t, 3, recordCount(t, pool, opA))
	})
	t.Run("only warehouse operators feed", func(t *testing.T) {
		e := apiErr(t, func() error { _, err := svc.Feed(ctx, userImp, batch); return err }())
		require.Equal(t, apierror.Forbidden, e.Code)
		require.Equal(t, string(model.ReasonNotWarehouseOperator), e.Reason)
	})
}

func workbook(t *testing.T, rows [][]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	for i, row := range rows {
		require.NoError(t, f.SetSheetRow("Sheet1", fmt.Sprintf("A%d", i+1), &row))
	}
	var buf bytes.Buffer
	require.NoError(t, f.Write(&buf))
	return buf.Bytes()
}

var header = []any{"记录编号", "类型", "溯源码", "商品货号", "库位", "件数", "重量（克）", "时间"}

func TestImportIsAllOrNothing(t *testing.T) {
	t.Parallel()
	svc, pool := newService(t)
	bins(t, svc, userA)
	ctx := t.Context()
	_, err := svc.SetSKUs(ctx, userA, []model.SKUMapping{{SKU: "SKU-1", TraceCode: code(t, 1)}})
	require.NoError(t, err)

	t.Run("a bad row refuses the whole file, every row's problems listed", func(t *testing.T) {
		raw := workbook(t, [][]any{header,
			{"F1", "入库", code(t, 1), "", "B1", 3, 1000, "2026-11-02 09:00:00"},
			{"F2", "出库", "", "SKU-1", "NOWHERE", "", 100, "2026-11-02 10:00"},
			{},
			{"F3", "盘点", "KSCF000000000000", "", "B2", "", 10, "2026-11-02 11:00:00"},
			{"F4", "入库", code(t, 2), "", "B1", "", 0, "2026-11-02 11:00:00"},
		})
		e := apiErr(t, func() error { _, err := svc.Import(ctx, userA, "feed.xlsx", bytes.NewReader(raw)); return err }())
		require.Equal(t, apierror.ValidationFailed, e.Code)
		var got []string
		for _, d := range e.Details {
			got = append(got, d.Field+" "+string(d.Rule)+" "+d.MessageZh)
		}
		require.Equal(t, []string{
			"rows[2].location UNKNOWN_VALUE 第3行的库位编码的取值无效",
			"rows[4].traceCode PATTERN 第5行的溯源码格式错误，须为有效的溯源码（请检查是否输错）",
			"rows[5].weightGrams REQUIRED 第6行的重量（克）不能为空",
		}, got)
		require.Zero(t, recordCount(t, pool, opA))
	})
	t.Run("a number that is no integer is named by its row", func(t *testing.T) {
		csv := "记录编号,类型,溯源码,库位,重量（克）,时间\nC1,入库," + code(t, 1) + ",B1,1.5,2026-11-02 09:00:00\n"
		e := apiErr(t, func() error { _, err := svc.Import(ctx, userA, "feed.csv", strings.NewReader(csv)); return err }())
		require.Len(t, e.Details, 1)
		require.Equal(t, "rows[1].weightGrams", e.Details[0].Field)
		require.Equal(t, "第2行的重量（克）无效", e.Details[0].MessageZh)
	})
	t.Run("a file without a needed column is refused by its header", func(t *testing.T) {
		e := apiErr(t, func() error {
			_, err := svc.Import(ctx, userA, "feed.csv", strings.NewReader("记录编号,类型,库位,时间\nC1,入库,B1,2026-11-02 09:00:00\n"))
			return err
		}())
		var got []string
		for _, d := range e.Details {
			got = append(got, d.MessageZh)
		}
		require.Equal(t, []string{"表头“重量（克）”列不能为空", "表头“溯源码”列不能为空"}, got)
	})
	t.Run("a file of too many rows is refused before its rows are checked", func(t *testing.T) {
		csv := "记录编号,类型,溯源码,库位,重量（克）,时间\n" + strings.Repeat("C1,入库,x,B1,1,x\n", 2*model.MaxWarehouseRecords)
		e := apiErr(t, func() error { _, err := svc.Import(ctx, userA, "feed.csv", strings.NewReader(csv)); return err }())
		require.Len(t, e.Details, 1)
		require.Equal(t, "导入文件不得超过5000项", e.Details[0].MessageZh)
	})
	t.Run("a workbook's date cells are the zone's civil time", func(t *testing.T) {
		f := excelize.NewFile()
		require.NoError(t, f.SetSheetRow("Sheet1", "A1", &header))
		row := []any{"D1", "入库", code(t, 9), "", "B1", 1, 1500, time.Date(2026, 11, 2, 9, 30, 0, 0, time.UTC)}
		require.NoError(t, f.SetSheetRow("Sheet1", "A2", &row))
		var buf bytes.Buffer
		require.NoError(t, f.Write(&buf))
		got, err := svc.Import(ctx, userA, "dates.xlsx", &buf)
		require.NoError(t, err)
		require.Equal(t, 1, got.Kept)
		var at time.Time
		require.NoError(t, pool.QueryRow(ctx, `SELECT at FROM warehouse_records WHERE record_id = 'D1'`).Scan(&at))
		require.True(t, at.Equal(time.Date(2026, 11, 2, 9, 30, 0, 0, model.ZoneTime)), "got %s", at)
	})
	t.Run("good files are kept, GBK CSV included", func(t *testing.T) {
		raw := workbook(t, [][]any{header,
			{"F1", "入库", code(t, 1), "", "B1", 3, 1000, "2026-11-02 09:00:00"},
			{"F2", "出库", "", "SKU-1", "B1", "", 100, "2026-11-02T10:00:00+08:00"},
		})
		got, err := svc.Import(ctx, userA, "feed.xlsx", bytes.NewReader(raw))
		require.NoError(t, err)
		require.Equal(t, warehouse.FeedResult{Received: 2, Kept: 2}, got)
		gbk, err := simplifiedchinese.GBK.NewEncoder().String("记录编号,类型,溯源码,库位,重量（克）,时间\nC1,盘点," + code(t, 1) + ",B1,900,2026-11-03 09:00:00\n")
		require.NoError(t, err)
		got, err = svc.Import(ctx, userA, "feed.CSV", strings.NewReader(gbk))
		require.NoError(t, err)
		require.Equal(t, 1, got.Kept)
		var traceCode, kind string
		require.NoError(t, pool.QueryRow(ctx, `SELECT trace_code, kind FROM warehouse_records WHERE record_id = 'F2'`).Scan(&traceCode, &kind))
		require.Equal(t, code(t, 1), traceCode, "the SKU resolves to its trace code")
		require.Equal(t, "out", kind)
	})
}

func TestLocationsKeepEveryVersion(t *testing.T) {
	t.Parallel()
	svc, _ := newService(t)
	bins(t, svc, userA)
	ctx := t.Context()
	change := func(u accounts.User, code string, c model.LocationChange) error {
		_, err := svc.ChangeLocation(ctx, u, code, c)
		return err
	}
	require.NoError(t, change(userA, "B1", model.LocationChange{Action: model.LocationRename, Name: "冷藏库位1"}))
	require.NoError(t, change(userA, "B1", model.LocationChange{Action: model.LocationMove, ParentCode: "S2"}))
	require.NoError(t, change(userA, "B1", model.LocationChange{Action: model.LocationAttributesChange,
		Attributes: model.LocationAttributes{TemperatureControlled: true, CapacityGrams: 5_000_000}}))
	require.NoError(t, change(userA, "B1", model.LocationChange{Action: model.LocationDisable}))

	history, err := svc.LocationHistory(ctx, officer, opA, "B1")
	require.NoError(t, err)
	var got []string
	for _, v := range history {
		got = append(got, fmt.Sprintf("%d %s %s %s %t %t %d %s", v.Version, v.Action, v.Name, v.ParentCode, v.Disabled,
			v.TemperatureControlled, v.CapacityGrams, v.ChangedBy))
	}
	require.Equal(t, []string{
		"5 disable 冷藏库位1 S2 true true 5000000 op-a",
		"4 attributes 冷藏库位1 S2 false true 5000000 op-a",
		"3 move 冷藏库位1 S2 false false 0 op-a",
		"2 rename 冷藏库位1 S1 false false 0 op-a",
		"1 create 库位1 S1 false false 0 op-a",
	}, got)

	t.Run("refusals change nothing", func(t *testing.T) {
		for name, tc := range map[string]struct {
			err    error
			reason model.Reason
		}{
			"a shelf with an enabled bin":  {change(userA, "S2", model.LocationChange{Action: model.LocationDisable}), model.ReasonLocationHasChildren},
			"a bin moved into a warehouse": {change(userA, "B2", model.LocationChange{Action: model.LocationMove, ParentCode: "W"}), model.ReasonLocationParentLevel},
			"an unknown location":          {change(userA, "B9", model.LocationChange{Action: model.LocationEnable}), model.ReasonLocationNotFound},
			"another operator's location":  {change(userB, "B2", model.LocationChange{Action: model.LocationEnable}), model.ReasonLocationNotFound},
			"a code taken": {func() error {
				_, err := svc.CreateLocation(ctx, userA, model.NewLocation{Code: "B2", Name: "x", Level: model.LevelBin, ParentCode: "S1"})
				return err
			}(), model.ReasonLocationExists},
			"a bin under a shelf not existing": {func() error {
				_, err := svc.CreateLocation(ctx, userA, model.NewLocation{Code: "B3", Name: "x", Level: model.LevelBin, ParentCode: "S9"})
				return err
			}(), model.ReasonLocationNotFound},
		} {
			e := apiErr(t, tc.err)
			require.Equal(t, string(tc.reason), e.Reason, name)
			require.Empty(t, zh.EnglishWords(e.MessageZh, e.Params), "%s: %s", name, e.MessageZh)
		}
		history, err := svc.LocationHistory(ctx, userA, "", "B2")
		require.NoError(t, err)
		require.Len(t, history, 1)
	})
	t.Run("a disabled location takes no records", func(t *testing.T) {
		e := apiErr(t, func() error {
			_, err := svc.Feed(ctx, userA, []model.WarehouseRecord{{RecordID: "R1", Kind: model.WarehouseIn, TraceCode: code(t, 1),
				Location: "B1", WeightGrams: 1, At: at(0)}})
			return err
		}())
		require.Equal(t, "records[0].location", e.Details[0].Field)
	})
	t.Run("each operator sees its own tree; customs name the operator", func(t *testing.T) {
		own, err := svc.Locations(ctx, userB, opA)
		require.NoError(t, err)
		require.Empty(t, own, "op-b asked for op-a's and got its own, which is empty")
		all, err := svc.Locations(ctx, officer, opA)
		require.NoError(t, err)
		require.Len(t, all, 6)
		require.Equal(t, model.LevelArea, all[0].Level)
		_, err = svc.Locations(ctx, officer, "")
		require.Equal(t, apierror.ValidationFailed, apiErr(t, err).Code)
	})
}

func TestTemplateImportsAsItIs(t *testing.T) {
	t.Parallel()
	svc, _ := newService(t)
	ctx := t.Context()
	for _, l := range []model.NewLocation{{Code: "A", Name: "库区", Level: model.LevelArea},
		{Code: "W", Name: "仓库", Level: model.LevelWarehouse, ParentCode: "A"},
		{Code: "S", Name: "货架", Level: model.LevelShelf, ParentCode: "W"},
		{Code: "B-01-01", Name: "库位", Level: model.LevelBin, ParentCode: "S"}} {
		_, err := svc.CreateLocation(ctx, userA, l)
		require.NoError(t, err)
	}
	_, err := svc.SetSKUs(ctx, userA, []model.SKUMapping{{SKU: "SKU-1001", TraceCode: "KSCF261126000421"}})
	require.NoError(t, err)
	var buf bytes.Buffer
	require.NoError(t, warehouse.WriteTemplate(&buf))
	got, err := svc.Import(ctx, userA, "仓储记录导入模板.xlsx", &buf)
	require.NoError(t, err)
	require.Equal(t, warehouse.FeedResult{Received: 3, Kept: 3}, got)
}
