package workqueue_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/accounts"
	"zonetrace/gateway/docdrafts"
	"zonetrace/gateway/drafts"
	"zonetrace/gateway/receipts"
	"zonetrace/gateway/service"
	"zonetrace/gateway/service/documents"
	"zonetrace/gateway/service/enterprises"
	"zonetrace/gateway/service/exports"
	"zonetrace/gateway/service/ledgertx"
	"zonetrace/gateway/service/prefilings"
	"zonetrace/gateway/service/servicetest"
	"zonetrace/gateway/service/workqueue"
	"zonetrace/gateway/validation"
	"zonetrace/indexer"
	"zonetrace/indexer/query"
)

const entA, entB = "91320583MA1XXXXX1A", "91320583MA2YYYYY2B"

var (
	officer = accounts.User{Username: "officer", Role: accounts.RoleCustomsOfficer}
	clerkA  = accounts.User{Username: "ent-a", Role: accounts.RoleEnterprise, EnterpriseID: entA}
	clerkB  = accounts.User{Username: "ent-b", Role: accounts.RoleEnterprise, EnterpriseID: entB}
)

// world is a real chain mirrored into PostgreSQL, where enterprise A
// has: an approved batch (its trace code on every line below), a second
// prefiling declared (batch B-2), a non-bonded application declared, a
// second one an officer sent to manual review, and a checklist entry
// declared (reviewed in customs' own system, so not waiting here).
type world struct {
	reads               *query.Reader
	docs                *documents.Service
	pfs                 *prefilings.Service
	marks               *receipts.Store
	waiting, manual     string // the application declared, the one in manual review
	checklist, declared string // the checklist, the prefiling waiting
}

func newWorld(t *testing.T) *world {
	t.Helper()
	ctx := context.Background()
	node := servicetest.New(t)
	require.NoError(t, indexer.Migrate(ctx, node.Pool))
	tx := ledgertx.Submitter{Ledger: node.Ledger}
	reg := &enterprises.Service{Identities: node.Identities, Ledger: tx}
	for _, id := range []string{entA, entB} {
		_, err := reg.Register(ctx, "reg-"+id, enterprises.Registration{ID: id, Name: "企业" + id[len(id)-2:], Kind: model.KindImporter})
		require.NoError(t, err)
	}
	a := service.Write{Caller: clerkA}
	o := service.Write{Caller: officer}
	w := &world{reads: query.New(node.Pool)}
	w.pfs = &prefilings.Service{Reads: w.reads, Drafts: drafts.New(node.Pool), Signers: node.Identities, Ledger: tx}
	w.docs = &documents.Service{Reads: w.reads, Drafts: docdrafts.New(node.Pool), Signers: node.Identities, Ledger: tx}
	sealer, err := receipts.NewSealer(make([]byte, receipts.KeySize))
	require.NoError(t, err)
	w.marks = receipts.NewStore(node.Pool, sealer)

	batch := model.PrefilingData{Commodity: "coffee", ProductName: "耶加雪菲", HSCode: "0901110000", Origin: "ET",
		ExporterName: "Union", QuarantineBatchNo: "Q1", QuarantineResult: model.QuarantineQualified, AvgPriceFen: 7200,
		Currency: "CNY", WeightGrams: 19_200_000, BatchNo: "B-1", Attachments: []model.Attachment{}}
	declarePrefiling := func(key string, data model.PrefilingData) string {
		a.RequestID = key + "-draft"
		d, err := w.pfs.NewDraft(ctx, a, data)
		require.NoError(t, err)
		a.RequestID = key + "-declare"
		p, err := w.pfs.Declare(ctx, a, d.ID)
		require.NoError(t, err)
		return p.ID
	}
	first := declarePrefiling("pf1", batch)
	o.RequestID = "pf1-review"
	approved, err := w.pfs.Review(ctx, o, first, prefilings.Review{Decision: "approve"})
	require.NoError(t, err)
	var pf model.Prefiling
	require.NoError(t, json.Unmarshal(approved.Payload, &pf))
	batch.BatchNo = "B-2"
	w.declared = declarePrefiling("pf2", batch)

	line := model.DocumentLine{TraceCode: pf.TraceCode, ProductName: batch.ProductName, HSCode: batch.HSCode, Origin: batch.Origin,
		WeightGrams: 10_000, UnitPriceFen: batch.AvgPriceFen, ValueFen: 10 * batch.AvgPriceFen, Currency: "CNY"}
	declareDocument := func(key string, c docdrafts.Content) string {
		c.Lines = []model.DocumentLine{line}
		a.RequestID = key + "-draft"
		d, err := w.docs.NewDraft(ctx, a, c)
		require.NoError(t, err)
		a.RequestID = key + "-declare"
		written, err := w.docs.Declare(ctx, a, d.ID)
		require.NoError(t, err)
		return written.ID
	}
	app := docdrafts.Content{Family: model.FamilyNonBondedApplication, BusinessType: model.BusinessEntry,
		Head: model.DocumentHead{VehiclePlate: "苏E12345", PlannedDate: "2026-12-01"}}
	w.waiting = declareDocument("app1", app)
	w.manual = declareDocument("app2", app)
	o.RequestID = "app2-review"
	_, err = w.docs.Review(ctx, o, w.manual, documents.Decision{Decision: "manual_review", Reason: "核对车辆"})
	require.NoError(t, err)
	w.checklist = declareDocument("hz1", docdrafts.Content{Family: model.FamilyChecklist, BusinessType: model.BusinessEntry,
		Head: model.DocumentHead{AccountBookNo: "T3223W000001", SupervisionMode: "5034", TransportMode: "2", PortCode: "2249", TradeCountry: "ET"}})

	height := node.Height(t)
	require.NoError(t, indexer.New(node.Pool, node.Ledger, indexer.WithLogger(slog.New(slog.DiscardHandler))).CatchUp(ctx, height))
	return w
}

func TestQueueAndBadgesOnTheRealChain(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	svc := &workqueue.Service{Reads: w.reads, Marks: w.marks}

	t.Run("the queue holds what waits for customs, oldest first", func(t *testing.T) {
		page, err := svc.List(ctx, query.QueueFilter{})
		require.NoError(t, err)
		var got [][2]string
		for _, it := range page.Items {
			got = append(got, [2]string{string(it.Kind), it.ID})
			require.Equal(t, entA, it.EnterpriseID)
			require.Equal(t, "企业1A", it.EnterpriseName)
			require.Nil(t, it.Rule, "an officer, not a rule, decided")
		}
		require.Equal(t, [][2]string{{"prefiling", w.declared}, {"document", w.waiting}, {"manual_review", w.manual}}, got)
		require.Equal(t, 3, page.Total)
	})
	t.Run("counts agree with the list", func(t *testing.T) {
		c, err := svc.Counts(ctx)
		require.NoError(t, err)
		require.Equal(t, workqueue.Counts{Total: 3, Kinds: query.QueueCounts{query.QueuePrefiling: 1, query.QueueSupplement: 0,
			query.QueueDocument: 1, query.QueueManualReview: 1, query.QueueDeletion: 0}}, c)
		b, err := svc.Badges(ctx, officer)
		require.NoError(t, err)
		require.Equal(t, workqueue.Badges{WorkQueue: &c}, b)
	})
	t.Run("an unknown kind is a problem on field kind and reads nothing", func(t *testing.T) {
		_, err := (&workqueue.Service{}).List(ctx, query.QueueFilter{Kinds: []query.QueueKind{query.QueueDocument, "gate"}})
		var p validation.Problems
		require.ErrorAs(t, err, &p)
		require.Equal(t, "kind", p[0].Field)
		require.Equal(t, model.RuleUnknownValue, p[0].Rule)
	})
	t.Run("an enterprise's unread receipts drop as it reads them", func(t *testing.T) {
		all, err := w.reads.Receipts(ctx, query.ReceiptFilter{EnterpriseID: entA})
		require.NoError(t, err)
		require.GreaterOrEqual(t, all.Total, 4, "a receipt for each document step at least")
		b, err := svc.Badges(ctx, clerkA)
		require.NoError(t, err)
		require.Equal(t, workqueue.Badges{UnreadReceipts: all.Total}, b)
		for _, r := range all.Items[:2] {
			require.NoError(t, w.marks.MarkRead(ctx, entA, r.ID, "ent-a"))
		}
		b, err = svc.Badges(ctx, clerkA)
		require.NoError(t, err)
		require.Equal(t, all.Total-2, b.UnreadReceipts)
		b, err = svc.Badges(ctx, clerkB)
		require.NoError(t, err)
		require.Equal(t, workqueue.Badges{}, b)
	})
}

func TestExportsOnTheRealChain(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	docsOf := func(u accounts.User) exports.DocumentSearch {
		return func(ctx context.Context, f query.DocumentFilter) (query.DocumentPage, error) {
			return w.docs.Search(ctx, u, f)
		}
	}
	sheet := func(t *testing.T, body []byte, name string) [][]string {
		f, err := excelize.OpenReader(bytes.NewReader(body))
		require.NoError(t, err)
		rows, err := f.GetRows(name)
		require.NoError(t, err)
		return rows
	}

	t.Run("customs exports every document with its lines", func(t *testing.T) {
		var buf bytes.Buffer
		n, err := exports.Documents(ctx, &buf, docsOf(officer), query.DocumentFilter{})
		require.NoError(t, err)
		require.Equal(t, 3, n)
		rows := sheet(t, buf.Bytes(), exports.DocumentsSheet)
		require.Equal(t, "单据编号", rows[0][0])
		require.ElementsMatch(t, []string{w.waiting, w.manual, w.checklist}, []string{rows[1][0], rows[2][0], rows[3][0]})
		for _, row := range rows[1:] {
			if row[0] == w.manual {
				require.Equal(t, "转人工审核", row[6])
				require.Equal(t, "企业1A", row[4])
			}
		}
		lines := sheet(t, buf.Bytes(), exports.LinesSheet)
		require.Len(t, lines, 4)
		require.Equal(t, "10", lines[1][7], "kilograms (10,000 g)")
		require.Equal(t, "72", lines[1][8], "unit price in 元 (7,200 fen), opened from the mirror")
	})
	t.Run("the filters apply to the export", func(t *testing.T) {
		var buf bytes.Buffer
		n, err := exports.Documents(ctx, &buf, docsOf(officer), query.DocumentFilter{Status: model.DocManualReview})
		require.NoError(t, err)
		require.Equal(t, 1, n)
		require.Equal(t, w.manual, sheet(t, buf.Bytes(), exports.DocumentsSheet)[1][0])
	})
	t.Run("an enterprise exports only what it may see", func(t *testing.T) {
		var buf bytes.Buffer
		n, err := exports.Documents(ctx, &buf, docsOf(clerkB), query.DocumentFilter{})
		require.NoError(t, err)
		require.Zero(t, n)
		require.Len(t, sheet(t, buf.Bytes(), exports.DocumentsSheet), 1, "the header only")
	})
	t.Run("prefilings export by batch number", func(t *testing.T) {
		var buf bytes.Buffer
		n, err := exports.Prefilings(ctx, &buf, func(ctx context.Context, f query.PrefilingFilter) (query.PrefilingPage, error) {
			return w.pfs.Search(ctx, officer, f)
		}, query.PrefilingFilter{BatchNo: "B-2"})
		require.NoError(t, err)
		require.Equal(t, 1, n)
		rows := sheet(t, buf.Bytes(), exports.PrefilingsSheet)
		require.Len(t, rows, 2)
		require.Equal(t, w.declared, rows[1][0])
		require.Equal(t, "已申报", rows[1][3])
		require.Equal(t, "B-2", rows[1][10])
	})
	t.Run("an export of more than MaxRows is refused", func(t *testing.T) {
		var buf bytes.Buffer
		_, err := exports.Prefilings(ctx, &buf, func(context.Context, query.PrefilingFilter) (query.PrefilingPage, error) {
			return query.PrefilingPage{PageInfo: query.PageInfo{Total: exports.MaxRows + 1}}, nil
		}, query.PrefilingFilter{})
		require.Error(t, err)
		require.Zero(t, buf.Len(), "nothing written")
	})
}
