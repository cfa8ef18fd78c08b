package platform

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"zonetrace/indexer"
	"zonetrace/internal/apiclient"
	"zonetrace/internal/pgtest"
)

// auditedNode is a stopped embedded node with two enterprises on its ledger.
func auditedNode(t *testing.T) *node {
	t.Helper()
	ctx := context.Background()
	n := startNode(t)
	admin := n.client("admin")
	for _, e := range []map[string]string{
		{"id": enterpriseA, "name": "昆山咖啡进口有限公司", "kind": "importer"},
		{"id": enterpriseB, "name": "综保仓储物流有限公司", "kind": "warehouse"},
	} {
		require.NoError(t, admin.Post(ctx, "/api/v1/enterprises", e, nil))
	}
	n.state()
	require.NoError(t, n.Close())
	return n
}

func (n *node) audit(dataDir string) (*AuditReport, error) {
	return Audit(context.Background(), AuditConfig{DataDir: dataDir, DatabaseURL: n.dbURL})
}

func TestAudit(t *testing.T) {
	t.Run("a node whose tables match its ledger passes", func(t *testing.T) {
		n := auditedNode(t)
		report, err := n.audit(n.dir)
		require.NoError(t, err)
		require.Positive(t, report.Blocks)
		require.Positive(t, report.Tables)
	})
	t.Run("a changed row in PostgreSQL is reported with its block and transaction", func(t *testing.T) {
		n := auditedNode(t)
		pool := pgtestPool(t, n.dbURL)
		tag, err := pool.Exec(context.Background(), `UPDATE enterprises SET name = 'forged' WHERE id = $1`, enterpriseB)
		require.NoError(t, err)
		require.EqualValues(t, 1, tag.RowsAffected())

		_, err = n.audit(n.dir)
		var d *Discrepancy
		require.ErrorAs(t, err, &d)
		require.True(t, IsAuditFinding(err))
		require.Equal(t, "enterprises", d.Table)
		require.Contains(t, d.Mirror, "forged")
		require.Contains(t, d.Ledger, "综保仓储物流有限公司")
		require.NotEmpty(t, d.Block)
		require.NotEmpty(t, d.TxID)
	})
	t.Run("a flipped byte in a copy of the block store is reported", func(t *testing.T) {
		n := auditedNode(t)
		copied := t.TempDir()
		require.NoError(t, os.CopyFS(copied, os.DirFS(n.dir)))
		flipped := false
		err := filepath.WalkDir(filepath.Join(copied, "ledger"), func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || flipped {
				return err
			}
			raw, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			if i := bytes.Index(raw, []byte(enterpriseB)); i >= 0 {
				raw[i] ^= 0x01
				flipped = true
				return os.WriteFile(path, raw, 0o600)
			}
			return nil
		})
		require.NoError(t, err)
		require.True(t, flipped, "the enterprise ID is somewhere in the store")

		_, err = n.audit(copied)
		require.Error(t, err)
		require.True(t, IsAuditFinding(err), "%v", err)
		_, err = n.audit(n.dir)
		require.NoError(t, err, "the original is untouched")
	})
}

func pgtestPool(t *testing.T, dbURL string) *pgxpool.Pool {
	t.Helper()
	pool, err := pgxpool.New(context.Background(), dbURL)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	return pool
}

// TestVerifyReportsLag is the finding "verify says verified while the mirror
// is stuck: it only checks up to the checkpoint". The audit replays up to the
// ledger's height: a mirror behind it is reported as lag (not a mismatch),
// and a mirror parked on a block fails naming that block.
func TestVerifyReportsLag(t *testing.T) {
	n := auditedNode(t)
	ctx := t.Context()
	l, err := OpenReadLedger(ctx, LedgerEmbedded, n.dir, "", nil)
	require.NoError(t, err)
	height, err := l.Height(ctx)
	require.NoError(t, err)
	require.Greater(t, height, uint64(2))

	// A mirror that stopped one block short of the ledger.
	behindURL := pgtest.NewDatabase(t)
	behind := pgtestPool(t, behindURL)
	require.NoError(t, indexer.Migrate(ctx, behind))
	require.NoError(t, indexer.New(behind, l).CatchUp(ctx, height-1))
	require.NoError(t, l.Close())

	report, err := Audit(ctx, AuditConfig{DataDir: n.dir, DatabaseURL: behindURL})
	require.NoError(t, err, "lag alone is not a fault")
	require.Equal(t, height, report.Blocks)
	require.Equal(t, height-1, report.IndexedHeight)
	require.EqualValues(t, 1, report.Lag)
	require.Positive(t, report.Tables)

	full, err := n.audit(n.dir)
	require.NoError(t, err)
	require.Zero(t, full.Lag)
	require.Equal(t, height, full.IndexedHeight)

	// The same mirror parked on the next block fails, naming it.
	_, err = behind.Exec(ctx, `INSERT INTO indexer_alarms (block_number, reason) VALUES ($1, 'ERROR: unsupported Unicode escape sequence (SQLSTATE 22P05)')`, int64(height-1))
	require.NoError(t, err)
	_, err = Audit(ctx, AuditConfig{DataDir: n.dir, DatabaseURL: behindURL})
	var parked *UnprojectableBlockError
	require.ErrorAs(t, err, &parked)
	require.True(t, IsAuditFinding(err))
	require.Equal(t, height-1, parked.Block)
	require.Contains(t, parked.Reason, "22P05")
}

// TestVerifyWhileNodeRuns is the finding "verify cannot run while the node
// runs" (the embedded ledger's LevelDB is locked by the node). The audit
// reads a snapshot while blocks keep being appended, and finds no fault.
func TestVerifyWhileNodeRuns(t *testing.T) {
	n := startNode(t)
	ctx := t.Context()
	admin := n.client("admin")
	require.NoError(t, admin.Post(ctx, "/api/v1/enterprises",
		map[string]string{"id": enterpriseA, "name": "昆山咖啡进口有限公司", "kind": "importer"}, nil))

	writing, stop := context.WithCancel(ctx)
	written := make(chan int, 1)
	go func() {
		i := 0
		for writing.Err() == nil {
			id := fmt.Sprintf("91320583MA%07dX", i)
			if err := admin.Post(writing, "/api/v1/enterprises", map[string]string{"id": id, "name": "企业" + id, "kind": "trader"}, nil); err != nil && writing.Err() == nil {
				t.Errorf("register %s: %v", id, err)
				break
			}
			i++
		}
		written <- i
	}()
	for range 3 {
		report, err := n.audit(n.dir)
		require.NoError(t, err)
		require.Positive(t, report.Blocks)
		require.Equal(t, report.Blocks-report.IndexedHeight, report.Lag)
	}
	stop()
	require.Positive(t, <-written, "blocks were appended while the audits ran")

	entries, err := os.ReadDir(n.dir)
	require.NoError(t, err)
	for _, e := range entries {
		require.NotContains(t, e.Name(), "snapshot", "the audit removes its snapshot")
	}
}

// TestSnapshotDetectsConcurrentChanges: a copy is used only if no table,
// table size or CURRENT changed while it was taken (snapshotStore then takes
// it again); appends to a journal or manifest are allowed.
func TestSnapshotDetectsConcurrentChanges(t *testing.T) {
	src := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(src, "CURRENT"), []byte("MANIFEST-000002\n"), 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(src, "MANIFEST-000002"), []byte("m"), 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(src, "000003.ldb"), []byte("table"), 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(src, "LOCK"), nil, 0o600))

	dst := filepath.Join(t.TempDir(), "copy")
	require.NoError(t, snapshotStore(src, dst))
	got, err := listStore(dst)
	require.NoError(t, err)
	want, err := listStore(src)
	require.NoError(t, err)
	require.Equal(t, want, got)
	_, err = os.Stat(filepath.Join(dst, "LOCK"))
	require.ErrorIs(t, err, fs.ErrNotExist, "the node's lock is not copied")

	// The node writing during the copy: a table growing (one being written),
	// a new table (a flush or compaction), a new manifest named by CURRENT.
	for name, change := range map[string]func(){
		"table grows": func() { appendFile(t, filepath.Join(src, "000003.ldb"), "more") },
		"new table":   func() { appendFile(t, filepath.Join(src, "000009.ldb"), "t") },
		"new manifest": func() {
			require.NoError(t, os.WriteFile(filepath.Join(src, "CURRENT"), []byte("MANIFEST-000010\n"), 0o600))
		},
	} {
		same, err := copyOnce(src, filepath.Join(t.TempDir(), "racing"), func(src, dst string, files map[string]string) error {
			err := copyStore(src, dst, files)
			change()
			return err
		})
		require.NoError(t, err, name)
		require.False(t, same, "%s during the copy makes the copy unusable", name)
	}
	// Appending to the journal or manifest is what a committed block does;
	// the copy holds a prefix of it, which is consistent.
	same, err := copyOnce(src, filepath.Join(t.TempDir(), "journal"), func(src, dst string, files map[string]string) error {
		err := copyStore(src, dst, files)
		appendFile(t, filepath.Join(src, "MANIFEST-000002"), "edit")
		return err
	})
	require.NoError(t, err)
	require.True(t, same)
}

func appendFile(t *testing.T, path, data string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	require.NoError(t, err)
	_, err = f.WriteString(data)
	require.NoError(t, err)
	require.NoError(t, f.Close())
}

// TestRunningNodeReportsParkedBlock: on a real node, a block the mirror
// refuses turns /readyz unready naming the block, and verify fails naming it,
// while the node keeps running.
func TestRunningNodeReportsParkedBlock(t *testing.T) {
	n := startNode(t)
	ctx := t.Context()
	_, err := n.Pool.Exec(ctx, `ALTER TABLE enterprises ADD CONSTRAINT test_refuse CHECK (name <> 'refused')`)
	require.NoError(t, err)
	admin := n.client("admin")
	err = admin.Post(ctx, "/api/v1/enterprises", map[string]string{"id": enterpriseA, "name": "refused", "kind": "importer"}, nil)
	var apiErr *apiclient.Error
	require.ErrorAs(t, err, &apiErr, "the write commits but is never indexed")
	require.Equal(t, 503, apiErr.Status)
	height, err := n.Ledger.Height(ctx)
	require.NoError(t, err)

	var ready struct {
		Status string `json:"status"`
		Checks []struct {
			Name    string         `json:"name"`
			OK      bool           `json:"ok"`
			Reason  string         `json:"reason"`
			Details map[string]any `json:"details"`
		} `json:"checks"`
	}
	require.Eventually(t, func() bool {
		resp, err := http.Get(n.URL + "/readyz")
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		return json.NewDecoder(resp.Body).Decode(&ready) == nil &&
			resp.StatusCode == http.StatusServiceUnavailable && ready.Status == "unready"
	}, 30*time.Second, 20*time.Millisecond)
	var indexerCheck map[string]any
	for _, c := range ready.Checks {
		if c.Name == "indexer" {
			require.False(t, c.OK)
			require.Equal(t, "parked", c.Reason)
			indexerCheck = c.Details
		}
	}
	block, ok := indexerCheck["block"].(float64)
	require.True(t, ok, "%v", indexerCheck)
	require.Less(t, uint64(block), height)
	require.InDelta(t, block, indexerCheck["indexedHeight"], 0, "the mirror stopped at the parked block")
	require.Contains(t, indexerCheck["error"], "test_refuse")

	_, err = n.audit(n.dir)
	var parked *UnprojectableBlockError
	require.ErrorAs(t, err, &parked)
	require.Equal(t, uint64(block), parked.Block)
}
