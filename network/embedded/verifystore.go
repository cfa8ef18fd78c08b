package embedded

import (
	"bytes"
	"errors"
	"fmt"
	"path/filepath"

	"github.com/syndtr/goleveldb/leveldb"
	"github.com/syndtr/goleveldb/leveldb/opt"
)

// CorruptionError locates the first inconsistency VerifyStore found. Tx is
// -1 when the block itself is at fault.
type CorruptionError struct {
	Block  uint64
	Tx     int
	Reason string
}

func (e *CorruptionError) Error() string {
	if e.Tx < 0 {
		return fmt.Sprintf("ledger store corrupt at block %d: %s", e.Block, e.Reason)
	}
	return fmt.Sprintf("ledger store corrupt at block %d transaction %d: %s", e.Block, e.Tx, e.Reason)
}

// VerifyStore re-reads every block of the ledger stored in dir (the
// Config.Dir of a ledger that is not open) and checks the hash chain, the
// data and metadata hashes and both signatures of every transaction. It
// returns a *CorruptionError for the first bad block or transaction. It does
// not check whether creators' certificates were trusted: that needs the
// MSPs' CAs and the time of submission.
func VerifyStore(dir string) error { return VerifyStoreProgress(dir, nil) }

// VerifyStoreProgress is VerifyStore reporting, after each block, how many
// blocks it checked of the height (progress may be nil).
func VerifyStoreProgress(dir string, progress func(checked, height uint64)) error {
	db, err := leveldb.OpenFile(filepath.Join(dir, dbDir), &opt.Options{ReadOnly: true, ErrorIfMissing: true})
	if err != nil {
		return fmt.Errorf("verify store: open database: %w", err)
	}
	defer db.Close() //nolint:errcheck // read-only: nothing to flush
	raw, err := db.Get(heightKey, nil)
	var height uint64
	switch {
	case errors.Is(err, leveldb.ErrNotFound):
	case err != nil:
		return fmt.Errorf("verify store: read height: %w", err)
	default:
		if height, err = decodeUint64(raw); err != nil {
			return &CorruptionError{Block: 0, Tx: -1, Reason: err.Error()}
		}
	}
	var prevHash []byte
	for n := range height {
		if prevHash, err = verifyBlock(db, n, prevHash); err != nil {
			return err
		}
		if progress != nil {
			progress(n+1, height)
		}
	}
	if has, err := db.Has(blockKey(height), nil); err != nil {
		return fmt.Errorf("verify store: %w", err)
	} else if has {
		return &CorruptionError{Block: height, Tx: -1, Reason: "block stored beyond the recorded height"}
	}
	return nil
}

// verifyBlock checks block n against the previous block's hash and returns
// its own hash.
func verifyBlock(db *leveldb.DB, n uint64, prevHash []byte) ([]byte, error) {
	corrupt := func(tx int, format string, args ...any) error {
		return &CorruptionError{Block: n, Tx: tx, Reason: fmt.Sprintf(format, args...)}
	}
	raw, err := db.Get(blockKey(n), nil)
	if errors.Is(err, leveldb.ErrNotFound) {
		return nil, corrupt(-1, "block missing")
	}
	if err != nil {
		return nil, fmt.Errorf("verify store: read block %d: %w", n, err)
	}
	b, err := decodeBlock(raw)
	if err != nil {
		return nil, corrupt(-1, "%v", err)
	}
	h := b.Header
	switch {
	case h.Number != n:
		return nil, corrupt(-1, "header says block %d", h.Number)
	case !bytes.Equal(h.PreviousHash, prevHash):
		return nil, corrupt(-1, "previous hash %x does not match block %d's hash %x", h.PreviousHash, n-1, prevHash)
	case !bytes.Equal(h.DataHash, dataHash(b.Data)):
		return nil, corrupt(-1, "data hash does not match the transactions")
	case !bytes.Equal(h.MetadataHash, metadataHash(b.Metadata.ValidationCodes)):
		return nil, corrupt(-1, "metadata hash does not match the validation codes")
	}
	for i, tx := range b.Data {
		if _, err := openEnvelope(tx); err != nil {
			return nil, corrupt(i, "%v", err)
		}
		switch code := b.Metadata.ValidationCodes[i]; code {
		case codeValid, codeMVCCConflict, codePhantomRead, codeDuplicateTxID:
		default:
			return nil, corrupt(i, "unknown validation code %q", code)
		}
	}
	return h.hash(), nil
}
