package recognitions_test

import (
	"bytes"
	"context"
	"os/exec"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
	"zonetrace/gateway"
	"zonetrace/gateway/attachments"
	"zonetrace/gateway/drafts"
	"zonetrace/gateway/ocr"
	"zonetrace/gateway/ocr/corpus"
	"zonetrace/gateway/ocr/recognitions"
	"zonetrace/gateway/retention"
	"zonetrace/gateway/validation"
	"zonetrace/internal/jobs"
	"zonetrace/internal/pgtest"
	"zonetrace/internal/sealing/sealingtest"
)

type env struct {
	pool   *pgxpool.Pool
	store  *recognitions.Store
	worker *recognitions.Worker
	drafts *drafts.Store
	files  *attachments.Store
}

func setup(t *testing.T, engine recognitions.Engine) env {
	t.Helper()
	ctx := context.Background()
	pool := pgtest.NewPool(t)
	require.NoError(t, gateway.Migrate(ctx, pool))
	require.NoError(t, jobs.Migrate(ctx, pool))
	sealer := sealingtest.New(t)
	e := env{pool: pool, drafts: drafts.New(pool, drafts.WithSealer(sealer)), files: attachments.New(pool, t.TempDir(), sealer)}
	var err error
	e.store, err = recognitions.New(pool, e.drafts, e.files)
	require.NoError(t, err)
	e.worker = recognitions.NewWorker(pool, e.files, engine, nil)
	return e
}

func (e env) draft(t *testing.T, enterprise string, data model.PrefilingData) string {
	t.Helper()
	id, err := drafts.NewID("")
	require.NoError(t, err)
	_, err = e.drafts.Create(context.Background(), id, enterprise, "clerk", data)
	require.NoError(t, err)
	return id
}

func (e env) upload(t *testing.T, enterprise string, content []byte, name string) string {
	t.Helper()
	m, err := e.files.Save(context.Background(), bytes.NewReader(content), name, "clerk", enterprise, 10<<20)
	require.NoError(t, err)
	return m.SHA256
}

// scripted is an engine answering fixed fields, reporting progress.
type scripted struct {
	fields []ocr.Field
	err    error
	kinds  []string
}

func (s *scripted) Recognize(_ context.Context, kind, _ string, _ []byte, progress func(int)) (ocr.Result, error) {
	s.kinds = append(s.kinds, kind)
	progress(40)
	return ocr.Result{Fields: s.fields, Source: ocr.SourceOCR}, s.err
}

var somePNG = []byte("\x89PNG\r\n\x1a\n" + string(make([]byte, 64)))

// TestStartChecks: a recognition is only of a certificate kind, of a file
// the enterprise uploaded, for an undeclared draft of its own; asking again
// returns the same recognition.
func TestStartChecks(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := setup(t, &scripted{})
	draft := e.draft(t, "ent-a", model.PrefilingData{ProductName: "生咖啡豆"})
	sum := e.upload(t, "ent-a", somePNG, "cert.png")
	other := e.upload(t, "ent-b", append([]byte{}, append(somePNG, 1)...), "other.png")

	_, _, err := e.store.Start(ctx, "ent-a", draft, sum, "other", "clerk")
	var problems validation.Problems
	require.ErrorAs(t, err, &problems)
	require.Equal(t, "kind", problems[0].Field)

	_, _, err = e.store.Start(ctx, "ent-a", draft, other, model.AttachmentOriginCertificate, "clerk")
	require.ErrorIs(t, err, attachments.ErrNotFound, "another enterprise's file")
	_, _, err = e.store.Start(ctx, "ent-b", draft, other, model.AttachmentOriginCertificate, "clerk")
	require.ErrorIs(t, err, drafts.ErrNotFound, "another enterprise's draft")

	rec, created, err := e.store.Start(ctx, "ent-a", draft, sum, model.AttachmentOriginCertificate, "clerk")
	require.NoError(t, err)
	require.True(t, created)
	require.Equal(t, recognitions.StateQueued, rec.State)
	again, created, err := e.store.Start(ctx, "ent-a", draft, sum, model.AttachmentOriginCertificate, "clerk")
	require.NoError(t, err)
	require.False(t, created)
	require.Equal(t, rec.ID, again.ID)

	list, err := e.store.List(ctx, "ent-a", draft)
	require.NoError(t, err)
	require.Len(t, list, 1)
	_, err = e.store.List(ctx, "ent-b", draft)
	require.ErrorIs(t, err, drafts.ErrNotFound)
}

// TestWorkerRecordsFieldsAndFailures: the worker records the fields read,
// and a failure with its reason, after which asking again queues the file
// again.
func TestWorkerRecordsFieldsAndFailures(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	engine := &scripted{fields: []ocr.Field{{Name: ocr.FieldOrigin, Value: "BR", ValueZh: "巴西", Confidence: 95}}}
	e := setup(t, engine)
	draft := e.draft(t, "ent-a", model.PrefilingData{Origin: "CO"})
	sum := e.upload(t, "ent-a", somePNG, "cert.png")

	rec, _, err := e.store.Start(ctx, "ent-a", draft, sum, model.AttachmentOriginCertificate, "clerk")
	require.NoError(t, err)
	require.NoError(t, e.worker.Recognize(ctx, rec.ID))
	list, err := e.store.List(ctx, "ent-a", draft)
	require.NoError(t, err)
	require.Equal(t, recognitions.StateDone, list[0].State)
	require.Equal(t, 100, list[0].Progress)
	require.Equal(t, engine.fields, list[0].Fields)
	require.Equal(t, []string{model.AttachmentOriginCertificate}, engine.kinds)

	engine.err = ocr.ErrNoEngine
	sum2 := e.upload(t, "ent-a", append(append([]byte{}, somePNG...), 2), "cert2.png")
	rec2, _, err := e.store.Start(ctx, "ent-a", draft, sum2, model.AttachmentQuarantineCertificate, "clerk")
	require.NoError(t, err)
	require.NoError(t, e.worker.Recognize(ctx, rec2.ID), "a failure is recorded, not retried")
	list, err = e.store.List(ctx, "ent-a", draft)
	require.NoError(t, err)
	require.Equal(t, recognitions.StateFailed, list[0].State)
	require.Equal(t, recognitions.FailureEngine, list[0].Failure)

	again, created, err := e.store.Start(ctx, "ent-a", draft, sum2, model.AttachmentQuarantineCertificate, "clerk")
	require.NoError(t, err)
	require.True(t, created, "a failed recognition is queued again")
	require.Equal(t, rec2.ID, again.ID)
	require.Equal(t, recognitions.StateQueued, again.State)
	require.Empty(t, again.Failure)
}

// TestJobFlow runs a generated quarantine certificate through the job
// queue and the real engine, as the node does.
func TestJobFlow(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("skipping: poppler-utils (pdftotext) not installed")
	}
	runner := ocr.NewRunner("", 1)
	if err := runner.Available(); err != nil {
		t.Skip("skipping: ", err)
	}
	g := &corpus.Generator{}
	// Sample 7 of the tuning set is a quarantine certificate with a text
	// layer: read in milliseconds, so the test is about the flow.
	s, err := g.One(corpus.Tuning, 1, 7)
	if err != nil {
		t.Skip("skipping: corpus fonts missing: ", err)
	}
	require.Equal(t, corpus.FormatTextPDF, s.Format)
	require.Equal(t, model.AttachmentQuarantineCertificate, s.Truth.Kind)

	ctx := context.Background()
	e := setup(t, &ocr.Engine{Runner: runner})
	draft := e.draft(t, "ent-a", model.PrefilingData{QuarantineBatchNo: "TYPED-BY-HAND", QuarantineResult: model.QuarantinePending})
	sum := e.upload(t, "ent-a", s.Content, "quarantine.pdf")
	rec, _, err := e.store.Start(ctx, "ent-a", draft, sum, model.AttachmentQuarantineCertificate, "clerk")
	require.NoError(t, err)

	q, err := jobs.Start(ctx, jobs.Config{Pool: e.pool, Outbox: idle{}, Purger: idle{}, Recognizer: e.worker})
	require.NoError(t, err)
	t.Cleanup(func() {
		stop, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = q.Stop(stop)
	})
	var got recognitions.Recognition
	require.Eventually(t, func() bool {
		list, err := e.store.List(ctx, "ent-a", draft)
		require.NoError(t, err)
		got = list[0]
		return got.State == recognitions.StateDone || got.State == recognitions.StateFailed
	}, 60*time.Second, 100*time.Millisecond)
	require.Equal(t, rec.ID, got.ID)
	require.Equal(t, recognitions.StateDone, got.State, got.Failure)
	require.Equal(t, ocr.SourceTextLayer, got.Source)

	d, err := e.drafts.Get(ctx, "ent-a", draft)
	require.NoError(t, err)
	require.Equal(t, "TYPED-BY-HAND", d.Data.QuarantineBatchNo, "the draft keeps what was typed")
	byName := map[string]recognitions.Suggestion{}
	for _, s := range recognitions.Suggest(got.Fields, d.Data) {
		byName[s.Name] = s
	}
	require.Equal(t, s.Truth.BatchNo, byName[ocr.FieldQuarantineBatchNo].Value)
	require.True(t, byName[ocr.FieldQuarantineBatchNo].Differs, "a warning where the certificate differs")
	require.Equal(t, "TYPED-BY-HAND", byName[ocr.FieldQuarantineBatchNo].Typed)
	require.Equal(t, s.Truth.Result, byName[ocr.FieldQuarantineResult].Value)
	require.False(t, byName[ocr.FieldQuarantineResult].Differs, "pending is not a typed result")
	require.Equal(t, s.Truth.Date, byName[ocr.FieldQuarantineDate].Value)
}

type idle struct{}

func (idle) RedriveDue(context.Context) (int, error)         { return 0, nil }
func (idle) Purge(context.Context) (retention.Report, error) { return retention.Report{}, nil }
