package send_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivertype"
	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/accounts"
	"zonetrace/gateway/apierror"
	"zonetrace/gateway/customsmsg"
	"zonetrace/gateway/customsmsg/send"
	"zonetrace/gateway/schema"
	"zonetrace/indexer/query"
	"zonetrace/internal/jobs"
	"zonetrace/internal/pgtest"
)

const (
	entA = "91320583MA1W2X3Y4K"
	entB = "91320583MA1W2X3Y5L"
)

// ledger is the mirror a send reads: documents and enterprises.
type ledger struct {
	mu   sync.Mutex
	docs map[string]model.Document
}

func (l *ledger) Document(_ context.Context, id string) (query.DocumentView, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	d, ok := l.docs[id]
	if !ok {
		return query.DocumentView{}, query.ErrNotFound
	}
	return query.DocumentView{Document: d}, nil
}

func (l *ledger) Enterprise(_ context.Context, id string) (model.Enterprise, error) {
	code := "3223640001"
	if id == entB {
		code = "" // registered without its customs code
	}
	return model.Enterprise{ID: id, Name: "昆山咖啡贸易有限公司", CustomsCode: code}, nil
}

func (l *ledger) SearchDocuments(_ context.Context, f query.DocumentFilter) (query.DocumentPage, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	p := query.DocumentPage{PageInfo: query.PageInfo{Page: f.Page, PageSize: f.PageSize}}
	if f.Page > 1 {
		return p, nil
	}
	for _, d := range l.docs {
		if d.Family == f.Family && d.Status == f.Status {
			p.Items = append(p.Items, query.DocumentView{Document: d})
		}
	}
	return p, nil
}

func (l *ledger) add(d model.Document) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.docs[d.ID] = d
}

func checklist(id, enterprise string, declared time.Time) model.Document {
	return model.Document{ID: id, Family: model.FamilyChecklist, BusinessType: model.BusinessEntry, EnterpriseID: enterprise,
		Status: model.DocDeclared, DeclaredAt: declared.UTC().Format(time.RFC3339Nano),
		Head: model.DocumentHead{AccountBookNo: "T2305W000012", SupervisionMode: "5034", TransportMode: "2", PortCode: "2249", TradeCountry: "BR"},
		Lines: []model.DocumentLine{{Seq: 1, TraceCode: "TC2026112600000001", ProductName: "未焙炒咖啡豆", HSCode: "0901110000",
			Origin: "BR", WeightGrams: 60_000, UnitPriceFen: 5000, ValueFen: 300_000, Currency: "USD"}}}
}

type env struct {
	pool   *pgxpool.Pool
	ledger *ledger
	svc    *send.Service
}

func newEnv(t *testing.T, transport send.Transport) *env {
	t.Helper()
	ctx := context.Background()
	pool := pgtest.NewPool(t)
	require.NoError(t, schema.Migrate(ctx, pool))
	require.NoError(t, jobs.Migrate(ctx, pool))
	l := &ledger{docs: map[string]model.Document{}}
	svc, err := send.New(pool, l, send.Config{Transport: transport, CustomsArea: "2305", SysID: "Z8", Auto: true}, nil)
	require.NoError(t, err)
	e := &env{pool: pool, ledger: l, svc: svc}
	workers := river.NewWorkers()
	svc.AddWorkers(workers)
	c, err := river.NewClient(riverpgxv5.New(pool), &river.Config{Workers: workers,
		Queues: map[string]river.QueueConfig{send.Queue: {MaxWorkers: 2}}, FetchPollInterval: 50 * time.Millisecond,
		FetchCooldown: 10 * time.Millisecond,
		// Retry within the test, not after River's backoff.
		RetryPolicy: fastRetry{}})
	require.NoError(t, err)
	require.NoError(t, c.Start(ctx))
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		require.NoError(t, c.Stop(ctx))
	})
	return e
}

type fastRetry struct{}

func (fastRetry) NextRetry(*rivertype.JobRow) time.Time {
	return time.Now().Add(100 * time.Millisecond)
}

var (
	officer = accounts.User{Username: "officer", Role: accounts.RoleCustomsOfficer}
	clerkA  = accounts.User{Username: "ent-a", Role: accounts.RoleEnterprise, EnterpriseID: entA}
	clerkB  = accounts.User{Username: "ent-b", Role: accounts.RoleEnterprise, EnterpriseID: entB}
)

// settled waits until message id is no longer queued.
func (e *env) settled(t *testing.T, u accounts.User, id int64) send.Entry {
	t.Helper()
	var got send.Entry
	require.Eventually(t, func() bool {
		list, err := e.svc.List(context.Background(), u, send.Filter{})
		require.NoError(t, err)
		for _, x := range list {
			if x.ID == id && x.Status != "queued" {
				got = x
				return true
			}
		}
		return false
	}, 20*time.Second, 50*time.Millisecond)
	return got
}

func TestDirectoryDrop(t *testing.T) {
	dir := t.TempDir()
	e := newEnv(t, send.Directory{Dir: dir})
	d := checklist("HZ20261126AB12CD34", entA, time.Now())
	e.ledger.add(d)

	got, err := e.svc.Send(context.Background(), clerkA, d.ID, send.Request{})
	require.NoError(t, err)
	require.Equal(t, "INV101", got.MessageType)
	require.Equal(t, "ent-a", got.RequestedBy)
	sent := e.settled(t, clerkA, got.ID)
	require.Equal(t, "sent", sent.Status)
	require.Len(t, sent.Attempts, 1)
	require.Equal(t, filepath.Join(dir, got.FileName), sent.Reference)
	raw, err := os.ReadFile(sent.Reference)
	require.NoError(t, err)
	require.Contains(t, string(raw), "<EtpsInnerInvtNo>HZ20261126AB12CD34</EtpsInnerInvtNo>")
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, entries, 1, "no temporary file is left behind")

	t.Run("the receipts that came back and the pre-entry number show in the log", func(t *testing.T) {
		ctx := context.Background()
		_, err := e.pool.Exec(ctx, `INSERT INTO customs_numbers (number, document_id, learnt_from) VALUES ('202600000122717119', $1, 'CommonResponeMessage')`, d.ID)
		require.NoError(t, err)
		_, err = e.pool.Exec(ctx, `INSERT INTO external_receipts (id, message_type, receipt, numbers, candidates, raw, status, document_ids)
			VALUES ('INV201:QD230526I000000001:1:2026-11-27 10:00:00', 'INV201', '{}', '{}', '{}', '{}', 'applied', ARRAY[$1])`, d.ID)
		require.NoError(t, err)
		list, err := e.svc.List(ctx, officer, send.Filter{DocumentID: d.ID})
		require.NoError(t, err)
		require.Len(t, list, 1)
		require.Equal(t, "202600000122717119", list[0].SeqNo)
		require.Len(t, list[0].Receipts, 1)
		require.Equal(t, "INV201", list[0].Receipts[0].MessageType)

		again, err := e.svc.Send(ctx, officer, d.ID, send.Request{})
		require.NoError(t, err)
		_, body, err := e.svc.Body(ctx, officer, again.ID)
		require.NoError(t, err)
		require.Contains(t, string(body), "<SeqNo>202600000122717119</SeqNo>", "a resend carries the pre-entry number")
		require.Equal(t, "sent", e.settled(t, officer, again.ID).Status)
	})
	t.Run("the import result is noted on the last message sent", func(t *testing.T) {
		ctx := context.Background()
		require.NoError(t, e.svc.RecordImportResult(ctx, customsmsg.ImportResult{EtpsPreentNo: d.ID, DealFlag: "-1",
			CheckInfo: "企业内部编号+区内企业编码已存在"}))
		require.NoError(t, e.svc.RecordImportResult(ctx, customsmsg.ImportResult{EtpsPreentNo: "HZ20261126QQ12CD34", DealFlag: "0", SeqNo: "202600000122717110"}),
			"a document this node sent nothing for")
		list, err := e.svc.List(ctx, officer, send.Filter{DocumentID: d.ID, Status: "sent"})
		require.NoError(t, err)
		require.Equal(t, "refused", list[0].ImportResult)
		require.Equal(t, "企业内部编号+区内企业编码已存在", list[0].ImportNote)
		for _, x := range list[1:] {
			require.Empty(t, x.ImportResult, "only the last message sent")
		}
	})
	t.Run("a storage receipt is noted on the last message of its family, found by our id or the pre-entry number", func(t *testing.T) {
		ctx := context.Background()
		storage := func(typ, number, result, note string) {
			t.Helper()
			require.NoError(t, e.svc.RecordStorageReceipt(ctx, customsmsg.StorageReceipt{MessageType: typ, EtpsPreentNo: number,
				ManageResult: result, ManageDate: "2026-11-26 10:00:00", Remark: note}))
		}
		last := func() send.Entry {
			t.Helper()
			list, err := e.svc.List(ctx, officer, send.Filter{DocumentID: d.ID, Status: "sent"})
			require.NoError(t, err)
			for _, x := range list[1:] {
				require.Empty(t, x.StorageResult, "only the last message sent")
			}
			return list[0]
		}
		storage("SAS200", "202600000122717119", "2", "not ours")
		require.Empty(t, last().StorageResult, "an SAS200 does not answer a checklist")
		storage("INV200", "202600000122717110", "2", "another document")
		require.Empty(t, last().StorageResult, "a number this node does not know")
		storage("INV200", "202600000122717119", "2", "表体第1项商品编码与账册备案不一致")
		got := last()
		require.Equal(t, "not_stored", got.StorageResult)
		require.Equal(t, "表体第1项商品编码与账册备案不一致", got.StorageNote)
		storage("INV200", d.ID, "1", "入库成功")
		require.Equal(t, "stored", last().StorageResult, "by our own document id")
	})
	t.Run("another enterprise neither sees nor sends it", func(t *testing.T) {
		list, err := e.svc.List(context.Background(), clerkB, send.Filter{})
		require.NoError(t, err)
		require.Empty(t, list)
		_, err = e.svc.Send(context.Background(), clerkB, d.ID, send.Request{})
		requireCode(t, err, apierror.NotFound)
		_, _, err = e.svc.Body(context.Background(), clerkB, got.ID)
		requireCode(t, err, apierror.NotFound)
	})
}

func requireCode(t *testing.T, err error, code apierror.Code) *apierror.Error {
	t.Helper()
	require.Error(t, err)
	e := apierror.From(err)
	require.Equal(t, code, e.Code, "%v", err)
	return e
}

func count(t *testing.T, pool *pgxpool.Pool) int {
	var n int
	require.NoError(t, pool.QueryRow(context.Background(), `SELECT count(*) FROM customs_outbox`).Scan(&n))
	return n
}

func TestRefusedSendsChangeNothing(t *testing.T) {
	e := newEnv(t, send.Directory{Dir: t.TempDir()})
	ctx := context.Background()
	transfer := checklist("BL20261126AB12CD34", entA, time.Now())
	transfer.Family, transfer.BusinessType = model.FamilyBondedTransfer, model.BusinessOut
	e.ledger.add(transfer)
	_, err := e.svc.Send(ctx, officer, transfer.ID, send.Request{})
	requireCode(t, err, apierror.ValidationFailed)

	noCode := checklist("HZ20261126ZZ12CD34", entB, time.Now())
	e.ledger.add(noCode)
	_, err = e.svc.Send(ctx, clerkB, noCode.ID, send.Request{})
	ae := requireCode(t, err, apierror.ValidationFailed)
	var fields []string
	for _, p := range ae.Details {
		fields = append(fields, p.Field)
	}
	require.Contains(t, fields, "InvtHeadType.DclEtpsno", "an enterprise without its customs code cannot declare")

	unknown := checklist("HZ20261126YY12CD34", entA, time.Now())
	unknown.Lines[0].Origin = "AQ"
	e.ledger.add(unknown)
	_, err = e.svc.Send(ctx, officer, unknown.ID, send.Request{})
	requireCode(t, err, apierror.ValidationFailed)

	_, err = e.svc.Send(ctx, officer, "HZ20261126XX12CD34", send.Request{})
	requireCode(t, err, apierror.NotFound)
	require.Zero(t, count(t, e.pool))
}

func TestHTTPRetriesAndRefusals(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := calls.Add(1)
		switch {
		case r.Header.Get("X-Message-Type") == "SAS121":
			http.Error(w, "unknown vehicle", http.StatusBadRequest)
		case n == 1:
			http.Error(w, "busy", http.StatusServiceUnavailable)
		default:
			w.WriteHeader(http.StatusAccepted)
		}
	}))
	t.Cleanup(srv.Close)
	e := newEnv(t, send.HTTP{URL: srv.URL, Client: srv.Client()})
	ctx := context.Background()
	d := checklist("HZ20261126AB12CD34", entA, time.Now())
	e.ledger.add(d)
	got, err := e.svc.Send(ctx, officer, d.ID, send.Request{})
	require.NoError(t, err)
	sent := e.settled(t, officer, got.ID)
	require.Equal(t, "sent", sent.Status)
	require.Len(t, sent.Attempts, 2, "a 503 is retried")
	require.Contains(t, sent.Attempts[0].Error, "503")
	require.Equal(t, "HTTP 202", sent.Reference)

	gate := model.Document{ID: "KK20261126AB12CD34", Family: model.FamilyGateRegistration, BusinessType: model.BusinessEntry,
		EnterpriseID: entA, Status: model.DocDeclared, DeclaredAt: time.Now().UTC().Format(time.RFC3339Nano),
		Head:  model.DocumentHead{VehiclePlate: "苏E12345", Carrier: "顺达物流"},
		Lines: checklist("x", entA, time.Now()).Lines}
	e.ledger.add(gate)
	got, err = e.svc.Send(ctx, officer, gate.ID, send.Request{})
	require.NoError(t, err)
	failed := e.settled(t, officer, got.ID)
	require.Equal(t, "failed", failed.Status)
	require.Len(t, failed.Attempts, 1, "a 400 is not retried")
	require.Contains(t, failed.LastError, "unknown vehicle")
}

func TestSendDeclared(t *testing.T) {
	e := newEnv(t, send.Directory{Dir: t.TempDir()})
	ctx := context.Background()
	old := checklist("HZ20200101AB12CD34", entA, time.Now().Add(-time.Hour))
	e.ledger.add(old)
	n, err := e.svc.SendDeclared(ctx)
	require.NoError(t, err)
	require.Zero(t, n, "documents declared before automatic sending began are left alone")

	fresh := checklist("HZ20261126AB12CD34", entA, time.Now().Add(time.Second))
	bad := checklist("HZ20261126ZZ12CD34", entB, time.Now().Add(time.Second))
	stock := checklist("JB20261126AB12CD34", entA, time.Now().Add(time.Second))
	stock.Family, stock.BusinessType = model.FamilyWarehouseReceipt, model.BusinessIn
	for _, d := range []model.Document{fresh, bad, stock} {
		e.ledger.add(d)
	}
	n, err = e.svc.SendDeclared(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, n, "the checklist; the warehouse receipt has no business application yet, the other enterprise no customs code")
	list, err := e.svc.List(ctx, officer, send.Filter{Status: "failed"})
	require.NoError(t, err)
	require.Len(t, list, 2)
	for _, x := range list {
		require.Equal(t, send.AutoRequester, x.RequestedBy)
		require.NotEmpty(t, x.LastError)
	}
	n, err = e.svc.SendDeclared(ctx)
	require.NoError(t, err)
	require.Zero(t, n, "each document once")

	t.Run("a warehouse receipt sent by hand with its business application; the next one reuses it", func(t *testing.T) {
		got, err := e.svc.Send(ctx, clerkA, stock.ID, send.Request{SasDclNo: "SW2305260000001"})
		require.NoError(t, err)
		require.Equal(t, "SAS111", got.MessageType)
		next := stock
		next.ID = "JB20261126CD34EF56"
		e.ledger.add(next)
		n, err := e.svc.SendDeclared(ctx)
		require.NoError(t, err)
		require.Equal(t, 1, n)
		list, err := e.svc.List(ctx, officer, send.Filter{DocumentID: next.ID})
		require.NoError(t, err)
		require.Equal(t, "SW2305260000001", list[0].SasDclNo)
	})
}
