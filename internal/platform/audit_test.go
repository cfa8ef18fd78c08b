package platform

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"
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
