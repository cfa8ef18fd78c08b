package embedded

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/hyperledger/fabric-chaincode-go/v2/pkg/cid"

	"zonetrace/network/ledger"
)

// Listen calls handle for every block from number from onwards: first the
// stored ones, then each new one as it commits, in order and without gaps or
// duplicates. It returns ctx.Err() when ctx ends, the handler's error
// (wrapped) when it fails, and ErrClosed when the ledger closes. Recently
// committed blocks are shared by all listeners: handle must not modify the
// block it is given.
func (l *Ledger) Listen(ctx context.Context, from uint64, handle func(ledger.Block) error) error {
	next := from
	for {
		height, wake, closed := l.tip()
		for ; next < height; next++ {
			if err := ctx.Err(); err != nil {
				return err
			}
			b, ok := l.recent.get(next)
			if !ok {
				var err error
				if b, err = l.readBlock(next); err != nil {
					return fmt.Errorf("listen: %w", err)
				}
			}
			if err := handle(b); err != nil {
				return fmt.Errorf("listen: handle block %d: %w", next, err)
			}
		}
		if closed {
			return ErrClosed
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-wake:
		}
	}
}

// readBlock reads a committed block and converts it for listeners; each
// transaction's signatures are checked again on the way out, on all cores.
func (l *Ledger) readBlock(n uint64) (ledger.Block, error) {
	if err := l.acquire(); err != nil {
		return ledger.Block{}, err
	}
	defer l.release()
	sb, err := getBlock(l.db, n)
	if err != nil {
		return ledger.Block{}, err
	}
	b := blockView(sb.Header, len(sb.Data))
	err = parallel(len(sb.Data), func(i int) error {
		tx, err := openEnvelope(sb.Data[i])
		if err != nil {
			return fmt.Errorf("read block %d transaction %d: %w", n, i, err)
		}
		t, err := l.transactionView(tx)
		if err != nil {
			return fmt.Errorf("read block %d transaction %d: %w", n, i, err)
		}
		b.Transactions[i] = placed(t, i, sb.Metadata.ValidationCodes[i])
		return nil
	})
	if err != nil {
		return ledger.Block{}, err
	}
	return b, nil
}

// blockView is a block for listeners with room for n transactions.
func blockView(h blockHeader, n int) ledger.Block {
	return ledger.Block{
		Number:       h.Number,
		Hash:         h.hash(),
		PreviousHash: h.PreviousHash,
		DataHash:     h.DataHash,
		MetadataHash: h.MetadataHash,
		Transactions: make([]ledger.Transaction, n),
	}
}

// transactionView is what listeners see of a transaction, apart from its
// place in the block and its validation code (see placed).
func (l *Ledger) transactionView(tx *openedTx) (ledger.Transaction, error) {
	creatorID, err := l.clientIDs.of(tx.prop.prop.Creator)
	if err != nil {
		return ledger.Transaction{}, err
	}
	t := ledger.Transaction{
		ID:        tx.prop.prop.TxID,
		Creator:   ledger.Creator{MspID: tx.prop.mspID, ID: creatorID, CertPEM: tx.prop.certPEM},
		Timestamp: tx.prop.prop.Timestamp,
		Function:  tx.prop.prop.Args[0],
		Writes:    keyWrites(tx.sim.RWSet),
		Raw:       tx.raw,
	}
	if ev := tx.sim.Event; ev != nil {
		t.Event = &ledger.ChaincodeEvent{Name: ev.Name, Payload: ev.Payload}
	}
	return t, nil
}

func placed(t ledger.Transaction, index int, code string) ledger.Transaction {
	t.Index = index
	t.ValidationCode = code
	t.Valid = code == codeValid
	return t
}

// parallel runs do(0..n-1) on up to GOMAXPROCS goroutines and returns the
// error of the lowest index that failed.
func parallel(n int, do func(i int) error) error {
	workers := min(n, runtime.GOMAXPROCS(0))
	if workers <= 1 {
		for i := range n {
			if err := do(i); err != nil {
				return err
			}
		}
		return nil
	}
	errs := make([]error, n)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := int(next.Add(1)) - 1; i < n; i = int(next.Add(1)) - 1 {
				errs[i] = do(i)
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// recentBlocks keeps the last committed blocks as listeners see them, so
// that listeners keeping up (the indexer) take them from memory instead of
// decoding the block and checking its signatures again. The committer built
// them from the transactions it had just checked and written.
type recentBlocks struct {
	mu     sync.Mutex
	blocks [recentBlockCount]ledger.Block
	filled [recentBlockCount]bool
}

// recentBlockCount bounds the memory held: at most this many blocks of up
// to MaxBatchSize transactions each.
const recentBlockCount = 16

func (r *recentBlocks) put(b ledger.Block) {
	r.mu.Lock()
	defer r.mu.Unlock()
	i := b.Number % recentBlockCount
	r.blocks[i], r.filled[i] = b, true
}

func (r *recentBlocks) get(n uint64) (ledger.Block, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	i := n % recentBlockCount
	if !r.filled[i] || r.blocks[i].Number != n {
		return ledger.Block{}, false
	}
	return r.blocks[i], true
}

// Namespace is the chaincode namespace of the embedded ledger's keys: the
// name the chaincode is deployed under on Fabric (network/fabric/env.sh), so
// keys written read the same in both modes.
const Namespace = "zonetrace"

func keyWrites(rw rwSet) []ledger.KeyWrite {
	if len(rw.Writes) == 0 {
		return nil
	}
	out := make([]ledger.KeyWrite, len(rw.Writes))
	for i, w := range rw.Writes {
		out[i] = ledger.KeyWrite{Namespace: Namespace, Key: w.Key, Delete: w.Delete}
	}
	return out
}

// creatorBytes lets cid compute the client ID exactly as the chaincode's
// GetClientIdentity().GetID() does.
type creatorBytes []byte

func (c creatorBytes) GetCreator() ([]byte, error) { return c, nil }

// clientIDCache remembers the client ID of each creator: computing it parses
// the certificate, and a few identities submit most transactions.
type clientIDCache struct {
	mu  sync.Mutex
	ids map[string]string
}

// maxCachedClientIDs bounds the cache; it starts afresh when full.
const maxCachedClientIDs = 4096

func (c *clientIDCache) of(creator []byte) (string, error) {
	c.mu.Lock()
	id, ok := c.ids[string(creator)]
	c.mu.Unlock()
	if ok {
		return id, nil
	}
	id, err := clientID(creator)
	if err != nil {
		return "", err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ids == nil || len(c.ids) >= maxCachedClientIDs {
		c.ids = map[string]string{}
	}
	c.ids[string(creator)] = id
	return id, nil
}

func clientID(creator []byte) (string, error) {
	ci, err := cid.New(creatorBytes(creator))
	if err != nil {
		return "", fmt.Errorf("read creator: %w", err)
	}
	id, err := ci.GetID()
	if err != nil {
		return "", fmt.Errorf("read creator ID: %w", err)
	}
	return id, nil
}
