package gateway

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"zonetrace/gateway/apierror"
	"zonetrace/gateway/submissions"
	"zonetrace/network/ledger"
)

// redriveAll makes every pending submission due, as after its retry time
// and a restart, and re-drives them once; it returns how many it re-drove.
func redriveAll(t *testing.T, g *Gateway) int {
	t.Helper()
	ctx := context.Background()
	_, err := g.cfg.Pool.Exec(ctx, `UPDATE submissions SET next_attempt_at = now() WHERE status = 'pending'`)
	require.NoError(t, err)
	require.NoError(t, g.ReleaseLeases(ctx))
	n, err := g.RedriveDue(ctx)
	require.NoError(t, err)
	return n
}

// forgetAnswer turns a finished submission back into the pending one a
// kill -9 between the ledger commit and the outbox update leaves behind.
func forgetAnswer(t *testing.T, pool *pgxpool.Pool, username, key string) {
	t.Helper()
	tag, err := pool.Exec(context.Background(), `UPDATE submissions SET status = 'pending', response_status = NULL, response_body = NULL,
		tx_id = NULL, block_number = NULL, lease_until = now() + interval '2 minutes' WHERE username = $1 AND idempotency_key = $2`, username, key)
	require.NoError(t, err)
	require.EqualValues(t, 1, tag.RowsAffected())
}

// TestRetryAfterCommitAnswersOriginalSuccess: the gateway is killed after
// a declaration committed and the draft was marked declared, before the
// outbox stored the answer. Neither the client's retry nor recovery may
// answer 409 "already declared": both answer the original 201.
func TestRetryAfterCommitAnswersOriginalSuccess(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.echoPrefiling()
	e.echoDocuments()
	a := e.login("ent-a")
	declare := func(g *Gateway, path, key string) resp {
		return doOn(t, g, a, "POST", path, nil, map[string]string{"Idempotency-Key": key})
	}

	t.Run("prefiling, the client retries", func(t *testing.T) {
		id := e.do(a, "POST", "/api/v1/prefiling-drafts", map[string]any{"data": completeData()}, nil).json(t)["id"].(string)
		path := "/api/v1/prefiling-drafts/" + id + "/declare"
		first := declare(e.g, path, "pf-kill")
		require.Equal(t, 201, first.Code, first.Body.String())
		forgetAnswer(t, e.cfg.Pool, "ent-a", "pf-kill")

		g := e.restart()
		require.NoError(t, g.ReleaseLeases(context.Background()))
		r := declare(g, path, "pf-kill")
		require.Equal(t, 201, r.Code, r.Body.String())
		require.Equal(t, first.json(t)["id"], r.json(t)["id"], "the same prefiling")
		require.NotEmpty(t, r.Header().Get("X-Ledger-Block"))
		require.Equal(t, 201, declare(g, path, "pf-kill").Code, "and the answer is now stored")

		r = declare(g, path, "pf-other-key")
		require.Equal(t, 409, r.Code, "another request declaring the same draft is still refused")
		require.Equal(t, string(apierror.Conflict), r.code(t))
		require.Equal(t, []string{"DeclarePrefiling"}, e.ledger.submitted(), "declared once")
	})
	t.Run("prefiling, its answer was not recorded (database away) and the node lives on", func(t *testing.T) {
		id := e.do(a, "POST", "/api/v1/prefiling-drafts", map[string]any{"data": completeData()}, nil).json(t)["id"].(string)
		path := "/api/v1/prefiling-drafts/" + id + "/declare"
		first := declare(e.g, path, "pf-unrecorded")
		require.Equal(t, 201, first.Code, first.Body.String())
		forgetAnswer(t, e.cfg.Pool, "ent-a", "pf-unrecorded") // its lease still runs

		r := declare(e.g, path, "pf-unrecorded")
		require.Equal(t, 201, r.Code, "no worker holds it: the retry takes it over instead of waiting out the lease: %s", r.Body.String())
		require.Equal(t, first.json(t)["id"], r.json(t)["id"])
	})
	t.Run("document, recovery re-drives it", func(t *testing.T) {
		id := e.do(a, "POST", "/api/v1/document-drafts", transferOut(t, docLine(t, 1)), nil).json(t)["id"].(string)
		path := "/api/v1/document-drafts/" + id + "/declare"
		first := declare(e.g, path, "doc-kill")
		require.Equal(t, 201, first.Code, first.Body.String())
		forgetAnswer(t, e.cfg.Pool, "ent-a", "doc-kill")

		g := e.restart()
		require.Equal(t, 1, redriveAll(t, g))
		r := declare(g, path, "doc-kill")
		require.Equal(t, 201, r.Code, r.Body.String())
		require.Equal(t, "true", r.Header().Get("Idempotent-Replayed"))
		require.Equal(t, first.json(t)["id"], r.json(t)["id"])
		require.Equal(t, []string{"DeclarePrefiling", "DeclarePrefiling", "DeclareDocument"}, e.ledger.submitted())
	})
}

// laggingIndex is a read model whose indexer has not caught up until
// caughtUp is set.
type laggingIndex struct {
	ReadModel
	caughtUp atomic.Bool
}

func (l *laggingIndex) WaitForBlock(ctx context.Context, block uint64) error {
	if l.caughtUp.Load() {
		return l.ReadModel.WaitForBlock(ctx, block)
	}
	<-ctx.Done()
	return ctx.Err()
}

func lagging(t *testing.T, e *env) (*Gateway, *laggingIndex) {
	t.Helper()
	idx := &laggingIndex{ReadModel: e.reads}
	cfg := e.cfg
	cfg.Reads, cfg.WaitTimeout = idx, 50*time.Millisecond
	g, err := New(cfg)
	require.NoError(t, err)
	return g, idx
}

// TestRetryAfter503CommittedNotIndexed: a declaration that committed but
// was answered 503 "committed, not yet indexed" used to answer 409 to the
// retry the 503 asks for. The retry answers 503 again while the indexer
// lags and the original 201 once it has caught up.
func TestRetryAfter503CommittedNotIndexed(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.echoPrefiling()
	g, idx := lagging(t, e)
	a := e.login("ent-a")
	id := doOn(t, g, a, "POST", "/api/v1/prefiling-drafts", map[string]any{"data": completeData()}, nil).json(t)["id"].(string)
	path := "/api/v1/prefiling-drafts/" + id + "/declare?wait=indexed"
	key := map[string]string{"Idempotency-Key": "wait-me"}

	r := doOn(t, g, a, "POST", path, nil, key)
	require.Equal(t, 503, r.Code, r.Body.String())
	require.Equal(t, string(apierror.LedgerUnavailable), r.code(t))
	require.Equal(t, "5", r.Header().Get("Retry-After"))

	r = doOn(t, g, a, "POST", path, nil, key)
	require.Equal(t, 503, r.Code, "still not indexed: the same answer, not 409")

	idx.caughtUp.Store(true)
	r = doOn(t, g, a, "POST", path, nil, key)
	require.Equal(t, 201, r.Code, r.Body.String())
	require.Equal(t, "declared", r.json(t)["status"])
	require.Equal(t, "甲咖啡进口有限公司", r.json(t)["enterpriseName"], "answered from the read model, as with wait=indexed")
	require.Equal(t, []string{"DeclarePrefiling"}, e.ledger.submitted())
}

// TestRetryAfterIndexerDelay: recovery finished a declaration the client
// had been answered 503 for; the client's retry with wait=indexed replays
// the stored 201 only once the indexer has the block.
func TestRetryAfterIndexerDelay(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.echoPrefiling()
	g, idx := lagging(t, e)
	a := e.login("ent-a")
	id := doOn(t, g, a, "POST", "/api/v1/prefiling-drafts", map[string]any{"data": completeData()}, nil).json(t)["id"].(string)
	path := "/api/v1/prefiling-drafts/" + id + "/declare?wait=indexed"
	key := map[string]string{"Idempotency-Key": "delayed"}
	require.Equal(t, 503, doOn(t, g, a, "POST", path, nil, key).Code)

	require.Equal(t, 1, redriveAll(t, g), "recovery completes it")
	rec, err := g.submissions.Get(context.Background(), "ent-a", "delayed")
	require.NoError(t, err)
	require.Equal(t, submissions.StatusDone, rec.Status)
	require.Equal(t, 201, rec.ResponseStatus)

	r := doOn(t, g, a, "POST", path, nil, key)
	require.Equal(t, 503, r.Code, "the stored success is not answered before the indexer has it")
	idx.caughtUp.Store(true)
	r = doOn(t, g, a, "POST", path, nil, key)
	require.Equal(t, 201, r.Code, r.Body.String())
	require.Equal(t, "true", r.Header().Get("Idempotent-Replayed"))
	require.Equal(t, []string{"DeclarePrefiling"}, e.ledger.submitted())
}

// TestFailedWriteDoesNotBlockRecovery: a write answered 500 (the chaincode
// broke) is retried by recovery on its schedule, never makes recovery fail,
// and ends failed with its answer after submissions.MaxAttempts.
func TestFailedWriteDoesNotBlockRecovery(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.ledger.on["DeclarePrefiling"] = func([]string) ([]byte, error) {
		return nil, &ledger.ChaincodeError{Message: "panic: nil map"}
	}
	a := e.login("ent-a")
	id := e.do(a, "POST", "/api/v1/prefiling-drafts", map[string]any{"data": completeData()}, nil).json(t)["id"].(string)
	path := "/api/v1/prefiling-drafts/" + id + "/declare"
	r := e.do(a, "POST", path, nil, map[string]string{"Idempotency-Key": "broken"})
	require.Equal(t, 500, r.Code)

	for range submissions.MaxAttempts - 1 {
		require.Equal(t, 1, redriveAll(t, e.restart()))
	}
	require.Zero(t, redriveAll(t, e.restart()), "given up: nothing is due")
	status, err := e.g.OutboxStatus(context.Background())
	require.NoError(t, err)
	require.Equal(t, submissions.Summary{Failed: 1}, status)

	r = e.do(a, "POST", path, nil, map[string]string{"Idempotency-Key": "broken"})
	require.Equal(t, 500, r.Code)
	require.Equal(t, "true", r.Header().Get("Idempotent-Replayed"), "the final answer is replayed")
}

// TestOutboxStatusShowsFailingRecovery: while the ledger is down, the
// outbox reports the owed write and why it fails.
func TestOutboxStatusShowsFailingRecovery(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.echoPrefiling()
	a := e.login("ent-a")
	id := e.do(a, "POST", "/api/v1/prefiling-drafts", map[string]any{"data": completeData()}, nil).json(t)["id"].(string)
	e.ledger.down = true
	require.Equal(t, 503, e.do(a, "POST", "/api/v1/prefiling-drafts/"+id+"/declare", nil, nil).Code)
	require.Equal(t, 1, redriveAll(t, e.g))
	status, err := e.g.OutboxStatus(context.Background())
	require.NoError(t, err)
	require.Equal(t, 1, status.Pending)
	require.Equal(t, 1, status.Failing)
	require.Contains(t, status.LastError, "LEDGER_UNAVAILABLE")

	e.ledger.down = false
	require.Equal(t, 1, redriveAll(t, e.g))
	status, err = e.g.OutboxStatus(context.Background())
	require.NoError(t, err)
	require.Zero(t, status.Pending)
}

// TestDatabaseOutageAnswers503: with PostgreSQL unreachable every request
// that needs it answers 503 DATABASE_UNAVAILABLE with Retry-After, not 500.
func TestDatabaseOutageAnswers503(t *testing.T) {
	t.Parallel()
	e := setup(t)
	token := e.login("ent-a")
	// A pool on a port where nothing listens stands for a stopped server.
	dead, err := pgxpool.New(context.Background(), "postgres://postgres@127.0.0.1:1/none?sslmode=disable&connect_timeout=2")
	require.NoError(t, err)
	t.Cleanup(dead.Close)
	cfg := e.cfg
	cfg.Pool = dead
	g, err := New(cfg)
	require.NoError(t, err)

	for _, req := range []struct {
		method, path string
		body         any
	}{
		{"GET", "/api/v1/prefiling-drafts", nil},
		{"POST", "/api/v1/prefiling-drafts", map[string]any{"data": completeData()}},
		{"POST", "/api/v1/auth/login", map[string]string{"username": "ent-a", "password": pw}},
	} {
		r := doOn(t, g, token, req.method, req.path, req.body, nil)
		require.Equal(t, 503, r.Code, "%s %s: %s", req.method, req.path, r.Body.String())
		require.Equal(t, string(apierror.DatabaseUnavailable), r.code(t))
		require.Equal(t, "5", r.Header().Get("Retry-After"))
	}
}

// TestRedriveRefusedBeforeTheOutboxIsFinal: a pending submission whose
// user may no longer do it (refused before the outbox middleware) gets
// that refusal as its final answer instead of being re-driven for ever.
func TestRedriveRefusedBeforeTheOutboxIsFinal(t *testing.T) {
	t.Parallel()
	e := setup(t)
	req := submissions.Request{Username: "officer", Key: "not-allowed", Method: "POST", Path: "/api/v1/prefiling-drafts",
		Body: []byte(`{"data":{}}`)}
	_, _, err := e.g.submissions.Claim(context.Background(), req, time.Nanosecond, nil)
	require.NoError(t, err)
	time.Sleep(time.Millisecond)

	require.Equal(t, 1, redriveAll(t, e.g))
	rec, err := e.g.submissions.Get(context.Background(), "officer", "not-allowed")
	require.NoError(t, err)
	require.Equal(t, submissions.StatusDone, rec.Status)
	require.Equal(t, 403, rec.ResponseStatus)
	require.Zero(t, redriveAll(t, e.g), "never re-driven again")
}
