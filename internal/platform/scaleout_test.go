package platform

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"zonetrace/gateway/accounts"
	"zonetrace/gateway/submissions"
	"zonetrace/indexer"
	"zonetrace/indexer/query"
	"zonetrace/internal/apiclient"
)

// TestThreeNodesLeaderKilledUnderLoad: three nodes over one database and one
// ledger (the in-process stand-in for a Fabric channel). Exactly one indexes.
// While two clients keep registering enterprises with read-your-writes
// (?wait=indexed) through the followers, the leader is stopped, and then the
// next leader's lock connection is killed by the server: each time another
// node takes over within seconds, every write is answered, and the audit
// finds the mirror equal to a fresh replay of the ledger: nothing lost,
// nothing applied twice.
func TestThreeNodesLeaderKilledUnderLoad(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dbURL, dir := nodeTables.Database(t), t.TempDir()
	shared, ca, err := OpenLedger(ctx, dir, testLogger())
	require.NoError(t, err)
	ledgerClosed := false
	t.Cleanup(func() {
		if !ledgerClosed {
			_ = shared.Close()
		}
	})
	start := func() *Platform {
		// One data folder: the nodes share the data keys that seal the
		// mirror, as nodes sharing a database must.
		p, err := Start(ctx, Config{DataDir: dir, DatabaseURL: dbURL, Listen: "127.0.0.1:0", Logger: testLogger(),
			SharedLedger: shared, SharedPKI: ca, LeaderCheck: 100 * time.Millisecond})
		require.NoError(t, err)
		t.Cleanup(func() { _ = p.Close() })
		return p
	}
	first := start()
	require.Eventually(t, first.Leader.Leading, 10*time.Second, 10*time.Millisecond)
	// A write in flight on the first node: the others' start leaves its
	// lease alone (a node alone releases the leases of its previous run).
	outbox := submissions.New(first.Pool)
	_, _, err = outbox.Claim(ctx, submissions.Request{Username: "admin", Key: "in-flight", Method: "POST", Path: "/api/v1/enterprises",
		Body: []byte(`{}`)}, 2*time.Minute, nil)
	require.NoError(t, err)
	nodes := []*Platform{first, start(), start()}
	due, err := outbox.Due(ctx, 10)
	require.NoError(t, err)
	require.Empty(t, due, "the first node's lease still runs")
	leaders := func() (leading []int) {
		for i, n := range nodes {
			if n != nil && n.Leader.Leading() {
				leading = append(leading, i)
			}
		}
		return leading
	}
	time.Sleep(300 * time.Millisecond)
	require.Equal(t, []int{0}, leaders(), "the followers wait")

	_, err = accounts.New(first.Pool).CreateUser(ctx, accounts.NewUser{Username: "admin", Password: testPassword, DisplayName: "Zone Admin", Role: accounts.RoleZoneAdmin})
	require.NoError(t, err)
	// A session opened on one node is honoured by the others.
	session := apiclient.New(first.URL)
	require.NoError(t, session.Login(ctx, "admin", testPassword))
	clients := make([]*apiclient.Client, len(nodes))
	for i, n := range nodes {
		clients[i] = apiclient.New(n.URL)
		clients[i].Token = session.Token
	}

	// The load: clients of nodes 1 and 2 write until told to stop; each
	// write waits until the mirror has it and is then read back.
	var (
		stop    atomic.Bool
		wg      sync.WaitGroup
		mu      sync.Mutex
		written []string
		failed  []error
	)
	for w := 1; w <= 2; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; !stop.Load(); i++ {
				id := fmt.Sprintf("91320583MA%d%07d", w, i)
				err := clients[w].Post(ctx, "/api/v1/enterprises", map[string]string{"id": id, "name": "E" + id, "kind": "importer"}, nil)
				if err == nil {
					var got map[string]any
					err = clients[w].Get(ctx, "/api/v1/enterprises/"+id, &got)
				}
				mu.Lock()
				if err != nil {
					failed = append(failed, fmt.Errorf("%s: %w", id, err))
				} else {
					written = append(written, id)
				}
				mu.Unlock()
			}
		}()
	}
	count := func() int {
		mu.Lock()
		defer mu.Unlock()
		return len(written)
	}
	progress := func(after int, why string) {
		t.Helper()
		require.Eventually(t, func() bool { return count() >= after+5 }, 60*time.Second, 10*time.Millisecond, why)
	}
	progress(0, "writes go through before any failure")

	// The leader's node stops.
	require.NoError(t, nodes[0].Close())
	nodes[0] = nil
	require.Eventually(t, func() bool { return len(leaders()) == 1 }, 10*time.Second, 10*time.Millisecond,
		"a follower takes over from a stopped leader")
	second := leaders()[0]
	progress(count(), "writes keep being indexed under the second leader")

	// The server ends the second leader's lock session; its node lives on.
	var killed int
	require.NoError(t, nodes[1].Pool.QueryRow(ctx, `SELECT count(pg_terminate_backend(pid)) FROM pg_locks
		WHERE locktype = 'advisory' AND granted AND classid::bigint = $1::bigint >> 32
			AND objid::bigint = $1::bigint & 4294967295 AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`, indexer.LeaderLockKey).Scan(&killed))
	require.Equal(t, 1, killed)
	require.Eventually(t, func() bool {
		l := leaders()
		return len(l) == 1 && l[0] != second
	}, 10*time.Second, 10*time.Millisecond, "the other follower takes over from a leader whose lock connection died")
	progress(count(), "writes keep being indexed under the third leader")
	stop.Store(true)
	wg.Wait()
	require.Empty(t, failed, "no write failed across the failovers")

	// Every write is in the mirror once, and the mirror equals a replay.
	var mirrored int
	require.NoError(t, nodes[1].Pool.QueryRow(ctx, `SELECT count(*) FROM enterprises WHERE id = ANY($1)`, written).Scan(&mirrored))
	require.Equal(t, len(written), mirrored)
	for _, n := range nodes {
		if n != nil {
			require.NoError(t, n.Close())
		}
	}
	require.NoError(t, shared.Close())
	ledgerClosed = true
	report, err := Audit(ctx, AuditConfig{DataDir: dir, DatabaseURL: dbURL, Logger: testLogger()})
	require.NoError(t, err)
	require.Equal(t, report.Blocks, report.IndexedHeight, "the mirror is complete")
}

// TestReadReplicaAnswersReads: with ReadDatabaseURL the read model answers
// from the replica (here a second database whose replay the test plays by
// hand), while the indexer writes the primary.
func TestReadReplicaAnswersReads(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	primaryURL, replicaURL := nodeTables.Database(t), nodeTables.Database(t)
	p, err := Start(ctx, Config{DataDir: t.TempDir(), DatabaseURL: primaryURL, ReadDatabaseURL: replicaURL,
		Listen: "127.0.0.1:0", Logger: testLogger()})
	require.NoError(t, err)
	t.Cleanup(func() { _ = p.Close() })
	_, err = accounts.New(p.Pool).CreateUser(ctx, accounts.NewUser{Username: "admin", Password: testPassword, DisplayName: "Zone Admin", Role: accounts.RoleZoneAdmin})
	require.NoError(t, err)
	admin := apiclient.New(p.URL)
	require.NoError(t, admin.Login(ctx, "admin", testPassword))
	// No read-your-writes wait: the replica replays nothing until told.
	_, err = admin.Do(ctx, apiclient.Request{Method: "POST", Path: "/api/v1/enterprises", NoWait: true,
		Body: map[string]string{"id": enterpriseA, "name": "A", "kind": "importer"}}, nil)
	require.NoError(t, err)
	height, err := p.Ledger.Height(ctx)
	require.NoError(t, err)
	require.Positive(t, height)
	require.Eventually(t, func() bool {
		var next uint64
		require.NoError(t, p.Pool.QueryRow(ctx, `SELECT next_block FROM indexer_checkpoint`).Scan(&next))
		return next == height
	}, 30*time.Second, 10*time.Millisecond, "the indexer writes the primary")

	indexed, err := p.Reads.IndexedHeight(ctx)
	require.NoError(t, err)
	require.Zero(t, indexed, "reads come from the replica, which has replayed nothing")
	_, err = p.Reads.Enterprise(ctx, enterpriseA)
	require.ErrorIs(t, err, query.ErrNotFound)
	_, err = p.ReadPool.Exec(ctx, `UPDATE indexer_checkpoint SET next_block = $1`, int64(height))
	require.NoError(t, err)
	waiting, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	require.NoError(t, p.Reads.WaitForBlock(waiting, height-1), "the replica has it now")
}
