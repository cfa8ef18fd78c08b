package query_test

import (
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
	"zonetrace/indexer"
	"zonetrace/indexer/internal/blockfeed"
	"zonetrace/indexer/query"
	"zonetrace/internal/pgtest"
	"zonetrace/internal/sealing"
	"zonetrace/internal/sealing/sealingtest"
)

// traceWorld is an indexed chain where one batch (traced) enters the zone
// with alpha (10 t, through the gate), passes 3 t to beta in a bonded
// transfer, of which beta converts 1 t to non-bonded; a second batch
// (other) stays with gamma and carries a weight-anomaly tag.
type traceWorld struct {
	*world
	traced, other string
}

const (
	trEntry = "HZ2025030100000011"
	trOut   = "BL2025030100000011"
	trIn    = "BL2025030100000012"
	trConv  = "HZ2025030100000012"
	trOther = "HZ2025030100000013"
	trOver  = "HZ2025030100000014"
)

// newTraceWorld builds the trace world; with a sealer, the indexer seals
// the prices as in production and the reader opens them.
func newTraceWorld(t *testing.T, sealer ...*sealing.Sealer) *traceWorld {
	t.Helper()
	pool := pgtest.NewPool(t)
	require.NoError(t, indexer.Migrate(t.Context(), pool))
	feed := blockfeed.New()
	c := blockfeed.NewChain(feed, time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC))
	w := &traceWorld{world: &world{pool: pool, feed: feed, chain: c, reader: query.New(pool)}}
	c.RegisterEnterprise(alpha, "Alpha Coffee")
	c.RegisterEnterprise(beta, "Beta Trading")
	c.RegisterEnterprise(gamma, "Gamma Roasters")

	d := data("Santos NY2", "BR", "Santos Export SA")
	d.Grade, d.PlantingRegion, d.ProductionDate, d.ShelfLifeDays, d.MaterialNo = "NY2", "Minas Gerais", "2025-01-01", 100, "MAT-1"
	c.Declare(pf(1), alpha, d)
	w.traced = c.Review(pf(1), true, "").TraceCode
	d2 := data("Huila Supremo", "CO", "Huila Cafe SAS")
	d2.AvgPriceFen = 9_000_00
	c.Declare(pf(2), gamma, d2)
	w.other = c.Review(pf(2), true, "").TraceCode

	declare := func(id string, family model.Family, business model.BusinessType, enterprise string, head model.DocumentHead, lines ...model.DocumentLine) {
		c.DeclareDocument(model.Document{ID: id, Family: family, BusinessType: business, EnterpriseID: enterprise,
			Head: head, Lines: lines})
	}
	declare(trEntry, model.FamilyChecklist, model.BusinessEntry, alpha, model.DocumentHead{VehiclePlate: "苏E12345"},
		docLine(1, w.traced, "Santos NY2", 10_000_000), docLine(2, w.other, "Huila Supremo", 1_000))
	c.ReviewDocument(trEntry, "approve", "")
	c.GatePass(trEntry)
	declare(trOut, model.FamilyBondedTransfer, model.BusinessOut, alpha, model.DocumentHead{CounterpartyID: beta},
		docLine(1, w.traced, "Santos NY2", 3_000_000))
	c.ReviewDocument(trOut, "approve", "")
	declare(trIn, model.FamilyBondedTransfer, model.BusinessIn, beta, model.DocumentHead{LinkedDocumentID: trOut},
		docLine(1, w.traced, "Santos NY2", 3_000_000))
	c.ReviewDocument(trIn, "approve", "")
	declare(trConv, model.FamilyChecklist, model.BusinessConversion, beta, model.DocumentHead{},
		docLine(1, w.traced, "Santos NY2", 1_000_000))
	c.ReviewDocument(trConv, "approve", "")
	declare(trOther, model.FamilyChecklist, model.BusinessEntry, gamma, model.DocumentHead{},
		docLine(1, w.other, "Huila Supremo", 2_000_000))
	c.ReviewDocument(trOther, "approve", "")
	c.GatePass(trOther)
	// More than gamma holds: tagged WEIGHT_ANOMALY, a risk tag.
	declare(trOver, model.FamilyChecklist, model.BusinessExit, gamma, model.DocumentHead{},
		docLine(1, w.other, "Huila Supremo", 9_000_000))
	if len(sealer) == 0 {
		w.index(t)
		return w
	}
	height, err := feed.Height(t.Context())
	require.NoError(t, err)
	require.NoError(t, indexer.New(pool, feed, indexer.WithSealer(sealer[0])).CatchUp(t.Context(), height))
	w.reader = query.New(pool, query.WithSealer(sealer[0]))
	return w
}

func TestTraceHistoryOpensSealedPrices(t *testing.T) {
	w := newTraceWorld(t, sealingtest.New(t))
	var stored string
	require.NoError(t, w.pool.QueryRow(t.Context(), `SELECT doc->'lines'->0->>'unitPriceFen' FROM documents WHERE id = $1`, trEntry).Scan(&stored))
	require.True(t, sealing.IsSealed(stored), "the indexer sealed the price")
	h, err := w.reader.TraceHistory(t.Context(), w.traced)
	require.NoError(t, err)
	for _, d := range h.Documents {
		want := w.chain.Document(d.ID)
		for _, l := range d.Lines {
			i := slices.IndexFunc(want.Lines, func(x model.DocumentLine) bool { return x.Seq == l.Seq })
			assert.Equal(t, want.Lines[i], l, d.ID)
		}
	}
	assert.Equal(t, int64(3_800_00), h.Prefiling.Data.AvgPriceFen)

	_, err = query.New(w.pool).TraceHistory(t.Context(), w.traced)
	require.Error(t, err, "sealed prices without the keys")
}

func TestTraceHistory(t *testing.T) {
	w := newTraceWorld(t)
	h, err := w.reader.TraceHistory(t.Context(), w.traced)
	require.NoError(t, err)

	assert.Equal(t, w.traced, h.TraceCode.Code)
	assert.Equal(t, pf(1), h.Prefiling.ID)
	assert.Equal(t, "Alpha Coffee", h.Prefiling.EnterpriseName)
	assert.Equal(t, "NY2", h.Prefiling.Data.Grade)
	require.Len(t, h.Prefiling.Steps, 2)
	assert.Equal(t, model.ActionApprove, h.Prefiling.Steps[1].Action)

	docIDs := []string{}
	for _, d := range h.Documents {
		docIDs = append(docIDs, d.ID)
		for _, l := range d.Lines {
			assert.Equal(t, w.traced, l.TraceCode, "only the batch's lines")
		}
		assert.Equal(t, w.chain.Document(d.ID).Steps, d.Steps, d.ID)
	}
	assert.Equal(t, []string{trEntry, trOut, trIn, trConv}, docIDs)
	assert.Len(t, h.Documents[0].Lines, 1)
	assert.Equal(t, int64(38_00), h.Documents[0].Lines[0].UnitPriceFen)

	var moved []model.Movement
	for _, id := range docIDs {
		moved = append(moved, w.chain.Movements(id)...)
	}
	kinds := []model.MovementKind{}
	for _, m := range h.Movements {
		kinds = append(kinds, m.Kind)
	}
	assert.Equal(t, []model.MovementKind{model.MoveZoneEntry, model.MoveTransfer, model.MoveConversion}, kinds)
	for i := range h.Movements {
		if m := h.Movements[i]; m.DocumentID != trEntry || m.LineSeq == 1 {
			assert.Contains(t, moved, m)
		}
	}

	require.Len(t, h.GateEvents, 1)
	assert.Equal(t, trEntry, h.GateEvents[0].DocumentID)
	assert.Equal(t, model.MoveZoneEntry, h.GateEvents[0].Direction)
	assert.Equal(t, "苏E12345", h.GateEvents[0].VehiclePlate)

	assert.Equal(t, []string{alpha, beta}, h.Path)
	require.Len(t, h.Holders, 2)
	assert.Equal(t, query.TraceHolder{EnterpriseID: alpha, EnterpriseName: "Alpha Coffee", BondedGrams: 7_000_000,
		Current: true, FirstReceivedAt: h.Movements[0].At}, h.Holders[0])
	assert.Equal(t, query.TraceHolder{EnterpriseID: beta, EnterpriseName: "Beta Trading", BondedGrams: 2_000_000,
		NonBondedGrams: 1_000_000, Current: true, FirstReceivedAt: h.Movements[1].At}, h.Holders[1])
	assert.Equal(t, map[string]string{alpha: "Alpha Coffee", beta: "Beta Trading"}, h.Enterprises)

	_, err = w.reader.TraceHistory(t.Context(), "TCNOSUCH000001X")
	require.ErrorIs(t, err, query.ErrNotFound)
}

func TestSearchTraces(t *testing.T) {
	w := newTraceWorld(t)
	today := time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		name   string
		filter query.TraceFilter
		want   []string
	}{
		{"all, newest issued first", query.TraceFilter{}, []string{w.other, w.traced}},
		{"held by beta", query.TraceFilter{HolderID: beta}, []string{w.traced}},
		{"issued to gamma", query.TraceFilter{HolderID: gamma}, []string{w.other}},
		{"producer", query.TraceFilter{Producer: "santos"}, []string{w.traced}},
		{"grade", query.TraceFilter{Grade: "NY2"}, []string{w.traced}},
		{"region", query.TraceFilter{Region: "minas"}, []string{w.traced}},
		{"origin", query.TraceFilter{Origin: "CO"}, []string{w.other}},
		{"material no", query.TraceFilter{MaterialNo: "MAT-1"}, []string{w.traced}},
		{"tag", query.TraceFilter{Tag: model.TagWeightAnomaly}, []string{w.other}},
		{"high risk", query.TraceFilter{HighRisk: true}, []string{w.other}},
		{"high value", query.TraceFilter{HighValue: true}, []string{}},
		{"document", query.TraceFilter{DocumentID: trConv}, []string{w.traced}},
		{"document of both", query.TraceFilter{DocumentID: trEntry}, []string{w.other, w.traced}},
		{"vehicle plate", query.TraceFilter{VehiclePlate: "苏E12345"}, []string{w.other, w.traced}},
		{"conversions", query.TraceFilter{MovementKind: model.MoveConversion}, []string{w.traced}},
		{"moved before", query.TraceFilter{Until: time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)}, []string{}},
		{"moved after", query.TraceFilter{Since: time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)}, []string{w.other, w.traced}},
		// 2025-01-01 + 100 days = 2025-04-11: within 30 days of today.
		{"near expiry", query.TraceFilter{NearExpiryDays: 30, Today: today}, []string{w.traced}},
		{"not near expiry", query.TraceFilter{NearExpiryDays: 5, Today: today}, []string{}},
		{"price at least", query.TraceFilter{MinPriceFen: 5_000_00}, []string{w.other}},
		{"price at most", query.TraceFilter{MaxPriceFen: 5_000_00}, []string{w.traced}},
		{"quarantine", query.TraceFilter{Quarantine: model.QuarantinePending}, []string{w.other, w.traced}},
		// Alpha is no party of gamma's tagged exit, nor issued gamma's batch.
		{"tag, alpha's records only", query.TraceFilter{Tag: model.TagWeightAnomaly, PartyID: alpha}, []string{}},
		{"tag, gamma's records", query.TraceFilter{Tag: model.TagWeightAnomaly, PartyID: gamma}, []string{w.other}},
		{"high risk, alpha's records only", query.TraceFilter{HighRisk: true, PartyID: alpha}, []string{}},
		{"price, alpha's batches only", query.TraceFilter{MinPriceFen: 1, PartyID: alpha}, []string{w.traced}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			page, err := w.reader.SearchTraces(t.Context(), tc.filter)
			require.NoError(t, err)
			got := []string{}
			for _, s := range page.Items {
				got = append(got, s.TraceCode.Code)
			}
			assert.Equal(t, tc.want, got)
			assert.Equal(t, len(tc.want), page.Total)
		})
	}

	page, err := w.reader.SearchTraces(t.Context(), query.TraceFilter{Grade: "NY2"})
	require.NoError(t, err)
	require.Len(t, page.Items, 1)
	assert.Equal(t, "2025-04-11", page.Items[0].ExpiresOn)
	assert.Equal(t, "Alpha Coffee", page.Items[0].EnterpriseName)
	assert.Equal(t, []string{}, page.Items[0].Tags)
	for party, want := range map[string][]string{"": {model.TagWeightAnomaly}, gamma: {model.TagWeightAnomaly}, alpha: {}} {
		page, err := w.reader.SearchTraces(t.Context(), query.TraceFilter{Origin: "CO", PartyID: party})
		require.NoError(t, err)
		require.Len(t, page.Items, 1)
		assert.Equal(t, want, page.Items[0].Tags, party)
	}

	for _, bad := range []query.TraceFilter{{Page: -1}, {Quarantine: "maybe"}, {MovementKind: "teleport"}, {NearExpiryDays: 3}} {
		_, err := w.reader.SearchTraces(t.Context(), bad)
		require.ErrorIs(t, err, query.ErrInvalidFilter)
	}
}
