package platform

import (
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/identities"
	"zonetrace/network/fabricledger"
	"zonetrace/network/ledger"
)

// fabricNode stops or starts one process of the test network.
func fabricNode(t *testing.T, action, name string) {
	t.Helper()
	out, err := exec.Command("../../network/fabric/node.sh", action, name).CombinedOutput()
	require.NoError(t, err, "%s %s: %s", action, name, out)
}

// raftLeader names the orderer leading channel's Raft cluster, waiting for
// one to be elected.
func raftLeader(t *testing.T, channel string) string {
	t.Helper()
	var out []byte
	var err error
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(500 * time.Millisecond) {
		if out, err = exec.Command("../../network/fabric/node.sh", "leader", channel).CombinedOutput(); err == nil {
			return strings.TrimSpace(string(out))
		}
	}
	t.Fatalf("no Raft leader of channel %s: %v: %s", channel, err, out)
	return ""
}

// registerEnterprise registers an enterprise through the API and returns
// the identity the gateway issued for it.
func (n *node) registerEnterprise(t testing.TB, id string) ledger.Signer {
	t.Helper()
	admin := n.client("admin")
	require.NoError(t, admin.Post(context.Background(), "/api/v1/enterprises", map[string]string{"id": id, "name": "Fault " + id, "kind": "importer"}, nil))
	signer, err := n.PKI.Load(model.ZoneAdminMSP, identities.EnterpriseCN(id))
	require.NoError(t, err)
	return signer
}

// TestFabricPeerAndOrdererFaults stops the peer the indexer reads blocks
// from and the orderer leading the channel's Raft cluster while clients
// keep submitting, then restarts both. The leader often dies holding the
// transactions of the block it was cutting (one per client), which only a
// resend gets ordered. No submission may be refused, every one must be
// mirrored exactly once, and the audit must come out clean.
func TestFabricPeerAndOrdererFaults(t *testing.T) {
	requireFabric(t)
	ctx := context.Background()
	n := startNode(t)
	signer := n.registerEnterprise(t, enterpriseA)
	data, err := json.Marshal(coffee("fault test batch"))
	require.NoError(t, err)

	type accepted struct {
		prefiling, tx string
		at            time.Time
	}
	var (
		mu       sync.Mutex
		done     []accepted
		failures []error
		seq      atomic.Int64
		stop     atomic.Bool
		wg       sync.WaitGroup
	)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stop.Load() {
				id := fmt.Sprintf("PF20261126F%07d", seq.Add(1))
				res, err := n.Ledger.Submit(ctx, signer, "DeclarePrefiling", "fault-"+id, id, string(data))
				mu.Lock()
				if err != nil {
					failures = append(failures, err)
				} else {
					done = append(done, accepted{id, res.TxID, time.Now()})
				}
				mu.Unlock()
			}
		}()
	}

	time.Sleep(3 * time.Second)
	faultStart := time.Now()
	conn, err := fabricledger.LoadConnection(n.fabricConnection)
	require.NoError(t, err)
	leader := raftLeader(t, conn.Channel)
	fabricNode(t, "stop", "peer-warehouse") // the indexer's block source
	fabricNode(t, "stop", leader)
	time.Sleep(10 * time.Second)
	faultEnd := time.Now()
	fabricNode(t, "start", "peer-warehouse")
	fabricNode(t, "start", leader)
	time.Sleep(8 * time.Second)
	stop.Store(true)
	wg.Wait()

	duringFault := 0
	for _, a := range done {
		if a.at.After(faultStart) && a.at.Before(faultEnd) {
			duringFault++
		}
	}
	t.Logf("%d submissions committed (%d while a peer and the Raft leader %s were down), %d refused", len(done), duringFault, leader, len(failures))
	for i, err := range failures {
		if i == 3 {
			break
		}
		t.Logf("refused: %v", err)
	}
	require.Empty(t, failures, "one peer and one orderer down lose no submission")
	require.NotEmpty(t, done)
	require.Positive(t, duringFault, "the network keeps committing with one peer and one orderer down")

	waitCtx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	height, err := n.Ledger.Height(waitCtx)
	require.NoError(t, err)
	require.NoError(t, n.waitIndexed(waitCtx, height), "the indexer reconnects and catches up")

	ids := make([]string, len(done))
	txs := make([]string, len(done))
	for i, a := range done {
		ids[i], txs[i] = a.prefiling, a.tx
	}
	var mirrored, rows int
	require.NoError(t, n.Pool.QueryRow(ctx, `SELECT count(*) FROM prefilings WHERE id = ANY($1)`, ids).Scan(&mirrored))
	require.Equal(t, len(done), mirrored, "no committed submission is lost")
	require.NoError(t, n.Pool.QueryRow(ctx, `SELECT count(*) FROM ledger_transactions WHERE valid AND tx_id = ANY($1)`, txs).Scan(&rows))
	require.Equal(t, len(done), rows, "each committed submission is mirrored once")

	report, err := Audit(waitCtx, AuditConfig{Ledger: LedgerFabric, FabricConnection: n.fabricConnection, DataDir: n.dir, DatabaseURL: n.dbURL})
	require.NoError(t, err)
	t.Logf("audit: %d blocks, %d tables", report.Blocks, report.Tables)
}
