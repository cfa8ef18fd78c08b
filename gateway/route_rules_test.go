package gateway

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/service/rules"
)

// The model list is for the rule readers; the tag catalogue for everyone
// logged in, enterprises included, and nobody else.
func TestRuleModelsAndTagCatalogueAccess(t *testing.T) {
	t.Parallel()
	e := setup(t)

	r := e.do(e.login("officer"), "GET", "/api/v1/rules/models", nil, nil)
	require.Equal(t, 200, r.Code, r.Body.String())
	var models struct {
		Items []rules.ModelSpec `json:"items"`
	}
	require.NoError(t, json.Unmarshal(r.Body.Bytes(), &models))
	require.Len(t, models.Items, len(model.ModelSpecs))
	var weight *rules.ModelSpec
	for i, m := range models.Items {
		if m.Code == model.ModelWeight {
			weight = &models.Items[i]
		}
	}
	require.NotNil(t, weight)
	require.Equal(t, model.TagWeightAnomaly, weight.Tag)
	require.Equal(t, int64(model.MaxWeightGrams), weight.Params[0].Max)

	for _, who := range []string{"ent-a", "auditor"} {
		r := e.do(e.login(who), "GET", "/api/v1/rules/models", nil, nil)
		require.Equal(t, 403, r.Code, who)
		require.Equal(t, "FORBIDDEN", r.code(t))
	}

	for _, who := range []string{"ent-a", "officer", "admin", "auditor"} {
		r := e.do(e.login(who), "GET", "/api/v1/tags", nil, nil)
		require.Equal(t, 200, r.Code, who)
		var cat rules.TagCatalogue
		require.NoError(t, json.Unmarshal(r.Body.Bytes(), &cat))
		require.Equal(t, rules.TagCatalogue{Version: 0, Items: model.DefaultRuleConfig().Tags}, cat, who)
	}
	require.Equal(t, 401, e.do("", "GET", "/api/v1/tags", nil, nil).Code)
	require.Equal(t, 401, e.do("", "GET", "/api/v1/rules/models", nil, nil).Code)
}
