package drafts_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/drafts"
	"zonetrace/gateway/validation"
)

func completeData() model.PrefilingData {
	return model.PrefilingData{
		Commodity: "coffee", ProductName: "Yirgacheffe G1 green beans", HSCode: "0901110000", Origin: "ET",
		ExporterName: "Addis Coffee Export PLC", QuarantineResult: model.QuarantinePending,
		AvgPriceFen: 4500, Currency: "USD", WeightGrams: 19_200_000, ProductionDate: "2025-11-03",
		Attachments: []model.Attachment{{Kind: model.AttachmentOriginCertificate, Name: "co.pdf", SHA256: strings.Repeat("ab", 32), Size: 1024}},
	}
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
		change func(*model.PrefilingData)
		want   []string
	}{
		{"a complete draft has no warnings", func(*model.PrefilingData) {}, []string{}},
		{"an 8-digit HS code is accepted", func(d *model.PrefilingData) { d.HSCode = "09011100" }, []string{}},
		{"a 9-digit HS code is not", func(d *model.PrefilingData) { d.HSCode = "090111000" }, []string{"data.hsCode"}},
		{"an unknown country is flagged", func(d *model.PrefilingData) { d.Origin = "XX" }, []string{"data.origin"}},
		{"a lowercase country is flagged", func(d *model.PrefilingData) { d.Origin = "et" }, []string{"data.origin"}},
		{"zero weight and price are flagged", func(d *model.PrefilingData) { d.WeightGrams, d.AvgPriceFen = 0, -1 }, []string{"data.avgPriceFen", "data.weightGrams"}},
		{"an unknown currency is flagged", func(d *model.PrefilingData) { d.Currency = "XYZ" }, []string{"data.currency"}},
		{"a bad production date is flagged", func(d *model.PrefilingData) { d.ProductionDate = "2025-13-01" }, []string{"data.productionDate"}},
		{"a missing quarantine result is flagged", func(d *model.PrefilingData) { d.QuarantineResult = "" }, []string{"data.quarantineResult"}},
		{"an unknown quarantine result is flagged once", func(d *model.PrefilingData) { d.QuarantineResult = "maybe" }, []string{"data.quarantineResult"}},
		{"an empty draft lists every required field", func(d *model.PrefilingData) { *d = model.PrefilingData{} },
			[]string{"data.avgPriceFen", "data.commodity", "data.currency", "data.exporterName", "data.hsCode", "data.origin", "data.productName", "data.quarantineResult", "data.weightGrams"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := completeData()
			tc.change(&d)
			w := drafts.Warnings(d)
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
	t.Run("an incomplete draft is still acceptable", func(t *testing.T) {
		require.NoError(t, drafts.CheckShape(model.PrefilingData{ProductName: "x"}))
	})
	t.Run("an unknown enum value is refused", func(t *testing.T) {
		d := completeData()
		d.Attachments[0].Kind = "selfie"
		var p validation.Problems
		require.ErrorAs(t, drafts.CheckShape(d), &p)
		require.Equal(t, []string{"data.attachments[0].kind"}, fields(p))
	})
	t.Run("a NUL is refused even in a draft", func(t *testing.T) {
		var p validation.Problems
		require.ErrorAs(t, drafts.CheckShape(model.PrefilingData{ProductName: "咖啡\x00"}), &p)
		require.Equal(t, []string{"data.productName"}, fields(p))
		require.Equal(t, model.RuleControlCharacter, p[0].Rule)
		require.Equal(t, "商品名称第3个字符是不可见的控制字符，请删除", p[0].MessageZh)
	})
	t.Run("oversized text is refused", func(t *testing.T) {
		var p validation.Problems
		require.ErrorAs(t, drafts.CheckShape(model.PrefilingData{Grade: strings.Repeat("码", model.MaxTextLength+1)}), &p)
		require.Equal(t, []string{"data.grade"}, fields(p))
	})
}

func TestNewPrefilingID(t *testing.T) {
	t.Parallel()
	t.Run("the date is the Shanghai date", func(t *testing.T) {
		id, err := drafts.NewPrefilingID(time.Date(2025, 3, 1, 17, 0, 0, 0, time.UTC)) // 01:00 on the 2nd in Shanghai
		require.NoError(t, err)
		require.Regexp(t, model.PrefilingIDPattern, id)
		require.Equal(t, "PF20250302", id[:10])
	})
	t.Run("ids differ", func(t *testing.T) {
		a, err := drafts.NewPrefilingID(time.Now())
		require.NoError(t, err)
		b, err := drafts.NewPrefilingID(time.Now())
		require.NoError(t, err)
		require.NotEqual(t, a, b)
	})
}

func TestCopyData(t *testing.T) {
	t.Parallel()
	d := completeData()
	d.QuarantineBatchNo = "Q123"
	c := drafts.CopyData(d)
	require.Empty(t, c.Attachments)
	require.NotNil(t, c.Attachments)
	require.Empty(t, c.QuarantineResult)
	require.Empty(t, c.QuarantineBatchNo)
	require.Equal(t, d.ProductName, c.ProductName)
	require.Len(t, d.Attachments, 1, "the original is untouched")
}

func TestNewID(t *testing.T) {
	t.Parallel()
	uuid := `^[0-9a-f]{8}-[0-9a-f]{4}-[45][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`
	a, err := drafts.NewID("k1")
	require.NoError(t, err)
	b, err := drafts.NewID("k1")
	require.NoError(t, err)
	c, err := drafts.NewID("")
	require.NoError(t, err)
	require.Equal(t, a, b, "a seed gives the same id")
	require.Regexp(t, uuid, a)
	require.Regexp(t, uuid, c)
	require.NotEqual(t, a, c)
}
