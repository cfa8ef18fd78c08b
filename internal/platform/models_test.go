package platform

import (
	"context"
	"log/slog"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
	"zonetrace/indexer"
	"zonetrace/internal/apiclient"
)

// TestValidationModelsThroughTheGateway: customs' admin enables the price,
// high-value and origin models; the next declarations carry their tags —
// reason, offending fields, model and configuration version — in the
// indexed document, at and around each threshold, and a rebuild of the
// read model from the ledger reproduces them.
func TestValidationModelsThroughTheGateway(t *testing.T) {
	ctx := context.Background()
	m := newMarket(t)
	require.NoError(t, m.admin.Post(ctx, "/api/v1/users", map[string]string{"username": "rules-admin", "password": testPassword,
		"displayName": "Chief Wang", "role": "customs_admin"}, nil))
	chief := m.client("rules-admin")

	var current model.RuleConfig
	require.NoError(t, chief.Get(ctx, "/api/v1/rules/config", &current))
	draft := current.RuleConfigDraft
	draft.Tags = append(draft.Tags,
		model.TagDef{Code: model.TagPriceAnomaly, NameZh: "价格异常", Category: "价格校验", Colour: "#FA8C16"},
		model.TagDef{Code: model.TagHighValue, NameZh: "有高价值", Category: "高价值校验", Colour: "#531DAB"},
		model.TagDef{Code: model.TagOriginMismatch, NameZh: "原产地不一致", Category: "原产地校验", Colour: "#CF1322"})
	draft.Models = append(draft.Models,
		model.ValidationModel{Code: model.ModelPrice, Tag: model.TagPriceAnomaly, Enabled: true,
			Params: []model.ModelParam{{Name: model.ParamTolerancePermille, Value: 0}}},
		model.ValidationModel{Code: model.ModelHighValue, Tag: model.TagHighValue, Enabled: true,
			Params: []model.ModelParam{{Name: model.ParamThresholdFen, Value: 7200}}},
		model.ValidationModel{Code: model.ModelOrigin, Tag: model.TagOriginMismatch, Enabled: true, Params: []model.ModelParam{}})
	for _, tag := range []string{model.TagPriceAnomaly, model.TagHighValue, model.TagOriginMismatch} {
		draft.Bindings = append(draft.Bindings, model.TagBinding{Tag: tag, Target: string(model.FamilyChecklist), Enabled: true})
	}
	var v1 model.RuleConfig
	_, err := chief.Do(ctx, apiclient.Request{Method: http.MethodPut, Path: "/api/v1/rules/config",
		Body: map[string]any{"baseVersion": current.Version, "config": draft}}, &v1)
	require.NoError(t, err)

	// The batch was prefiled at 7200 fen/kg from Ethiopia.
	priced := func(grams, price int64, origin string) model.DocumentLine {
		l := m.line(grams)
		l.UnitPriceFen, l.ValueFen, l.Origin = price, grams/1000*price, origin
		return l
	}
	entry := func(lines ...model.DocumentLine) model.Document {
		return m.declare(m.a, model.FamilyChecklist, model.BusinessEntry, model.DocumentHead{}, lines...)
	}

	atThreshold := entry(priced(1000, 7200, "ET"))
	require.Empty(t, atThreshold.Tags, "at the batch price and at the high-value threshold")

	justOver := entry(priced(1000, 7201, "ET"))
	require.Len(t, justOver.Tags, 1)
	require.Equal(t, model.Tag{Code: model.TagHighValue, Reason: "有高价值：第1行单价 7201 分/千克，高于高价值阈值 7200 分/千克",
		TxID: justOver.UpdatedTx, ConfigVersion: v1.Version, Model: model.ModelHighValue, Fields: []string{"lines[0].unitPriceFen"}}, justOver.Tags[0])

	// (7100 × 2 + 7300 × 1) / 3 = 7166 < 7200; the second line is dear and from Brazil.
	anomalous := entry(priced(2000, 7100, "ET"), priced(1000, 7300, "BR"))
	want := []model.Tag{
		{Code: model.TagPriceAnomaly, Reason: "价格异常：申报加权平均单价 7166 分/千克，低于溯源批次加权平均单价 7200 分/千克（容差 0‰）；第1行申报 7100 分/千克，批次 7200 分/千克",
			Fields: []string{"lines[0].unitPriceFen"}, Model: model.ModelPrice},
		{Code: model.TagHighValue, Reason: "有高价值：第2行单价 7300 分/千克，高于高价值阈值 7200 分/千克",
			Fields: []string{"lines[1].unitPriceFen"}, Model: model.ModelHighValue},
		{Code: model.TagOriginMismatch, Reason: "原产地不一致：第2行申报原产地 BR，溯源码 " + m.code + " 记录的原产地 ET",
			Fields: []string{"lines[1].origin"}, Model: model.ModelOrigin},
	}
	for i := range want {
		want[i].TxID, want[i].ConfigVersion = anomalous.UpdatedTx, v1.Version
	}
	require.Equal(t, want, anomalous.Tags)

	indexed := m.document(m.customs, anomalous.ID)
	require.Equal(t, want, indexed.Tags)
	require.True(t, indexed.Abnormal)
	require.False(t, m.document(m.customs, atThreshold.ID).Abnormal)

	// A rebuild of the read model from block 0 reproduces every tag.
	state := m.state()
	kind := LedgerEmbedded
	if m.fabricConnection != "" {
		kind = LedgerFabric
	}
	l, err := OpenReadLedger(ctx, kind, m.dir, m.fabricConnection, slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	defer l.Close()
	require.NoError(t, indexer.Rebuild(ctx, m.Pool, l, indexer.WithSealer(m.Sealer)))
	rebuilt, err := indexer.TableDigest(ctx, m.Pool)
	require.NoError(t, err)
	require.Equal(t, state.tables, rebuilt)
	require.Equal(t, want, m.document(m.customs, anomalous.ID).Tags)
}
