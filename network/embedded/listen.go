package embedded

import (
	"context"
	"fmt"

	"github.com/hyperledger/fabric-chaincode-go/v2/pkg/cid"

	"zonetrace/network/ledger"
)

// Listen calls handle for every block from number from onwards: first the
// stored ones, then each new one as it commits, in order and without gaps or
// duplicates. It returns ctx.Err() when ctx ends, the handler's error
// (wrapped) when it fails, and ErrClosed when the ledger closes.
func (l *Ledger) Listen(ctx context.Context, from uint64, handle func(ledger.Block) error) error {
	next := from
	for {
		height, wake, closed := l.tip()
		for ; next < height; next++ {
			if err := ctx.Err(); err != nil {
				return err
			}
			b, err := l.readBlock(next)
			if err != nil {
				return fmt.Errorf("listen: %w", err)
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
// transaction's signatures are checked again on the way out.
func (l *Ledger) readBlock(n uint64) (ledger.Block, error) {
	if err := l.acquire(); err != nil {
		return ledger.Block{}, err
	}
	defer l.release()
	sb, err := getBlock(l.db, n)
	if err != nil {
		return ledger.Block{}, err
	}
	return toLedgerBlock(sb)
}

func toLedgerBlock(sb *storedBlock) (ledger.Block, error) {
	b := ledger.Block{
		Number:       sb.Header.Number,
		Hash:         sb.Header.hash(),
		PreviousHash: sb.Header.PreviousHash,
		DataHash:     sb.Header.DataHash,
		MetadataHash: sb.Header.MetadataHash,
		Transactions: make([]ledger.Transaction, len(sb.Data)),
	}
	for i, raw := range sb.Data {
		tx, err := openEnvelope(raw)
		if err != nil {
			return ledger.Block{}, fmt.Errorf("read block %d transaction %d: %w", sb.Header.Number, i, err)
		}
		creatorID, err := clientID(tx.prop.prop.Creator)
		if err != nil {
			return ledger.Block{}, fmt.Errorf("read block %d transaction %d: %w", sb.Header.Number, i, err)
		}
		code := sb.Metadata.ValidationCodes[i]
		t := ledger.Transaction{
			ID:             tx.prop.prop.TxID,
			Index:          i,
			Valid:          code == codeValid,
			ValidationCode: code,
			Creator:        ledger.Creator{MspID: tx.prop.mspID, ID: creatorID, CertPEM: tx.prop.certPEM},
			Timestamp:      tx.prop.prop.Timestamp,
			Function:       tx.prop.prop.Args[0],
			Writes:         keyWrites(tx.sim.RWSet),
			Raw:            raw,
		}
		if ev := tx.sim.Event; ev != nil {
			t.Event = &ledger.ChaincodeEvent{Name: ev.Name, Payload: ev.Payload}
		}
		b.Transactions[i] = t
	}
	return b, nil
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
