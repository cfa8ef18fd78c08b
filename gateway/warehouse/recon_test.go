package warehouse_test

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/apierror"
	"zonetrace/gateway/reports"
	"zonetrace/gateway/warehouse"
)

// balance seeds a ledger balance as the indexer mirrors it.
func balance(t *testing.T, pool *pgxpool.Pool, traceCode, enterprise string, bonded bool, grams int64) {
	t.Helper()
	_, err := pool.Exec(t.Context(), `INSERT INTO balances (trace_code, enterprise_id, bonded, weight_grams, reserved_grams,
			inbound_grams, outbound_grams, updated_tx, updated_at, updated_at_text, block_number)
		VALUES ($1, $2, $3, $4, 0, $4, 0, 'tx', now(), '', 1)`, traceCode, enterprise, bonded, grams)
	require.NoError(t, err)
}

// independentDifferences computes the differences another way: for every
// trace code of either side, correlated subqueries per location (the
// latest stocktake, then the records after it), no window or DISTINCT ON.
func independentDifferences(t *testing.T, pool *pgxpool.Pool, enterprise string) []string {
	t.Helper()
	rows, err := pool.Query(t.Context(), `
		WITH codes AS (
			SELECT trace_code FROM warehouse_records WHERE enterprise_id = $1
			UNION SELECT trace_code FROM balances WHERE enterprise_id = $1),
		places AS (SELECT DISTINCT trace_code, location FROM warehouse_records WHERE enterprise_id = $1),
		per_place AS (
			SELECT p.trace_code,
				coalesce((SELECT s.weight_grams FROM warehouse_records s WHERE s.enterprise_id = $1 AND s.kind = 'stocktake'
					AND s.trace_code = p.trace_code AND s.location = p.location ORDER BY s.at DESC, s.record_id DESC LIMIT 1), 0)
				+ coalesce((SELECT sum(CASE WHEN m.kind = 'in' THEN m.weight_grams ELSE -m.weight_grams END) FROM warehouse_records m
					WHERE m.enterprise_id = $1 AND m.kind <> 'stocktake' AND m.trace_code = p.trace_code AND m.location = p.location
					AND m.at > coalesce((SELECT max(s.at) FROM warehouse_records s WHERE s.enterprise_id = $1 AND s.kind = 'stocktake'
						AND s.trace_code = p.trace_code AND s.location = p.location), '-infinity')), 0) AS grams
			FROM places p)
		SELECT c.trace_code,
			(SELECT sum(grams) FROM per_place pp WHERE pp.trace_code = c.trace_code),
			(SELECT sum(weight_grams) FROM balances b WHERE b.enterprise_id = $1 AND b.trace_code = c.trace_code)
		FROM codes c ORDER BY c.trace_code`, enterprise)
	require.NoError(t, err)
	var out []string
	for rows.Next() {
		var code string
		var wms, ledger *int64
		require.NoError(t, rows.Scan(&code, &wms, &ledger))
		w, l := int64(0), int64(0)
		if wms != nil {
			w = *wms
		}
		if ledger != nil {
			l = *ledger
		}
		if w != l {
			out = append(out, fmt.Sprintf("%s %s %s", code, show(wms), show(ledger)))
		}
	}
	require.NoError(t, rows.Err())
	return out
}

func sortedCopy(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return out
}

func show(g *int64) string {
	if g == nil {
		return "-"
	}
	return fmt.Sprint(*g)
}

func TestReconciliationFlagsExactlyTheDifferences(t *testing.T) {
	t.Parallel()
	svc, pool := newService(t)
	bins(t, svc, userA)
	bins(t, svc, userB)
	ctx := t.Context()
	_, err := svc.SetSKUs(ctx, userA, []model.SKUMapping{{SKU: "SKU-8", TraceCode: code(t, 8)}})
	require.NoError(t, err)
	h := time.Hour
	rec := func(id string, kind model.WarehouseRecordKind, n int, loc string, grams int64, when time.Duration) model.WarehouseRecord {
		return model.WarehouseRecord{RecordID: id, Kind: kind, TraceCode: code(t, n), Location: loc, WeightGrams: grams, At: at(when)}
	}
	in, out, count := model.WarehouseIn, model.WarehouseOut, model.WarehouseStocktake
	records := []model.WarehouseRecord{
		// 1: counted 1000, +200 −50 since: 1150, as on the ledger (bonded and not).
		rec("1a", count, 1, "B1", 1000, h), rec("1b", in, 1, "B1", 200, 2*h), rec("1c", out, 1, "B1", 50, 3*h),
		// 2: 500 in the WMS, 400 on the ledger.
		rec("2a", in, 2, "B1", 500, h),
		// 4: in the WMS only.
		rec("4a", in, 4, "B2", 700, h),
		// 5: the later count at B1 (80) replaces the earlier and the record
		// before it; +5 after it; 40 counted at B2: 125, as on the ledger.
		rec("5a", count, 5, "B1", 100, h), rec("5b", in, 5, "B1", 30, 2*h), rec("5c", count, 5, "B1", 80, 3*h),
		rec("5d", in, 5, "B1", 5, 4*h), rec("5e", count, 5, "B2", 40, h),
		// 6: nothing on either side.
		rec("6a", count, 6, "B2", 0, h),
		// 7: in and out again, while the ledger still holds 60.
		rec("7a", in, 7, "B1", 100, h), rec("7b", out, 7, "B1", 100, 2*h),
		// 8: by SKU, as on the ledger.
		{RecordID: "8a", Kind: in, SKU: "SKU-8", Location: "B2", WeightGrams: 250, At: at(h)},
	}
	_, err = svc.Feed(ctx, userA, records)
	require.NoError(t, err)
	balance(t, pool, code(t, 1), opA, true, 1000)
	balance(t, pool, code(t, 1), opA, false, 150)
	balance(t, pool, code(t, 2), opA, true, 400)
	balance(t, pool, code(t, 3), opA, true, 300) // 3: on the ledger only
	balance(t, pool, code(t, 5), opA, true, 125)
	balance(t, pool, code(t, 6), opA, true, 0)
	balance(t, pool, code(t, 7), opA, false, 60)
	balance(t, pool, code(t, 8), opA, true, 250)
	// The other operator's goods and records are not op-a's.
	balance(t, pool, code(t, 4), opB, true, 999)
	_, err = svc.Feed(ctx, userB, []model.WarehouseRecord{rec("2a", in, 3, "B1", 300, h)})
	require.NoError(t, err)

	run, err := svc.Reconcile(ctx, userA, "", 42)
	require.NoError(t, err)
	require.Equal(t, warehouse.ReconRun{ID: run.ID, EnterpriseID: opA, StartedBy: "op-a", StartedAt: clock, LedgerHeight: 42,
		Matched: 3, MissingInWMS: 2, MissingOnLedger: 1, WeightDiffers: 1}, run)

	detail, err := svc.RunDifferences(ctx, officer, run.ID, "", 1, 20)
	require.NoError(t, err)
	var got []string
	kinds := map[string]string{}
	for _, d := range detail.Differences {
		got = append(got, fmt.Sprintf("%s %s %s", d.TraceCode, show(d.WMSGrams), show(d.LedgerGrams)))
		kinds[d.TraceCode] = d.Kind
	}
	require.ElementsMatch(t, []string{
		code(t, 2) + " 500 400", code(t, 3) + " - 300", code(t, 4) + " 700 -", code(t, 7) + " 0 60",
	}, got)
	require.ElementsMatch(t, independentDifferences(t, pool, opA), got)
	require.Equal(t, map[string]string{code(t, 2): model.DiffWeight, code(t, 3): model.DiffMissingInWMS,
		code(t, 4): model.DiffMissingOnLedger, code(t, 7): model.DiffMissingInWMS}, kinds)
	require.Equal(t, 4, detail.Total)

	t.Run("the stock by location adds up to the reconciled figures", func(t *testing.T) {
		stock, err := svc.Stock(ctx, userA, warehouse.StockFilter{})
		require.NoError(t, err)
		byCode := map[string]int64{}
		var rows []string
		for _, r := range stock.Items {
			byCode[r.TraceCode] += r.WeightGrams
			rows = append(rows, fmt.Sprintf("%s %s %d", r.Location, r.TraceCode, r.WeightGrams))
		}
		require.Equal(t, map[string]int64{code(t, 1): 1150, code(t, 2): 500, code(t, 4): 700, code(t, 5): 125, code(t, 8): 250}, byCode,
			"codes 6 and 7 hold nothing and are left out")
		require.Contains(t, rows, "B1 "+code(t, 5)+" 85")
		require.Contains(t, rows, "B2 "+code(t, 5)+" 40")

		shelf, err := svc.Stock(ctx, userA, warehouse.StockFilter{Location: "S2"})
		require.NoError(t, err)
		rows = nil
		for _, r := range shelf.Items {
			rows = append(rows, fmt.Sprintf("%s %s %d", r.Location, r.TraceCode, r.WeightGrams))
		}
		require.Equal(t, []string{"B2 " + code(t, 4) + " 700", "B2 " + code(t, 5) + " 40", "B2 " + code(t, 8) + " 250"}, sortedCopy(rows),
			"a shelf holds what its bins hold")
		where, err := svc.Stock(ctx, officer, warehouse.StockFilter{EnterpriseID: opA, TraceCode: code(t, 5)})
		require.NoError(t, err)
		require.Len(t, where.Items, 2, "a batch is found at both its locations")
		require.NotNil(t, where.Items[0].CountedAt)

		history, err := svc.Records(ctx, userA, warehouse.StockFilter{Location: "B1", TraceCode: code(t, 5)}, 1, 2)
		require.NoError(t, err)
		require.Equal(t, 4, history.Total)
		require.Equal(t, []string{"5d", "5c"}, []string{history.Items[0].RecordID, history.Items[1].RecordID}, "newest first")
		other, err := svc.Records(ctx, userB, warehouse.StockFilter{EnterpriseID: opA, TraceCode: code(t, 5)}, 1, 20)
		require.NoError(t, err)
		require.Zero(t, other.Total, "op-b reads its own records only")
	})
	t.Run("a kind and a page", func(t *testing.T) {
		d, err := svc.RunDifferences(ctx, userA, run.ID, model.DiffMissingInWMS, 2, 1)
		require.NoError(t, err)
		require.Equal(t, 2, d.Total)
		require.Len(t, d.Differences, 1)
		require.Equal(t, model.DiffMissingInWMS, d.Differences[0].Kind)
	})
	t.Run("the export holds every difference", func(t *testing.T) {
		rep, n, err := svc.RunReport(ctx, userA, run.ID, clock)
		require.NoError(t, err)
		require.Equal(t, 4, n)
		var buf bytes.Buffer
		require.NoError(t, reports.Excel(&buf, rep, "仓储对账"))
		f, err := excelize.OpenReader(&buf)
		require.NoError(t, err)
		rows, err := f.GetRows("仓储对账")
		require.NoError(t, err)
		require.Equal(t, []string{"溯源码", "差异类型", "仓储系统重量(千克)", "账本重量(千克)"}, rows[reports.HeaderRow-1])
		body := rows[reports.HeaderRow : reports.HeaderRow+4]
		var flat []string
		for _, r := range body {
			flat = append(flat, fmt.Sprint(r))
		}
		require.Contains(t, flat, fmt.Sprint([]string{code(t, 3), "仓储系统无记录", "无", "0.3"}))
	})
	t.Run("operators see their own runs only", func(t *testing.T) {
		_, err := svc.RunDifferences(ctx, userB, run.ID, "", 1, 20)
		e := apiErr(t, err)
		require.Equal(t, apierror.NotFound, e.Code)
		require.Equal(t, string(model.ReasonReconRunNotFound), e.Reason)
		_, _, err = svc.RunReport(ctx, userB, run.ID, clock)
		require.Equal(t, apierror.NotFound, apiErr(t, err).Code)

		runB, err := svc.Reconcile(ctx, userB, opA, 42) // asks for op-a's, reconciles its own
		require.NoError(t, err)
		require.Equal(t, opB, runB.EnterpriseID)
		// op-b: code 3 in its WMS only (300), code 4 on its ledger only (999).
		require.Equal(t, []int{0, 1, 1, 0}, []int{runB.Matched, runB.MissingInWMS, runB.MissingOnLedger, runB.WeightDiffers})
		page, err := svc.Runs(ctx, userB, "", 1, 20)
		require.NoError(t, err)
		require.Equal(t, 1, page.Total)
		require.Equal(t, runB.ID, page.Items[0].ID)
		all, err := svc.Runs(ctx, officer, "", 1, 20)
		require.NoError(t, err)
		require.Equal(t, 2, all.Total)
		one, err := svc.Runs(ctx, officer, opA, 1, 20)
		require.NoError(t, err)
		require.Equal(t, []int64{run.ID}, []int64{one.Items[0].ID})
	})
	t.Run("customs reconcile a warehouse operator they name", func(t *testing.T) {
		_, err := svc.Reconcile(ctx, officer, "", 42)
		require.Equal(t, apierror.ValidationFailed, apiErr(t, err).Code)
		_, err = svc.Reconcile(ctx, officer, importer, 42)
		require.Equal(t, string(model.ReasonNotWarehouseOperator), apiErr(t, err).Reason)
		again, err := svc.Reconcile(ctx, officer, opA, 43)
		require.NoError(t, err)
		require.Equal(t, run.Matched, again.Matched)
		require.Equal(t, "officer", again.StartedBy)
	})
}

// BenchmarkReconcile reconciles an operator with 20,000 trace codes, each
// with a stocktake and two moves, against 20,000 balances.
func BenchmarkReconcile(b *testing.B) {
	svc, pool := newService(b)
	ctx := context.Background()
	_, err := pool.Exec(ctx, `
		INSERT INTO warehouse_records (enterprise_id, record_id, kind, trace_code, sent_trace_code, sku, location, packages,
			weight_grams, at, source, fed_by, fed_at)
		SELECT $1, k || '-' || n, k, 'T' || n, 'T' || n, '', 'B1', 0, CASE k WHEN 'stocktake' THEN 1000 ELSE 10 END,
			now() - (CASE k WHEN 'stocktake' THEN 3 WHEN 'in' THEN 2 ELSE 1 END) * interval '1 hour', 'api', 'bench', now()
		FROM generate_series(1, 20000) n, unnest(ARRAY['stocktake', 'in', 'out']) k`, opA)
	require.NoError(b, err)
	_, err = pool.Exec(ctx, `INSERT INTO balances (trace_code, enterprise_id, bonded, weight_grams, reserved_grams, inbound_grams,
			outbound_grams, updated_tx, updated_at, updated_at_text, block_number)
		SELECT 'T' || n, $1, true, 1000 + (n % 7 = 0)::int, 0, 0, 0, 'tx', now(), '', 1 FROM generate_series(1, 20000) n`, opA)
	require.NoError(b, err)
	_, err = pool.Exec(ctx, `ANALYZE warehouse_records, balances`)
	require.NoError(b, err)
	b.ResetTimer()
	for b.Loop() {
		run, err := svc.Reconcile(ctx, userA, "", 1)
		require.NoError(b, err)
		require.Equal(b, 2857, run.WeightDiffers)
	}
}
