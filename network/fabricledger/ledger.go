package fabricledger

import (
	"context"
	"crypto/sha256"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"sync"
	"sync/atomic"

	"github.com/hyperledger/fabric-gateway/pkg/client"
	"github.com/hyperledger/fabric-gateway/pkg/hash"
	"github.com/hyperledger/fabric-gateway/pkg/identity"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"

	"zonetrace/network/ledger"
)

// ErrClosed is returned by a Ledger after Close.
var ErrClosed = errors.New("fabric ledger: closed")

// Ledger is a ledger.Ledger over a Fabric network. It is safe for concurrent
// use.
type Ledger struct {
	cfg   Config
	conns []*grpc.ClientConn // one per organisation's peer, in Connection order
	// events is the index of the peer the next Listen reads from; a broken
	// stream moves it on.
	events atomic.Int64

	mu       sync.Mutex
	closed   bool
	gateways map[gatewayKey]*client.Gateway

	// retrying admits one conflicted transaction at a time: when many
	// writers race on one key (a popular batch's balance), letting them all
	// retry at once repeats the race round after round, while one at a time
	// converges.
	retrying chan struct{}
}

type gatewayKey struct {
	mspID string
	cert  [sha256.Size]byte
	org   int
}

var _ ledger.Ledger = (*Ledger)(nil)

// Open prepares connections to every organisation's peer. gRPC connects
// lazily, so Open succeeds while peers are still starting; the first call
// that needs a peer waits for it up to the configured timeouts.
func Open(ctx context.Context, cfg Config) (*Ledger, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, fmt.Errorf("open fabric ledger: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("open fabric ledger: %w", err)
	}
	l := &Ledger{cfg: cfg, gateways: map[gatewayKey]*client.Gateway{}, retrying: make(chan struct{}, 1)}
	for _, org := range cfg.Connection.Organizations {
		conn, err := dial(org)
		if err != nil {
			_ = l.Close()
			return nil, fmt.Errorf("open fabric ledger: %w", err)
		}
		l.conns = append(l.conns, conn)
	}
	l.events.Store(int64(cfg.Connection.orgIndex(cfg.EventsMSP)))
	cfg.Logger.Info("fabric ledger opened", "channel", cfg.Connection.Channel,
		"chaincode", cfg.Connection.Chaincode, "peers", len(l.conns), "events_from", cfg.EventsMSP)
	return l, nil
}

func dial(org Organization) (*grpc.ClientConn, error) {
	caPEM, err := os.ReadFile(org.TLSCACert)
	if err != nil {
		return nil, fmt.Errorf("read TLS CA of %s: %w", org.MspID, err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(caPEM) {
		return nil, fmt.Errorf("read TLS CA of %s: no certificate in %s", org.MspID, org.TLSCACert)
	}
	creds := credentials.NewClientTLSFromCert(pool, org.PeerHostOverride)
	conn, err := grpc.NewClient(org.PeerEndpoint, grpc.WithTransportCredentials(creds))
	if err != nil {
		return nil, fmt.Errorf("connect to peer of %s at %s: %w", org.MspID, org.PeerEndpoint, err)
	}
	return conn, nil
}

// homeOrg is the index of the peer a signer's requests go to: its own
// organisation's, or the first one for identities of other MSPs.
func (l *Ledger) homeOrg(s ledger.Signer) int {
	if i := l.cfg.Connection.orgIndex(s.MspID()); i >= 0 {
		return i
	}
	return 0
}

// gateway returns the cached gateway of signer on organisation org's peer.
func (l *Ledger) gateway(s ledger.Signer, org int) (*client.Gateway, error) {
	certPEM := s.Credentials()
	key := gatewayKey{mspID: s.MspID(), cert: sha256.Sum256(certPEM), org: org}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return nil, ErrClosed
	}
	if gw, ok := l.gateways[key]; ok {
		return gw, nil
	}
	cert, err := identity.CertificateFromPEM(certPEM)
	if err != nil {
		return nil, fmt.Errorf("read certificate of signer: %w", err)
	}
	id, err := identity.NewX509Identity(s.MspID(), cert)
	if err != nil {
		return nil, fmt.Errorf("build identity of signer: %w", err)
	}
	gw, err := client.Connect(id,
		client.WithSign(s.Sign),
		client.WithHash(hash.SHA256),
		client.WithClientConnection(l.conns[org]),
		client.WithEvaluateTimeout(l.cfg.EvaluateTimeout),
		client.WithEndorseTimeout(l.cfg.EndorseTimeout),
		client.WithSubmitTimeout(l.cfg.SubmitTimeout),
		client.WithCommitStatusTimeout(l.cfg.CommitStatusTimeout),
	)
	if err != nil {
		return nil, fmt.Errorf("connect gateway of %s: %w", s.MspID(), err)
	}
	l.gateways[key] = gw
	return gw, nil
}

func (l *Ledger) contract(s ledger.Signer, org int) (*client.Contract, error) {
	gw, err := l.gateway(s, org)
	if err != nil {
		return nil, err
	}
	return gw.GetNetwork(l.cfg.Connection.Channel).GetContract(l.cfg.Connection.Chaincode), nil
}

// Close closes every gateway and peer connection.
func (l *Ledger) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return nil
	}
	l.closed = true
	var errs []error
	for _, gw := range l.gateways {
		errs = append(errs, gw.Close())
	}
	for _, c := range l.conns {
		errs = append(errs, c.Close())
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("close fabric ledger: %w", err)
	}
	return nil
}
