package embedded

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/syndtr/goleveldb/leveldb"
)

func TestVerifyStore(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	for _, v := range []string{"alpha", "bravo", "charlie"} {
		_, err := f.ledger.Submit(ctx, f.customs, "Put", "k", v)
		require.NoError(t, err)
	}
	require.NoError(t, f.ledger.Close())

	t.Run("a good store passes", func(t *testing.T) {
		require.NoError(t, VerifyStore(f.cfg.Dir))
	})

	for _, tc := range []struct {
		name   string
		tamper func(t *testing.T, b *storedBlock) []byte
		tx     int
	}{
		{
			name: "a flipped byte in a transaction breaks the data hash",
			tamper: func(t *testing.T, b *storedBlock) []byte {
				raw, err := json.Marshal(b)
				require.NoError(t, err)
				return flipByte(t, raw, "bravo")
			},
			tx: -1,
		},
		{
			name: "a tampered transaction with recomputed hashes fails its signature",
			tamper: func(t *testing.T, b *storedBlock) []byte {
				b.Data[0] = flipByte(t, b.Data[0], "bravo")
				b.Header.DataHash = dataHash(b.Data)
				raw, err := json.Marshal(b)
				require.NoError(t, err)
				return raw
			},
			tx: 0,
		},
		{
			name: "a rewritten validation code breaks the metadata hash",
			tamper: func(t *testing.T, b *storedBlock) []byte {
				b.Metadata.ValidationCodes[0] = codeMVCCConflict
				raw, err := json.Marshal(b)
				require.NoError(t, err)
				return raw
			},
			tx: -1,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			require.NoError(t, os.CopyFS(dir, os.DirFS(f.cfg.Dir)))
			db, err := leveldb.OpenFile(filepath.Join(dir, dbDir), nil)
			require.NoError(t, err)
			raw, err := db.Get(blockKey(1), nil)
			require.NoError(t, err)
			b, err := decodeBlock(raw)
			require.NoError(t, err)
			require.NoError(t, db.Put(blockKey(1), tc.tamper(t, b), nil))
			require.NoError(t, db.Close())

			err = VerifyStore(dir)
			var corrupt *CorruptionError
			require.ErrorAs(t, err, &corrupt)
			require.Equal(t, uint64(1), corrupt.Block)
			require.Equal(t, tc.tx, corrupt.Tx)
		})
	}

	t.Run("a missing store is an error, not a pass", func(t *testing.T) {
		require.Error(t, VerifyStore(t.TempDir()))
	})
}

// flipByte changes one byte of the base64 or plain occurrence of word.
func flipByte(t *testing.T, raw []byte, word string) []byte {
	t.Helper()
	out := bytes.Clone(raw)
	i := bytes.Index(out, []byte(word))
	require.GreaterOrEqual(t, i, 0, "%q not found", word)
	out[i] ^= 0x01
	return out
}
