// Package exports writes customs' lists — documents (申报单证管理) and
// prefilings (预核管理) matching the list filters — to Excel workbooks.
// The rows are the very pages the lists show, walked to the end, so an
// export holds exactly what the filters select, as the user may see it.
package exports

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"zonetrace/chaincode/model"
	"zonetrace/chaincode/model/zh"
	"zonetrace/gateway/apierror"
	"zonetrace/gateway/docdrafts"
	"zonetrace/gateway/excelunits"
	"zonetrace/indexer/query"
)

// MaxRows bounds an export; a broader filter is refused so the user
// narrows it rather than waits for a workbook no one reads.
const MaxRows = 5000

// Sheet names.
const (
	DocumentsSheet  = "单据"
	LinesSheet      = "表体"
	PrefilingsSheet = "预核申报"
)

// DocumentSearch is one page of a document search as the user may see it.
type DocumentSearch func(ctx context.Context, f query.DocumentFilter) (query.DocumentPage, error)

// PrefilingSearch is one page of a prefiling search as the user may see it.
type PrefilingSearch func(ctx context.Context, f query.PrefilingFilter) (query.PrefilingPage, error)

// tooMany refuses an export of more than MaxRows.
func tooMany(what string, total int, capped bool) error {
	shown := fmt.Sprint(total)
	if capped {
		shown = "more than " + shown
	}
	return apierror.Newf(apierror.ValidationFailed,
		fmt.Sprintf("%s %s match; narrow the filters to at most %d", shown, what, MaxRows),
		fmt.Sprintf("符合条件的记录超过%d条，请缩小查询范围后再导出", MaxRows))
}

// collect walks every page of a search.
func collect[T any](ctx context.Context, what string, page func(ctx context.Context, n int) ([]T, int, bool, error)) ([]T, error) {
	var all []T
	for n := 1; ; n++ {
		items, total, capped, err := page(ctx, n)
		if err != nil {
			return nil, err
		}
		if capped || total > MaxRows {
			return nil, tooMany(what, total, capped)
		}
		all = append(all, items...)
		if len(items) == 0 || len(all) >= total {
			return all, nil
		}
	}
}

// Documents writes the documents f selects, with their lines, to w; it
// returns how many documents it wrote.
func Documents(ctx context.Context, w io.Writer, search DocumentSearch, f query.DocumentFilter) (int, error) {
	docs, err := collect(ctx, "documents", func(ctx context.Context, n int) ([]query.DocumentView, int, bool, error) {
		f.Page, f.PageSize = n, query.MaxPageSize
		p, err := search(ctx, f)
		return p.Items, p.Total, p.TotalCapped, err
	})
	if err != nil {
		return 0, err
	}
	head := []any{"单据编号", "单据名称", "单据类型", "业务类型", "申报企业", "对方企业", "状态", "异常", "标签", "删改",
		"海关编号", "表体行数", "总重量(千克)", "申报时间", "更新时间"}
	rows := make([][]any, len(docs))
	var lines [][]any
	for i, d := range docs {
		name := ""
		if t, ok := docdrafts.TemplateFor(d.Family, d.BusinessType); ok {
			name = t.NameZh
		}
		tags := make([]string, len(d.Tags))
		for j, t := range d.Tags {
			tags[j] = t.Code
		}
		var grams int64
		for _, l := range d.Lines {
			grams += l.WeightGrams
			lines = append(lines, []any{d.ID, l.Seq, l.TraceCode, l.MaterialNo, l.ProductName, l.HSCode, l.Origin,
				excelunits.Kg(l.WeightGrams), excelunits.Yuan(l.UnitPriceFen), excelunits.Yuan(l.ValueFen), l.Currency})
		}
		rows[i] = []any{d.ID, name, zh.Value("family", d.Family), zh.Value("businessType", d.BusinessType),
			d.EnterpriseName, d.CounterpartyName, zh.Value("status", d.Status), yes(d.Abnormal), strings.Join(tags, "、"),
			yes(d.DeletedOrModified), d.CustomsNo, len(d.Lines), excelunits.Kg(grams), shown(d.DeclaredAt), shown(d.UpdatedAt)}
	}
	lineHead := []any{"单据编号", "序号", "溯源码", "料号", "品名", "HS编码", "原产地", "重量(千克)", "单价(元/千克)", "货值(元)", "币制"}
	err = write(w, []sheet{{DocumentsSheet, head, rows}, {LinesSheet, lineHead, lines}})
	return len(docs), err
}

// Prefilings writes the prefilings f selects to w; it returns how many it
// wrote.
func Prefilings(ctx context.Context, w io.Writer, search PrefilingSearch, f query.PrefilingFilter) (int, error) {
	list, err := collect(ctx, "prefilings", func(ctx context.Context, n int) ([]query.PrefilingView, int, bool, error) {
		f.Page, f.PageSize = n, query.MaxPageSize
		p, err := search(ctx, f)
		return p.Items, p.Total, p.TotalCapped, err
	})
	if err != nil {
		return 0, err
	}
	head := []any{"预核申报编号", "企业", "企业编号", "状态", "补录入状态", "溯源码", "品名", "HS编码", "原产地", "出口商",
		"批次号", "料号", "检疫批次号", "检疫结果", "重量(千克)", "均价(元/千克)", "币制", "申报时间", "更新时间"}
	rows := make([][]any, len(list))
	for i, p := range list {
		supplement := ""
		if p.SupplementStatus != model.SupplementNone {
			supplement = zh.Value("status", p.SupplementStatus)
		}
		rows[i] = []any{p.ID, p.EnterpriseName, p.EnterpriseID, zh.Value("status", p.Status), supplement, p.TraceCode,
			p.Data.ProductName, p.Data.HSCode, p.Data.Origin, p.Data.ExporterName, p.Data.BatchNo, p.Data.MaterialNo,
			p.Data.QuarantineBatchNo, quarantine[p.Data.QuarantineResult], excelunits.Kg(p.Data.WeightGrams), excelunits.Yuan(p.Data.AvgPriceFen),
			p.Data.Currency, shown(p.DeclaredAt), shown(p.UpdatedAt)}
	}
	err = write(w, []sheet{{PrefilingsSheet, head, rows}})
	return len(list), err
}

// quarantine names the quarantine results as the web app does.
var quarantine = map[model.QuarantineResult]string{
	model.QuarantinePending: "待检疫", model.QuarantineQualified: "合格", model.QuarantineUnqualified: "不合格",
}

func yes(b bool) string {
	if b {
		return "是"
	}
	return "否"
}

// shown is a chain time in the zone's time zone; a time that does not
// parse is shown as recorded.
func shown(at string) string {
	t, err := time.Parse(time.RFC3339Nano, at)
	if err != nil {
		return at
	}
	return t.In(model.ZoneTime).Format(time.DateTime)
}

type sheet struct {
	name string
	head []any
	rows [][]any
}

func write(w io.Writer, sheets []sheet) error {
	f := excelize.NewFile()
	defer f.Close()
	for i, s := range sheets {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", s.name); err != nil {
				return fmt.Errorf("write export: %w", err)
			}
		} else if _, err := f.NewSheet(s.name); err != nil {
			return fmt.Errorf("write export: %w", err)
		}
		sw, err := f.NewStreamWriter(s.name)
		if err != nil {
			return fmt.Errorf("write export: %w", err)
		}
		for r, row := range append([][]any{s.head}, s.rows...) {
			if err := sw.SetRow(fmt.Sprintf("A%d", r+1), row); err != nil {
				return fmt.Errorf("write export %s: %w", s.name, err)
			}
		}
		if err := sw.Flush(); err != nil {
			return fmt.Errorf("write export %s: %w", s.name, err)
		}
	}
	if err := f.Write(w); err != nil {
		return fmt.Errorf("write export: %w", err)
	}
	return nil
}
