package indexer_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
	"zonetrace/indexer/query"
)

// The tag catalogue every role renders comes from the newest version the
// mirror holds, and from the built-in defaults before customs wrote one.
func TestCurrentTagsFollowTheNewestVersion(t *testing.T) {
	t.Parallel()
	f := setup(t)
	f.catchUp(t)
	reader := query.New(f.pool)

	version, tags, err := reader.CurrentTags(t.Context())
	require.NoError(t, err)
	require.Equal(t, 0, version)
	require.Equal(t, model.DefaultRuleConfig().Tags, tags)

	draft := func(tags ...model.TagDef) model.RuleConfigDraft {
		return model.RuleConfigDraft{Tags: tags, Models: []model.ValidationModel{}, Bindings: []model.TagBinding{}, Rules: []model.ReviewRule{}}
	}
	origin := model.TagDef{Code: "ORIGIN_MISMATCH", NameZh: "原产地不一致", Category: "原产地", Colour: "#722ED1"}
	price := model.TagDef{Code: "PRICE_ANOMALY", NameZh: "价格异常", Category: "价格", Colour: "#FA8C16", Description: "申报单价偏离"}
	f.chain.PutRuleConfig(draft(origin))
	second := f.chain.PutRuleConfig(draft(price, origin))
	f.catchUp(t)

	version, tags, err = reader.CurrentTags(t.Context())
	require.NoError(t, err)
	require.Equal(t, second.Version, version)
	require.Equal(t, []model.TagDef{price, origin}, tags)

	f.chain.PutRuleConfig(draft())
	f.catchUp(t)
	_, tags, err = reader.CurrentTags(t.Context())
	require.NoError(t, err)
	require.Equal(t, []model.TagDef{}, tags, "an emptied catalogue is empty, not the defaults")
}
