package accounting

import (
	"context"
	"strings"
	"time"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/accounts"
	"zonetrace/gateway/reports"
	"zonetrace/gateway/service"
	"zonetrace/indexer"
	"zonetrace/indexer/query"
)

// StockReport is the stock report (区内库存) the filters select, as u may
// see it, walked to its end; more than reports.MaxRows rows is refused.
func (s *Service) StockReport(ctx context.Context, u accounts.User, f query.StockFilter, now time.Time) (reports.Report, int, error) {
	f.After, f.Limit = "", query.MaxAccountPage
	var rows []query.StockRow
	for {
		p, err := s.Stock(ctx, u, f)
		if err != nil {
			return reports.Report{}, 0, err
		}
		rows = append(rows, p.Items...)
		if len(rows) > reports.MaxRows {
			return reports.Report{}, 0, reports.TooMany("stock rows")
		}
		if p.Next == "" {
			break
		}
		f.After = p.Next
	}
	if !service.SeesAll(u) {
		f.EnterpriseID = u.EnterpriseID
	}
	return stockReport(f, rows, now), len(rows), nil
}

// FiguresReport is a period's figures (周期核算) as Figures computes them.
func (s *Service) FiguresReport(ctx context.Context, u accounts.User, enterpriseID, periodID string, now time.Time) (reports.Report, int, error) {
	f, err := s.Figures(ctx, u, enterpriseID, periodID)
	if err != nil {
		return reports.Report{}, 0, err
	}
	if len(f.Figures) > reports.MaxRows {
		return reports.Report{}, 0, reports.TooMany("figures")
	}
	return figuresReport(f.Period, f.Figures, f.TotalsHash, now), len(f.Figures), nil
}

// MovementsReport is the movements behind a figure (核算明细) the filters
// select, as u may see them; more than reports.MaxRows is refused.
func (s *Service) MovementsReport(ctx context.Context, u accounts.User, f query.AccountMovementFilter, now time.Time) (reports.Report, int, error) {
	f.After, f.Limit = "", query.MaxAccountPage
	var legs []query.AccountMovement
	for {
		p, err := s.Movements(ctx, u, f)
		if err != nil {
			return reports.Report{}, 0, err
		}
		legs = append(legs, p.Items...)
		if len(legs) > reports.MaxRows {
			return reports.Report{}, 0, reports.TooMany("movements")
		}
		if p.Next == "" {
			break
		}
		f.After = p.Next
	}
	if !service.SeesAll(u) {
		f.EnterpriseID = u.EnterpriseID
	}
	return movementsReport(f, legs, now), len(legs), nil
}

var stockGroupNames = map[query.StockGroup]string{query.GroupHolding: "批次/企业/状态", query.GroupTrace: "溯源码",
	query.GroupMaterial: "料号", query.GroupEnterprise: "企业"}

// accountFilters names the keys as the screens do.
func accountFilters(k query.AccountKeys) []reports.Filter {
	var fs []reports.Filter
	add := func(name, value string) {
		if value != "" {
			fs = append(fs, reports.Filter{Name: name, Value: value})
		}
	}
	add("企业", k.EnterpriseID)
	add("溯源码", k.TraceCode)
	add("料号", k.MaterialNo)
	add("核注清单号", k.ChecklistNo)
	add("车牌号", k.VehiclePlate)
	if k.Bonded != nil {
		add("保税状态", bondedName(*k.Bonded))
	}
	return fs
}

func bondedName(bonded bool) string {
	if bonded {
		return "保税"
	}
	return "非保税"
}

// stockReport is the report of a stock report's rows (区内库存).
func stockReport(f query.StockFilter, rows []query.StockRow, now time.Time) reports.Report {
	group := f.GroupBy
	if group == "" {
		group = query.GroupHolding
	}
	filters := append([]reports.Filter{{Name: "汇总方式", Value: stockGroupNames[group]}}, accountFilters(f.AccountKeys)...)
	if f.InStock {
		filters = append(filters, reports.Filter{Name: "仅有库存", Value: "是"})
	}
	if !f.AsOf.IsZero() {
		filters = append(filters, reports.Filter{Name: "库龄截至", Value: f.AsOf.Add(-time.Nanosecond).In(model.ZoneTime).Format(time.DateOnly)})
	}
	rep := reports.Report{Title: "区内库存报表", Filters: filters, GeneratedAt: now, Columns: []reports.Column{
		{Title: "溯源码", Width: 2.2}, {Title: "企业", Width: 2.2}, {Title: "状态", Width: 0.9}, {Title: "料号", Width: 1.4},
		{Title: "批次号", Width: 1.4}, {Title: "品名", Width: 1.8}, {Title: "类别", Width: 1.2},
		{Title: "入区", Kind: reports.Kg}, {Title: "出区", Kind: reports.Kg}, {Title: "流转入", Kind: reports.Kg},
		{Title: "流转出", Kind: reports.Kg}, {Title: "转入", Kind: reports.Kg}, {Title: "转出", Kind: reports.Kg},
		{Title: "库存", Kind: reports.Kg, Width: 1.2}, {Title: "货值", Kind: reports.Yuan, Width: 1.3},
		{Title: "库龄(天)", Kind: reports.Int, Width: 1.1, NoTotal: true}}}
	for _, s := range rows {
		status := ""
		if s.Bonded != nil {
			status = bondedName(*s.Bonded)
		}
		enterprise := s.EnterpriseName
		if enterprise == "" {
			enterprise = s.EnterpriseID
		}
		rep.Rows = append(rep.Rows, []any{s.TraceCode, enterprise, status, s.MaterialNo, s.BatchNo, s.ProductName, s.Commodity,
			s.EntryGrams, s.ExitGrams, s.TransferInGrams, s.TransferOutGrams, s.ConversionInGrams, s.ConversionOutGrams,
			s.StockGrams, s.ValueFen, int64(s.StorageAgeDays)})
	}
	return rep
}

// figuresReport is the report of a period's figures.
func figuresReport(p model.AccountPeriod, figures []model.PeriodFigure, hash string, now time.Time) reports.Report {
	status := "未结算"
	if p.Status == model.PeriodClosed {
		status = "已结算"
	}
	rep := reports.Report{Title: "周期核算报表", GeneratedAt: now, Filters: []reports.Filter{
		{Name: "企业", Value: p.EnterpriseID}, {Name: "核算周期", Value: p.PeriodID + "（" + p.From + " 至 " + p.To + "）"},
		{Name: "状态", Value: status}, {Name: "合计哈希", Value: hash}},
		Columns: []reports.Column{{Title: "溯源码", Width: 2.4}, {Title: "状态", Width: 0.9},
			{Title: "期初", Kind: reports.Kg}, {Title: "入区", Kind: reports.Kg}, {Title: "流转入", Kind: reports.Kg},
			{Title: "转入", Kind: reports.Kg}, {Title: "出区", Kind: reports.Kg}, {Title: "流转出", Kind: reports.Kg},
			{Title: "转出", Kind: reports.Kg}, {Title: "期末", Kind: reports.Kg}, {Title: "平衡", Width: 0.6}}}
	for _, f := range figures {
		balanced := "是"
		if !f.Balanced() {
			balanced = "否"
		}
		rep.Rows = append(rep.Rows, []any{f.TraceCode, bondedName(f.Bonded), f.OpeningGrams, f.EntryGrams, f.TransferInGrams,
			f.ConversionInGrams, f.ExitGrams, f.TransferOutGrams, f.ConversionOutGrams, f.ClosingGrams, balanced})
	}
	return rep
}

// flowNamesZh name the flows as the screens do.
var flowNamesZh = map[indexer.Flow]string{indexer.FlowEntry: "入区", indexer.FlowExit: "出区",
	indexer.FlowTransferIn: "流转入", indexer.FlowTransferOut: "流转出",
	indexer.FlowConversionIn: "转入非保", indexer.FlowConversionOut: "保税转出"}

// movementsReport is the report of the movements behind a figure.
func movementsReport(f query.AccountMovementFilter, legs []query.AccountMovement, now time.Time) reports.Report {
	filters := accountFilters(f.AccountKeys)
	if len(f.Flows) > 0 {
		names := make([]string, len(f.Flows))
		for i, flow := range f.Flows {
			names[i] = flowNamesZh[flow]
		}
		filters = append(filters, reports.Filter{Name: "类别", Value: strings.Join(names, "、")})
	}
	if !f.Since.IsZero() {
		filters = append(filters, reports.Filter{Name: "起始日期", Value: f.Since.In(model.ZoneTime).Format(time.DateOnly)})
	}
	if !f.Until.IsZero() {
		filters = append(filters, reports.Filter{Name: "截止日期", Value: f.Until.Add(-time.Nanosecond).In(model.ZoneTime).Format(time.DateOnly)})
	}
	rep := reports.Report{Title: "核算明细", Filters: filters, GeneratedAt: now, Columns: []reports.Column{
		{Title: "时间", Width: 1.6}, {Title: "类别", Width: 0.8}, {Title: "溯源码", Width: 1.8}, {Title: "企业", Width: 2},
		{Title: "状态", Width: 0.7}, {Title: "单证", Width: 2}, {Title: "海关编号", Width: 1.8},
		{Title: "重量", Kind: reports.Kg}, {Title: "货值", Kind: reports.Yuan, Width: 1.2},
		{Title: "品名", Width: 1.6}, {Title: "料号", Width: 1.1}, {Title: "车牌号", Width: 1}}}
	for _, m := range legs {
		at := m.At
		if t, err := time.Parse(time.RFC3339Nano, m.At); err == nil {
			at = t.In(model.ZoneTime).Format(time.DateTime)
		}
		enterprise := m.EnterpriseName
		if enterprise == "" {
			enterprise = m.EnterpriseID
		}
		rep.Rows = append(rep.Rows, []any{at, flowNamesZh[m.Flow], m.TraceCode, enterprise, bondedName(m.Bonded), m.DocumentID,
			m.CustomsNo, m.WeightGrams, m.ValueFen, m.ProductName, m.MaterialNo, m.VehiclePlate})
	}
	return rep
}
