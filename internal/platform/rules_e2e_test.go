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

// TestReviewRulesThroughTheGateway: customs' admin writes a review rule, the
// next declaration is decided by it without a restart, a dry run shows what
// a draft would change, and a rebuild of the read model from the ledger
// reproduces every decision with the rule and version that made it.
func TestReviewRulesThroughTheGateway(t *testing.T) {
	ctx := context.Background()
	n := startNode(t)
	admin := n.staffEnterpriseA([]map[string]string{
		{"username": "rules-admin", "displayName": "Chief Wang", "role": "customs_admin"},
		{"username": "officer", "displayName": "Officer Li", "role": "customs_officer"},
	})
	a, chief, officer := n.client("ent-a"), n.client("rules-admin"), n.client("officer")

	declare := func(data model.PrefilingData) model.Prefiling {
		t.Helper()
		var d draftJSON
		require.NoError(t, a.Post(ctx, "/api/v1/prefiling-drafts", map[string]any{"data": data}, &d))
		var p model.Prefiling
		require.NoError(t, a.Post(ctx, "/api/v1/prefiling-drafts/"+d.ID+"/declare", nil, &p))
		return p
	}
	brazil := coffee("Santos NY2")
	brazil.Origin, brazil.ExporterName = "BR", "Santos Export SA"

	var current model.RuleConfig
	require.NoError(t, chief.Get(ctx, "/api/v1/rules/config", &current))
	require.Equal(t, 0, current.Version)
	before := declare(brazil)
	require.Equal(t, model.PrefilingDeclared, before.Status, "no rule yet: customs decides")

	returnBrazil := model.ReviewRule{ID: "br-return", Kind: model.KindPrefiling, Name: "巴西批次退回补正", Priority: 1,
		Condition: `prefiling.origin == "BR" && len(prefiling.attachmentKinds) == 0`, Outcome: model.OutcomeReturn,
		Opinion: "请补充原产地证书后重新申报", Enabled: true}
	draft := current.RuleConfigDraft
	draft.Rules = []model.ReviewRule{returnBrazil}

	// Only customs' admin writes, and a condition must compile.
	put := func(c *apiclient.Client, base int, d model.RuleConfigDraft) apiclient.Request {
		return apiclient.Request{Method: http.MethodPut, Path: "/api/v1/rules/config", Body: map[string]any{"baseVersion": base, "config": d}}
	}
	n.refused(http.StatusForbidden, officer, put(officer, 0, draft))
	broken := draft
	broken.Rules = []model.ReviewRule{returnBrazil}
	broken.Rules[0].Condition = `prefiling.origin = "BR"`
	e := n.refused(http.StatusUnprocessableEntity, chief, put(chief, 0, broken))
	require.Equal(t, "rules[0].condition", e.Details[0].Field)
	require.Contains(t, e.MessageZh, "无法编译")

	var v1 model.RuleConfig
	_, err := chief.Do(ctx, put(chief, 0, draft), &v1)
	require.NoError(t, err)
	require.Equal(t, 1, v1.Version)
	n.refused(http.StatusConflict, chief, put(chief, 0, draft))

	// The next declaration is decided by the rule, with no restart.
	returned := declare(brazil)
	require.Equal(t, model.PrefilingReturned, returned.Status)
	require.Equal(t, returnBrazil.Opinion, returned.ReturnReason)
	require.Equal(t, &model.RuleRef{RuleID: "br-return", ConfigVersion: 1}, returned.Steps[1].DecidedBy)
	ethiopia := declare(coffee("耶加雪菲 G1"))
	require.Equal(t, model.PrefilingDeclared, ethiopia.Status)
	require.Equal(t, model.OutcomeNone, ethiopia.AutoReview.Outcome)

	// A dry run of a pass rule for Ethiopian batches over the newest three.
	passEthiopia := model.ReviewRule{ID: "et-pass", Kind: model.KindPrefiling, Name: "埃塞俄比亚合格批次通过", Priority: 5,
		Condition: `prefiling.origin == "ET" && prefiling.quarantineResult == "qualified"`, Outcome: model.OutcomePass, Enabled: true}
	var dry model.DryRunResult
	require.NoError(t, officer.Post(ctx, "/api/v1/rules/dry-run", map[string]any{"rule": passEthiopia, "limit": 3}, &dry))
	require.Len(t, dry.Items, 3)
	require.Equal(t, 1, dry.Matched)
	require.Equal(t, 2, dry.Changed, "the Ethiopian batch would pass; the pre-rule Brazilian one would now be returned")
	byID := map[string]model.DryRunItem{}
	for _, it := range dry.Items {
		byID[it.ID] = it
	}
	require.Equal(t, model.OutcomePass, byID[ethiopia.ID].Would.Outcome)
	require.False(t, byID[returned.ID].Changed)
	require.True(t, byID[before.ID].Changed)

	var versions struct {
		Items []model.RuleVersionSummary `json:"items"`
	}
	require.NoError(t, admin.Get(ctx, "/api/v1/rules/versions", &versions))
	require.Len(t, versions.Items, 1)
	require.Equal(t, v1.ChangedTx, versions.Items[0].ChangedTx)
	require.Equal(t, model.CustomsMSP, versions.Items[0].ChangedBy.MspID)

	// The read model shows who decided; a rebuild from block 0 reproduces it.
	var view model.Prefiling
	require.NoError(t, officer.Get(ctx, "/api/v1/prefilings/"+returned.ID, &view))
	require.Equal(t, returned.Steps, view.Steps)
	state := n.state()
	kind := LedgerEmbedded
	if n.fabricConnection != "" {
		kind = LedgerFabric
	}
	l, err := OpenReadLedger(ctx, kind, n.dir, n.fabricConnection, slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	defer l.Close()
	require.NoError(t, indexer.Rebuild(ctx, n.Pool, l, indexer.WithSealer(n.Sealer)))
	rebuilt, err := indexer.TableDigest(ctx, n.Pool)
	require.NoError(t, err)
	require.Equal(t, state.tables, rebuilt)
	require.NoError(t, officer.Get(ctx, "/api/v1/prefilings/"+returned.ID, &view))
	require.Equal(t, &model.RuleRef{RuleID: "br-return", ConfigVersion: 1}, view.Steps[1].DecidedBy)
}
