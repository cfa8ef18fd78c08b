package alerts

import (
	"context"
	"errors"
	"strconv"
	"time"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/reports"
)

// errTooMany stops Each once a report has more rows than it may hold.
var errTooMany = errors.New("too many rows")

// DisposalReport is the alerts f selects with their handling (处置记录):
// one row per alert, newest first; more than reports.MaxRows is refused.
func (e *Store) DisposalReport(ctx context.Context, f Filter, now time.Time) (reports.Report, int, error) {
	rep := reports.Report{Title: "风险预警处置记录", Filters: f.names(), GeneratedAt: now, Columns: []reports.Column{
		{Title: "预警编号", Kind: reports.Int, Width: 0.8, NoTotal: true}, {Title: "预警类型", Width: 1.1},
		{Title: "预警对象", Width: 2}, {Title: "企业", Width: 2.2}, {Title: "预警时间", Width: 1.6},
		{Title: "状态", Width: 0.8}, {Title: "风险等级", Width: 0.8}, {Title: "处置类型", Width: 1.1},
		{Title: "处置人", Width: 1}, {Title: "处置原因", Width: 2}, {Title: "处置意见", Width: 2.4},
		{Title: "处置时间", Width: 1.6}, {Title: "附件数", Kind: reports.Int, Width: 0.7},
		{Title: "撤销次数", Kind: reports.Int, Width: 0.7}, {Title: "规则配置版本", Kind: reports.Int, Width: 0.9, NoTotal: true}}}
	err := e.Each(ctx, f, func(a AlertDetail) error {
		if len(rep.Rows) == reports.MaxRows {
			return errTooMany
		}
		enterprise := a.EnterpriseName
		if enterprise == "" {
			enterprise = a.EnterpriseID
		}
		row := []any{a.ID, model.AlertKindZh[a.Kind], a.Subject, enterprise, zoneTime(a.FiredAt),
			model.DisposalStateZh[a.Status], model.RiskLevelZh[a.Level], "", "", "", "", "", int64(0), int64(0),
			int64(a.ConfigVersion)}
		if d := a.Disposal; d != nil {
			row[13] = int64(len(d.Revoked))
			if p := d.Disposition; p != nil {
				row[7], row[8], row[9], row[10] = model.DisposalTypeZh[p.Type], p.Handler, p.Reason, p.Opinion
				row[11], row[12] = ledgerTime(p.At), int64(len(p.Attachments))
			}
		}
		rep.Rows = append(rep.Rows, row)
		return nil
	})
	if errors.Is(err, errTooMany) {
		return reports.Report{}, 0, reports.TooMany("alerts")
	}
	return rep, len(rep.Rows), err
}

// Statistics report groupings.
const (
	ByMonth      = "month"
	ByEnterprise = "enterprise"
)

// StatsReport counts the alerts f selects by kind, one row per month or
// per enterprise (the top TopEnterprises), with the totals row.
func (e *Store) StatsReport(ctx context.Context, f Filter, by string, now time.Time) (reports.Report, int, error) {
	first := reports.Column{Title: "月份", Width: 1.2}
	if by == ByEnterprise {
		first = reports.Column{Title: "企业", Width: 3}
	}
	rep := reports.Report{Title: "风险预警统计", Filters: f.names(), GeneratedAt: now, Columns: []reports.Column{first}}
	for _, k := range model.AlertKinds {
		rep.Columns = append(rep.Columns, reports.Column{Title: model.AlertKindZh[k], Kind: reports.Int})
	}
	rep.Columns = append(rep.Columns, reports.Column{Title: "合计", Kind: reports.Int})
	row := func(name string, counts map[model.AlertKind]int) {
		r := []any{name}
		var total int64
		for _, k := range model.AlertKinds {
			r = append(r, int64(counts[k]))
			total += int64(counts[k])
		}
		rep.Rows = append(rep.Rows, append(r, total))
	}
	if by == ByEnterprise {
		rep.Filters = append(rep.Filters, reports.Filter{Name: "统计方式", Value: "按企业（前20家）"})
		byEnterprise, err := e.countsByEnterprise(ctx, f)
		if err != nil {
			return reports.Report{}, 0, err
		}
		for _, c := range byEnterprise {
			row(c.name, c.kinds)
		}
		return rep, len(rep.Rows), nil
	}
	rep.Filters = append(rep.Filters, reports.Filter{Name: "统计方式", Value: "按月"})
	s, err := e.Stats(ctx, f)
	if err != nil {
		return reports.Report{}, 0, err
	}
	for _, m := range s.ByMonth {
		row(m.Month, m.Kinds)
	}
	return rep, len(rep.Rows), nil
}

type enterpriseKinds struct {
	name  string
	kinds map[model.AlertKind]int
}

// countsByEnterprise counts the alerts of the TopEnterprises enterprises
// with the most, by kind.
func (e *Store) countsByEnterprise(ctx context.Context, f Filter) ([]enterpriseKinds, error) {
	cond, args := f.where()
	rows, err := e.pool.Query(ctx, `WITH picked AS (SELECT a.enterprise_id, a.kind, coalesce(e.name, '') AS name`+from+cond+`)
		SELECT p.enterprise_id, min(p.name), p.kind, count(*) FROM picked p
		JOIN (SELECT enterprise_id, count(*) AS n FROM picked GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT $`+
		strconv.Itoa(len(args)+1)+`) top USING (enterprise_id)
		GROUP BY p.enterprise_id, p.kind, top.n ORDER BY top.n DESC, p.enterprise_id`, append(args, TopEnterprises)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []enterpriseKinds
	index := map[string]int{}
	for rows.Next() {
		var id, name string
		var kind model.AlertKind
		var n int
		if err := rows.Scan(&id, &name, &kind, &n); err != nil {
			return nil, err
		}
		i, ok := index[id]
		if !ok {
			if name == "" {
				name = id
			}
			i = len(out)
			index[id] = i
			out = append(out, enterpriseKinds{name: name, kinds: map[model.AlertKind]int{}})
		}
		out[i].kinds[kind] = n
	}
	return out, rows.Err()
}

// names are the filters as the report heads them.
func (f Filter) names() []reports.Filter {
	var out []reports.Filter
	if f.Kind != "" {
		out = append(out, reports.Filter{Name: "预警类型", Value: model.AlertKindZh[f.Kind]})
	}
	if f.Status != "" {
		out = append(out, reports.Filter{Name: "状态", Value: model.DisposalStateZh[f.Status]})
	}
	if f.Level != "" {
		out = append(out, reports.Filter{Name: "风险等级", Value: model.RiskLevelZh[f.Level]})
	}
	if f.EnterpriseID != "" {
		out = append(out, reports.Filter{Name: "企业", Value: f.EnterpriseID})
	}
	if f.Subject != "" {
		out = append(out, reports.Filter{Name: "预警对象", Value: f.Subject})
	}
	if !f.From.IsZero() || !f.To.IsZero() {
		first, last := "", ""
		if !f.From.IsZero() {
			first = f.From.In(model.ZoneTime).Format(time.DateOnly)
		}
		if !f.To.IsZero() { // exclusive: the day after the last
			last = f.To.Add(-time.Nanosecond).In(model.ZoneTime).Format(time.DateOnly)
		}
		out = append(out, reports.Filter{Name: "预警日期", Value: first + " 至 " + last})
	}
	return out
}

func zoneTime(t time.Time) string { return t.In(model.ZoneTime).Format("2006-01-02 15:04:05") }

// ledgerTime shows a ledger timestamp (RFC 3339) in zone time.
func ledgerTime(s string) string {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return s
	}
	return zoneTime(t)
}
