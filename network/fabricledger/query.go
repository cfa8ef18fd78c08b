package fabricledger

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/hyperledger/fabric-gateway/pkg/client"
	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"google.golang.org/protobuf/proto"
)

// querySystem evaluates a qscc function as the listener, trying each
// organisation's peer in turn, starting with the events peer, so a stopped
// peer does not blind the ledger.
func (l *Ledger) querySystem(ctx context.Context, function string, args ...string) ([]byte, error) {
	n := len(l.conns)
	start := int(l.events.Load()) % n
	var errs []string
	for i := range n {
		org := (start + i) % n
		gw, err := l.gateway(l.cfg.Listener, org)
		if err != nil {
			return nil, err
		}
		qscc := gw.GetNetwork(l.cfg.Connection.Channel).GetContract("qscc")
		out, err := qscc.EvaluateWithContext(ctx, function, client.WithArguments(append([]string{l.cfg.Connection.Channel}, args...)...))
		if err == nil {
			return out, nil
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if strings.Contains(describe(err), "no such transaction") {
			return nil, errNoSuchTransaction
		}
		errs = append(errs, l.cfg.Connection.Organizations[org].PeerEndpoint+": "+describe(err))
	}
	return nil, fmt.Errorf("query %s: no peer answered: %s", function, strings.Join(errs, "; "))
}

type notFound string

func (e notFound) Error() string { return string(e) }

const errNoSuchTransaction = notFound("no such transaction")

// Height returns the number of blocks of the channel (qscc GetChainInfo).
func (l *Ledger) Height(ctx context.Context) (uint64, error) {
	// Every peer is asked and the highest answer wins: a peer cut off from
	// the orderers reports its own stale height, and trusting it would hide
	// exactly the lag a caller asks about.
	var (
		height   uint64
		answered bool
		errs     []string
	)
	for org := range l.conns {
		h, err := l.peerHeight(ctx, org)
		if err != nil {
			if ctx.Err() != nil {
				return 0, ctx.Err()
			}
			errs = append(errs, err.Error())
			continue
		}
		answered = true
		height = max(height, h)
	}
	if !answered {
		return 0, fmt.Errorf("read height: no peer answered: %s", strings.Join(errs, "; "))
	}
	return height, nil
}

// peerHeight asks one organisation's peer for its chain height.
func (l *Ledger) peerHeight(ctx context.Context, org int) (uint64, error) {
	gw, err := l.gateway(l.cfg.Listener, org)
	if err != nil {
		return 0, err
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	qscc := gw.GetNetwork(l.cfg.Connection.Channel).GetContract("qscc")
	raw, err := qscc.EvaluateWithContext(ctx, "GetChainInfo", client.WithArguments(l.cfg.Connection.Channel))
	if err != nil {
		return 0, fmt.Errorf("%s: %s", l.cfg.Connection.Organizations[org].PeerEndpoint, describe(err))
	}
	var info common.BlockchainInfo
	if err := proto.Unmarshal(raw, &info); err != nil {
		return 0, fmt.Errorf("read height: decode chain info: %w", err)
	}
	return info.GetHeight(), nil
}

// Block returns block n as the peer stores it (qscc GetBlockByNumber).
func (l *Ledger) Block(ctx context.Context, n uint64) (*common.Block, error) {
	raw, err := l.querySystem(ctx, "GetBlockByNumber", strconv.FormatUint(n, 10))
	if err != nil {
		return nil, fmt.Errorf("read block %d: %w", n, err)
	}
	var b common.Block
	if err := proto.Unmarshal(raw, &b); err != nil {
		return nil, fmt.Errorf("read block %d: decode: %w", n, err)
	}
	return &b, nil
}

// transactionStatus looks a transaction up in the ledger.
func (l *Ledger) transactionStatus(ctx context.Context, txID string) (block uint64, code peer.TxValidationCode, found bool, err error) {
	raw, err := l.querySystem(ctx, "GetTransactionByID", txID)
	if errors.Is(err, errNoSuchTransaction) {
		return 0, 0, false, nil
	}
	if err != nil {
		return 0, 0, false, fmt.Errorf("look up transaction %s: %w", txID, err)
	}
	var ptx peer.ProcessedTransaction
	if err := proto.Unmarshal(raw, &ptx); err != nil {
		return 0, 0, false, fmt.Errorf("look up transaction %s: decode: %w", txID, err)
	}
	raw, err = l.querySystem(ctx, "GetBlockByTxID", txID)
	if err != nil {
		return 0, 0, false, fmt.Errorf("look up block of transaction %s: %w", txID, err)
	}
	var b common.Block
	if err := proto.Unmarshal(raw, &b); err != nil {
		return 0, 0, false, fmt.Errorf("look up block of transaction %s: decode: %w", txID, err)
	}
	return b.GetHeader().GetNumber(), peer.TxValidationCode(ptx.GetValidationCode()), true, nil
}
