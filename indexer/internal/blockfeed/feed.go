// Package blockfeed is an in-memory ledger.Ledger for the indexer's tests: it
// serves blocks built from model events and can break its stream on purpose.
// It lives under indexer/internal so that only the indexer's tests use it; it
// is not a ledger (nothing is endorsed, ordered or persisted).
package blockfeed

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"sync"

	"zonetrace/network/ledger"
)

// ErrBroken is what Listen returns when it breaks the stream on purpose.
var ErrBroken = errors.New("blockfeed: stream broken on purpose")

// ErrReadOnly is returned by Submit and Evaluate: a feed only replays the
// blocks its test committed.
var ErrReadOnly = errors.New("blockfeed: submit and evaluate are not supported by a test feed")

// Feed is a growing list of committed blocks.
type Feed struct {
	mu         sync.Mutex
	blocks     []ledger.Block
	grown      chan struct{} // closed and replaced whenever a block is added
	breakAfter int
	listens    int
}

var _ ledger.Ledger = (*Feed)(nil)

// New returns an empty feed.
func New() *Feed {
	return &Feed{grown: make(chan struct{})}
}

// Commit appends one block holding txs (their Index is set to their position)
// and returns its number.
func (f *Feed) Commit(txs ...ledger.Transaction) uint64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := uint64(len(f.blocks))
	var prev []byte
	if n > 0 {
		prev = f.blocks[n-1].Hash
	}
	for i := range txs {
		txs[i].Index = i
	}
	h := sha256.New()
	h.Write(prev)
	h.Write(binary.BigEndian.AppendUint64(nil, n))
	for _, t := range txs {
		h.Write([]byte(t.ID))
	}
	f.blocks = append(f.blocks, ledger.Block{Number: n, Hash: h.Sum(nil), PreviousHash: prev, Transactions: txs})
	close(f.grown)
	f.grown = make(chan struct{})
	return n
}

// BreakAfter makes every later Listen call return ErrBroken after it has
// handed n blocks to its handler; 0 never breaks.
func (f *Feed) BreakAfter(n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.breakAfter = n
}

// Listens counts the Listen calls so far (reconnections included).
func (f *Feed) Listens() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.listens
}

// Listen hands blocks from number from onwards to handle, waiting for new
// ones, until ctx ends, handle fails or the stream breaks on purpose.
func (f *Feed) Listen(ctx context.Context, from uint64, handle func(ledger.Block) error) error {
	f.mu.Lock()
	f.listens++
	breakAfter := f.breakAfter
	f.mu.Unlock()
	served := 0
	for next := from; ; {
		if breakAfter > 0 && served == breakAfter {
			return ErrBroken
		}
		f.mu.Lock()
		grown := f.grown
		var b *ledger.Block
		if next < uint64(len(f.blocks)) {
			b = &f.blocks[next]
		}
		f.mu.Unlock()
		if b == nil {
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-grown:
				continue
			}
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := handle(*b); err != nil {
			return err
		}
		served++
		next++
	}
}

// Height is the number of committed blocks.
func (f *Feed) Height(context.Context) (uint64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return uint64(len(f.blocks)), nil
}

// Submit is not supported: it returns ErrReadOnly.
func (f *Feed) Submit(context.Context, ledger.Signer, string, ...string) (*ledger.SubmitResult, error) {
	return nil, ErrReadOnly
}

// Evaluate is not supported: it returns ErrReadOnly.
func (f *Feed) Evaluate(context.Context, ledger.Signer, string, ...string) ([]byte, error) {
	return nil, ErrReadOnly
}

// Close does nothing; a feed holds no resources.
func (f *Feed) Close() error { return nil }
