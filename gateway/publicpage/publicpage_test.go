package publicpage_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/publicpage"
	"zonetrace/gateway/service/publictrace"
)

func TestDeclaredTextIsEscaped(t *testing.T) {
	t.Parallel()
	page, err := publicpage.Trace(publictrace.View{Code: "KSCF261126000071", ProductName: `<script>alert("x")</script>`,
		Origin: "BR", Grade: `"><img src=x onerror=alert(1)>`, Quarantine: model.QuarantinePending,
		Stages: []publictrace.Stage{{Kind: model.MoveZoneExit, On: "2026-12-01"}}})
	require.NoError(t, err)
	html := string(page)
	require.NotContains(t, html, "<script")
	require.NotContains(t, html, "<img")
	require.Contains(t, html, "&lt;script&gt;")
	require.Contains(t, html, "巴西", "the origin in Chinese")
	require.Contains(t, html, "待检疫")
	require.Contains(t, html, "离开综保区")
	require.NotContains(t, html, "区块哈希", "no hash line without a mirrored block")
}

func TestMessageIsEscaped(t *testing.T) {
	t.Parallel()
	require.Contains(t, string(publicpage.Message("<b>x</b>")), "&lt;b&gt;x&lt;/b&gt;")
}
