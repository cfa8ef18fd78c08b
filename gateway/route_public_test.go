package gateway

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
	"zonetrace/chaincode/tracecode"
	"zonetrace/gateway/ratelimit"
	"zonetrace/gateway/service/publictrace"
	"zonetrace/indexer/query"
)

// traceFixture is what the fake read model answers for journeys, proofs
// and material numbers.
type traceFixture struct {
	journeys  map[string][]query.JourneyMovement
	proofs    map[string]query.LedgerProof
	materials map[string][]query.MaterialBatch // by material number
}

func (r *fakeReads) TraceJourney(_ context.Context, code string) ([]query.JourneyMovement, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]query.JourneyMovement{}, r.trace.journeys[code]...), nil
}

func (r *fakeReads) TxProof(_ context.Context, txID string) (query.LedgerProof, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	p, ok := r.trace.proofs[txID]
	if !ok {
		return query.LedgerProof{}, query.ErrNotFound
	}
	return p, nil
}

func (r *fakeReads) MaterialBatches(_ context.Context, f query.MaterialFilter) ([]query.MaterialBatch, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := []query.MaterialBatch{}
	for _, b := range r.trace.materials[f.MaterialNo] {
		if f.EnterpriseID == "" || b.EnterpriseID == f.EnterpriseID {
			out = append(out, b)
		}
	}
	return out, nil
}

const publicPrefiling = "PF20261126PUBLIC01"

// issuedCode puts an approved batch of entA on the fake read model: its
// trace code, prefiling, a journey (entry, transfer to entB, a voided
// transfer and its reversal, conversion) and the proofs.
func (e *env) issuedCode(t *testing.T) string {
	t.Helper()
	code, err := tracecode.Compose("CF", time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC), 7)
	require.NoError(t, err)
	data := completeData()
	data.Grade, data.PlantingRegion, data.ProductionDate, data.ShelfLifeDays = "G1", "Gedeo", "2026-09-01", 365
	data.QuarantineBatchNo, data.MaterialNo, data.BatchNo, data.ExporterRegNo = "QB-SECRET-1", "M-100", "LOT-SECRET", "REG-SECRET"
	data.QuarantineResult = model.QuarantineQualified
	e.reads.mu.Lock()
	defer e.reads.mu.Unlock()
	e.reads.traceCodes[code] = model.TraceCode{Code: code, PrefilingID: publicPrefiling, EnterpriseID: entA, Commodity: "coffee",
		ProductName: data.ProductName, Origin: "ET", WeightGrams: data.WeightGrams, Status: model.TraceCodeActive,
		IssuedAt: "2026-11-26T02:00:00Z", IssuedTx: "tx-issue"}
	e.reads.prefilings[publicPrefiling] = query.PrefilingView{Prefiling: model.Prefiling{ID: publicPrefiling, EnterpriseID: entA,
		Status: model.PrefilingApproved, Data: data, TraceCode: code, Steps: []model.PrefilingStep{
			{Seq: 1, Action: model.ActionDeclare, TxID: "tx-declare", At: "2026-11-25T01:00:00Z"},
			{Seq: 2, Action: model.ActionApprove, TxID: "tx-issue", At: "2026-11-26T02:00:00Z"},
		}}, EnterpriseName: "甲咖啡进口有限公司"}
	hash := strings.Repeat("ab", 32)
	move := func(doc string, kind model.MovementKind, from, to *model.Holding, grams int64, tx, at string, block uint64, family model.Family) query.JourneyMovement {
		return query.JourneyMovement{Movement: model.Movement{ID: tx + ":" + doc + ":1", Kind: kind, DocumentID: doc, LineSeq: 1, TraceCode: code,
			From: from, To: to, WeightGrams: grams, TxID: tx, At: at}, Family: family,
			Proof: query.LedgerProof{BlockNumber: block, TxID: tx, BlockHash: hash}}
	}
	aBonded, bBonded, bFree := &model.Holding{EnterpriseID: entA, Bonded: true}, &model.Holding{EnterpriseID: entB, Bonded: true}, &model.Holding{EnterpriseID: entB}
	e.reads.trace.journeys = map[string][]query.JourneyMovement{code: {
		move("HZ1", model.MoveZoneEntry, nil, aBonded, 19_200_000, "tx-entry", "2026-11-27T03:00:00Z", 12, model.FamilyChecklist),
		move("BL1", model.MoveTransfer, aBonded, bBonded, 5_000_500, "tx-transfer", "2026-11-28T03:00:00Z", 15, model.FamilyBondedTransfer),
		move("BL2", model.MoveTransfer, aBonded, bBonded, 1_000_000, "tx-voided", "2026-11-28T04:00:00Z", 16, model.FamilyBondedTransfer),
		move("BL2", model.MoveReversal, bBonded, aBonded, 1_000_000, "tx-reversal", "2026-11-28T05:00:00Z", 17, model.FamilyBondedTransfer),
		move("HZ2", model.MoveConversion, bBonded, bFree, 2_000_000, "tx-convert", "2026-11-29T17:00:00Z", 20, model.FamilyChecklist),
	}}
	e.reads.trace.proofs = map[string]query.LedgerProof{"tx-issue": {BlockNumber: 9, TxID: "tx-issue", BlockHash: hash}}
	return code
}

func TestPublicTrace(t *testing.T) {
	t.Parallel()
	e := setup(t)
	code := e.issuedCode(t)
	gtin := publictrace.GTIN(code)

	t.Run("anonymous JSON carries the public facts, the journey and the ledger proof", func(t *testing.T) {
		r := e.do("", "GET", "/api/v1/public/trace/"+code, nil, nil)
		require.Equal(t, 200, r.Code, r.Body.String())
		var v publictrace.View
		require.NoError(t, json.Unmarshal(r.Body.Bytes(), &v))
		require.Equal(t, "Yirgacheffe G1", v.ProductName)
		require.Equal(t, "ET", v.Origin)
		require.Equal(t, "G1", v.Grade)
		require.Equal(t, model.QuarantineQualified, v.Quarantine)
		require.Equal(t, "https://trace.example/01/"+gtin+"/10/"+code, v.URI)
		require.Equal(t, "2026-11-26", v.IssuedOn)
		require.Equal(t, query.LedgerProof{BlockNumber: 9, TxID: "tx-issue", BlockHash: strings.Repeat("ab", 32)}, v.Issued)
		var kinds []model.MovementKind
		for _, s := range v.Stages {
			kinds = append(kinds, s.Kind)
		}
		require.Equal(t, []model.MovementKind{model.MoveZoneEntry, model.MoveTransfer, model.MoveConversion}, kinds,
			"the voided transfer and its reversal are no stage")
		require.Equal(t, "2026-11-30", v.Stages[2].On, "days are China Standard Time")
		require.Equal(t, uint64(20), v.Stages[2].Proof.BlockNumber)
	})
	t.Run("nothing commercial or identifying is in the answer", func(t *testing.T) {
		for _, path := range []string{"/api/v1/public/trace/" + code, "/01/" + gtin + "/10/" + code} {
			r := e.do("", "GET", path, nil, nil)
			require.Equal(t, 200, r.Code)
			body := r.Body.String()
			for _, secret := range []string{"avgPriceFen", "Price", "price", "valueFen", "value", "4500", "USD",
				entA, entB, "甲咖啡", "乙仓储", "Addis Export", "exporter", "QB-SECRET-1", "M-100", "LOT-SECRET", "REG-SECRET",
				"weightGrams", "19200", "5000500", publicPrefiling, "HZ1", "BL1", "enterprise"} {
				require.NotContains(t, body, secret, "%s leaks %q", path, secret)
			}
		}
	})
	t.Run("the Digital Link page renders the facts without scripts", func(t *testing.T) {
		r := e.do("", "GET", "/01/"+gtin+"/10/"+code, nil, nil)
		require.Equal(t, 200, r.Code)
		require.Equal(t, "text/html; charset=utf-8", r.Header().Get("Content-Type"))
		body := r.Body.String()
		for _, want := range []string{"Yirgacheffe G1", "埃塞俄比亚", "合格", "进入综保区", "区内流转", "保税转非保税", "tx-issue", strings.Repeat("ab", 32)} {
			require.Contains(t, body, want)
		}
		require.NotContains(t, body, "<script")
		require.Less(t, len(body), 8_000, "one small page")
	})
	t.Run("answers are cacheable and revalidate with their ETag", func(t *testing.T) {
		for _, path := range []string{"/api/v1/public/trace/" + code, "/01/" + gtin + "/10/" + code} {
			r := e.do("", "GET", path, nil, nil)
			require.Equal(t, "public, max-age=300", r.Header().Get("Cache-Control"))
			etag := r.Header().Get("ETag")
			require.Regexp(t, `^"[0-9a-f]{32}"$`, etag)
			again := e.do("", "GET", path, nil, map[string]string{"If-None-Match": etag})
			require.Equal(t, http.StatusNotModified, again.Code)
			require.Empty(t, again.Body.Bytes())
			listed := e.do("", "GET", path, nil, map[string]string{"If-None-Match": `"stale", W/` + etag})
			require.Equal(t, http.StatusNotModified, listed.Code, "a list, and a weak tag, match")
			require.Equal(t, 200, e.do("", "GET", path, nil, map[string]string{"If-None-Match": `"stale"`}).Code)
		}
	})
	t.Run("unknown, malformed and mismatched codes are 404", func(t *testing.T) {
		other, err := tracecode.Compose("CF", time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC), 8)
		require.NoError(t, err)
		require.Equal(t, 404, e.do("", "GET", "/api/v1/public/trace/"+other, nil, nil).Code, "well formed, never issued")
		require.Equal(t, 404, e.do("", "GET", "/api/v1/public/trace/KSCF-NOT-A-CODE", nil, nil).Code)
		require.Equal(t, 404, e.do("", "GET", "/01/"+gtin+"/10/"+other, nil, nil).Code)
		tea, err := tracecode.Compose("TE", time.Now(), 1)
		require.NoError(t, err)
		page := e.do("", "GET", "/01/"+publictrace.GTIN(tea)+"/10/"+code, nil, nil)
		require.Equal(t, 404, page.Code, "the GTIN must be the code's commodity's")
		require.Contains(t, page.Body.String(), "未找到该溯源码")
		require.Equal(t, "no-cache", page.Header().Get("Cache-Control"))
	})
	t.Run("the trace QR now encodes the Digital Link URI", func(t *testing.T) {
		r := e.do(e.login("ent-a"), "GET", "/api/v1/trace-codes/"+code, nil, nil)
		require.Equal(t, 200, r.Code)
		require.Equal(t, "https://trace.example/01/"+gtin+"/10/"+code, r.json(t)["uri"])
	})
}

func TestPublicTraceRateLimit(t *testing.T) {
	t.Parallel()
	e := setup(t)
	code := e.issuedCode(t)
	cfg := e.cfg
	cfg.PublicTraceLimit = ratelimit.Limit{PerMinute: 2, Burst: 3}
	g, err := New(cfg)
	require.NoError(t, err)
	get := func(path string, headers map[string]string) resp { return doOn(t, g, "", "GET", path, nil, headers) }
	page := "/01/" + publictrace.GTIN(code) + "/10/" + code

	for i := range 3 {
		require.Equal(t, 200, get("/api/v1/public/trace/"+code, nil).Code, "request %d", i+1)
	}
	r := get("/api/v1/public/trace/"+code, nil)
	require.Equal(t, http.StatusTooManyRequests, r.Code)
	require.Equal(t, "TOO_MANY_REQUESTS", r.code(t))
	require.Equal(t, "30", r.Header().Get("Retry-After"), "2 a minute: the next in 30 s")

	r = get(page, nil)
	require.Equal(t, http.StatusTooManyRequests, r.Code, "the page shares the address's budget")
	require.Contains(t, r.Body.String(), "访问过于频繁")
	require.NotEmpty(t, r.Header().Get("Retry-After"))

	spoofed := get("/api/v1/public/trace/"+code, map[string]string{"X-Forwarded-For": "203.0.113.9"})
	require.Equal(t, http.StatusTooManyRequests, spoofed.Code, "X-Forwarded-For from an untrusted peer is ignored")

	other := httptestFrom(t, g, "198.51.100.7:4000", "/api/v1/public/trace/"+code)
	require.Equal(t, 200, other, "another address has its own budget")

	require.Equal(t, 200, e.do("", "GET", "/api/v1/public/trace/"+code, nil, nil).Code, "each gateway counts its own")
}

// httptestFrom sends an anonymous GET from remote (host:port) and returns
// the status.
func httptestFrom(t *testing.T, g *Gateway, remote, path string) int {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), "GET", path, nil)
	require.NoError(t, err)
	req.RemoteAddr = remote
	w := httptest.NewRecorder()
	g.Handler().ServeHTTP(w, req)
	return w.Code
}
