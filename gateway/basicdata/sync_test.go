package basicdata_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/accounts"
	"zonetrace/gateway/basicdata"
	"zonetrace/gateway/basicdata/connector"
	"zonetrace/gateway/schema"
	"zonetrace/internal/jobs"
	"zonetrace/internal/pgtest"
)

const (
	entA = "91320583MA1XXXXX1A"
	entB = "91320583MA2YYYYY2B"
)

// clock is a settable clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

func newPool(t *testing.T) *pgxpool.Pool {
	t.Helper()
	ctx := context.Background()
	pool := pgtest.NewPool(t)
	require.NoError(t, schema.Migrate(ctx, pool))
	require.NoError(t, jobs.Migrate(ctx, pool))
	return pool
}

// dropFolder is a copy of the committed fixture folder.
func dropFolder(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	files, err := filepath.Glob("testdata/drop/*.json")
	require.NoError(t, err)
	require.Len(t, files, 5)
	for _, f := range files {
		raw, err := os.ReadFile(f)
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, filepath.Base(f)), raw, 0o600))
	}
	return dir
}

var day1 = time.Date(2026, 11, 28, 2, 0, 0, 0, time.UTC)

func TestDirectoryDropSync(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := newPool(t)
	dir := dropFolder(t)
	clk := &clock{t: day1}
	svc, err := basicdata.New(pool, connector.Directory{Dir: dir}, basicdata.WithClock(clk.now))
	require.NoError(t, err)

	first, err := svc.RunScheduled(ctx)
	require.NoError(t, err)
	require.Equal(t, basicdata.StateDone, first.State, first.Failures)
	require.Equal(t, basicdata.TriggerSchedule, first.Trigger)
	require.Equal(t, basicdata.SyncCounts{Added: 9, Deliveries: 1}, first.Counts[basicdata.HSCodes])
	require.Equal(t, basicdata.SyncCounts{Added: 4, Deliveries: 1}, first.Counts[basicdata.AccountBooks])
	require.Equal(t, basicdata.SyncCounts{Added: 2, Deliveries: 1}, first.Counts[basicdata.Declarations])
	require.Equal(t, basicdata.SyncCounts{Added: 3, Deliveries: 1}, first.Counts[basicdata.Suppliers])
	require.Equal(t, basicdata.SyncCounts{Added: 2, Deliveries: 1}, first.Counts[basicdata.Enterprises])
	require.Len(t, first.Deliveries, 5)
	require.Equal(t, day1, *first.StartedAt)
	require.FileExists(t, filepath.Join(dir, "done", "hs_codes_20261128.json"))
	require.NoFileExists(t, filepath.Join(dir, "hs_codes_20261128.json"))

	admin := accounts.User{Username: "zadmin", Role: accounts.RoleZoneAdmin}
	codes, err := svc.List(ctx, admin, basicdata.HSCodes, basicdata.Filter{Q: "浓缩"}, 1, 20)
	require.NoError(t, err)
	require.Equal(t, 2, codes.Total)
	require.Equal(t, "2101110000", codes.Items[0].Key)
	require.Equal(t, 1, codes.Items[0].Version)
	require.Equal(t, "hs_codes_20261128.json", codes.Items[0].Source)

	t.Run("an enterprise sees its own records and every HS code", func(t *testing.T) {
		b := accounts.User{Username: "ent-b", Role: accounts.RoleEnterprise, EnterpriseID: entB}
		books, err := svc.List(ctx, b, basicdata.AccountBooks, basicdata.Filter{EnterpriseID: entA}, 1, 20)
		require.NoError(t, err)
		require.Equal(t, 2, books.Total)
		for _, r := range books.Items {
			require.Equal(t, entB, r.EnterpriseID)
		}
		codes, err := svc.List(ctx, b, basicdata.HSCodes, basicdata.Filter{}, 1, 5)
		require.NoError(t, err)
		require.Equal(t, 9, codes.Total)
		require.Len(t, codes.Items, 5)
		_, err = svc.List(ctx, b, "tariffs", basicdata.Filter{}, 1, 5)
		var refusal *model.Error
		require.ErrorAs(t, err, &refusal)
		require.Equal(t, model.ReasonBasicDataSetUnknown, refusal.Reason)
	})

	t.Run("a full delivery counts added, changed, unchanged and removed", func(t *testing.T) {
		clk.set(day1.Add(24 * time.Hour))
		write(t, dir, "hs_codes_20261129.json", `{"dataset":"hs_codes","full":true,"records":[
			{"code":"0901110000","name":"未焙炒的咖啡，未浸除咖啡碱","unit":"千克","validFrom":"2017-01-01"},
			{"code":"0901120000","name":"未焙炒的已浸除咖啡碱的咖啡","unit":"千克","validFrom":"2017-01-01"},
			{"code":"0901210000","name":"已焙炒的咖啡（未浸除咖啡碱）","unit":"千克","validFrom":"2017-01-01"},
			{"code":"0901220000","name":"已焙炒的已浸除咖啡碱的咖啡","unit":"千克","validFrom":"2017-01-01"},
			{"code":"0901901000","name":"咖啡豆荚及咖啡豆皮","unit":"千克","validFrom":"2017-01-01"},
			{"code":"0901902000","name":"含咖啡的咖啡代用品","unit":"千克","validFrom":"2017-01-01"},
			{"code":"0901909000","name":"其他咖啡制品（旧编码）","unit":"千克","validFrom":"2012-01-01","validTo":"2016-12-31"},
			{"code":"2101110000","name":"咖啡浓缩精汁","unit":"千克","validFrom":"2017-01-01"},
			{"code":"2101200000","name":"茶、马黛茶浓缩精汁及其制品","unit":"千克","validFrom":"2017-01-01"}]}`)
		y, err := svc.RunScheduled(ctx)
		require.NoError(t, err)
		require.Equal(t, basicdata.StateDone, y.State, y.Failures)
		require.Equal(t, basicdata.SyncCounts{Added: 1, Changed: 1, Unchanged: 7, Removed: 1, Deliveries: 1}, y.Counts[basicdata.HSCodes])
		require.Equal(t, basicdata.SyncCounts{}, y.Counts[basicdata.AccountBooks], "no new file, nothing done")

		changed, err := svc.List(ctx, admin, basicdata.HSCodes, basicdata.Filter{Q: "0901210000"}, 1, 20)
		require.NoError(t, err)
		require.Equal(t, 2, changed.Items[0].Version)
		require.Equal(t, day1, changed.Items[0].FirstSeen)
		require.Equal(t, day1.Add(24*time.Hour), changed.Items[0].LastSeen)
		var h basicdata.HSCode
		require.NoError(t, json.Unmarshal(changed.Items[0].Data.(json.RawMessage), &h))
		require.Equal(t, "已焙炒的咖啡（未浸除咖啡碱）", h.Name)
		gone, err := svc.List(ctx, admin, basicdata.HSCodes, basicdata.Filter{Q: "2101120000"}, 1, 20)
		require.NoError(t, err)
		require.Zero(t, gone.Total, "a removed record is not listed")
		kept, err := svc.List(ctx, admin, basicdata.HSCodes, basicdata.Filter{Q: "2101120000", Removed: true}, 1, 20)
		require.NoError(t, err)
		require.Equal(t, 1, kept.Total, "but kept")
		require.NotNil(t, kept.Items[0].RemovedAt)
	})

	t.Run("invalid and cut-off files change nothing and move to failed", func(t *testing.T) {
		write(t, dir, "account_books_20261130a.json", `{"dataset":"account_books","full":true,"records":[
			{"number":"T2310W000001","enterpriseId":"`+entA+`","type":"bonded","validFrom":"2024-01-01","validTo":"2029-12-31","status":"active"},
			{"number":"T2310W000005","enterpriseId":"not-a-code","type":"bonded","validFrom":"2024-01-01","validTo":"2023-12-31","status":"open"}]}`)
		write(t, dir, "account_books_20261130b.json", `{"dataset":"account_books","full":true,"records":[{"number":"T2310W0000`)
		before, err := svc.List(ctx, admin, basicdata.AccountBooks, basicdata.Filter{}, 1, 20)
		require.NoError(t, err)
		y, err := svc.RunScheduled(ctx)
		require.NoError(t, err)
		require.Equal(t, basicdata.SyncCounts{Deliveries: 2, Refused: 2}, y.Counts[basicdata.AccountBooks])
		after, err := svc.List(ctx, admin, basicdata.AccountBooks, basicdata.Filter{}, 1, 20)
		require.NoError(t, err)
		require.Equal(t, before, after, "a refused full delivery removes nothing")
		var invalid, cut basicdata.DeliveryOutcome
		for _, o := range y.Deliveries {
			switch o.Source {
			case "account_books_20261130a.json":
				invalid = o
			case "account_books_20261130b.json":
				cut = o
			}
		}
		require.Equal(t, basicdata.RefusedInvalid, invalid.Refusal)
		require.Equal(t, 3, invalid.ProblemCount)
		fields := []string{}
		zh := map[string]string{}
		for _, p := range invalid.Problems {
			fields = append(fields, p.Field)
			zh[p.Field] = p.MessageZh
		}
		require.Equal(t, "第2条记录的状态的取值无效", zh["records[1].status"])
		require.ElementsMatch(t, []string{"records[1].enterpriseId", "records[1].validTo", "records[1].status"}, fields,
			"the problems name the record and field")
		require.Equal(t, basicdata.RefusedUnreadable, cut.Refusal)
		require.FileExists(t, filepath.Join(dir, "failed", "account_books_20261130a.json"))
		require.FileExists(t, filepath.Join(dir, "failed", "account_books_20261130a.json.reason.txt"))
		require.FileExists(t, filepath.Join(dir, "failed", "account_books_20261130b.json"))
	})
}

func write(t *testing.T, dir, name, content string) {
	t.Helper()
	require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600))
}
