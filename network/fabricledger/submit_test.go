package fabricledger

import (
	"context"
	"log/slog"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/hyperledger/fabric-gateway/pkg/client"
	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"github.com/hyperledger/fabric-protos-go-apiv2/gateway"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/test/bufconn"
	"google.golang.org/protobuf/proto"
)

// scriptedGateway is a Fabric Gateway service that loses the first copies
// of every transaction submitted to it, as an orderer that stops after
// accepting them does: a transaction commits only once `lose` copies have
// been submitted before it.
type scriptedGateway struct {
	gateway.UnimplementedGatewayServer
	lose int

	mu        sync.Mutex
	submitted map[string]int
	committed map[string]chan struct{}
}

func newScriptedGateway(lose int) *scriptedGateway {
	return &scriptedGateway{lose: lose, submitted: map[string]int{}, committed: map[string]chan struct{}{}}
}

func (g *scriptedGateway) committedCh(txID string) chan struct{} {
	if g.committed[txID] == nil {
		g.committed[txID] = make(chan struct{})
	}
	return g.committed[txID]
}

func (g *scriptedGateway) Endorse(_ context.Context, req *gateway.EndorseRequest) (*gateway.EndorseResponse, error) {
	return &gateway.EndorseResponse{PreparedTransaction: endorsedEnvelope(req.GetChannelId(), req.GetTransactionId())}, nil
}

func (g *scriptedGateway) Submit(_ context.Context, req *gateway.SubmitRequest) (*gateway.SubmitResponse, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.submitted[req.GetTransactionId()]++
	if g.submitted[req.GetTransactionId()] == g.lose+1 {
		close(g.committedCh(req.GetTransactionId()))
	}
	return &gateway.SubmitResponse{}, nil
}

func (g *scriptedGateway) CommitStatus(ctx context.Context, req *gateway.SignedCommitStatusRequest) (*gateway.CommitStatusResponse, error) {
	var status gateway.CommitStatusRequest
	if err := proto.Unmarshal(req.GetRequest(), &status); err != nil {
		return nil, err
	}
	g.mu.Lock()
	committed := g.committedCh(status.GetTransactionId())
	g.mu.Unlock()
	select {
	case <-committed:
		return &gateway.CommitStatusResponse{Result: peer.TxValidationCode_VALID, BlockNumber: 7}, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (g *scriptedGateway) copies(txID string) int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.submitted[txID]
}

// endorsedEnvelope is the smallest envelope the client accepts as endorsed:
// a channel header and one action carrying the chaincode's result.
func endorsedEnvelope(channel, txID string) *common.Envelope {
	marshal := func(m proto.Message) []byte {
		b, err := proto.Marshal(m)
		if err != nil {
			panic(err)
		}
		return b
	}
	action := marshal(&peer.ChaincodeActionPayload{Action: &peer.ChaincodeEndorsedAction{
		ProposalResponsePayload: marshal(&peer.ProposalResponsePayload{
			Extension: marshal(&peer.ChaincodeAction{Response: &peer.Response{Status: 200, Payload: []byte("result")}}),
		}),
	}})
	return &common.Envelope{Payload: marshal(&common.Payload{
		Header: &common.Header{ChannelHeader: marshal(&common.ChannelHeader{ChannelId: channel, TxId: txID})},
		Data:   marshal(&peer.Transaction{Actions: []*peer.TransactionAction{{Payload: action}}}),
	})}
}

type testIdentity struct{}

func (testIdentity) MspID() string       { return "ZoneAdminMSP" }
func (testIdentity) Credentials() []byte { return []byte("certificate") }

// endorsedAgainst connects a client to g and returns an endorsed
// transaction, ready to submit.
func endorsedAgainst(t *testing.T, g *scriptedGateway) *client.Transaction {
	t.Helper()
	listener := bufconn.Listen(1 << 20)
	server := grpc.NewServer()
	gateway.RegisterGatewayServer(server, g)
	go func() { _ = server.Serve(listener) }()
	t.Cleanup(server.Stop)
	conn, err := grpc.NewClient("passthrough:///scripted",
		grpc.WithContextDialer(func(ctx context.Context, _ string) (net.Conn, error) { return listener.DialContext(ctx) }),
		grpc.WithTransportCredentials(insecure.NewCredentials()))
	require.NoError(t, err)
	t.Cleanup(func() { _ = conn.Close() })
	gw, err := client.Connect(testIdentity{}, client.WithClientConnection(conn),
		client.WithSign(func([]byte) ([]byte, error) { return []byte("signature"), nil }))
	require.NoError(t, err)
	proposal, err := gw.GetNetwork("zonetrace").GetContract("zonetrace").NewProposal("DeclarePrefiling")
	require.NoError(t, err)
	txn, err := proposal.Endorse()
	require.NoError(t, err)
	return txn
}

func TestSubmissionLostByTheOrdererIsSentAgain(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name       string
		lose       int
		wantCopies int
	}{
		{"a transaction that commits is sent once", 0, 1},
		{"a lost copy is sent again", 1, 2},
		{"copies lost twice are sent a third time", 2, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := newScriptedGateway(tc.lose)
			txn := endorsedAgainst(t, g)
			l := &Ledger{cfg: Config{ResendInterval: 50 * time.Millisecond, CommitStatusTimeout: 5 * time.Second, Logger: slog.New(slog.DiscardHandler)}}
			commit, err := l.send(ctx, txn)
			require.NoError(t, err)
			st, err := l.awaitStatus(ctx, txn, commit)
			require.NoError(t, err)
			require.Equal(t, peer.TxValidationCode_VALID, st.Code)
			require.Equal(t, uint64(7), st.BlockNumber)
			require.Equal(t, tc.wantCopies, g.copies(txn.TransactionID()))
		})
	}

	t.Run("a transaction never committed ends at the commit status timeout", func(t *testing.T) {
		g := newScriptedGateway(1000)
		txn := endorsedAgainst(t, g)
		l := &Ledger{cfg: Config{ResendInterval: 50 * time.Millisecond, CommitStatusTimeout: time.Second, Logger: slog.New(slog.DiscardHandler)}}
		commit, err := l.send(ctx, txn)
		require.NoError(t, err)
		_, err = l.awaitStatus(ctx, txn, commit)
		require.Error(t, err)
		// At most waits of 50, 100, 200 and 400 ms fit in the second, each
		// followed by a resend; without the doubling there would be 20.
		copies := g.copies(txn.TransactionID())
		require.GreaterOrEqual(t, copies, 2)
		require.LessOrEqual(t, copies, 5)
	})

	t.Run("the caller's context ends the wait without a resend", func(t *testing.T) {
		g := newScriptedGateway(1000)
		txn := endorsedAgainst(t, g)
		l := &Ledger{cfg: Config{ResendInterval: time.Minute, CommitStatusTimeout: time.Hour, Logger: slog.New(slog.DiscardHandler)}}
		commit, err := l.send(ctx, txn)
		require.NoError(t, err)
		shortCtx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
		defer cancel()
		_, err = l.awaitStatus(shortCtx, txn, commit)
		require.Error(t, err)
		require.Equal(t, 1, g.copies(txn.TransactionID()))
	})
}
