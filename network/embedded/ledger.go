package embedded

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"

	"github.com/syndtr/goleveldb/leveldb"
	"github.com/syndtr/goleveldb/leveldb/opt"

	"zonetrace/network/ledger"
)

// ErrClosed is returned by a Ledger after Close.
var ErrClosed = errors.New("embedded ledger: closed")

// dbDir is the LevelDB directory inside Config.Dir.
const dbDir = "ledgerdb"

// Ledger is the embedded single-process ledger. It implements ledger.Ledger
// and is safe for concurrent use.
type Ledger struct {
	cfg   Config
	db    *leveldb.DB
	queue chan *pendingTx
	// retrySem lets one conflicted transaction at a time re-simulate and
	// commit, so that a hot key converges instead of starving retries.
	retrySem      chan struct{}
	committerDone chan struct{}
	recent        recentBlocks
	clientIDs     clientIDCache

	// endorsing counts the submissions between proposal and queue; endorsed
	// wakes the committer when it drops to zero (see committer.cut).
	endorsing atomic.Int64
	endorsed  chan struct{}

	// mu guards closed; simulations and enqueues hold it for reading so that
	// Close never closes the queue or the database under them.
	mu     sync.RWMutex
	closed bool

	// tipMu guards the committed height and the channel closed at the next
	// commit, which is how listeners wait for new blocks.
	tipMu     sync.Mutex
	height    uint64
	newBlock  chan struct{}
	tipClosed bool
	broken    error
}

var _ ledger.Ledger = (*Ledger)(nil)

// Open opens or creates the ledger stored in cfg.Dir and starts its
// committer.
func Open(ctx context.Context, cfg Config) (*Ledger, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, fmt.Errorf("open embedded ledger: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("open embedded ledger: %w", err)
	}
	if err := os.MkdirAll(cfg.Dir, 0o700); err != nil {
		return nil, fmt.Errorf("open embedded ledger: create %s: %w", cfg.Dir, err)
	}
	db, err := leveldb.OpenFile(filepath.Join(cfg.Dir, dbDir), dbOptions)
	if err != nil {
		return nil, fmt.Errorf("open embedded ledger: open database: %w", err)
	}
	height, lastHash, err := recoverTip(db)
	if err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("open embedded ledger: %w", err)
	}
	l := &Ledger{
		cfg:           cfg,
		db:            db,
		queue:         make(chan *pendingTx, 2*cfg.MaxBatchSize),
		retrySem:      make(chan struct{}, 1),
		endorsed:      make(chan struct{}, 1),
		committerDone: make(chan struct{}),
		height:        height,
		newBlock:      make(chan struct{}),
	}
	c := &committer{l: l, next: height, lastHash: lastHash}
	go c.run()
	cfg.Logger.Info("embedded ledger opened", "dir", cfg.Dir, "channel", cfg.ChannelID, "height", height)
	return l, nil
}

// dbOptions give LevelDB a larger memory table than its 4 MiB default: every
// block writes its envelopes, state, history and index, and a small table
// meant a compaction every few hundred transactions, in the profile about a
// tenth of the CPU of a submit.
var dbOptions = &opt.Options{WriteBuffer: 32 * opt.MiB}

// recoverTip reads the committed height and the hash of the last block.
func recoverTip(db *leveldb.DB) (uint64, []byte, error) {
	raw, err := db.Get(heightKey, nil)
	if errors.Is(err, leveldb.ErrNotFound) {
		return 0, nil, nil
	}
	if err != nil {
		return 0, nil, fmt.Errorf("read height: %w", err)
	}
	height, err := decodeUint64(raw)
	if err != nil {
		return 0, nil, fmt.Errorf("read height: %w", err)
	}
	if height == 0 {
		return 0, nil, nil
	}
	b, err := getBlock(db, height-1)
	if err != nil {
		return 0, nil, fmt.Errorf("read last block: %w", err)
	}
	return height, b.Header.hash(), nil
}

func getBlock(db *leveldb.DB, n uint64) (*storedBlock, error) {
	raw, err := db.Get(blockKey(n), nil)
	if err != nil {
		return nil, fmt.Errorf("read block %d: %w", n, err)
	}
	return decodeBlock(raw)
}

// Height returns the number of committed blocks.
func (l *Ledger) Height(ctx context.Context) (uint64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	h, _, closed := l.tip()
	if closed {
		return 0, ErrClosed
	}
	return h, nil
}

func (l *Ledger) tip() (height uint64, wake <-chan struct{}, closed bool) {
	l.tipMu.Lock()
	defer l.tipMu.Unlock()
	return l.height, l.newBlock, l.tipClosed
}

// Close commits the transactions already ordered, stops the committer and
// closes the database. Listeners return ErrClosed.
func (l *Ledger) Close() error {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return nil
	}
	l.closed = true
	close(l.queue)
	l.mu.Unlock()

	<-l.committerDone
	l.tipMu.Lock()
	l.tipClosed = true
	close(l.newBlock)
	l.tipMu.Unlock()
	if err := l.db.Close(); err != nil {
		return fmt.Errorf("close embedded ledger: %w", err)
	}
	return nil
}

// acquire admits one operation that uses the database; release must follow.
func (l *Ledger) acquire() error {
	l.mu.RLock()
	if l.closed {
		l.mu.RUnlock()
		return ErrClosed
	}
	return nil
}

func (l *Ledger) release() { l.mu.RUnlock() }
