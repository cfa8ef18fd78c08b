package embedded

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/syndtr/goleveldb/leveldb"
	"github.com/syndtr/goleveldb/leveldb/opt"
)

// committer is the single goroutine that cuts, validates and writes blocks:
// the embedded orderer and committing peer in one.
type committer struct {
	l        *Ledger
	next     uint64
	lastHash []byte
}

func (c *committer) run() {
	defer close(c.l.committerDone)
	for {
		first, ok := <-c.l.queue
		if !ok {
			return
		}
		batch, open := c.cut(first)
		c.commit(batch)
		if !open {
			return
		}
	}
}

// cut collects transactions after first until the block is full, the batch
// timeout passes, the queue is closed (open false), or nothing more is
// coming: the queue is empty and no submitter is being endorsed. Waiting
// for the timeout then would only delay the transactions in hand; a lone
// transaction commits at once, and closed-loop clients that have all
// submitted share a block without waiting.
func (c *committer) cut(first *pendingTx) (batch []*pendingTx, open bool) {
	batch = []*pendingTx{first}
	timer := time.NewTimer(c.l.cfg.BatchTimeout)
	defer timer.Stop()
	for len(batch) < c.l.cfg.MaxBatchSize {
		select {
		case p, ok := <-c.l.queue:
			if !ok {
				return batch, false
			}
			batch = append(batch, p)
			continue
		default:
		}
		if c.l.endorsing.Load() == 0 {
			return batch, true
		}
		select {
		case p, ok := <-c.l.queue:
			if !ok {
				return batch, false
			}
			batch = append(batch, p)
		case <-c.l.endorsed:
		case <-timer.C:
			return batch, true
		}
	}
	return batch, true
}

// commit validates batch as block c.next, writes it with one synced LevelDB
// batch, then wakes listeners and submitters.
func (c *committer) commit(batch []*pendingTx) {
	if err := c.l.brokenErr(); err != nil {
		c.answer(batch, nil, err)
		return
	}
	wb, block, err := c.build(batch)
	if err == nil {
		err = c.l.db.Write(wb, &opt.WriteOptions{Sync: true})
	}
	if err != nil {
		err = fmt.Errorf("commit block %d: %w", c.next, err)
		c.l.cfg.Logger.Error("embedded ledger stopped committing", "err", err)
		c.l.tipMu.Lock()
		c.l.broken = err
		c.l.tipMu.Unlock()
		c.answer(batch, nil, err)
		return
	}
	view := blockView(block.Header, len(batch))
	for i, p := range batch {
		view.Transactions[i] = placed(p.view, i, block.Metadata.ValidationCodes[i])
	}
	// Before the height moves, so that listeners woken by it find the block
	// in memory.
	c.l.recent.put(view)
	c.lastHash = view.Hash
	c.next++
	c.l.tipMu.Lock()
	c.l.height = c.next
	close(c.l.newBlock)
	c.l.newBlock = make(chan struct{})
	c.l.tipMu.Unlock()
	c.l.cfg.Logger.Debug("block committed", "number", block.Header.Number, "transactions", len(batch))
	c.answer(batch, block, nil)
}

func (c *committer) answer(batch []*pendingTx, block *storedBlock, err error) {
	for i, p := range batch {
		if err != nil {
			p.done <- commitOutcome{err: err}
			continue
		}
		p.done <- commitOutcome{block: block.Header.Number, code: block.Metadata.ValidationCodes[i]}
	}
}

// build validates every transaction in order and stages the block, the state
// updates, history and transaction index in one LevelDB batch.
func (c *committer) build(batch []*pendingTx) (*leveldb.Batch, *storedBlock, error) {
	wb := new(leveldb.Batch)
	st := &blockState{db: c.l.db, overlay: map[string]*stateRecord{}, seen: map[string]bool{}}
	txs := make([]json.RawMessage, len(batch))
	codes := make([]string, len(batch))
	for i, p := range batch {
		txs[i] = p.tx.raw
		code, err := st.validate(p.tx)
		if err != nil {
			return nil, nil, err
		}
		codes[i] = code
		v := version{Block: c.next, Tx: uint64(i)}
		if code == codeValid {
			if err := st.apply(wb, p.tx, v); err != nil {
				return nil, nil, err
			}
		}
		if code != codeDuplicateTxID {
			st.seen[p.tx.prop.prop.TxID] = true
			wb.Put(txIDKey(p.tx.prop.prop.TxID), encodeVersion(v))
		}
	}
	block := newStoredBlock(c.next, c.lastHash, txs, codes)
	raw, err := encodeBlock(block)
	if err != nil {
		return nil, nil, err
	}
	wb.Put(blockKey(c.next), raw)
	wb.Put(heightKey, encodeUint64(c.next+1))
	return wb, block, nil
}

// blockState is committed state overlaid with the writes of the block's
// earlier valid transactions; a nil record in overlay is a delete.
type blockState struct {
	db      *leveldb.DB
	overlay map[string]*stateRecord
	seen    map[string]bool
}

func (s *blockState) get(key string) (*stateRecord, error) {
	if rec, ok := s.overlay[key]; ok {
		return rec, nil
	}
	raw, err := s.db.Get(stateKey(key), nil)
	if errors.Is(err, leveldb.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read state %q: %w", key, err)
	}
	return decodeState(raw)
}
