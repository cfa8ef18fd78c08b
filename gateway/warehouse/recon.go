package warehouse

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/accounts"
	"zonetrace/gateway/reports"
	"zonetrace/internal/pgpage"
)

// ReconRun is a reconciliation of an operator's WMS stock with the ledger.
type ReconRun struct {
	ID           int64     `json:"id"`
	EnterpriseID string    `json:"enterpriseId"`
	StartedBy    string    `json:"startedBy"`
	StartedAt    time.Time `json:"startedAt"`
	// LedgerHeight is how many blocks the indexer had mirrored when the run
	// read the balances.
	LedgerHeight    uint64 `json:"ledgerHeight"`
	Matched         int    `json:"matched"`
	MissingInWMS    int    `json:"missingInWms"`
	MissingOnLedger int    `json:"missingOnLedger"`
	WeightDiffers   int    `json:"weightDiffers"`
}

// Difference is one trace code whose figures differ. A nil figure means
// that side has none at all (no WMS record, no ledger balance).
type Difference struct {
	TraceCode   string `json:"traceCode"`
	Kind        string `json:"kind"`
	WMSGrams    *int64 `json:"wmsGrams"`
	LedgerGrams *int64 `json:"ledgerGrams"`
}

// stockSQL is the WMS stock and the ledger stock per trace code of the
// enterprise $1, computed in the database so a run holds no stock in
// memory. WMS stock per trace code and location is the latest stocktake
// there (0 without one) plus the records in and minus those out after it;
// the trace code's is the sum over its locations. Ledger stock is the sum
// of the balances the indexer mirrors (bonded and non-bonded: the WMS
// does not know the customs status).
const stockSQL = `
	latest AS (
		SELECT DISTINCT ON (trace_code, location) trace_code, location, at, weight_grams
		FROM warehouse_records WHERE enterprise_id = $1 AND kind = 'stocktake'
		ORDER BY trace_code, location, at DESC, record_id DESC),
	moved AS (
		SELECT r.trace_code, sum(CASE r.kind WHEN 'in' THEN r.weight_grams ELSE -r.weight_grams END) AS grams
		FROM warehouse_records r LEFT JOIN latest s ON s.trace_code = r.trace_code AND s.location = r.location
		WHERE r.enterprise_id = $1 AND r.kind IN ('in', 'out') AND (s.at IS NULL OR r.at > s.at)
		GROUP BY r.trace_code),
	wms AS (
		SELECT trace_code, sum(grams)::bigint AS grams FROM (
			SELECT trace_code, weight_grams AS grams FROM latest UNION ALL SELECT trace_code, grams FROM moved) x
		GROUP BY trace_code),
	ledger AS (
		SELECT trace_code, sum(weight_grams)::bigint AS grams FROM balances WHERE enterprise_id = $1 GROUP BY trace_code),
	compared AS (
		SELECT trace_code, w.grams AS wms, l.grams AS ledger FROM wms w FULL JOIN ledger l USING (trace_code))`

// Reconcile compares the enterprise's WMS stock with the ledger's balances
// and keeps the run with every difference. Enterprises reconcile their
// own; customs and the zone administration name a warehouse operator.
// height is the indexer's height, kept with the run.
func (s *Service) Reconcile(ctx context.Context, u accounts.User, enterpriseID string, height uint64) (ReconRun, error) {
	enterprise, err := scope(u, enterpriseID, true)
	if err != nil {
		return ReconRun{}, err
	}
	if err := s.mustBeOperator(ctx, enterprise); err != nil {
		return ReconRun{}, err
	}
	run := ReconRun{EnterpriseID: enterprise, StartedBy: u.Username, StartedAt: s.now(), LedgerHeight: height}
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO warehouse_recon_runs (enterprise_id, started_by, started_at, ledger_height,
				matched, missing_in_wms, missing_on_ledger, weight_differs)
			VALUES ($1, $2, $3, $4, 0, 0, 0, 0) RETURNING id`, enterprise, u.Username, run.StartedAt, int64(height)).Scan(&run.ID)
		if err != nil {
			return fmt.Errorf("warehouse: start reconciliation: %w", err)
		}
		err = tx.QueryRow(ctx, `WITH `+stockSQL+`,
			kept AS (
				INSERT INTO warehouse_recon_rows (run_id, trace_code, kind, wms_grams, ledger_grams)
				SELECT $2, trace_code, CASE
						WHEN coalesce(wms, 0) <= 0 AND coalesce(ledger, 0) > 0 THEN 'missing_in_wms'
						WHEN coalesce(ledger, 0) = 0 THEN 'missing_on_ledger'
						ELSE 'weight_differs' END,
					wms, ledger
				FROM compared WHERE coalesce(wms, 0) <> coalesce(ledger, 0)
				RETURNING kind)
			SELECT (SELECT count(*) FROM compared WHERE wms = ledger AND wms <> 0),
				count(*) FILTER (WHERE kind = 'missing_in_wms'), count(*) FILTER (WHERE kind = 'missing_on_ledger'),
				count(*) FILTER (WHERE kind = 'weight_differs')
			FROM kept`, enterprise, run.ID).Scan(&run.Matched, &run.MissingInWMS, &run.MissingOnLedger, &run.WeightDiffers)
		if err != nil {
			return fmt.Errorf("warehouse: reconcile: %w", err)
		}
		_, err = tx.Exec(ctx, `UPDATE warehouse_recon_runs SET matched = $2, missing_in_wms = $3, missing_on_ledger = $4,
			weight_differs = $5 WHERE id = $1`, run.ID, run.Matched, run.MissingInWMS, run.MissingOnLedger, run.WeightDiffers)
		if err != nil {
			return fmt.Errorf("warehouse: reconcile: %w", err)
		}
		return nil
	})
	return run, err
}

// ReconRunPage is a page of runs, newest first.
type ReconRunPage struct {
	Items []ReconRun `json:"items"`
	Total int        `json:"total"`
}

const runColumns = `id, enterprise_id, started_by, started_at, ledger_height, matched, missing_in_wms, missing_on_ledger, weight_differs`

func scanRun(r pgx.Row) (ReconRun, error) {
	var x ReconRun
	var height int64
	err := r.Scan(&x.ID, &x.EnterpriseID, &x.StartedBy, &x.StartedAt, &height, &x.Matched, &x.MissingInWMS, &x.MissingOnLedger, &x.WeightDiffers)
	x.LedgerHeight = uint64(height)
	return x, err
}

// Runs lists the runs u may see (enterprises: their own; customs and the
// zone administration: every enterprise's, or one's), newest first.
func (s *Service) Runs(ctx context.Context, u accounts.User, enterpriseID string, page, size int) (ReconRunPage, error) {
	enterprise, err := scope(u, enterpriseID, false)
	if err != nil {
		return ReconRunPage{}, err
	}
	out := ReconRunPage{}
	items, total, err := pgpage.Read(ctx, s.pool, pgpage.List{Columns: runColumns,
		From: `warehouse_recon_runs WHERE $1 = '' OR enterprise_id = $1`, OrderBy: `id DESC`},
		[]any{enterprise}, size, (page-1)*size, scanRun)
	if err != nil {
		return ReconRunPage{}, fmt.Errorf("warehouse: runs: %w", err)
	}
	out.Total, out.Items = total, items
	return out, nil
}

// ReconRunDetail is a run with a page of its differences.
type ReconRunDetail struct {
	ReconRun
	Differences []Difference `json:"differences"`
	// Total counts the differences of the kind asked for (all without one).
	Total int `json:"total"`
}

// run is the run id as u may see it: another enterprise's is not found.
func (s *Service) run(ctx context.Context, u accounts.User, id int64) (ReconRun, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+runColumns+` FROM warehouse_recon_runs WHERE id = $1`, id)
	if err != nil {
		return ReconRun{}, fmt.Errorf("warehouse: run: %w", err)
	}
	r, err := pgx.CollectExactlyOneRow(rows, func(r pgx.CollectableRow) (ReconRun, error) { return scanRun(r) })
	if errors.Is(err, pgx.ErrNoRows) || err == nil && u.Role == accounts.RoleEnterprise && r.EnterpriseID != u.EnterpriseID {
		return ReconRun{}, model.Refuse(model.ReasonReconRunNotFound, model.Params{"runId": id}, "reconciliation run %d does not exist", id)
	}
	if err != nil {
		return ReconRun{}, fmt.Errorf("warehouse: run: %w", err)
	}
	return r, nil
}

// RunDifferences is a run and a page of its differences (of kind, or all),
// by kind then trace code.
func (s *Service) RunDifferences(ctx context.Context, u accounts.User, id int64, kind string, page, size int) (ReconRunDetail, error) {
	r, err := s.run(ctx, u, id)
	if err != nil {
		return ReconRunDetail{}, err
	}
	diffs, total, err := s.differences(ctx, id, kind, size, (page-1)*size)
	if err != nil {
		return ReconRunDetail{}, err
	}
	return ReconRunDetail{ReconRun: r, Differences: diffs, Total: total}, nil
}

// differences is a page of a run's differences of kind (or all) and how
// many there are.
func (s *Service) differences(ctx context.Context, id int64, kind string, limit, offset int) ([]Difference, int, error) {
	diffs, total, err := pgpage.Read(ctx, s.pool, pgpage.List{Columns: "trace_code, kind, wms_grams, ledger_grams",
		From: "warehouse_recon_rows WHERE run_id = $1 AND ($2 = '' OR kind = $2)", OrderBy: "kind, trace_code"},
		[]any{id, kind}, limit, offset, func(r pgx.Row) (Difference, error) {
			var d Difference
			return d, r.Scan(&d.TraceCode, &d.Kind, &d.WMSGrams, &d.LedgerGrams)
		})
	if err != nil {
		return nil, 0, fmt.Errorf("warehouse: differences: %w", err)
	}
	return diffs, total, nil
}

var diffNamesZh = map[string]string{
	model.DiffMissingInWMS: "仓储系统无记录", model.DiffMissingOnLedger: "账本无库存", model.DiffWeight: "重量不一致",
}

// RunReport is a run's differences as a report for the Excel export (at
// most reports.MaxRows differences).
func (s *Service) RunReport(ctx context.Context, u accounts.User, id int64, now time.Time) (reports.Report, int, error) {
	r, err := s.run(ctx, u, id)
	if err != nil {
		return reports.Report{}, 0, err
	}
	if r.MissingInWMS+r.MissingOnLedger+r.WeightDiffers > reports.MaxRows {
		return reports.Report{}, 0, reports.TooMany("differences")
	}
	diffs, _, err := s.differences(ctx, id, "", reports.MaxRows, 0)
	if err != nil {
		return reports.Report{}, 0, err
	}
	rep := reports.Report{
		Title: "仓储对账差异",
		Filters: []reports.Filter{{Name: "企业", Value: r.EnterpriseID}, {Name: "对账编号", Value: fmt.Sprint(r.ID)},
			{Name: "对账时间", Value: r.StartedAt.In(model.ZoneTime).Format(time.DateTime)},
			{Name: "一致", Value: fmt.Sprint(r.Matched)}},
		GeneratedAt: now,
		Columns: []reports.Column{{Title: "溯源码", Kind: reports.Text, Width: 3}, {Title: "差异类型", Kind: reports.Text, Width: 2},
			{Title: "仓储系统重量", Kind: reports.Kg, Width: 2, NoTotal: true}, {Title: "账本重量", Kind: reports.Kg, Width: 2, NoTotal: true}},
	}
	for _, d := range diffs {
		rep.Rows = append(rep.Rows, []any{d.TraceCode, diffNamesZh[d.Kind], grams(d.WMSGrams), grams(d.LedgerGrams)})
	}
	return rep, len(diffs), nil
}

// grams is a figure for a report: absent shows as 无.
func grams(g *int64) any {
	if g == nil {
		return "无"
	}
	return *g
}
