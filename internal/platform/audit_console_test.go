package platform

import (
	"bytes"
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/verifyruns"
	"zonetrace/indexer/query"
	"zonetrace/internal/apiclient"
	"zonetrace/internal/bundle"
)

// TestAuditorsConsole follows a prefiling from its timeline into the block
// explorer, searches by transaction id, trace code and prefiling id, runs
// the audit as a background job and checks a downloaded evidence bundle.
func TestAuditorsConsole(t *testing.T) {
	ctx := context.Background()
	n := startNode(t)
	n.staffEnterpriseA([]map[string]string{
		{"username": "customs", "displayName": "Officer Li", "role": "customs_officer"},
		{"username": "auditor", "displayName": "Auditor Wang", "role": "auditor"},
	})
	a, customs, auditor := n.client("ent-a"), n.client("customs"), n.client("auditor")

	var draft draftJSON
	require.NoError(t, a.Post(ctx, "/api/v1/prefiling-drafts", map[string]any{"data": coffee("耶加雪菲 G1")}, &draft))
	var pf model.Prefiling
	require.NoError(t, a.Post(ctx, "/api/v1/prefiling-drafts/"+draft.ID+"/declare", nil, &pf))
	require.NoError(t, customs.Post(ctx, "/api/v1/prefilings/"+pf.ID+"/review", map[string]string{"decision": "approve"}, nil))
	var view query.PrefilingView
	require.NoError(t, auditor.Get(ctx, "/api/v1/prefilings/"+pf.ID, &view))
	require.Len(t, view.Steps, 2)
	declared, approved := view.Steps[0], view.Steps[1]

	t.Run("a timeline's transaction opens in the explorer", func(t *testing.T) {
		var tx query.TxDetail
		require.NoError(t, auditor.Get(ctx, "/api/v1/explorer/transactions/"+declared.TxID, &tx))
		require.Equal(t, "DeclarePrefiling", tx.Function)
		require.True(t, tx.Valid)
		require.Equal(t, "VALID", tx.ValidationCode)
		require.Equal(t, declared.Actor.MspID, tx.CreatorMspID, "the organisation")
		require.NotEmpty(t, tx.Individual.Name, "the individual named by the certificate")
		require.Contains(t, tx.CreatorCert, "BEGIN CERTIFICATE")
		require.NotEmpty(t, tx.Writes, "keys written")
		require.Contains(t, tx.Subjects, query.Subject{Kind: "prefiling", ID: pf.ID})
		require.Len(t, tx.Header.DataHash, 64)
		require.Positive(t, tx.Size)

		var blk query.BlockDetail
		require.NoError(t, auditor.Get(ctx, "/api/v1/explorer/blocks/"+itoa(tx.Block), &blk))
		require.Equal(t, tx.Header.HeaderHash, blk.HeaderHash)
		require.Equal(t, declared.TxID, blk.Transactions[tx.Index].TxID)

		var page query.BlockPage
		require.NoError(t, auditor.Get(ctx, "/api/v1/explorer/blocks?pageSize=2", &page))
		require.Len(t, page.Items, 2)
		require.Greater(t, page.Items[0].Number, page.Items[1].Number, "newest first")
		require.Equal(t, page.Items[0].PreviousHash, mustBlock(t, auditor, page.Items[1].Number).HeaderHash, "the chain links")
	})

	t.Run("search by transaction id, trace code and prefiling id", func(t *testing.T) {
		search := func(term string) []string {
			var res query.SearchResult
			require.NoError(t, auditor.Get(ctx, "/api/v1/explorer/search?q="+urlQuery(term), &res))
			ids := []string{}
			for _, tx := range res.Transactions {
				ids = append(ids, tx.TxID)
			}
			return ids
		}
		require.Equal(t, []string{approved.TxID}, search(approved.TxID))
		require.Equal(t, []string{declared.TxID, approved.TxID}, search(pf.ID))
		require.Equal(t, []string{approved.TxID}, search(view.TraceCode), "the review issued the trace code")
		require.Empty(t, search("PF-NOTHING"))
	})

	t.Run("enterprises cannot use the console", func(t *testing.T) {
		require.Equal(t, http.StatusForbidden, apiclient.StatusOf(a.Get(ctx, "/api/v1/explorer/blocks", nil)))
		require.Equal(t, http.StatusForbidden, apiclient.StatusOf(customs.Get(ctx, "/api/v1/evidence-bundles/"+view.TraceCode, nil)),
			"bundles are the auditor's")
	})

	t.Run("the evidence bundle verifies offline", func(t *testing.T) {
		res, err := auditor.Do(ctx, apiclient.Request{Method: http.MethodGet, Path: "/api/v1/evidence-bundles/" + view.TraceCode}, nil)
		require.NoError(t, err)
		require.Contains(t, res.Header.Get("Content-Disposition"), "evidence-"+view.TraceCode+".json")
		b, err := bundle.Read(bytes.NewReader(res.Body))
		require.NoError(t, err)
		report, err := bundle.Verify(b)
		require.NoError(t, err)
		require.Contains(t, strings.Join(report, "\n"), approved.TxID)
		require.Equal(t, http.StatusNotFound, apiclient.StatusOf(auditor.Get(ctx, "/api/v1/evidence-bundles/NOPE", nil)))
	})

	t.Run("an audit runs as a job with progress and history", func(t *testing.T) {
		var run verifyruns.Run
		res, err := auditor.Do(ctx, apiclient.Request{Method: http.MethodPost, Path: "/api/v1/verify-runs", NoWait: true}, &run)
		require.NoError(t, err)
		require.Equal(t, http.StatusCreated, res.Status)
		require.Equal(t, "auditor", run.StartedBy)
		deadline := time.Now().Add(2 * time.Minute)
		for run.Status == verifyruns.StatusRunning && time.Now().Before(deadline) {
			time.Sleep(200 * time.Millisecond)
			require.NoError(t, auditor.Get(ctx, "/api/v1/verify-runs/"+itoa(run.ID), &run))
		}
		require.Equal(t, verifyruns.StatusPassed, run.Status, run.Message)
		require.Positive(t, run.Height)
		require.Equal(t, run.Height, run.BlocksChecked)
		require.Positive(t, run.Tables)
		require.NotNil(t, run.FinishedAt)

		var history struct {
			Items []verifyruns.Run `json:"items"`
		}
		require.NoError(t, customs.Get(ctx, "/api/v1/verify-runs", &history))
		require.Equal(t, run.ID, history.Items[0].ID)
	})
}

func mustBlock(t *testing.T, c *apiclient.Client, n int64) query.BlockDetail {
	t.Helper()
	var b query.BlockDetail
	require.NoError(t, c.Get(context.Background(), "/api/v1/explorer/blocks/"+itoa(n), &b))
	return b
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
