package docdrafts_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
	"zonetrace/chaincode/tracecode"
	"zonetrace/gateway/docdrafts"
	"zonetrace/gateway/validation"
)

func traceCode(t testing.TB, seq int) string {
	t.Helper()
	c, err := tracecode.Compose("CF", time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), seq)
	require.NoError(t, err)
	return c
}

func completeLine(t testing.TB, seq int) model.DocumentLine {
	return model.DocumentLine{TraceCode: traceCode(t, seq), ProductName: "Yirgacheffe G1", HSCode: "0901110000", Origin: "ET",
		WeightGrams: 19_200_000, UnitPriceFen: 4500, ValueFen: 86_400_000, Currency: "USD", Packages: 320}
}

func completeContent(t testing.TB) docdrafts.Content {
	return docdrafts.Content{Family: model.FamilyBondedTransfer, BusinessType: model.BusinessOut,
		Head:  model.DocumentHead{CounterpartyID: "91320583MA1BBBBB0B", AccountBookNo: "T2301W000001", SupervisionMode: "1200"},
		Lines: []model.DocumentLine{completeLine(t, 1), completeLine(t, 2)}}
}

func fields(p validation.Problems) []string {
	out := []string{}
	for _, q := range p {
		out = append(out, q.Field)
	}
	return out
}

func TestWarnings(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		change func(*docdrafts.Content)
		want   []string
	}{
		{"a complete draft has no warnings", func(*docdrafts.Content) {}, []string{}},
		{"a line without trace code is flagged by its index", func(c *docdrafts.Content) { c.Lines[1].TraceCode = "" }, []string{"lines[1].traceCode"}},
		{"a mistyped trace code is flagged", func(c *docdrafts.Content) { c.Lines[0].TraceCode = c.Lines[0].TraceCode[:15] + "0" }, []string{"lines[0].traceCode"}},
		{"the template's required head fields are flagged", func(c *docdrafts.Content) { c.Head.CounterpartyID = "" }, []string{"head.counterpartyId"}},
		{"a draft without lines is flagged", func(c *docdrafts.Content) { c.Lines = nil }, []string{"lines"}},
		{"goods fields follow the prefiling's rules", func(c *docdrafts.Content) { c.Lines[0].Origin, c.Lines[0].Currency = "XX", "" },
			[]string{"lines[0].currency", "lines[0].origin"}},
		{"a value that disagrees with weight × price is flagged", func(c *docdrafts.Content) { c.Lines[1].ValueFen = 864_000 }, []string{"lines[1].valueFen"}},
		{"a control character in the note is flagged", func(c *docdrafts.Content) { c.Head.Note = "备注\x00" }, []string{"head.note"}},
		{"zero weight is flagged", func(c *docdrafts.Content) { c.Lines[0].WeightGrams = 0 }, []string{"lines[0].weightGrams"}},
		{"a bad planned date is flagged", func(c *docdrafts.Content) { c.Head.PlannedDate = "2026-02-30" }, []string{"head.plannedDate"}},
		{"lines sort by number, not text", func(c *docdrafts.Content) {
			for i := 0; i < 11; i++ {
				c.Lines = append(c.Lines, completeLine(t, 3+i))
			}
			c.Lines[10].HSCode, c.Lines[2].HSCode = "", ""
		}, []string{"lines[2].hsCode", "lines[10].hsCode"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := completeContent(t)
			tc.change(&c)
			w := docdrafts.Warnings(c.Family, c.BusinessType, c.Head, c.Lines)
			require.Equal(t, tc.want, fields(w))
			for _, q := range w {
				require.NotEmpty(t, q.Message)
				require.NotEmpty(t, q.MessageZh)
			}
		})
	}
}

func TestCheckShape(t *testing.T) {
	t.Parallel()
	t.Run("an incomplete draft is acceptable", func(t *testing.T) {
		require.NoError(t, docdrafts.CheckShape(model.FamilyChecklist, model.BusinessEntry, model.DocumentHead{}, []model.DocumentLine{{ProductName: "x"}}))
	})
	cases := []struct {
		name  string
		check func() error
		want  []string
	}{
		{"an unknown business type is refused", func() error {
			return docdrafts.CheckShape(model.FamilyChecklist, model.BusinessIn, model.DocumentHead{}, nil)
		}, []string{"businessType"}},
		{"negative numbers and oversized text are refused", func() error {
			return docdrafts.CheckShape(model.FamilyChecklist, model.BusinessEntry, model.DocumentHead{Owner: strings.Repeat("货", 201)},
				[]model.DocumentLine{{ValueFen: -1}})
		}, []string{"head.owner", "lines[0].valueFen"}},
		{"a weight in tonnes typed as grams beyond any ship is refused", func() error {
			return docdrafts.CheckShape(model.FamilyChecklist, model.BusinessEntry, model.DocumentHead{}, []model.DocumentLine{{WeightGrams: 2e12}})
		}, []string{"lines[0].weightGrams"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var p validation.Problems
			require.ErrorAs(t, tc.check(), &p)
			require.Equal(t, tc.want, fields(p))
		})
	}
}

func TestTemplates(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for _, tpl := range docdrafts.Templates() {
		key := string(tpl.Family) + "/" + string(tpl.BusinessType)
		require.False(t, seen[key], "one template per family and business type: %s", key)
		seen[key] = true
		require.NotEmpty(t, tpl.NameZh)
		require.Contains(t, []docdrafts.Stock{docdrafts.StockIn, docdrafts.StockOut, docdrafts.StockNone}, tpl.MovesStock)
		got, ok := docdrafts.TemplateFor(tpl.Family, tpl.BusinessType)
		require.True(t, ok)
		require.Equal(t, tpl, got)
	}
	require.Len(t, seen, 15, "the business types of chaincode/contract/API.md")
	t.Run("defaults fill only empty head fields", func(t *testing.T) {
		tpl, _ := docdrafts.TemplateFor(model.FamilyChecklist, model.BusinessEntry)
		h := tpl.WithDefaults(model.DocumentHead{SupervisionMode: "0110"})
		require.Equal(t, "0110", h.SupervisionMode)
		require.Equal(t, "2", h.TransportMode)
	})
}

func TestNewDocumentID(t *testing.T) {
	t.Parallel()
	for _, family := range model.Families {
		info, _ := model.InfoOf(family)
		id, err := docdrafts.NewDocumentID(family, time.Date(2025, 12, 31, 16, 30, 0, 0, time.UTC))
		require.NoError(t, err)
		require.Empty(t, model.CheckDocumentID("id", id, family), "the chaincode accepts the number")
		require.Equal(t, info.Prefix+"20260101", id[:10], "the date is the Shanghai date")
	}
	_, err := docdrafts.NewDocumentID("receipt", time.Now())
	require.Error(t, err)
}

func TestCopy(t *testing.T) {
	t.Parallel()
	t.Run("a copy drops trace codes and leaves the original", func(t *testing.T) {
		c := completeContent(t)
		cp := docdrafts.CopyContent(c)
		require.Empty(t, cp.Lines[0].TraceCode)
		require.Equal(t, c.Lines[0].WeightGrams, cp.Lines[0].WeightGrams)
		require.NotEmpty(t, c.Lines[0].TraceCode)
	})
	t.Run("an in-draft links its out leg and keeps trace codes", func(t *testing.T) {
		c := completeContent(t)
		out := model.Document{ID: "BL20260301AAAAAAAA", Family: c.Family, BusinessType: model.BusinessOut, EnterpriseID: "91320583MA1AAAAA0A",
			Head: c.Head, Lines: c.Lines}
		in, err := docdrafts.IncomingContent(out, "")
		require.NoError(t, err)
		require.Equal(t, model.BusinessIn, in.BusinessType)
		require.Equal(t, out.ID, in.Head.LinkedDocumentID)
		require.Equal(t, out.EnterpriseID, in.Head.CounterpartyID)
		require.Empty(t, in.Head.AccountBookNo, "the transferor's account book is not the transferee's")
		require.Equal(t, out.Lines, in.Lines)
		in, err = docdrafts.IncomingContent(out, "T2310W000002")
		require.NoError(t, err)
		require.Equal(t, "T2310W000002", in.Head.AccountBookNo, "the transferee's own book, from basic data")
		_, err = docdrafts.IncomingContent(model.Document{ID: "HZ1", Family: model.FamilyChecklist, BusinessType: model.BusinessExit}, "")
		require.Error(t, err)
	})
}
