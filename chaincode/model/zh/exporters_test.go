package zh_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
	"zonetrace/chaincode/model/zh"
)

// Every field the exporter registry's checks name reads as Chinese, in a
// form and in an import's rows alike.
func TestExporterFieldsHaveLabels(t *testing.T) {
	t.Parallel()
	bad := model.ExporterEntry{RegNo: "\x01", Country: "ZZ", Products: "\x02", RegisteredOn: "x", ExpiresOn: "y", Status: "z"}
	ps := append(model.CheckExporterEntry("exporter", bad), model.CheckExporterEntry("exporterRows[4]", bad)...)
	ps = append(ps, model.Problem{Field: "exporterId"}, model.Problem{Field: "exporter.reason"})
	require.Greater(t, len(ps), 12)
	for _, p := range ps {
		label, ok := zh.Label(p.Field)
		require.True(t, ok, "field %s has no label", p.Field)
		require.Empty(t, zh.EnglishWords(label, nil), "label of %s", p.Field)
	}
	require.Equal(t, "第5行的有效期至", must(zh.Label("exporterRows[4].expiresOn")))
	require.Equal(t, "境外出口商备案号", must(zh.Label("exporter.regNo")))
}
