package platform

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"zonetrace/gateway/basicdata"
	"zonetrace/gateway/basicdata/connector"
)

// A node with a drop folder syncs on its own at start and on "sync now":
// the fixture folder of gateway/basicdata arrives through the node's job
// queue and its files move to done/.
func TestBasicDataSyncFromDropFolder(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	drop := t.TempDir()
	n := startNodeWith(t, func(c *Config) { c.BasicData, c.BasicDataEvery = connector.Directory{Dir: drop}, time.Hour })
	admin := n.client("admin")

	type syncList struct {
		Items      []basicdata.Sync `json:"items"`
		Configured bool             `json:"configured"`
	}
	// The scheduled sync runs once at start, on an empty folder.
	require.Eventually(t, func() bool {
		var l syncList
		require.NoError(t, admin.Get(ctx, "/api/v1/basic-data/syncs", &l))
		return len(l.Items) == 1 && l.Items[0].Trigger == basicdata.TriggerSchedule && l.Items[0].FinishedAt != nil
	}, 30*time.Second, 100*time.Millisecond)

	files, err := filepath.Glob("../../gateway/basicdata/testdata/drop/*.json")
	require.NoError(t, err)
	require.Len(t, files, 5)
	for _, f := range files {
		raw, err := os.ReadFile(f)
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(drop, filepath.Base(f)), raw, 0o600))
	}
	var queued basicdata.Sync
	require.NoError(t, admin.Post(ctx, "/api/v1/basic-data/syncs", nil, &queued))
	var done basicdata.Sync
	require.Eventually(t, func() bool {
		require.NoError(t, admin.Get(ctx, "/api/v1/basic-data/syncs/"+strconv.FormatInt(queued.ID, 10), &done))
		return done.FinishedAt != nil
	}, 30*time.Second, 100*time.Millisecond)
	require.Equal(t, basicdata.StateDone, done.State, done.Failures)
	require.Equal(t, basicdata.TriggerManual, done.Trigger)
	require.Equal(t, basicdata.SyncCounts{Added: 9, Deliveries: 1}, done.Counts[basicdata.HSCodes])
	require.Equal(t, basicdata.SyncCounts{Added: 4, Deliveries: 1}, done.Counts[basicdata.AccountBooks])
	for _, f := range files {
		require.FileExists(t, filepath.Join(drop, "done", filepath.Base(f)))
	}
	var codes basicdata.RecordPage
	require.NoError(t, admin.Get(ctx, "/api/v1/basic-data/sets/hs_codes?q=0901", &codes))
	require.Equal(t, 7, codes.Total)
}
