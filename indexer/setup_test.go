package indexer_test

import (
	"bytes"
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
	"zonetrace/indexer"
	"zonetrace/indexer/internal/blockfeed"
	"zonetrace/internal/pgtest"
)

var start = time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)

type fixture struct {
	pool  *pgxpool.Pool
	feed  *blockfeed.Feed
	chain *blockfeed.Chain
	logs  *syncBuffer
}

func setup(t *testing.T) fixture {
	t.Helper()
	pool := pgtest.NewPool(t)
	require.NoError(t, indexer.Migrate(t.Context(), pool))
	feed := blockfeed.New()
	return fixture{pool: pool, feed: feed, chain: blockfeed.NewChain(feed, start), logs: &syncBuffer{}}
}

// indexer returns an indexer with fast retries whose log goes to f.logs.
func (f fixture) indexer() *indexer.Indexer {
	return indexer.New(f.pool, f.feed, indexer.WithLogger(f.logger()), indexer.WithBackoff(time.Millisecond, 10*time.Millisecond))
}

// logger writes to f.logs.
func (f fixture) logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(f.logs, nil))
}

// catchUp indexes everything committed so far.
func (f fixture) catchUp(t *testing.T) {
	t.Helper()
	height, err := f.feed.Height(t.Context())
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	require.NoError(t, f.indexer().CatchUp(ctx, height), "indexer log:\n%s", f.logs.String())
}

func (f fixture) count(t *testing.T, sql string, args ...any) int {
	t.Helper()
	var n int
	require.NoError(t, f.pool.QueryRow(t.Context(), sql, args...).Scan(&n))
	return n
}

func (f fixture) checkpoint(t *testing.T) int {
	t.Helper()
	return f.count(t, `SELECT next_block FROM indexer_checkpoint`)
}

// lifecycle commits the story every projection test starts from and returns
// the number of blocks (one transaction each).
func (f fixture) lifecycle() int {
	c := f.chain
	c.RegisterEnterprise("91320583MA1XYZ0001", "昆山咖啡进口有限公司")
	c.RegisterEnterprise("91320583MA1XYZ0002", "Zone Roasters Ltd")
	c.BindIdentity("91320583MA1XYZ0001")
	c.Declare("PF2025030100000001", "91320583MA1XYZ0001", beans("Yirgacheffe G1", "ET", "Addis Green Export"))
	c.Review("PF2025030100000001", false, "原产地证书不清晰")
	c.Declare("PF2025030100000002", "91320583MA1XYZ0001", beans("Santos NY2", "BR", "Santos Export SA"))
	c.Review("PF2025030100000002", true, "")
	c.DeclareSupplement("PF2025030100000002", model.SupplementData{QuarantineBatchNo: "Q-2025-0042",
		QuarantineResult: model.QuarantineQualified, QuarantineDate: "2025-03-05",
		Attachments: []model.Attachment{{Kind: model.AttachmentQuarantineCertificate, Name: "q.pdf", SHA256: "ab12", Size: 1024}}})
	c.ReviewSupplement("PF2025030100000002", true, "同意")
	return 9
}

func beans(product, origin, exporter string) model.PrefilingData {
	return model.PrefilingData{Commodity: "CF", ProductName: product, HSCode: "0901110000", Origin: origin,
		ExporterName: exporter, QuarantineResult: model.QuarantinePending, AvgPriceFen: 4_250_00,
		Currency: "CNY", WeightGrams: 19_200_000, MaterialNo: "M-" + origin, BatchNo: "B-" + origin,
		Attachments: []model.Attachment{{Kind: model.AttachmentOriginCertificate, Name: "co.pdf", SHA256: "cd34", Size: 2048}}}
}

// syncBuffer is a log sink safe for the indexer's goroutine and the test.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// strings returns the single text column of the rows sql returns.
func (f fixture) strings(t *testing.T, sql string, args ...any) []string {
	t.Helper()
	rows, err := f.pool.Query(t.Context(), sql, args...)
	require.NoError(t, err)
	list, err := pgx.CollectRows(rows, pgx.RowTo[string])
	require.NoError(t, err)
	return list
}
