package gateway

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/accounts"
	"zonetrace/indexer"
	"zonetrace/indexer/query"
	"zonetrace/internal/sealing/sealingtest"
	"zonetrace/internal/testdb"
	"zonetrace/network/ledger"
	"zonetrace/network/pki"
)

const (
	entA = "91320583MA1AAAAA0A"
	entB = "91320583MA1BBBBB0B"
	pw   = "gate-pass-7781"
)

// fakeLedger stands in for the ledger where a test is about the gateway's
// own behaviour (idempotency, recovery, error mapping). Like the chaincode
// it refuses a request id twice with DUPLICATE_REQUEST.
type fakeLedger struct {
	mu       sync.Mutex
	height   uint64
	requests map[string]string // request id → tx id
	calls    []string          // function names of committed submits
	// on answers a submit; nil means "commit and echo args[1:]".
	on   map[string]func(args []string) ([]byte, error)
	eval map[string]func(args []string) ([]byte, error)
	// down makes every call fail as if the ledger were unreachable.
	down bool
}

func newFakeLedger() *fakeLedger {
	return &fakeLedger{height: 1, requests: map[string]string{}, on: map[string]func([]string) ([]byte, error){}, eval: map[string]func([]string) ([]byte, error){}}
}

var errUnreachable = errors.New("fake ledger: unreachable")

func (f *fakeLedger) Submit(_ context.Context, _ ledger.Signer, function string, args ...string) (*ledger.SubmitResult, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.down {
		return nil, fmt.Errorf("submit: %w", errUnreachable)
	}
	if tx, ok := f.requests[args[0]]; ok {
		return nil, &ledger.ChaincodeError{TxID: "dup", Message: "DUPLICATE_REQUEST: " + tx}
	}
	var payload []byte
	if h := f.on[function]; h != nil {
		p, err := h(args)
		if err != nil {
			return nil, err
		}
		payload = p
	}
	tx := fmt.Sprintf("tx%d", f.height)
	f.requests[args[0]] = tx
	f.calls = append(f.calls, function)
	block := f.height
	f.height++
	return &ledger.SubmitResult{TxID: tx, BlockNumber: block, Payload: payload}, nil
}

func (f *fakeLedger) Evaluate(_ context.Context, _ ledger.Signer, function string, args ...string) ([]byte, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.down {
		return nil, errUnreachable
	}
	// A write simulated with a request id already carried out is refused
	// like the chaincode does, before anything else.
	if len(args) > 0 {
		if tx, ok := f.requests[args[0]]; ok {
			return nil, &ledger.ChaincodeError{TxID: "dup", Message: "DUPLICATE_REQUEST: " + tx}
		}
	}
	if h := f.eval[function]; h != nil {
		return h(args)
	}
	return nil, &ledger.ChaincodeError{Message: "NOT_FOUND: " + function}
}

func (f *fakeLedger) Listen(ctx context.Context, _ uint64, _ func(ledger.Block) error) error {
	<-ctx.Done()
	return ctx.Err()
}

func (f *fakeLedger) Height(context.Context) (uint64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.down {
		return 0, errUnreachable
	}
	return f.height, nil
}

func (f *fakeLedger) Close() error { return nil }

func (f *fakeLedger) submitted() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.calls...)
}

// fakeReads is an in-memory read model.
type fakeReads struct {
	mu          sync.Mutex
	enterprises map[string]model.Enterprise
	prefilings  map[string]query.PrefilingView
	traceCodes  map[string]model.TraceCode
	waited      []uint64
	documents   map[string]query.DocumentView
	movements   map[string][]model.Movement
	balances    []query.BalanceView
	receipts    []query.PositionedReceipt // in ledger order; see route_receipts_test.go
	parked      *indexer.Alarm
	trace       traceFixture   // route_public_test.go
	accounting  fakeAccounting // route_accounting_test.go
}

func newFakeReads() *fakeReads {
	return &fakeReads{enterprises: map[string]model.Enterprise{}, prefilings: map[string]query.PrefilingView{}, traceCodes: map[string]model.TraceCode{},
		documents: map[string]query.DocumentView{}, movements: map[string][]model.Movement{}}
}

func (r *fakeReads) SearchPrefilings(_ context.Context, f query.PrefilingFilter) (query.PrefilingPage, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	page := query.PrefilingPage{PageInfo: query.PageInfo{Page: f.Page, PageSize: f.PageSize}}
	if err := fakeCursor(f.Cursor, &page.Prev); err != nil {
		return page, err
	}
	for _, p := range r.prefilings {
		if f.EnterpriseID == "" || p.EnterpriseID == f.EnterpriseID {
			page.Items = append(page.Items, p)
		}
	}
	page.Total = len(page.Items)
	return page, nil
}

func (r *fakeReads) SearchPrefilingsJSON(ctx context.Context, f query.PrefilingFilter) (query.JSONPage, error) {
	page, err := r.SearchPrefilings(ctx, f)
	return fakeJSONPage(page.Items, page.PageInfo), err
}

func (r *fakeReads) SearchDocumentsJSON(ctx context.Context, f query.DocumentFilter) (query.JSONPage, error) {
	page, err := r.SearchDocuments(ctx, f)
	return fakeJSONPage(page.Items, page.PageInfo), err
}

// fakeJSONPage is a typed page as the read model passes it through.
func fakeJSONPage[T any](items []T, info query.PageInfo) query.JSONPage {
	page := query.JSONPage{Items: []json.RawMessage{}, PageInfo: info}
	for _, it := range items {
		raw, err := json.Marshal(it)
		if err != nil {
			panic(err)
		}
		page.Items = append(page.Items, raw)
	}
	return page
}

// fakeCursor stands for the read model's cursors: "bogus" is one it did
// not issue; any other comes back as the answer's prev, so a test sees the
// handler passed it on.
func fakeCursor(cursor string, prev *string) error {
	if cursor == "bogus" {
		return fmt.Errorf("search: %w", query.ErrInvalidCursor)
	}
	if cursor != "" {
		*prev = "before-" + cursor
	}
	return nil
}

func (r *fakeReads) Prefiling(_ context.Context, id string) (query.PrefilingView, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	p, ok := r.prefilings[id]
	if !ok {
		return query.PrefilingView{}, query.ErrNotFound
	}
	return p, nil
}

func (r *fakeReads) TraceCode(_ context.Context, code string) (model.TraceCode, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	tc, ok := r.traceCodes[code]
	if !ok {
		return model.TraceCode{}, query.ErrNotFound
	}
	return tc, nil
}

func (r *fakeReads) TraceCodeDetail(ctx context.Context, code string) (model.TraceCode, query.PrefilingView, error) {
	tc, err := r.TraceCode(ctx, code)
	if err != nil {
		return tc, query.PrefilingView{}, err
	}
	p, err := r.Prefiling(ctx, tc.PrefilingID)
	return tc, p, err
}

func (r *fakeReads) Enterprises(context.Context) ([]model.Enterprise, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []model.Enterprise
	for _, e := range r.enterprises {
		out = append(out, e)
	}
	return out, nil
}

func (r *fakeReads) Enterprise(_ context.Context, id string) (model.Enterprise, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	e, ok := r.enterprises[id]
	if !ok {
		return model.Enterprise{}, query.ErrNotFound
	}
	return e, nil
}

func (r *fakeReads) Identities(context.Context, string) ([]model.IdentityBinding, error) {
	return nil, nil
}

func (r *fakeReads) SearchDocuments(_ context.Context, f query.DocumentFilter) (query.DocumentPage, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	page := query.DocumentPage{Items: []query.DocumentView{}, PageInfo: query.PageInfo{Page: f.Page, PageSize: f.PageSize}}
	if err := fakeCursor(f.Cursor, &page.Prev); err != nil {
		return page, err
	}
	for _, d := range r.documents {
		switch {
		case f.EnterpriseID != "" && d.EnterpriseID != f.EnterpriseID && d.Head.CounterpartyID != f.EnterpriseID,
			f.Family != "" && d.Family != f.Family, f.Status != "" && d.Status != f.Status:
			continue
		case f.TraceCode != "" && !slices.ContainsFunc(d.Lines, func(l model.DocumentLine) bool { return l.TraceCode == f.TraceCode }):
			continue
		}
		d.Steps = nil
		page.Items = append(page.Items, d)
	}
	sort.Slice(page.Items, func(i, j int) bool { return page.Items[i].ID < page.Items[j].ID })
	page.Total = len(page.Items)
	return page, nil
}

func (r *fakeReads) Document(_ context.Context, id string) (query.DocumentView, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	d, ok := r.documents[id]
	if !ok {
		return query.DocumentView{}, query.ErrNotFound
	}
	return d, nil
}

func (r *fakeReads) DocumentWithMovements(ctx context.Context, id string) (query.DocumentView, []model.Movement, error) {
	d, err := r.Document(ctx, id)
	if err != nil {
		return d, nil, err
	}
	moves, err := r.DocumentMovements(ctx, id)
	return d, moves, err
}

func (r *fakeReads) DocumentMovements(_ context.Context, documentID string) ([]model.Movement, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.movements[documentID], nil
}

func (r *fakeReads) Balances(_ context.Context, f query.BalanceFilter) ([]query.BalanceView, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []query.BalanceView
	for _, b := range r.balances {
		if (f.TraceCode == "" || b.TraceCode == f.TraceCode) && (f.EnterpriseID == "" || b.EnterpriseID == f.EnterpriseID) &&
			(f.Bonded == nil || b.Bonded == *f.Bonded) {
			out = append(out, b)
		}
	}
	return out, nil
}

func (r *fakeReads) IncomingTransfers(_ context.Context, enterpriseID string) ([]model.Document, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []model.Document
	for _, d := range r.documents {
		if d.BusinessType == model.BusinessOut && d.Head.CounterpartyID == enterpriseID && d.Status == model.DocApproved && d.InLegID == "" {
			out = append(out, d.Document)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// PickableBatches lists the balances of f.EnterpriseID with stock as the
// query does, taking product facts from the first document line naming the
// batch (indexer/query tests the SQL itself).
func (r *fakeReads) PickableBatches(_ context.Context, f query.PickFilter) ([]query.PickableBatch, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := []query.PickableBatch{}
	for _, b := range r.balances {
		if b.EnterpriseID != f.EnterpriseID || b.WeightGrams <= 0 || f.Bonded != nil && b.Bonded != *f.Bonded ||
			f.TraceCode != "" && b.TraceCode != f.TraceCode {
			continue
		}
		v := query.PickableBatch{TraceCode: b.TraceCode, Bonded: b.Bonded, WeightGrams: b.WeightGrams, ReservedGrams: b.ReservedGrams,
			AvailableGrams: max(b.WeightGrams-b.ReservedGrams, 0)}
		ids := slices.Sorted(maps.Keys(r.documents))
	lines:
		for _, id := range ids {
			d := r.documents[id]
			if d.EnterpriseID != f.EnterpriseID && d.Head.CounterpartyID != f.EnterpriseID {
				continue
			}
			for _, l := range d.Lines {
				if l.TraceCode == b.TraceCode {
					v.ProductName, v.HSCode, v.Origin, v.MaterialNo, v.UnitPriceFen, v.Currency = l.ProductName, l.HSCode, l.Origin, l.MaterialNo, l.UnitPriceFen, l.Currency
					break lines
				}
			}
		}
		if f.Q != "" && !strings.Contains(strings.ToLower(v.ProductName+" "+v.TraceCode+" "+v.MaterialNo), strings.ToLower(f.Q)) {
			continue
		}
		out = append(out, v)
	}
	return out, nil
}

func (r *fakeReads) IndexedHeight(context.Context) (uint64, error) { return 1, nil }

func (r *fakeReads) IndexerHealth(context.Context) (query.IndexerHealth, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return query.IndexerHealth{IndexedHeight: 1, Parked: r.parked}, nil
}

func (r *fakeReads) WaitForBlock(_ context.Context, block uint64) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.waited = append(r.waited, block)
	return nil
}

type env struct {
	t      *testing.T
	g      *Gateway
	ledger *fakeLedger
	reads  *fakeReads
	pki    *pki.PKI
	cfg    Config
}

func setup(t *testing.T) *env {
	t.Helper()
	ctx := context.Background()
	// The indexer's tables share the database, as in production: the alert
	// listing joins its mirror of the ledger's disposals.
	pool := testdb.Pool(t)
	require.NoError(t, Migrate(ctx, pool), "the template is up to date")
	p, err := pki.Open(t.TempDir())
	require.NoError(t, err)
	e := &env{t: t, ledger: newFakeLedger(), reads: newFakeReads(), pki: p}
	e.cfg = Config{Pool: pool, Ledger: e.ledger, Reads: e.reads, PKI: p, Sealer: sealingtest.New(t), DataDir: t.TempDir(), PublicURL: "https://trace.example/"}
	e.g, err = New(e.cfg)
	require.NoError(t, err)
	e.reads.enterprises[entA] = model.Enterprise{ID: entA, Name: "甲咖啡进口有限公司", Kind: model.KindImporter}
	e.reads.enterprises[entB] = model.Enterprise{ID: entB, Name: "乙仓储", Kind: model.KindWarehouse}
	for _, id := range []string{entA, entB} {
		_, err := p.Issue(model.ZoneAdminMSP, "ent-"+id, "client")
		require.NoError(t, err)
	}
	users := []accounts.NewUser{
		{Username: "ent-a", Password: pw, DisplayName: "A", Role: accounts.RoleEnterprise, EnterpriseID: entA},
		{Username: "ent-b", Password: pw, DisplayName: "B", Role: accounts.RoleEnterprise, EnterpriseID: entB},
		{Username: "officer", Password: pw, DisplayName: "关员", Role: accounts.RoleCustomsOfficer},
		{Username: "admin", Password: pw, DisplayName: "管理局", Role: accounts.RoleZoneAdmin},
		{Username: "auditor", Password: pw, DisplayName: "审计", Role: accounts.RoleAuditor},
	}
	for _, u := range users {
		_, err := e.g.Accounts().CreateUser(ctx, u)
		require.NoError(t, err)
	}
	return e
}

// restart builds a second gateway on the same database, as after a crash.
func (e *env) restart() *Gateway {
	g, err := New(e.cfg)
	require.NoError(e.t, err)
	return g
}

type resp struct {
	*httptest.ResponseRecorder
}

func (r resp) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(r.Body.Bytes(), &m), r.Body.String())
	return m
}

func (r resp) code(t *testing.T) string {
	t.Helper()
	m := r.json(t)
	errObj, ok := m["error"].(map[string]any)
	require.True(t, ok, "not an error body: %s", r.Body.String())
	return errObj["code"].(string)
}

func (e *env) login(user string) string {
	e.t.Helper()
	r := e.do("", "POST", "/api/v1/auth/login", map[string]string{"username": user, "password": pw}, nil)
	require.Equal(e.t, 200, r.Code, r.Body.String())
	return r.json(e.t)["token"].(string)
}

// do sends body (a string is sent verbatim, anything else as JSON).
func (e *env) do(token, method, path string, body any, headers map[string]string) resp {
	e.t.Helper()
	return doOn(e.t, e.g, token, method, path, body, headers)
}

func doOn(t *testing.T, g *Gateway, token, method, path string, body any, headers map[string]string) resp {
	t.Helper()
	req := newRequest(t, token, method, path, body, headers)
	w := httptest.NewRecorder()
	g.Handler().ServeHTTP(w, req)
	return resp{w}
}

// newRequest builds the request doOn sends. It may fail the test, so a test
// that sends from other goroutines builds its requests first.
func newRequest(t *testing.T, token, method, path string, body any, headers map[string]string) *http.Request {
	t.Helper()
	var raw []byte
	switch b := body.(type) {
	case nil:
	case string:
		raw = []byte(b)
	case []byte:
		raw = b
	default:
		var err error
		raw, err = json.Marshal(b)
		require.NoError(t, err)
	}
	req := httptest.NewRequest(method, path, bytes.NewReader(raw))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	return req
}

func completeData() model.PrefilingData {
	return model.PrefilingData{
		Commodity: "coffee", ProductName: "Yirgacheffe G1", HSCode: "0901110000", Origin: "ET",
		ExporterName: "Addis Export", QuarantineResult: model.QuarantinePending,
		AvgPriceFen: 4500, Currency: "USD", WeightGrams: 19_200_000, Attachments: []model.Attachment{},
	}
}

// echoPrefiling makes the fake chaincode answer DeclarePrefiling like the
// real one, and GetPrefiling find what was declared.
func (e *env) echoPrefiling() {
	declared := map[string][]byte{}
	var mu sync.Mutex
	e.ledger.on["DeclarePrefiling"] = func(args []string) ([]byte, error) {
		mu.Lock()
		defer mu.Unlock()
		if _, ok := declared[args[1]]; ok {
			return nil, &ledger.ChaincodeError{Message: "CONFLICT: prefiling " + args[1] + " exists"}
		}
		var data model.PrefilingData
		if err := json.Unmarshal([]byte(args[2]), &data); err != nil {
			return nil, err
		}
		pf := model.Prefiling{ID: args[1], EnterpriseID: entA, Status: model.PrefilingDeclared, Data: data, Version: 1}
		p, err := json.Marshal(pf)
		declared[args[1]] = p
		// What the indexer would mirror.
		e.reads.mu.Lock()
		e.reads.prefilings[pf.ID] = query.PrefilingView{Prefiling: pf, EnterpriseName: e.reads.enterprises[entA].Name}
		e.reads.mu.Unlock()
		return p, err
	}
	e.ledger.eval["GetPrefiling"] = func(args []string) ([]byte, error) {
		mu.Lock()
		defer mu.Unlock()
		if p, ok := declared[args[0]]; ok {
			return p, nil
		}
		return nil, &ledger.ChaincodeError{Message: "NOT_FOUND: prefiling " + args[0]}
	}
}

func (r *fakeReads) RecentDeclarations(context.Context, model.DeclarationKind, int) ([]string, error) {
	return []string{}, nil
}

func (r *fakeReads) CurrentTags(context.Context) (int, []model.TagDef, error) {
	return 0, model.DefaultRuleConfig().Tags, nil
}
