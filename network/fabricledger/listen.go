package fabricledger

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/hyperledger/fabric-gateway/pkg/client"
	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"google.golang.org/protobuf/proto"

	"zonetrace/network/ledger"
)

// Listen streams full blocks from number from onwards from one peer's
// Deliver service and calls handle for each, in order. It returns ctx.Err()
// when ctx ends, the handler's error when it fails, and otherwise the
// stream's own error; after a broken stream the next call reads from the
// next organisation's peer. fabric-gateway's BlockEvents channel is not used
// because it closes without saying why.
func (l *Ledger) Listen(ctx context.Context, from uint64, handle func(ledger.Block) error) error {
	org := int(l.events.Load()) % len(l.conns)
	err := l.listenPeer(ctx, org, from, handle)
	var handlerErr *handlerError
	if ctx.Err() == nil && !errors.As(err, &handlerErr) {
		l.events.CompareAndSwap(int64(org), int64((org+1)%len(l.conns)))
	}
	return err
}

type handlerError struct{ err error }

func (e *handlerError) Error() string { return e.err.Error() }
func (e *handlerError) Unwrap() error { return e.err }

func (l *Ledger) listenPeer(ctx context.Context, org int, from uint64, handle func(ledger.Block) error) error {
	endpoint := l.cfg.Connection.Organizations[org].PeerEndpoint
	request, err := l.deliverRequest(org, from)
	if err != nil {
		return fmt.Errorf("listen from block %d: %w", from, err)
	}
	parent := ctx
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var received atomic.Uint64 // blocks delivered so far, read by the watchdog
	go l.watchStall(ctx, cancel, from, &received)
	stream, err := peer.NewDeliverClient(l.conns[org]).Deliver(ctx)
	if err != nil {
		return fmt.Errorf("listen from block %d at %s: open stream: %w", from, endpoint, err)
	}
	if err := stream.Send(request); err != nil {
		return fmt.Errorf("listen from block %d at %s: send request: %w", from, endpoint, err)
	}
	if err := stream.CloseSend(); err != nil {
		return fmt.Errorf("listen from block %d at %s: close request: %w", from, endpoint, err)
	}
	next := from
	for {
		resp, err := stream.Recv()
		if err != nil {
			if parent.Err() != nil {
				return parent.Err()
			}
			if cause := context.Cause(ctx); errors.Is(cause, errStalled) {
				return fmt.Errorf("listen at %s: before block %d: %w", endpoint, next, cause)
			}
			return fmt.Errorf("listen at %s: block stream broke before block %d: %w", endpoint, next, err)
		}
		switch r := resp.GetType().(type) {
		case *peer.DeliverResponse_Block:
			b, err := toLedgerBlock(r.Block, l.cfg.Connection.Chaincode)
			if err != nil {
				return fmt.Errorf("listen at %s: %w", endpoint, err)
			}
			if b.Number != next {
				return fmt.Errorf("listen at %s: received block %d, expected %d", endpoint, b.Number, next)
			}
			if err := handle(b); err != nil {
				return &handlerError{fmt.Errorf("listen: handle block %d: %w", b.Number, err)}
			}
			next++
			received.Add(1)
		case *peer.DeliverResponse_Status:
			return fmt.Errorf("listen at %s: stream ended before block %d with status %s", endpoint, next, r.Status)
		default:
			return fmt.Errorf("listen at %s: unexpected deliver response %T", endpoint, r)
		}
	}
}

// errStalled ends a block stream that delivers nothing while the channel
// has grown past it: a peer left behind (its orderer down, its connection
// half-open) would otherwise hold the indexer forever.
var errStalled = errors.New("block stream stalled behind the channel")

// stallTimeout is how long a stream may stay silent while behind.
const stallTimeout = 15 * time.Second

// watchStall cancels the stream when no block arrived for stallTimeout and
// the channel, asked through any peer, is higher than what was delivered.
func (l *Ledger) watchStall(ctx context.Context, cancel context.CancelCauseFunc, from uint64, received *atomic.Uint64) {
	ticker := time.NewTicker(stallTimeout / 3)
	defer ticker.Stop()
	last, lastChange := received.Load(), time.Now()
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
		if n := received.Load(); n != last {
			last, lastChange = n, time.Now()
			continue
		}
		if time.Since(lastChange) < stallTimeout {
			continue
		}
		height, err := l.Height(ctx)
		if err == nil && height > from+last {
			cancel(fmt.Errorf("%w: silent for %s at block %d, channel height %d", errStalled, stallTimeout, from+last, height))
			return
		}
	}
}

// deliverRequest builds the signed seek request for blocks from number from
// to the end of time, as the listener.
func (l *Ledger) deliverRequest(org int, from uint64) (*common.Envelope, error) {
	gw, err := l.gateway(l.cfg.Listener, org)
	if err != nil {
		return nil, err
	}
	req, err := gw.GetNetwork(l.cfg.Connection.Channel).NewBlockEventsRequest(client.WithStartBlock(from))
	if err != nil {
		return nil, fmt.Errorf("build block request: %w", err)
	}
	raw, err := req.Bytes()
	if err != nil {
		return nil, fmt.Errorf("build block request: %w", err)
	}
	sig, err := l.cfg.Listener.Sign(req.Digest())
	if err != nil {
		return nil, fmt.Errorf("sign block request: %w", err)
	}
	var env common.Envelope
	if err := proto.Unmarshal(raw, &env); err != nil {
		return nil, fmt.Errorf("build block request: %w", err)
	}
	env.Signature = sig
	return &env, nil
}
