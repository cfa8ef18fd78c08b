package enterprises_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/accounts"
	"zonetrace/gateway/apierror"
	"zonetrace/gateway/service/enterprises"
	"zonetrace/gateway/service/ledgertx"
	"zonetrace/gateway/service/servicetest"
	"zonetrace/gateway/validation"
)

const entA = "91320583MA1AAAAA0A"

// TestEnterpriseAdministration runs edit, disable and enable on the real
// chaincode.
func TestEnterpriseAdministration(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	node := servicetest.New(t)
	svc := &enterprises.Service{Identities: node.Identities, Ledger: ledgertx.Submitter{Ledger: node.Ledger}}
	_, err := svc.Register(ctx, "reg-a", enterprises.Registration{ID: entA, Name: "甲咖啡", Kind: model.KindImporter})
	require.NoError(t, err)

	t.Run("an edit changes name, kind and customs code on the ledger", func(t *testing.T) {
		changed, err := svc.Update(ctx, "edit-1", entA, enterprises.Edit{Name: "甲咖啡贸易", Kind: model.KindTrader, CustomsCode: "3223960001"})
		require.NoError(t, err)
		require.NotNil(t, changed.Tx)
		require.Equal(t, "甲咖啡贸易", changed.Enterprise.Name)
		require.Equal(t, model.KindTrader, changed.Enterprise.Kind)
		require.Equal(t, model.EnterpriseActive, changed.Enterprise.Status)

		again, err := svc.Update(ctx, "edit-1", entA, enterprises.Edit{Name: "甲咖啡贸易", Kind: model.KindTrader, CustomsCode: "3223960001"})
		require.NoError(t, err, "a repeated request answers with the record")
		require.Equal(t, changed.Enterprise, again.Enterprise)
	})
	t.Run("bad input is refused before the ledger", func(t *testing.T) {
		height := node.Height(t)
		_, err := svc.Update(ctx, "edit-2", entA, enterprises.Edit{Name: "", Kind: "smuggler"})
		var p validation.Problems
		require.ErrorAs(t, err, &p)
		require.Len(t, p, 2)
		_, err = svc.SetStatus(ctx, "status-x", entA, "suspended")
		require.ErrorAs(t, err, &p)
		require.Equal(t, "status", p[0].Field)
		require.Equal(t, height, node.Height(t))
	})
	t.Run("an unknown enterprise is 404", func(t *testing.T) {
		_, err := svc.SetStatus(ctx, "status-0", "91320583MA3WWWWW3C", model.EnterpriseDisabled)
		require.Equal(t, 404, apierror.From(err).Status)
	})
	t.Run("a disabled enterprise's identity is refused until enabled", func(t *testing.T) {
		changed, err := svc.SetStatus(ctx, "status-1", entA, model.EnterpriseDisabled)
		require.NoError(t, err)
		require.Equal(t, model.EnterpriseDisabled, changed.Enterprise.Status)
		clerk, err := node.Identities.For(accounts.User{Username: "ent-a", Role: accounts.RoleEnterprise, EnterpriseID: entA})
		require.NoError(t, err)
		_, err = node.Ledger.Submit(ctx, clerk, "DeclarePrefiling", "declare-1", "PF20261126AAAAAAAA", "{}")
		refusal := apierror.From(err)
		require.Equal(t, 403, refusal.Status)
		require.Equal(t, string(model.ReasonEnterpriseDisabled), refusal.Reason)
		require.Contains(t, refusal.MessageZh, "已停用")

		_, err = svc.SetStatus(ctx, "status-2", entA, model.EnterpriseActive)
		require.NoError(t, err)
		_, err = node.Ledger.Submit(ctx, clerk, "DeclarePrefiling", "declare-2", "PF20261126AAAAAAAA", "{}")
		require.Error(t, err)
		refusal = apierror.From(err)
		require.Equal(t, 422, refusal.Status, "enabled again, the identity reaches the data checks")
	})
}
