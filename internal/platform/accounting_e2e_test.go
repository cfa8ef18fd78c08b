package platform

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/service/accounting"
	"zonetrace/indexer/query"
	"zonetrace/internal/apiclient"
)

// TestAccountsThroughTheNode runs goods through the real contract, indexer
// and gateway and reads them back as accounts; a period is defined and
// closed on the ledger and verified against the mirror.
func TestAccountsThroughTheNode(t *testing.T) {
	ctx := context.Background()
	m := newMarket(t)
	w := m.batch.WeightGrams

	entry := m.declare(m.a, model.FamilyChecklist, model.BusinessEntry, model.DocumentHead{}, m.line(w))
	m.customsReceipt(entry.ID, "1")
	require.NoError(t, m.gatePass(entry.ID))
	conv := m.declare(m.a, model.FamilyChecklist, model.BusinessConversion, model.DocumentHead{AccountBookNo: "T3223W000001", SupervisionMode: "0110"}, m.line(w/4))
	m.customsReceipt(conv.ID, "1")

	var stock query.StockPage
	require.NoError(t, m.customs.Get(ctx, "/api/v1/accounts/stock?groupBy=holding&traceCode="+m.code, &stock))
	got := map[string]int64{}
	for _, row := range stock.Items {
		got[holdingKey(row.EnterpriseID, *row.Bonded)] = row.StockGrams
	}
	require.Equal(t, m.stock(), got, "the accounts hold what the chain's balances hold")

	var moves query.AccountMovementPage
	require.NoError(t, m.a.Get(ctx, "/api/v1/accounts/movements?flow=entry&checklistNo="+entry.ID, &moves))
	require.Len(t, moves.Items, 1)
	require.Equal(t, w, moves.Items[0].WeightGrams)
	require.Equal(t, entry.ID, moves.Items[0].DocumentID)
	require.NotEmpty(t, moves.Items[0].GatePassed)
	require.NoError(t, m.b.Get(ctx, "/api/v1/accounts/movements?traceCode="+m.code, &moves))
	require.Empty(t, moves.Items, "another enterprise sees none of A's accounts")

	var pass query.StockPage
	require.NoError(t, m.customs.Get(ctx, "/api/v1/accounts/pass-through?traceCode="+m.code, &pass))
	require.Len(t, pass.Items, 1)
	require.Equal(t, w, pass.Items[0].PassThroughGrams)
	require.Equal(t, w/4, pass.Items[0].ConversionOutGrams)

	// A period that has ended closes once; one still running does not.
	var p model.AccountPeriod
	require.NoError(t, m.a.Post(ctx, "/api/v1/accounts/periods", accounting.PeriodDefinition{PeriodID: "2020", From: "2020-01-01", To: "2020-12-31"}, &p))
	require.Equal(t, model.PeriodOpen, p.Status)
	require.NoError(t, m.a.Post(ctx, "/api/v1/accounts/periods", accounting.PeriodDefinition{PeriodID: "ALL", From: "2020-01-01", To: "2099-12-31"}, &p))
	var apiErr *apiclient.Error
	err := m.a.Post(ctx, "/api/v1/accounts/periods/"+enterpriseA+"/ALL/close", nil, nil)
	require.ErrorAs(t, err, &apiErr)
	require.Equal(t, 409, apiErr.Status)
	require.Contains(t, apiErr.MessageZh, "结束后才能结算")

	var closing accounting.Closing
	require.NoError(t, m.a.Post(ctx, "/api/v1/accounts/periods/"+enterpriseA+"/2020/close", nil, &closing))
	require.Equal(t, model.PeriodClosed, closing.Period.Status)
	require.Equal(t, model.PeriodTotalsHash(closing.Period, closing.Figures), closing.Period.TotalsHash)
	var check query.PeriodCheck
	require.NoError(t, m.customs.Get(ctx, "/api/v1/accounts/periods/"+enterpriseA+"/2020/verification", &check))
	require.True(t, check.Matches)
	require.Equal(t, closing.Period.TotalsHash, check.KeptHash)

	// The running period's figures hold the year's movements.
	var figures accounting.PeriodFigures
	require.NoError(t, m.a.Get(ctx, "/api/v1/accounts/periods/"+enterpriseA+"/ALL/figures", &figures))
	require.Len(t, figures.Figures, 2)
	for _, f := range figures.Figures {
		require.True(t, f.Balanced(), "%+v", f)
		require.Equal(t, got[holdingKey(enterpriseA, f.Bonded)], f.ClosingGrams)
	}
}
