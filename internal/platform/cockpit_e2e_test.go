package platform

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/service/cockpit"
	"zonetrace/internal/apiclient"
)

// TestCockpitThroughTheGateway: with the real chaincode and a sealed
// mirror, a batch entering the zone and partly leaving it shows in the
// cockpit as the import and export of its lines, in the rankings and
// ticket shares, and as the stock left valued at the batch's price.
func TestCockpitThroughTheGateway(t *testing.T) {
	ctx := context.Background()
	m := newMarket(t)
	w := m.batch.WeightGrams
	in, out := m.line(w/2), m.line(w/8)

	entry := m.declare(m.a, model.FamilyChecklist, model.BusinessEntry, model.DocumentHead{}, in)
	m.customsReceipt(entry.ID, "1")
	require.NoError(t, m.gatePass(entry.ID))
	exit := m.declare(m.a, model.FamilyChecklist, model.BusinessExit, model.DocumentHead{}, out)
	m.customsReceipt(exit.ID, "1")
	require.NoError(t, m.gatePass(exit.ID))

	now := time.Now().In(model.ZoneTime)
	var o cockpit.Overview
	require.NoError(t, m.customs.Get(ctx, "/api/v1/cockpit/overview", &o))
	require.Equal(t, now.Year(), o.Year)
	require.Equal(t, in.WeightGrams, o.Trade.Import.Grams)
	require.Equal(t, in.ValueFen, o.Trade.Import.ValueFen)
	require.Equal(t, out.ValueFen, o.Trade.Export.ValueFen)
	month := o.Trade.Months[now.Month()-1]
	require.Equal(t, in.ValueFen, month.Import.ValueFen, "the import is in this month")
	require.Len(t, o.Importers.Top, 1)
	require.Equal(t, enterpriseA, o.Importers.Top[0].Key)
	require.Equal(t, "昆山咖啡进口有限公司", o.Importers.Top[0].Name)
	require.Equal(t, m.batch.Origin, o.Countries.Top[0].Key)
	require.Equal(t, m.batch.ExporterName, o.Exporters.Top[0].Key)
	require.Len(t, o.Tickets.Enterprises, 1)
	require.Equal(t, [2]int64{1, 1}, [2]int64{o.Tickets.Enterprises[0].Inbound, o.Tickets.Enterprises[0].Outbound})
	held := in.WeightGrams - out.WeightGrams
	require.Equal(t, held, o.Stock.Total.Grams)
	require.Equal(t, held, o.Stock.Bonded.Grams)
	require.Equal(t, held*m.batch.AvgPriceFen/1000, o.Stock.Total.ValueFen, "valued at the batch's average price")

	var p cockpit.Prices
	require.NoError(t, m.customs.Get(ctx, "/api/v1/cockpit/prices", &p))
	require.Len(t, p.Points, 1)
	require.Equal(t, in.UnitPriceFen, p.Points[0].AvgPriceFen)
	require.Equal(t, now.Format(time.DateOnly), p.Points[0].Day)

	err := m.a.Get(ctx, "/api/v1/cockpit/overview", &o)
	var apiErr *apiclient.Error
	require.ErrorAs(t, err, &apiErr)
	require.Equal(t, http.StatusForbidden, apiErr.Status)
}
