package ocr

import (
	"testing"

	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
)

func lines(text ...string) []Line {
	var out []Line
	for _, t := range text {
		out = append(out, TextLines(t)...)
	}
	return out
}

func byName(fields []Field) map[string]Field {
	m := map[string]Field{}
	for _, f := range fields {
		m[f.Name] = f
	}
	return m
}

// TestExtractOrigin: the origin after its label, in English or Chinese, on
// the line or the next, with OCR noise, as the prefiling's code; the
// exporter's address naming another country is not taken.
func TestExtractOrigin(t *testing.T) {
	for _, tc := range []struct {
		name  string
		lines []string
		code  string
		sure  bool
	}{
		{"after the label", []string{"1. Exporter: X LTDA, SANTOS, BRAZIL", "3. Country of origin: COLOMBIA"}, "CO", true},
		{"next line", []string{"3. Country of origin:", "ETHIOPIA"}, "ET", true},
		{"bilingual label and name", []string{"3. 原产国（地区） Country of origin: 哥斯达黎加 COSTA RICA"}, "CR", true},
		{"Chinese only", []string{"原产国：巴西"}, "BR", true},
		{"misread name, flagged", []string{"Country of origin: C0LOMBIA"}, "CO", false},
		{"misread label", []string{"3. Country of orngin:", "BRAZIL"}, "BR", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := byName(Extract(model.AttachmentOriginCertificate, lines(tc.lines...)))[FieldOrigin]
			require.Equal(t, tc.code, f.Value)
			require.Equal(t, CountryZh(tc.code), f.ValueZh)
			require.Equal(t, !tc.sure, f.NeedsReview)
		})
	}
	require.Empty(t, Extract(model.AttachmentOriginCertificate, lines("Country of origin: ATLANTIS")), "no guess")
}

// TestExtractQuarantine: batch number, result (不合格 is not 合格) and date,
// from the rows or, when a label is misread, from the opinion or a date
// anywhere, flagged.
func TestExtractQuarantine(t *testing.T) {
	f := byName(Extract(model.AttachmentQuarantineCertificate, lines(
		"编号：315817164470180", "检疫批次号 331843779565481", "检疫结果 不合格", "签发日期 2023年07月06日")))
	require.Equal(t, "331843779565481", f[FieldQuarantineBatchNo].Value)
	require.Equal(t, string(model.QuarantineUnqualified), f[FieldQuarantineResult].Value)
	require.Equal(t, "2023-07-06", f[FieldQuarantineDate].Value)
	for _, x := range f {
		require.False(t, x.NeedsReview, x.Name)
	}

	f = byName(Extract(model.AttachmentQuarantineCertificate, lines(
		"检疫批次号 3318437795654O1", "MBER 合", "评定意见：上述货物经检验检疫，合格。", "SRAM 2024-02-30", "2024-03-01")))
	require.Equal(t, "331843779565401", f[FieldQuarantineBatchNo].Value, "O read for 0 in a number")
	require.True(t, f[FieldQuarantineBatchNo].NeedsReview)
	require.Equal(t, string(model.QuarantineQualified), f[FieldQuarantineResult].Value, "from the opinion")
	require.Equal(t, "2024-03-01", f[FieldQuarantineDate].Value, "not a calendar date is skipped")
	require.True(t, f[FieldQuarantineDate].NeedsReview)

	f = byName(Extract(model.AttachmentQuarantineCertificate, lines("签发日期 2026年03月2 8")))
	require.Equal(t, "2026-03-02", f[FieldQuarantineDate].Value)
	require.True(t, f[FieldQuarantineDate].NeedsReview, "a day without its 日 may have lost a digit")

	f = byName(Extract(model.AttachmentQuarantineCertificate, lines("签发日期 2023068208")))
	require.Equal(t, "2023-06-20", f[FieldQuarantineDate].Value, "年月日 read as digits")
	require.True(t, f[FieldQuarantineDate].NeedsReview)
}

// TestExtractDateChecks: a number that only looks like a date (the
// certificate's own number read as a run-together date) is no certificate's
// date, and a separator doubled by a speck is still read.
func TestExtractDateChecks(t *testing.T) {
	f := byName(Extract(model.AttachmentQuarantineCertificate, lines("编号:319921092428221", "签发日期 ...")))
	require.NotContains(t, f, FieldQuarantineDate, "3199-10-24 is no certificate's date")

	f = byName(Extract(model.AttachmentQuarantineCertificate, lines("签发日期 2023.-08-25")))
	require.Equal(t, "2023-08-25", f[FieldQuarantineDate].Value)

	f = byName(Extract(model.AttachmentQuarantineCertificate, lines("签发日期 2024年02有12昌")))
	require.Equal(t, "2024-02-12", f[FieldQuarantineDate].Value, "月 misread")
	require.True(t, f[FieldQuarantineDate].NeedsReview)

	f = byName(Extract(model.AttachmentQuarantineCertificate, lines("签发日期 2024有02有12")))
	require.NotContains(t, f, FieldQuarantineDate, "no 年 or 月 left: not taken")

	f = byName(Extract(model.AttachmentQuarantineCertificate, lines("签发日期 1899-08-25")))
	require.NotContains(t, f, FieldQuarantineDate)
}

// TestMerge: a second pass fills what the first missed, a sure reading
// replaces an unsure one, and two sure readings that differ go to a person.
func TestMerge(t *testing.T) {
	sure := func(name, v string, c int) Field { return Field{Name: name, Value: v, Confidence: c} }
	unsure := func(name, v string, c int) Field {
		return Field{Name: name, Value: v, Confidence: c, NeedsReview: true}
	}
	got := byName(merge(
		[]Field{unsure(FieldQuarantineDate, "3199-10-24", 50), sure(FieldQuarantineBatchNo, "331843779565481", 90),
			sure(FieldQuarantineResult, string(model.QuarantineQualified), 85)},
		[]Field{sure(FieldQuarantineDate, "2023-08-25", 96), sure(FieldQuarantineBatchNo, "331843779565487", 92),
			sure(FieldQuarantineResult, string(model.QuarantineQualified), 97), sure(FieldOrigin, "BR", 90)}))
	require.Equal(t, sure(FieldQuarantineDate, "2023-08-25", 96), got[FieldQuarantineDate], "sure over unsure")
	require.Equal(t, unsure(FieldQuarantineBatchNo, "331843779565487", 92), got[FieldQuarantineBatchNo], "the passes disagree")
	require.Equal(t, sure(FieldQuarantineResult, string(model.QuarantineQualified), 97), got[FieldQuarantineResult], "the surer of two equal")
	require.Equal(t, sure(FieldOrigin, "BR", 90), got[FieldOrigin], "read by one pass only")
}

func TestCountriesAreModelCodes(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range countries {
		require.True(t, model.IsCountry(c.Code), c.Code)
		require.False(t, seen[c.Code], c.Code)
		seen[c.Code] = true
	}
}
