package traces_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/accounts"
	"zonetrace/gateway/apierror"
	"zonetrace/gateway/docdrafts"
	"zonetrace/gateway/drafts"
	"zonetrace/gateway/service"
	"zonetrace/gateway/service/documents"
	"zonetrace/gateway/service/enterprises"
	"zonetrace/gateway/service/ledgertx"
	"zonetrace/gateway/service/prefilings"
	"zonetrace/gateway/service/servicetest"
	"zonetrace/gateway/service/traces"
	"zonetrace/gateway/validation"
	"zonetrace/indexer"
	"zonetrace/indexer/query"
)

const (
	entA = "91320583MA1TRACE0A" // issuer: enters 10 kg, passes 4 kg to B
	entB = "91320583MA1TRACE0B" // past holder: passes all 4 kg on to C
	entC = "91320583MA1TRACE0C" // current holder
	entD = "91320583MA1TRACE0D" // stranger
)

func clerk(id string) accounts.User {
	return accounts.User{Username: "clerk-" + id[len(id)-1:], Role: accounts.RoleEnterprise, EnterpriseID: id}
}

var (
	officer   = accounts.User{Username: "officer", Role: accounts.RoleCustomsOfficer}
	zoneAdmin = accounts.User{Username: "gate", Role: accounts.RoleZoneAdmin}
)

// world is a real chain mirrored into PostgreSQL where one batch entered
// the zone with A (non-bonded application, through the gate) and went
// A → B → C in non-bonded transfers.
type world struct {
	svc                       *traces.Service
	code                      string
	entry, outAB, outBC       string
	inAB, inBC                string
	avgPriceFen, linePriceFen int64
	prefilingID, vehicle      string
}

func newWorld(t *testing.T) *world {
	t.Helper()
	ctx := context.Background()
	node := servicetest.New(t)
	require.NoError(t, indexer.Migrate(ctx, node.Pool))
	tx := ledgertx.Submitter{Ledger: node.Ledger}
	reg := &enterprises.Service{Identities: node.Identities, Ledger: tx}
	for _, id := range []string{entA, entB, entC, entD} {
		_, err := reg.Register(ctx, "reg-"+id, enterprises.Registration{ID: id, Name: "企业" + id[len(id)-1:], Kind: model.KindTrader})
		require.NoError(t, err)
	}
	reads := query.New(node.Pool)
	index := func() {
		require.NoError(t, indexer.New(node.Pool, node.Ledger, indexer.WithLogger(slog.New(slog.DiscardHandler))).CatchUp(ctx, node.Height(t)))
	}
	pfs := &prefilings.Service{Reads: reads, Drafts: drafts.New(node.Pool), Signers: node.Identities, Ledger: tx}
	docs := &documents.Service{Reads: reads, Drafts: docdrafts.New(node.Pool), Signers: node.Identities, Ledger: tx}
	w := &world{svc: &traces.Service{Reads: reads, Now: func() time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) }},
		avgPriceFen: 7200, linePriceFen: 7300, vehicle: "苏E12345"}
	write := func(u accounts.User, key string) service.Write { return service.Write{Caller: u, RequestID: key} }

	batch := model.PrefilingData{Commodity: "coffee", ProductName: "耶加雪菲", HSCode: "0901110000", Origin: "ET",
		ExporterName: "Union", QuarantineBatchNo: "Q1", QuarantineResult: model.QuarantineQualified, AvgPriceFen: w.avgPriceFen,
		Currency: "CNY", WeightGrams: 19_200_000, Grade: "G1", BatchNo: "B-1", Attachments: []model.Attachment{}}
	d, err := pfs.NewDraft(ctx, write(clerk(entA), "pf-draft"), batch)
	require.NoError(t, err)
	p, err := pfs.Declare(ctx, write(clerk(entA), "pf-declare"), d.ID)
	require.NoError(t, err)
	approved, err := pfs.Review(ctx, write(officer, "pf-review"), p.ID, prefilings.Review{Decision: "approve"})
	require.NoError(t, err)
	var pf model.Prefiling
	require.NoError(t, json.Unmarshal(approved.Payload, &pf))
	w.code, w.prefilingID = pf.TraceCode, pf.ID

	line := func(grams int64) []model.DocumentLine {
		return []model.DocumentLine{{TraceCode: w.code, ProductName: batch.ProductName, HSCode: batch.HSCode, Origin: batch.Origin,
			WeightGrams: grams, UnitPriceFen: w.linePriceFen, ValueFen: grams / 1000 * w.linePriceFen, Currency: "CNY"}}
	}
	declare := func(u accounts.User, key string, c docdrafts.Content) string {
		d, err := docs.NewDraft(ctx, write(u, key+"-draft"), c)
		require.NoError(t, err)
		written, err := docs.Declare(ctx, write(u, key+"-declare"), d.ID)
		require.NoError(t, err)
		return written.ID
	}
	approve := func(id string) {
		_, err := docs.Review(ctx, write(officer, "review-"+id), id, documents.Decision{Decision: "approve"})
		require.NoError(t, err)
	}
	w.entry = declare(clerk(entA), "entry", docdrafts.Content{Family: model.FamilyNonBondedApplication, BusinessType: model.BusinessEntry,
		Head: model.DocumentHead{VehiclePlate: w.vehicle, PlannedDate: "2026-12-01"}, Lines: line(10_000_000)})
	approve(w.entry)
	_, err = docs.GatePass(ctx, write(zoneAdmin, "gate-entry"), w.entry)
	require.NoError(t, err)

	transfer := func(from, to string, grams int64) (out, in string) {
		out = declare(clerk(from), "out-"+to, docdrafts.Content{Family: model.FamilyNonBondedTransfer, BusinessType: model.BusinessOut,
			Head: model.DocumentHead{CounterpartyID: to}, Lines: line(grams)})
		approve(out)
		index()
		incoming, err := docs.IncomingTransfers(ctx, clerk(to))
		require.NoError(t, err)
		require.Len(t, incoming, 1)
		written, err := docs.Declare(ctx, write(clerk(to), "in-"+to), incoming[0].InDraftID)
		require.NoError(t, err)
		approve(written.ID)
		return out, written.ID
	}
	w.outAB, w.inAB = transfer(entA, entB, 4_000_000)
	w.outBC, w.inBC = transfer(entB, entC, 4_000_000)
	index()
	return w
}

func TestTraceHistoryOnTheRealChain(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)

	t.Run("customs sees the whole journey", func(t *testing.T) {
		h, err := w.svc.History(ctx, officer, w.code, traces.ViewAll)
		require.NoError(t, err)
		assert.False(t, h.Withheld)
		assert.Equal(t, []string{entA, entB, entC}, h.Path)
		assert.Equal(t, []string{w.entry, w.outAB, w.inAB, w.outBC, w.inBC}, docIDs(h))
		assert.Equal(t, []model.MovementKind{model.MoveZoneEntry, model.MoveTransfer, model.MoveTransfer}, kinds(h))
		assert.Equal(t, w.avgPriceFen, h.Prefiling.Data.AvgPriceFen)
		require.NotEmpty(t, h.Prefiling.Steps)
		require.Len(t, h.GateEvents, 1)
		assert.Equal(t, w.vehicle, h.GateEvents[0].VehiclePlate)
		held := map[string]int64{}
		for _, o := range h.Holders {
			held[o.EnterpriseID] = o.NonBondedGrams + o.BondedGrams
		}
		assert.Equal(t, map[string]int64{entA: 6_000_000, entB: 0, entC: 4_000_000}, held)
		for _, d := range h.Documents {
			require.NotEmpty(t, d.Steps, d.ID)
			assert.Equal(t, w.linePriceFen, d.Lines[0].UnitPriceFen, d.ID)
		}
	})

	t.Run("the issuer sees its own records whole and others' without prices", func(t *testing.T) {
		h, err := w.svc.History(ctx, clerk(entA), w.code, traces.ViewAll)
		require.NoError(t, err)
		assert.True(t, h.Withheld)
		assert.Equal(t, w.avgPriceFen, h.Prefiling.Data.AvgPriceFen)
		assert.Equal(t, []string{entA, entB, entC}, h.Path)
		for _, d := range h.Documents {
			party := d.EnterpriseID == entA || d.Head.CounterpartyID == entA
			assert.Equal(t, party, d.Lines[0].UnitPriceFen == w.linePriceFen, d.ID)
			assert.Equal(t, party, len(d.Steps) > 0, d.ID)
		}
		// The movement B → C names B's out leg, which A sees without
		// prices; C's in leg moved nothing itself and A is no party of it.
		assert.Contains(t, docIDs(h), w.outBC)
		assert.NotContains(t, docIDs(h), w.inBC)
	})

	t.Run("a past holder sees the trace without the issuer's price", func(t *testing.T) {
		h, err := w.svc.History(ctx, clerk(entB), w.code, traces.ViewAll)
		require.NoError(t, err)
		assert.True(t, h.Withheld)
		assert.Zero(t, h.Prefiling.Data.AvgPriceFen)
		assert.Empty(t, h.Prefiling.Steps)
		assert.Equal(t, "G1", h.Prefiling.Data.Grade)
		assert.Equal(t, model.QuarantineQualified, h.Prefiling.Data.QuarantineResult)
		assert.Equal(t, []string{entA, entB, entC}, h.Path)
		assert.Equal(t, []string{w.entry, w.outAB, w.inAB, w.outBC, w.inBC}, docIDs(h))
		entry := h.Documents[0]
		assert.Empty(t, entry.Head.VehiclePlate)
		assert.Zero(t, entry.Lines[0].UnitPriceFen)
		assert.Zero(t, entry.Lines[0].ValueFen)
		assert.Empty(t, entry.Steps)
		require.Len(t, h.GateEvents, 1)
		assert.Empty(t, h.GateEvents[0].VehiclePlate)
		assert.Equal(t, w.linePriceFen, h.Documents[1].Lines[0].UnitPriceFen, "B is the counterparty of A's out leg")
	})

	t.Run("the current holder sees it", func(t *testing.T) {
		h, err := w.svc.History(ctx, clerk(entC), w.code, traces.ViewAll)
		require.NoError(t, err)
		assert.Equal(t, []string{entA, entB, entC}, h.Path)
		assert.Len(t, h.Movements, 3)
	})

	t.Run("a stranger is refused", func(t *testing.T) {
		_, err := w.svc.History(ctx, clerk(entD), w.code, traces.ViewAll)
		require.Equal(t, apierror.Forbidden, apierror.From(err).Code)
		page, err := w.svc.Search(ctx, clerk(entD), query.TraceFilter{})
		require.NoError(t, err)
		assert.Empty(t, page.Items)
	})

	t.Run("an unknown code is not found", func(t *testing.T) {
		_, err := w.svc.History(ctx, officer, "TCNOSUCHCODE01", traces.ViewAll)
		require.Equal(t, apierror.NotFound, apierror.From(err).Code)
	})

	t.Run("views filter the movements and their documents", func(t *testing.T) {
		h, err := w.svc.History(ctx, officer, w.code, traces.ViewEntryExit)
		require.NoError(t, err)
		assert.Equal(t, []model.MovementKind{model.MoveZoneEntry}, kinds(h))
		assert.Equal(t, []string{w.entry}, docIDs(h))
		h, err = w.svc.History(ctx, officer, w.code, traces.ViewTransfers)
		require.NoError(t, err)
		assert.Equal(t, []model.MovementKind{model.MoveTransfer, model.MoveTransfer}, kinds(h))
		assert.Equal(t, []string{w.outAB, w.inAB, w.outBC, w.inBC}, docIDs(h))
		h, err = w.svc.History(ctx, officer, w.code, traces.ViewConversions)
		require.NoError(t, err)
		assert.Empty(t, h.Movements)
		assert.Equal(t, []string{entA, entB, entC}, h.Path, "the chain stays whole")
		_, err = w.svc.History(ctx, officer, w.code, "teleport")
		var p validation.Problems
		require.ErrorAs(t, err, &p)
		assert.Equal(t, "view", p[0].Field)
	})

	t.Run("an enterprise searches what it held, without others' prices", func(t *testing.T) {
		page, err := w.svc.Search(ctx, clerk(entB), query.TraceFilter{Grade: "G1"})
		require.NoError(t, err)
		require.Len(t, page.Items, 1)
		assert.Equal(t, w.code, page.Items[0].TraceCode.Code)
		assert.Zero(t, page.Items[0].Data.AvgPriceFen)
		page, err = w.svc.Search(ctx, clerk(entA), query.TraceFilter{VehiclePlate: w.vehicle})
		require.NoError(t, err)
		require.Len(t, page.Items, 1)
		assert.Equal(t, w.avgPriceFen, page.Items[0].Data.AvgPriceFen)
	})
}

func docIDs(h query.TraceHistory) []string {
	ids := []string{}
	for _, d := range h.Documents {
		ids = append(ids, d.ID)
	}
	return ids
}

func kinds(h query.TraceHistory) []model.MovementKind {
	list := []model.MovementKind{}
	for _, m := range h.Movements {
		list = append(list, m.Kind)
	}
	return list
}
